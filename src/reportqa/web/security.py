"""The guard in front of every route: which face a path belongs to, who is asking, how fast and how much.

One ASGI middleware (`Guard`) sees every request before any route, our own or Gradio's:

1. **Client identity.** The peer address; `X-Forwarded-For`/`-Proto`/`-Host` count only when the peer is
   one of REPORTQA_TRUSTED_PROXIES, and are removed from the request otherwise (Gradio would trust them).
   Gradio's session hashes and /call event ids a signed-in request names are bound to its account
   (`GradioIds`): another account's id reaches nothing of that account's conversation.
2. **Faces.** `RULES` maps path prefixes to a face. Public paths are served to anyone. Everything else is
   staff: it needs a signed-in account (session cookie or `Authorization: Bearer` token), is not served at
   all in public mode, and a staff POST with a session cookie must come from this server's own pages
   (the Origin check). Some paths are closed to everyone (Gradio's uploads, OpenAPI, dev routes).
3. **Rate limits** per client (public) or per account (staff), by the rule's limit class; 429 with
   Retry-After. Limits come from `limits` (moving window, in memory: one server process).
4. **Body limits** for every request, counted as the bytes arrive (not only Content-Length); a body
   that is not UTF-8, nested deeper than REPORTQA_MAX_JSON_DEPTH (whatever its Content-Type), or
   declared JSON and malformed, is answered 400 before any route.
   A rule may name a larger limit of its own: /v1/ has REPORTQA_API_MAX_BODY, as chat clients resend
   the whole conversation each time, and answers its refusals in OpenAI's error shape, which they read.
5. **Headers** on every response: a Content-Security-Policy without inline script (Gradio's own inline
   bootstrap scripts get a per-response nonce), frame-ancestors for /widget any site (it is public and
   read-only) or the REPORTQA_FRAME_ORIGINS listed, and 'none' elsewhere, nosniff, a Referrer-Policy,
   HSTS over https, no-store on staff pages.

A new route is public only when a rule says so: add a `Rule` to `RULES` (or pass `extra_rules` to
`Guard`). `/v1/` (the OpenAI-compatible API) is listed already; anything unlisted is staff.
"""
from __future__ import annotations

import functools
import hmac
import ipaddress
import json
import logging
import math
import re
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlencode

from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from ..errors import ConfigError

log = logging.getLogger(__name__)

PUBLIC, STAFF, LOGIN, CLOSED = "public", "staff", "login", "closed"
FORWARDED = (b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"x-forwarded-port",
             b"x-real-ip", b"forwarded")
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Rule:
    """Paths starting with `prefix` (or equal to it, when `exact`) belong to `face`; `limits` names the
    rate-limit class per method ("*": any other method), None for none; `max_body` the Settings field
    bounding an anonymous client's body here; `errors` the shape of the Guard's refusals ("plain":
    {"error": message}; "openai": OpenAI's {"error": {"message", "type", "param", "code"}})."""
    prefix: str
    face: str
    limits: dict = field(default_factory=dict)
    exact: bool = False
    max_body: str = "max_body"
    errors: str = "plain"

    def matches(self, path: str) -> bool:
        return path == self.prefix if self.exact else path.startswith(self.prefix)

    def limit(self, method: str) -> str | None:
        return self.limits.get(method, self.limits.get("*"))


