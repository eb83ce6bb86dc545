"""Staff accounts and sessions: who may use the staff pages.

Accounts live in a users file (REPORTQA_STAFF_USERS), one `name:scrypt$N$r$p$salt$hash` line each,
written by `reportqa staff-user add NAME` and re-read when it changes, so adding or removing an
account needs no restart. A token from configuration (REPORTQA_STAFF_TOKEN) serves scripts
(`Authorization: Bearer …`) and also signs in on the login page.

A session is a cookie signed with HMAC-SHA256: name, expiry, a random nonce and a fingerprint of the
account's password hash, so changing a password or removing an account ends its sessions. It is
HttpOnly and SameSite=Lax, and Secure when the request came over https. Signing out records the
nonce in SQLite beside the feedback store (signouts.py), so a signed-out cookie stays refused after
a restart.

Sign-in throttling (`SignInThrottle`) counts failed sign-ins by account and address together
(REPORTQA_LOGIN_RATE_LIMIT, 10 a minute): past it, that account is refused from that address, with
Retry-After, without its password being checked, while another account's right password from the
same address (colleagues behind one NAT) still signs in. Failures from one address over all the
names it tries are counted too (REPORTQA_LOGIN_ADDRESS_RATE_LIMIT, 100 a minute), against an address
trying many names. No limit is kept per account alone, so no one can lock an account out from
everywhere by failing on purpose.
"""
from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import json
import logging
import math
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from ..errors import ConfigError, ReportQAError
from .html import login_page, logout_page

log = logging.getLogger(__name__)

COOKIE = "reportqa_session"
TOKEN_USER = "token"  # the account name a token signs in as
NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MIN_PASSWORD = 10
MIN_TOKEN = 16
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}  # about 50 ms and 16 MB per check: slow for guessing, fine for a login


class AccountError(ReportQAError):
    """A staff account cannot be added or removed as asked."""


# ---------------------------------------------------------------- passwords

def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **SCRYPT)
    return "scrypt${n}${r}${p}${salt}${digest}".format(
        **SCRYPT, salt=base64.b64encode(salt).decode(), digest=base64.b64encode(digest).decode())


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        want = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), dklen=len(want),
                             n=int(n), r=int(r), p=int(p), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


_DUMMY = hash_password(secrets.token_hex(8))  # checked for unknown names, so they take as long as known ones


# ---------------------------------------------------------------- the users file

