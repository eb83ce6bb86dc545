"""No input makes the server fail: malformed forms, bodies, headers and query strings sent to every route,
anonymous and signed in, get a 4xx (or a deliberate 503) with an error a person can read, never a 500 and
never a traceback in the log. The three reproducers of issue 15 are tests of their own.

One server of its own (rate limits off, so that every request reaches its route), its log read at the end.
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest_web import start_server  # noqa: E402

DOC = "2024-xiaohe-town-rule-of-law-government-report"
ROUTES = ["/api/ask", "/api/health", "/api/reports", "/api/commitments", "/commitments", f"/report/{DOC}",
          "/report/%00%ff", "/report/..%2f..%2fetc%2fpasswd", "/widget", "/widget.js", "/home", "/favicon.ico",
          "/reportqa-static/widget.css", "/reportqa-static/..%2f..%2fconfig.py", "/reportqa-static/%ff",
          "/v1/models", "/v1/models/reportqa:小河镇", "/v1/chat/completions", "/v1/completions", "/v1/",
          "/login", "/logout", "/", "/config", "/staff/feedback", "/staff/feedback.csv", "/staff/feedback.jsonl",
          "/gradio_api/queue/join", "/gradio_api/queue/data", "/gradio_api/call/ask", "/gradio_api/call/ask/x",
          "/gradio_api/call/chat", "/gradio_api/call/chat/x", "/gradio_api/call/nothing", "/gradio_api/heartbeat/x",
          "/gradio_api/cancel", "/gradio_api/reset", "/gradio_api/info", "/gradio_api/file=/etc/passwd",
          "/gradio_api/upload", "/gradio_api/deep_link", "/gradio_api/startup-events", "/theme.css", "/manifest.json",
          "/assets/none.js", "/gradio_api/queue/status", "/gradio_api/api/ask", "/gradio_api/run/ask"]
STREAM_SECONDS = 2
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
DEEP = "[" * 1000 + "]" * 1000
BODIES = [
    b"", b"\xff\xfe\x00garbage", b"{", b"null", b"[]", b'"question"', b"1e999", DEEP.encode(),
    b'{"question": ' + DEEP.encode() + b"}", b'{"messages": ' + DEEP.encode() + b"}",
    json.dumps({"question": {"a": 1}}).encode(), json.dumps({"question": ["x"]}).encode(),
    json.dumps({"question": "x", "history": "not a list"}).encode(),
    json.dumps({"question": "x", "history": [None, 1, {"role": 5}, [["x"]]]}).encode(),
    json.dumps({"question": "x", "year": "abc", "place": 5, "doc": ["a"]}).encode(),
    json.dumps({"question": "x", "year": 1e308}).encode(), json.dumps({"question": "x", "year": True}).encode(),
    json.dumps({"question": "\u0000\ud7ff" * 10}).encode(), json.dumps({"question": "a" * 3000}).encode(),
    json.dumps({"model": 5, "messages": "x"}).encode(), json.dumps({"model": "reportqa", "messages": [5]}).encode(),
    json.dumps({"model": "reportqa:x:y:z", "messages": [{"role": "user", "content": [{"type": 1}]}]}).encode(),
    json.dumps({"model": "reportqa", "messages": [{"role": "user", "content": "x"}], "stream": "yes", "n": 3,
                "metadata": {"year": "1800"}}).encode(),
    json.dumps({"answer_id": 5}).encode(), json.dumps({"answer_id": "x"}).encode(),
    json.dumps({"answer_id": "x", "vote": ["like"]}).encode(),
    json.dumps({"data": "x", "fn_index": "a", "session_hash": 5}).encode(),
    json.dumps({"data": [1, 2, 3], "fn_index": 999, "session_hash": "s"}).encode(),
    json.dumps({"data": [None, {"x": 1}], "session_hash": "s", "event_id": 5}).encode(),
    json.dumps({"session_hash": "s", "fn_index": 0, "event_id": "x"}).encode(),
    "&".join(f"f{n}=v" for n in range(1000)).encode(), b"user=%ff%fe&password=%00&next=%0d%0aLocation:x",
    b"user=" + b"a" * 5000 + b"&password=x", b"--b\r\nContent-Disposition: form-data; name=x\r\n\r\ny\r\n--b--",
]
CONTENT_TYPES = [None, "application/json", "text/plain", "application/x-www-form-urlencoded",
                 "multipart/form-data; boundary=b", "multipart/form-data", "application/json; charset=latin-1",
                 "application/octet-stream", "\u00ff/\u00fe"]
HEADERS = [{}, {"Cookie": "reportqa_session=" + "x" * 900}, {"Cookie": "reportqa_session=a.b; other=%%%"},
           {"Authorization": "Bearer " + "\u00e9" * 20}, {"Authorization": "Basic Zm9vOmJhcg=="},
           {"Authorization": "Bearer"}, {"Range": "bytes=999999999-"}, {"Range": "bytes=5-1, x"},
           {"If-Modified-Since": "yesterday"}, {"If-None-Match": "\u00ff"}, {"Origin": "null"},
           {"Origin": "https://evil.example"}, {"X-Forwarded-For": "not an address, ::::"},
           {"Accept": "text/html"}, {"Accept-Encoding": "br, gzip, x" * 20}, {"Accept-Language": "\u00ff" * 30},
           {"Content-Length": "abc"}, {"Transfer-Encoding": "gzip"}]
QUERIES = ["", "?year=abc", "?year=99999999999999999999", "?place=%ff%fe&kind=%00", "?place=" + "x" * 300,
           "?session_hash=%00", "?session_hash=", "?session_hash=a&session_hash=b", "?next=//evil.example",
           "?__theme=dark&view=api", "?fn_index=x"]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    s = start_server(tmp_path_factory.mktemp("fuzz"), REPORTQA_RATE_LIMIT="off", REPORTQA_PAGE_RATE_LIMIT="off",
                     REPORTQA_STAFF_RATE_LIMIT="off", REPORTQA_LOGIN_RATE_LIMIT="off",
                     REPORTQA_LOGIN_ADDRESS_RATE_LIMIT="off")
    yield s
    s.stop()


def check(r: httpx.Response, what: str) -> None:
    assert r.status_code < 500 or r.status_code == 503, f"{r.status_code} for {what}: {r.text[:300]}"
    if r.status_code == 503:
        assert r.headers.get("retry-after"), what
    if r.status_code >= 400 and r.content and r.headers.get("content-type", "").startswith("application/json"):
        body = r.json()
        assert "error" in body or "detail" in body, f"{what}: {r.text[:200]}"


def request(http, method, url, body=None, headers=None) -> httpx.Response:
    """The response, its body read for at most STREAM_SECONDS: event streams (Gradio's heartbeat, a
    session's queue) stay open by design, and only their status matters here."""
    import time

    headers = {k: v.encode("utf-8") for k, v in (headers or {}).items()}  # raw bytes: httpx sends ASCII only
    with http.stream(method, url, content=body, headers=headers) as r:
        content, deadline = b"", time.monotonic() + STREAM_SECONDS
        for chunk in r.iter_raw():
            content += chunk
            if time.monotonic() > deadline or len(content) > 1_000_000:
                break
    return httpx.Response(r.status_code, headers=r.headers, content=content)


def send(http, method, url, body, ctype, headers):
    h = dict(headers)
    if ctype is not None:
        h["Content-Type"] = ctype
    if h.get("Content-Length") == "abc" or h.get("Transfer-Encoding"):  # httpx computes those: send them raw
        return raw(url, method, body, h)
    return request(http, method, url, body if method not in ("GET", "HEAD") or body else None, h)


def raw(url: str, method: str, body: bytes, headers: dict) -> httpx.Response:
    """A request with headers httpx would not send as given (a bad Content-Length), over a plain socket."""
    import socket
    from urllib.parse import urlsplit

    u = urlsplit(url)
    head = f"{method} {u.path}{'?' + u.query if u.query else ''} HTTP/1.1\r\nHost: {u.netloc}\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    with socket.create_connection((u.hostname, u.port), timeout=STREAM_SECONDS + 5) as sock:
        sock.sendall(head.encode("utf-8") + b"\r\n" + body)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except TimeoutError:
            pass  # a stream that stays open
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 400  # no answer at all: the server hung up
    return httpx.Response(status, content=data.partition(b"\r\n\r\n")[2])


def test_no_input_makes_any_route_fail(fuzzed):
    rng = random.Random(15)
    staff = fuzzed.staff_headers
    requests = 0
    with httpx.Client(timeout=60) as http:
        for path in ROUTES:  # every route, every method, anonymous and signed in, nothing malformed yet
            for method in METHODS:
                for headers in ({}, staff):
                    check(request(http, method, fuzzed.url + path, headers=headers), f"{method} {path}")
                    requests += 1
        for _ in range(1500):  # then random malformed combinations
            path, method = rng.choice(ROUTES), rng.choice(["POST"] * 4 + METHODS)
            body, ctype = rng.choice(BODIES), rng.choice(CONTENT_TYPES)
            headers = {**rng.choice(HEADERS), **(staff if rng.random() < 0.5 else {})}
            url = fuzzed.url + path + rng.choice(QUERIES)
            what = f"{method} {url} {ctype} {headers} {body[:80]!r}"
            check(send(http, method, url, body, ctype, headers), what)
            requests += 1
    assert requests > 2000
    log = fuzzed.log.read_text()
    assert "Traceback" not in log and "Exception in ASGI application" not in log, log[-3000:]
    assert httpx.get(fuzzed.url + "/api/health").status_code == 200


def test_malformed_events_for_every_staff_page_handler_are_refused_quietly(fuzzed):
    """Gradio's queue, as the staff page speaks it, with data of the wrong shape for each of its handlers."""
    rng = random.Random(16)
    config = httpx.get(fuzzed.url + "/config", headers=fuzzed.staff_headers).json()
    handlers = [d["id"] for d in config["dependencies"]]
    shapes = [[], [None] * 8, ["x"] * 3, [5, {"a": 1}, [1, 2], "all"], [[["x"]], "x", None, "doc:none"],
              ["<script>", [{"role": "user", "content": 5}], None, 7], [{"text": None}] * 4]
    with httpx.Client(timeout=60, headers=fuzzed.staff_headers) as http:
        for fn in handlers + [len(handlers) + 5, -1]:
            for data in shapes:
                session = f"fz{rng.randrange(10**6)}"
                event_data = rng.choice([None, {"index": "x", "value": 1, "liked": "maybe"}, {"index": [9, 9]}, 5])
                r = http.post(fuzzed.url + "/gradio_api/queue/join", json={
                    "data": data, "fn_index": fn, "session_hash": session, "event_data": event_data})
                check(r, f"join {fn} {data} {event_data}")
                if r.status_code == 200:
                    check(request(http, "GET", fuzzed.url + f"/gradio_api/queue/data?session_hash={session}"),
                          f"data {fn} {data}")
    log = fuzzed.log.read_text()
    assert "Traceback" not in log and "Exception in ASGI application" not in log, log[-3000:]
    assert httpx.get(fuzzed.url + "/api/health").status_code == 200


# ------------------------------------------------------------------ the reproducers of issue 15, point 4

def test_a_sign_in_form_with_more_than_ten_fields_is_400(fuzzed):
    form = {"user": fuzzed.user, "password": fuzzed.password, **{f"extra{n}": "x" for n in range(20)}}
    r = httpx.post(fuzzed.url + "/login", data=form)
    assert r.status_code == 400 and "too many fields" in r.text
    assert "Traceback" not in fuzzed.log.read_text()


def test_a_chat_completion_nested_1000_deep_without_a_json_content_type_is_400_in_openais_shape(fuzzed):
    body = '{"model": "reportqa", "messages": ' + DEEP + "}"
    for ctype in (None, "text/plain", "application/x-www-form-urlencoded"):
        r = httpx.post(fuzzed.url + "/v1/chat/completions", content=body.encode(),
                       headers={"Content-Type": ctype} if ctype else {})
        assert r.status_code == 400, (ctype, r.text)
        error = r.json()["error"]
        assert set(error) == {"message", "type", "param", "code"} and "nested" in error["message"]
    r = httpx.post(fuzzed.url + "/api/ask", content=('{"question": ' + DEEP + "}").encode(),
                   headers={"Content-Type": "text/plain"})
    assert r.status_code == 400 and "nested" in r.json()["error"]
    assert "RecursionError" not in fuzzed.log.read_text()


def test_a_staff_vote_without_vote_is_400(fuzzed):
    d = httpx.post(fuzzed.url + "/api/ask", json={"question": "2024年化解了多少矛盾纠纷？"}).json()
    r = httpx.post(fuzzed.url + "/staff/feedback", json={"answer_id": d["answer_id"]}, headers=fuzzed.staff_headers)
    assert r.status_code == 400 and "vote" in r.json()["error"]
    r = httpx.post(fuzzed.url + "/staff/feedback", json={"answer_id": d["answer_id"], "vote": None},
                   headers=fuzzed.staff_headers)
    assert r.status_code == 200  # an explicit null takes a vote back: still allowed
    assert "Traceback" not in fuzzed.log.read_text()