ASK = {"POST": "ask", "*": "page"}  # runs the engine when posted to
PAGE = {"*": "page"}
RULES = [
    Rule("/api/ask", PUBLIC, ASK, exact=True),
    Rule("/v1/", PUBLIC, ASK, max_body="api_max_body", errors="openai"),  # the OpenAI-compatible API
    Rule("/api/health", PUBLIC, exact=True),
    Rule("/api/reports", PUBLIC, PAGE, exact=True),
    Rule("/api/commitments", PUBLIC, PAGE, exact=True),
    Rule("/commitments", PUBLIC, PAGE, exact=True),
    Rule("/report/", PUBLIC, PAGE),
    Rule("/widget", PUBLIC, PAGE, exact=True),
    Rule("/widget.js", PUBLIC, PAGE, exact=True),
    Rule("/home", PUBLIC, PAGE, exact=True),
    Rule("/reportqa-static/", PUBLIC),
    Rule("/favicon.ico", PUBLIC, exact=True),
    Rule("/login", LOGIN, PAGE, exact=True),  # failed sign-ins are throttled by account and address (auth.py)
    Rule("/logout", LOGIN, PAGE, exact=True),
    # closed to everyone: no component takes uploads; no route list; no development routes
    Rule("/gradio_api/upload", CLOSED),
    Rule("/gradio_api/vibe", CLOSED),
    Rule("/gradio_api/undo-vibe", CLOSED),
    Rule("/gradio_api/dev/", CLOSED),
    Rule("/gradio_api/mcp", CLOSED),
    Rule("/gradio_api/process_recording", CLOSED),
    Rule("/gradio_api/profiling", CLOSED),
    Rule("/gradio_api/deep_link", CLOSED),  # writes the session's state into files
    Rule("/gradio_api/openapi.json", CLOSED),
    Rule("/openapi.json", CLOSED, exact=True),
    Rule("/docs", CLOSED),
    Rule("/redoc", CLOSED),
    Rule("/monitoring", CLOSED),
    Rule("/upload", CLOSED),
]
STAFF_RULE = Rule("/", STAFF, {"POST": "staff"})  # everything else: the Gradio app and /staff/


def classify(path: str, rules=RULES) -> Rule:
    return next((r for r in rules if r.matches(path)), STAFF_RULE)


# ---------------------------------------------------------------- client identity

class Proxies:
    """REPORTQA_TRUSTED_PROXIES: addresses or networks whose forwarding headers are believed."""

    def __init__(self, entries) -> None:
        try:
            self.networks = tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())
        except ValueError as e:
            raise ConfigError(f"REPORTQA_TRUSTED_PROXIES: {e}") from None

    def trusts(self, address: str | None) -> bool:
        return bool(self.networks) and _trusted(self.networks, address or "")

    def client(self, peer: str, forwarded_for: str | None) -> str:
        """The first address, from the right, that is not a trusted proxy."""
        if not forwarded_for or not self.trusts(peer):
            return peer
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        for hop in reversed(hops):
            if not self.trusts(hop):
                return hop
        return hops[0] if hops else peer