def read_users(path: Path) -> dict[str, str]:
    """name -> password hash; a missing file has no accounts; malformed lines are skipped (and logged)."""
    users = {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, stored = line.partition(":")
        if not NAME.match(name) or not stored.startswith("scrypt$"):
            log.warning("%s:%d is not `name:scrypt$…`; skipped", path, n)
            continue
        users[name] = stored
    return users


def _write_users(path: Path, users: dict[str, str]) -> None:
    """The whole file, written beside and renamed into place, readable by its owner only."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("# reportqa staff accounts: name:scrypt hash. Edit with `reportqa staff-user`.\n")
            f.writelines(f"{name}:{stored}\n" for name, stored in sorted(users.items()))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _locked(path: Path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = open(path.with_name(f".{path.name}.lock"), "w")
    fcntl.flock(lock, fcntl.LOCK_EX)  # two `staff-user add` at once never lose an account
    return lock


def add_user(path: Path, name: str, password: str) -> bool:
    """Add or replace an account; True when it is new."""
    if not NAME.match(name):
        raise AccountError(f"account name {name!r} must be 1-64 letters, digits or _ . @ -")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password has {len(password)} characters; use at least {MIN_PASSWORD}")
    with _locked(path):
        users = read_users(path)
        new = name not in users
        users[name] = hash_password(password)
        _write_users(path, users)
    return new


def remove_user(path: Path, name: str) -> None:
    with _locked(path):
        users = read_users(path)
        if name not in users:
            raise AccountError(f"no staff account named {name!r} in {path}")
        del users[name]
        _write_users(path, users)


# ---------------------------------------------------------------- who is asking

@dataclass(frozen=True)
class Staff:
    name: str


class Accounts:
    """The configured accounts and token, and the signed session cookies made from them."""

    def __init__(self, users_path: Path, token: str = "", secret_key: str = "", session_hours: float = 12.0,
                 secure_always: bool = False, signouts=None) -> None:
        """`signouts`: where sign-outs are kept (signouts.SignOuts); None: in memory, for this process only."""
        if token and len(token) < MIN_TOKEN:
            raise ConfigError(f"REPORTQA_STAFF_TOKEN has {len(token)} characters; use at least {MIN_TOKEN}")
        self.users_path = Path(users_path)
        self.token = token
        self.key = (secret_key or secrets.token_hex(32)).encode("utf-8")
        if not secret_key:
            log.info("REPORTQA_SECRET_KEY is not set: staff sessions end when the server restarts")
        self.max_age = int(session_hours * 3600)
        self.secure_always = secure_always
        self._users: dict[str, str] = {}
        self._seen: tuple | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._revoked: dict[str, int] = {}  # without a store: nonce of a signed-out session -> its expiry
        self.signouts = signouts

    def users(self) -> dict[str, str]:
        """The users file, re-read (at most once a second) when it changed."""
        now = time.monotonic()
        with self._lock:
            if now - self._checked >= 1.0:
                self._checked = now
                try:
                    st = self.users_path.stat()
                    seen = (st.st_ino, st.st_mtime_ns, st.st_size)
                except FileNotFoundError:
                    seen = None
                if seen != self._seen:
                    self._seen, self._users = seen, read_users(self.users_path)
            return self._users

    @property
    def configured(self) -> bool:
        """Whether anyone at all can sign in; without it the staff pages are not served."""
        return bool(self.token or self.users())

    def verify(self, name: str, password: str) -> Staff | None:
        """The account a name and password (or an empty name and the token) sign in as."""
        if not name and self.token:
            return Staff(TOKEN_USER) if hmac.compare_digest(password.encode(), self.token.encode()) else None
        stored = self.users().get(name)
        ok = check_password(password, stored or _DUMMY)
        return Staff(name) if ok and stored else None

    def from_bearer(self, header: str | None) -> Staff | None:
        if not self.token or not header or not header.lower().startswith("bearer "):
            return None
        given = header[7:].strip().encode()
        return Staff(TOKEN_USER) if hmac.compare_digest(given, self.token.encode()) else None

    # ---- session cookies

    def _fingerprint(self, name: str) -> str | None:
        if name == TOKEN_USER and self.token:
            stored = self.token
        else:
            stored = self.users().get(name)
        if stored is None:
            return None
        return hmac.new(self.key, stored.encode(), hashlib.sha256).hexdigest()[:16]

    def _sign(self, payload: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self.key, payload, hashlib.sha256).digest()).decode().rstrip("=")

    def session_cookie(self, staff: Staff) -> str:
        payload = json.dumps({"u": staff.name, "exp": int(time.time()) + self.max_age,
                              "f": self._fingerprint(staff.name), "n": secrets.token_hex(8)}).encode()
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{body}.{self._sign(payload)}"

    def _payload(self, value: str | None) -> dict | None:
        """The signed content of a cookie, or None when it is not one of ours."""
        if not value or "." not in value or len(value) > 1024:
            return None
        body, _, sig = value.partition(".")
        try:
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except ValueError:
            return None
        if not hmac.compare_digest(self._sign(payload), sig):
            return None
        try:
            data = json.loads(payload)
            data["exp"] = int(data["exp"])
            return data if isinstance(data.get("u"), str) and "f" in data else None
        except (ValueError, KeyError, TypeError):
            return None

    def revoke(self, value: str | None) -> None:
        """Sign a session out on the server too, so a copied cookie stops working before it expires."""
        data = self._payload(value)
        if data and self.signouts is not None:
            self.signouts.add(str(data.get("n")), data["exp"])
        elif data:
            now = time.time()
            with self._lock:
                self._revoked = {n: exp for n, exp in self._revoked.items() if exp > now}
                self._revoked[str(data.get("n"))] = data["exp"]

    def _signed_out(self, nonce: str) -> bool:
        return nonce in self.signouts if self.signouts is not None else nonce in self._revoked

    def from_cookie(self, value: str | None) -> Staff | None:
        """The signed-in account of a session cookie: signature good, not expired or signed out,
        account unchanged."""
        data = self._payload(value)
        if data is None or data["exp"] < time.time() or self._signed_out(str(data.get("n"))):
            return None
        name, fingerprint = data["u"], data["f"]
        current = self._fingerprint(name)
        if current is None or not hmac.compare_digest(str(fingerprint), current):
            return None  # the account was removed or its password changed
        return Staff(name)

    def cookie_header(self, value: str, secure: bool, max_age: int | None = None) -> str:
        """A Set-Cookie value: HttpOnly, SameSite=Lax, Path=/, Secure over https."""
        age = self.max_age if max_age is None else max_age
        parts = [f"{COOKIE}={value}", "Path=/", f"Max-Age={age}", "HttpOnly", "SameSite=Lax"]
        if secure:
            parts.append("Secure")
        return "; ".join(parts)


# ---------------------------------------------------------------- sign-in throttling

class SignInThrottle:
    """Failed sign-ins, counted by account and address together and by address alone (moving windows,
    in memory: one server process). `wait` says how long to wait before trying; `failed` counts one."""

    def __init__(self, per_account_and_address: str, per_address: str) -> None:
        self.rules = {}
        for key, (variable, text) in {"pair": ("REPORTQA_LOGIN_RATE_LIMIT", per_account_and_address),
                                      "address": ("REPORTQA_LOGIN_ADDRESS_RATE_LIMIT", per_address)}.items():
            if text.strip().lower() in ("off", "none", "0"):
                continue
            try:
                self.rules[key] = parse_many(text)
            except ValueError:
                raise ConfigError(f'{variable}={text!r} is not a rate like "10/minute"') from None
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def _keys(self, name: str, address: str) -> dict:
        return {"pair": ("sign-in", name.lower()[:64], address), "address": ("sign-in-address", address)}

    def wait(self, name: str, address: str) -> int:
        """0 when this account may try from this address now, else the seconds until it may."""
        keys = self._keys(name, address)
        for key, items in self.rules.items():
            for item in items:
                if not self.limiter.test(item, *keys[key]):
                    reset = self.limiter.get_window_stats(item, *keys[key]).reset_time
                    return max(1, math.ceil(reset - time.time()))
        return 0

    def failed(self, name: str, address: str) -> None:
        keys = self._keys(name, address)
        for key, items in self.rules.items():
            for item in items:
                self.limiter.hit(item, *keys[key])


# ---------------------------------------------------------------- the routes

def staff_name(request) -> str | None:
    """Gradio's auth_dependency: the account the Guard found for this request (None: not signed in)."""
    staff = request.scope.get("reportqa", {}).get("staff")
    return staff.name if staff else None


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of this server only, never another site."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 500:
        return "/"
    return value


def read_form(body: bytes, fields: int = 10) -> dict | None:
    """A urlencoded form of at most `fields` fields, or None when it is not one."""
    try:
        return parse_qs(body.decode("utf-8", "replace"), max_num_fields=fields)
    except ValueError:
        return None


def login_routes(accounts: Accounts, throttle: SignInThrottle):
    """GET/POST /login and GET/POST /logout (their origin check is the Guard's; failed sign-ins are
    throttled here, where the account name is known)."""
    router = APIRouter()

    def secure(request) -> bool:
        return request.scope.get("reportqa", {}).get("scheme") == "https" or accounts.secure_always

    @router.get("/login", response_class=HTMLResponse)
    def login_form(next: str | None = None):
        return HTMLResponse(login_page("", safe_next(next), accounts.configured))

    @router.post("/login")
    async def login(request: Request):
        form = read_form(await request.body())
        if form is None:
            return HTMLResponse(login_page("表单无效 · This is not the sign-in form (too many fields).", "/",
                                           accounts.configured), status_code=400)
        field = lambda name: (form.get(name) or [""])[0]  # noqa: E731
        target = safe_next(field("next"))
        name, address = field("user").strip(), str(request.scope.get("reportqa", {}).get("client"))
        wait = throttle.wait(name, address)
        if wait:
            response = HTMLResponse(login_page(f"尝试次数过多，请 {wait} 秒后再试 · Too many failed sign-ins for this "
                                               f"account from here; try again in {wait} s.", target,
                                               accounts.configured), status_code=429)
            response.headers["retry-after"] = str(wait)
            return response
        staff = accounts.verify(name, field("password")) if accounts.configured else None
        if staff is None:
            throttle.failed(name, address)
            log.warning("reportqa: failed staff sign-in for %r from %s", name[:64], address)
            return HTMLResponse(login_page("账号或密码不对 · Wrong name or password.", target, accounts.configured),
                                status_code=401)
        response = RedirectResponse(target, status_code=303)
        response.headers["set-cookie"] = accounts.cookie_header(accounts.session_cookie(staff), secure(request))
        return response

    @router.get("/logout", response_class=HTMLResponse)
    def logout_form():
        return HTMLResponse(logout_page())

    @router.post("/logout")
    def logout(request: Request):
        accounts.revoke(request.cookies.get(COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.headers["set-cookie"] = accounts.cookie_header("", secure(request), max_age=0)
        return response

    return router