@functools.lru_cache(maxsize=4096)
def _trusted(networks: tuple, address: str) -> bool:
    """Whether `address` is in one of `networks` (remembered: every request asks it of its peer)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in networks)


# ---------------------------------------------------------------- Gradio's ids, bound to the account

OWN_CALLS = "/gradio_api/call/ask"  # calls.py serves it, and binds its events to the account itself


def _own_call(path: str) -> bool:
    return path == OWN_CALLS or path.startswith(OWN_CALLS + "/")


_EVENT_STREAM = re.compile(r"^/gradio_api/(?:queue/data|call/(?:v2/)?[^/]+/[^/]+)$")
_SESSION_PATH = re.compile(r"^(/gradio_api/(?:heartbeat|stream)/)([^/]+)(.*)$")
_CALL_RESULT = re.compile(r"^(/gradio_api/call/(?:v2/)?[^/]+/)([^/]+)$")
_CALL_START = re.compile(r"^/gradio_api/call/(?:v2/)?[^/]+/?$")


class GradioIds:
    """Gradio keys a conversation's server-side state and its event stream by a session hash the
    browser chooses (it shows in `queue/data?session_hash=` URLs, hence in proxy logs), and a /call
    result by its event id. Every such id a signed-in request names is made the account's own: a
    session hash `S` becomes `S-<tag>`, the tag an HMAC of the account name, so another account
    naming the same `S` reaches a session of its own, empty; an event id Gradio returns from
    `/gradio_api/call/…` gets the tag too, and a result is given only for an id with the caller's tag."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def tag(self, account: str) -> str:
        return hmac.new(self.key, b"gradio-ids\0" + account.encode("utf-8"), "sha256").hexdigest()[:16]

    def request(self, scope: dict, body: bytes, account: str) -> bytes | None:
        """Rewrite the session hashes of this request (path, query, JSON body) for `account`; the body to
        pass on, or None when the request names an event id that is not this account's."""
        tag = self.tag(account)
        path = scope.get("path", "")
        m = _CALL_RESULT.match(path)
        if m and scope.get("method") == "GET":
            event = m.group(2)
            if not event.endswith("-" + tag):
                return None
            self._set_path(scope, m.group(1) + event[: -len(tag) - 1])
        m = _SESSION_PATH.match(path)
        if m:
            self._set_path(scope, f"{m.group(1)}{m.group(2)}-{tag}{m.group(3)}")
        query = scope.get("query_string", b"")
        if b"session_hash" in query:
            pairs = [(k, f"{v}-{tag}" if k == "session_hash" else v)
                     for k, v in parse_qsl(query.decode("latin-1"), keep_blank_values=True)]
            scope["query_string"] = urlencode(pairs).encode("latin-1")
        if body and b'"session_hash"' in body:
            try:
                payload = json.loads(body)
            except (UnicodeDecodeError, ValueError, RecursionError):
                return body  # the route says what is wrong with it
            if isinstance(payload, dict) and isinstance(payload.get("session_hash"), str):
                payload["session_hash"] = f"{payload['session_hash']}-{tag}"
                body = json.dumps(payload).encode("utf-8")
                scope["headers"] = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"] + [
                    (b"content-length", str(len(body)).encode())]
        return body

    def starts_a_call(self, scope: dict) -> bool:
        return scope.get("method") == "POST" and bool(_CALL_START.match(scope.get("path", "")))

    def response(self, send, account: str):
        """`send` for a /gradio_api/call/… start: the event id in its JSON answer gets the account's tag."""
        tag = self.tag(account)
        held: dict = {}

        async def sending(message):
            if message["type"] == "http.response.start":
                held["start"] = message
                held["body"] = bytearray()
                return
            if message["type"] == "http.response.body" and "start" in held:
                held["body"] += message.get("body", b"")
                if message.get("more_body"):
                    return
                body = bytes(held["body"])
                try:
                    payload = json.loads(body)
                    if isinstance(payload, dict) and isinstance(payload.get("event_id"), str):
                        payload["event_id"] = f"{payload['event_id']}-{tag}"
                        body = json.dumps(payload).encode("utf-8")
                except (UnicodeDecodeError, ValueError):
                    pass
                start = held.pop("start")
                start = {**start, "headers": [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                         + [(b"content-length", str(len(body)).encode())]}
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        return sending

    @staticmethod
    def _set_path(scope: dict, path: str) -> None:
        scope["path"] = path
        scope["raw_path"] = quote(path).encode("latin-1")


# ---------------------------------------------------------------- rate limits

class RateLimits:
    """One moving-window limiter per limit class, keyed by client or account."""

    def __init__(self, classes: dict[str, str]) -> None:
        self.items = {}
        for name, (variable, text) in classes.items():
            if text.strip().lower() in ("off", "none", "0"):
                continue
            try:
                self.items[name] = parse_many(text)
            except ValueError:
                raise ConfigError(f'{variable}={text!r} is not a rate like "30/minute" or "5/second;100/hour"') from None
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, name: str | None, who: str) -> int:
        """0 when the request may go on, else the seconds until it may be retried."""
        items = self.items.get(name) if name else None
        if not items:
            return 0
        for item in items:
            if not self.limiter.hit(item, name, who):
                reset = self.limiter.get_window_stats(item, name, who).reset_time
                return max(1, math.ceil(reset - time.time()))
        return 0


# ---------------------------------------------------------------- JSON bodies

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(body: bytes) -> int:
    """How deeply a JSON text nests arrays and objects, counted without parsing it."""
    depth = deepest = 0
    for b in _STRINGS.sub(b"", body).translate(None, _NOT_BRACKETS):
        depth += 1 if b in (0x5B, 0x7B) else -1
        deepest = max(deepest, depth)
    return deepest


def json_problem(body: bytes, max_depth: int, declared_json: bool = True) -> str | None:
    """Why a body must be refused: not UTF-8 text (every route takes JSON or a form; nothing uploads
    files), nested too deep (whatever its Content-Type: routes read JSON sent as text/plain too), or
    declared JSON and not JSON."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8 text"
    if json_depth(body) > max_depth:
        return f"the JSON body is nested more than {max_depth} levels deep"
    if not declared_json:
        return None
    try:
        json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return "the body is not JSON"
    return None


# ---------------------------------------------------------------- headers

def content_security_policy(staff_page: bool, frame_ancestors: str, nonce: str = "") -> str:
    if staff_page:
        # Gradio 6: its scripts are files plus a few inline bootstrap ones (nonced, no other inline script
        # runs); gr.HTML compiles its template at run time ('unsafe-eval'); its styles are inline.
        return ("default-src 'self'; script-src 'self' 'nonce-%s' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' data: blob:; "
                "connect-src 'self'; worker-src 'self' blob:; frame-src 'self'; object-src 'none'; "
                "base-uri 'self'; form-action 'self'; frame-ancestors 'none'" % nonce)
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors " + frame_ancestors)


def frame_ancestors(origins) -> str:
    """REPORTQA_FRAME_ORIGINS as the widget's frame-ancestors source list. None listed: any site may frame
    it, so a portal's first embedding works as the README says; that is safe because the widget is
    public and read-only (no cookie, no staff action, nothing a click inside it could do on a visitor's
    behalf but ask a question). Listed: this server and those portals only."""
    if not origins or any(o == "*" for o in origins):
        return "*"
    bad = [o for o in origins if not re.match(r"^https?://[A-Za-z0-9.*-]+(:(\d+|\*))?$", o)]
    if bad:
        raise ConfigError(f"REPORTQA_FRAME_ORIGINS: {bad[0]!r} is not an origin like https://portal.example.gov.cn")
    return "'self' " + " ".join(origins)


_INLINE_SCRIPT = re.compile(rb"<script(?=[\s>])(?![^>]*\bsrc\s*=)", re.I)


# ---------------------------------------------------------------- the guard

class Guard:
    """ASGI middleware: faces, identity, rate limits, body limits and headers for every request."""

    def __init__(self, app, *, settings, accounts, staff_mounted: bool, extra_rules=(), gradio_handlers=None) -> None:
        """`gradio_handlers()`: the fn_index values of the staff page (a queue/join naming another is a 404)."""
        self.app = app
        self.settings = settings
        self.accounts = accounts
        self.staff_mounted = staff_mounted
        self.rules = list(extra_rules) + RULES
        self.proxies = Proxies(settings.trusted_proxies)
        self.limits = RateLimits({
            "ask": ("REPORTQA_RATE_LIMIT", settings.rate_limit),
            "page": ("REPORTQA_PAGE_RATE_LIMIT", settings.page_rate_limit),
            "staff": ("REPORTQA_STAFF_RATE_LIMIT", settings.staff_rate_limit),
        })
        self.widget_frames = frame_ancestors(settings.frame_origins)
        self.gradio_ids = GradioIds(accounts.key)
        self.gradio_handlers = gradio_handlers

    def staff_open(self) -> bool:
        """Whether staff pages are served now: mounted, and someone can sign in."""
        return self.staff_mounted and self.accounts.configured

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            if scope["type"] == "websocket":  # nothing here speaks websocket
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        peer = (scope.get("client") or ("", 0))[0]
        trusted = self.proxies.trusts(peer)
        client = self.proxies.client(peer, headers.get(b"x-forwarded-for", b"").decode("latin-1")) if trusted else peer
        scheme = scope.get("scheme", "http")
        if trusted and headers.get(b"x-forwarded-proto"):
            scheme = headers[b"x-forwarded-proto"].decode("latin-1").split(",")[0].strip().lower()
        if not trusted:
            scope["headers"] = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in FORWARDED]
        path = scope.get("path", "/")
        method = scope.get("method", "GET")
        rule = next((r for r in self.rules if r.matches(path)), STAFF_RULE)
        staff = None
        if rule.face in (STAFF, LOGIN) and self.staff_open():
            staff = (self.accounts.from_bearer(headers.get(b"authorization", b"").decode("latin-1"))
                     or self.accounts.from_cookie(_cookie(headers.get(b"cookie", b""))))
        scope["reportqa"] = {"client": client, "scheme": scheme, "staff": staff, "face": rule.face}
        send = self._with_headers(send, path, rule.face == STAFF, scheme)

        if rule.face == CLOSED or (rule.face in (STAFF, LOGIN) and not self.staff_mounted):
            if path == "/" and method in ("GET", "HEAD"):
                return await _redirect(send, "/home")
            return await _json(send, 404, "not found")
        if rule.face == STAFF and staff is None:
            if path == "/" and method in ("GET", "HEAD"):
                return await _redirect(send, "/home")
            if method in ("GET", "HEAD") and b"text/html" in headers.get(b"accept", b""):
                return await _redirect(send, "/login?next=" + quote(path, safe="/"))
            return await _json(send, 401, "sign in first: this page is for staff", [(b"www-authenticate", b"Bearer")])
        if rule.face in (STAFF, LOGIN) and method in BODY_METHODS and not _same_origin(headers, scheme, trusted):
            return await _json(send, 403, "cross-site request refused")

        retry = self.limits.hit(rule.limit(method), f"account:{staff.name}" if staff else f"client:{client}")
        if retry:
            return await _refuse(send, rule, 429, f"too many requests; try again in {retry} s",
                                 [(b"retry-after", str(retry).encode())])

        body = b""
        if method in BODY_METHODS or b"content-length" in headers or b"transfer-encoding" in headers:
            limit = self.settings.staff_max_body if staff else getattr(self.settings, rule.max_body)
            length = headers.get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > limit):
                code = 400 if not length.isdigit() else 413
                return await _refuse(send, rule, code, f"the request body is over {limit} bytes" if code == 413
                                     else "the Content-Length header is not a number")
            body = bytearray()
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body += message.get("body", b"")
                if len(body) > limit:
                    return await _refuse(send, rule, 413, f"the request body is over {limit} bytes")
                if not message.get("more_body"):
                    break
            body = bytes(body)
            if body:
                problem = json_problem(body, self.settings.max_json_depth,
                                       b"json" in headers.get(b"content-type", b"").lower())
                if problem:
                    return await _refuse(send, rule, 400, problem)
        if staff is not None and path == "/gradio_api/queue/join" and self.gradio_handlers and body:
            problem = _event_problem(body, self.gradio_handlers())
            if problem:
                return await _json(send, 404 if "handler" in problem else 400, problem)
        if staff is not None and path.startswith("/gradio_api/") and not _own_call(path):
            body = self.gradio_ids.request(scope, body, staff.name)
            if body is None:
                return await _json(send, 404, "no such event for this account")
            if self.gradio_ids.starts_a_call(scope):
                send = self.gradio_ids.response(send, staff.name)
        if method in BODY_METHODS or b"content-length" in headers or b"transfer-encoding" in headers:
            receive = _replay(body, receive)
        if staff is not None and method == "GET" and _EVENT_STREAM.match(path) and not _own_call(path):
            return await self._stream(scope, receive, send)
        await self.app(scope, receive, send)

    async def _stream(self, scope, receive, send) -> None:
        """Gradio's event streams (a session's queue, a /call result) refuse an unknown session or event by
        sending an "unexpected_error" message and then raising 404 inside the stream already started,
        which breaks the connection and logs a traceback. Such a refusal ends the stream cleanly instead
        (a plain 404 when nothing was sent yet); any other failure is raised as it is."""
        from fastapi import HTTPException

        state = {"started": False, "ended": False}

        async def watching(message):
            state["started"] = True
            if message["type"] == "http.response.body" and not message.get("more_body"):
                state["ended"] = True
            await send(message)

        try:
            await self.app(scope, receive, watching)
        except Exception as e:
            if not isinstance(e, HTTPException) and not isinstance(e.__cause__, HTTPException):
                raise
            if not state["started"]:
                await _json(send, 404, "no such session or event (or it is not this account's)")
            elif not state["ended"]:
                await send({"type": "http.response.body", "body": b"", "more_body": False})

    def _with_headers(self, send, path: str, staff_face: bool, scheme: str):
        """`send`, adding the security headers; a staff HTML page gets a nonce for Gradio's inline scripts."""
        held: dict = {}

        async def sending(message):
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                ctype = dict((k.lower(), v) for k, v in message.get("headers", [])).get(b"content-type", b"")
                html = ctype.startswith(b"text/html")
                nonce = secrets.token_urlsafe(16) if staff_face and html else ""
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
                if html or b"content-security-policy" not in existing:
                    frames = self.widget_frames if path == "/widget" else "'none'"
                    extra.append((b"content-security-policy",
                                  content_security_policy(bool(nonce), frames, nonce).encode()))
                if path != "/widget":
                    extra.append((b"x-frame-options", b"DENY"))
                if scheme == "https":
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                if staff_face and (html or ctype.startswith(b"application/json")) and b"cache-control" not in existing:
                    extra.append((b"cache-control", b"no-store"))
                drop = {k for k, _ in extra} | {b"server"}
                message = {**message, "headers": [(k, v) for k, v in message.get("headers", [])
                                                  if k.lower() not in drop] + extra}
                if nonce:  # hold the page until its body is complete, then mark its inline scripts
                    held.update(start=message, nonce=nonce, body=bytearray())
                    return
                await send(message)
                return
            if message["type"] == "http.response.body" and held:
                held["body"] += message.get("body", b"")
                if message.get("more_body"):
                    return
                page = _INLINE_SCRIPT.sub(b'<script nonce="' + held["nonce"].encode() + b'"', bytes(held["body"]))
                start = held.pop("start")
                start["headers"] = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"] + [
                    (b"content-length", str(len(page)).encode())]
                held.clear()
                await send(start)
                await send({"type": "http.response.body", "body": page})
                return
            await send(message)

        return sending


def _event_problem(body: bytes, handlers) -> str | None:
    """What is wrong with a queue/join body in its outline (Gradio fails with a 500 on an unknown handler,
    and reads event data without looking): the shapes of the values are Gradio's to check."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None  # said by the route
    if not isinstance(payload, dict):
        return None
    fn = payload.get("fn_index")
    if fn is not None and (isinstance(fn, bool) or not isinstance(fn, int) or fn not in handlers):
        return "no such handler on this page (fn_index)"
    if not isinstance(payload.get("data", []), list):
        return "data must be a list"
    event = payload.get("event_data")
    if event is not None and not (isinstance(event, dict) and "index" in event and "value" in event):
        return 'event_data must be an object with "index" and "value"'
    return None


def _cookie(raw: bytes) -> str | None:
    from .auth import COOKIE

    for part in raw.decode("latin-1").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return None


def _same_origin(headers: dict, scheme: str, trusted: bool) -> bool:
    """A request carrying cookies must come from a page of this server (no Origin: not a browser form
    of another site, since browsers send Origin on every cross-site POST)."""
    if b"authorization" in headers:
        return True  # a token is never sent by a browser on its own
    origin = headers.get(b"origin")
    if origin is None:
        return True
    host = (trusted and headers.get(b"x-forwarded-host")) or headers.get(b"host", b"")
    return origin.decode("latin-1") in (f"{scheme}://{host.decode('latin-1')}",)


def _replay(body: bytes, receive):
    """A `receive` that hands the app the body already read, then the connection's own messages."""
    sent = False

    async def replayed():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


# OpenAI's error type and code for each refusal the Guard makes on a path whose rule asks for that shape
OPENAI_ERRORS = {400: ("invalid_request_error", None), 413: ("invalid_request_error", "request_too_large"),
                 429: ("rate_limit_error", "rate_limit_exceeded")}


async def _refuse(send, rule: Rule, status: int, message: str, headers=()) -> None:
    """A refusal in the shape the path's clients read: plain, or OpenAI's (web/openai.py's APIError)."""
    if rule.errors == "openai":
        from .openai import APIError

        kind, code = OPENAI_ERRORS.get(status, ("invalid_request_error", None))
        return await _json(send, status, APIError(status, message, kind, code=code).body(), headers)
    return await _json(send, status, message, headers)


async def _json(send, status: int, message, headers=()) -> None:
    """A JSON error response: {"error": message}, or `message` itself when it is already a body (a dict)."""
    body = json.dumps(message if isinstance(message, dict) else {"error": message}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


async def _redirect(send, location: str) -> None:
    await send({"type": "http.response.start", "status": 302,
                "headers": [(b"location", location.encode()), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})
