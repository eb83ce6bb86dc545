"""Staff sessions that stay signed out, sign-in throttling that does not lock out colleagues, server-side
conversations bound to the account, and accounts written where the server reads them.

Real servers on loopback; requests from other loopback addresses (127.0.0.x) are other clients.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest_web import ROOT, STAFF_PASSWORD, STAFF_USER, Server, from_address, start_server  # noqa: E402
from test_portal import config, fn_index, gradio_event, sign_in  # noqa: E402

QUESTION = "2024年化解了多少矛盾纠纷？"
SHOWN = [{"role": "user", "content": [{"type": "text", "text": "x"}]}]  # a chat not cleared
FOLLOW_UP = "那调解成功率呢？"


def add_account(server, name: str, password: str) -> None:
    from reportqa.web.auth import add_user

    add_user(Path(server.env["REPORTQA_STAFF_USERS"]), name, password)
    for _ in range(20):  # the server re-reads the users file within a second
        with from_address("127.0.0.250") as http:
            if sign_in(http, server, name, password).status_code == 303:
                return
        time.sleep(0.25)
    raise AssertionError(f"{name} could not sign in")


def test_a_signed_out_cookie_stays_refused_after_a_restart(tmp_path):
    """With REPORTQA_SECRET_KEY set, cookies outlive a restart; a signed-out one must not come back."""
    first = start_server(tmp_path)
    try:
        with from_address("127.0.0.31") as http:
            assert sign_in(http, first).status_code == 303
            signed_out = http.cookies["reportqa_session"]
            assert http.post(first.url + "/logout").status_code == 303
        with from_address("127.0.0.32") as http:
            assert sign_in(http, first).status_code == 303
            kept = http.cookies["reportqa_session"]  # never signed out
        assert httpx.get(first.url + "/config", cookies={"reportqa_session": signed_out}).status_code == 401
    finally:
        first.stop()
    assert (tmp_path / "sessions.sqlite3").exists()  # beside the feedback store
    again = Server(first.env, tmp_path / "server-again.log").wait()  # the same settings, a new process
    try:
        assert httpx.get(again.url + "/config", cookies={"reportqa_session": kept}).status_code == 200
        assert httpx.get(again.url + "/config", cookies={"reportqa_session": signed_out}).status_code == 401
        page = httpx.get(again.url + "/config", cookies={"reportqa_session": signed_out},
                         headers={"Accept": "text/html"})
        assert page.status_code == 302 and page.headers["location"].startswith("/login")
    finally:
        again.stop()


def test_sign_in_is_throttled_by_account_and_address_together(server):
    """A colleague behind the same address (one office, one NAT) who mistypes does not lock anyone
    else out; the account that was guessed at waits, from that address only."""
    add_account(server, "colleague", "another long password")
    limit = 30  # REPORTQA_LOGIN_RATE_LIMIT of the test server, per minute
    with from_address("127.0.0.33") as office:
        codes = [sign_in(office, server, "colleague", "mistyped").status_code for _ in range(limit)]
        assert codes == [401] * limit
        r = sign_in(office, server, "colleague", "another long password")
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and "Too many failed sign-ins" in r.text
        r = sign_in(office, server)  # another account's right password, from the same address
        assert r.status_code == 303 and office.get(server.url + "/config").status_code == 200
    with from_address("127.0.0.34") as home:  # the same account from elsewhere is not locked out
        assert sign_in(home, server, "colleague", "another long password").status_code == 303


def test_one_address_trying_many_names_is_throttled_too(tmp_path):
    s = start_server(tmp_path, REPORTQA_LOGIN_RATE_LIMIT="5/minute", REPORTQA_LOGIN_ADDRESS_RATE_LIMIT="12/minute")
    try:
        with from_address("127.0.0.35") as sprayer:
            codes = [sign_in(sprayer, s, f"name{n}", "guess").status_code for n in range(12)]
            assert codes == [401] * 12
            assert sign_in(sprayer, s, "name99", "guess").status_code == 429
        with from_address("127.0.0.36") as other:
            assert sign_in(other, s).status_code == 303
    finally:
        s.stop()


def test_another_accounts_gradio_session_hash_gives_nothing_of_its_conversation(server):
    """Gradio keys a conversation by the session hash the browser picks (it shows in queue/data URLs, so
    in proxy logs). Knowing tester's hash, another account gets a conversation of its own, empty, and
    tester's conversation is neither shown to it nor changed by it."""
    add_account(server, "snoop", "a snooping long password")
    chat = fn_index(server, "chat")
    session = uuid.uuid4().hex[:10]
    with from_address("127.0.0.37") as owner, from_address("127.0.0.38") as snoop:
        assert sign_in(owner, server).status_code == 303
        assert sign_in(snoop, server, "snoop", "a snooping long password").status_code == 303
        done = gradio_event(owner, server, chat, [QUESTION, [], None, "all"], session)
        assert done["success"] and "230" in json.dumps(done["output"], ensure_ascii=False)
        # the snoop asks a follow-up in "tester's" session: answered as a new conversation, without tester's turn
        theirs = gradio_event(snoop, server, chat, [FOLLOW_UP, SHOWN, None, "all"], session)
        shown = json.dumps(theirs["output"]["data"][1], ensure_ascii=False)
        assert len(theirs["output"]["data"][1]) == 2 and QUESTION not in shown and FOLLOW_UP in shown
        # tester's conversation is intact: the follow-up leans on tester's own first question
        mine = gradio_event(owner, server, chat, [FOLLOW_UP, SHOWN, None, "all"], session)
        messages = mine["output"]["data"][1]
        assert len(messages) == 4 and "97" in json.dumps(messages[3], ensure_ascii=False)
        # the simple HTTP API: an event id started by tester is not the snoop's to collect
        r = owner.post(server.url + "/gradio_api/call/chat", json={"data": [QUESTION, [], "all"]})
        event = r.json()["event_id"]
        assert snoop.get(server.url + f"/gradio_api/call/chat/{event}").status_code == 404
        assert snoop.get(server.url + f"/gradio_api/call/chat/{event.rsplit('-', 1)[0]}").status_code == 404
        stream = owner.get(server.url + f"/gradio_api/call/chat/{event}", timeout=60).text
        assert "event: complete" in stream and "230" in stream
        r = owner.post(server.url + "/gradio_api/call/ask", json={"data": [QUESTION]})
        event = r.json()["event_id"]
        assert snoop.get(server.url + f"/gradio_api/call/ask/{event}").status_code == 404
        assert "230" in owner.get(server.url + f"/gradio_api/call/ask/{event}", timeout=60).text


def test_staff_user_add_writes_where_the_server_reads_whatever_the_current_folder(tmp_path):
    """Configuration (REPORTQA_HOME, or the checkout), not the folder a command runs in, says where the
    accounts are: added from another folder, the account signs in on a server started elsewhere."""
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTQA_")}
    env["REPORTQA_HOME"] = str(home)
    reportqa = ROOT / ".venv" / "bin" / "reportqa"
    cmd = [str(reportqa)] if reportqa.exists() else [sys.executable, "-m", "reportqa.cli"]
    p = subprocess.run(cmd + ["staff-user", "add", "fromafar", "--password-stdin"], input="a password from afar\n",
                       capture_output=True, text=True, cwd=elsewhere, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert str(home / "staff-users") in p.stdout and not (elsewhere / "staff-users").exists()
    s = start_server(tmp_path / "srv", REPORTQA_HOME=str(home), REPORTQA_STAFF_USERS="",
                     REPORTQA_CORPUS=str(ROOT / "corpus"), REPORTQA_INDEX=str(tmp_path / "index"))
    try:
        with from_address("127.0.0.39") as http:
            assert sign_in(http, s, "fromafar", "a password from afar").status_code == 303
    finally:
        s.stop()


def test_without_reportqa_home_the_files_are_the_checkouts_whatever_the_current_folder(tmp_path, monkeypatch):
    from reportqa.config import Settings

    monkeypatch.delenv("REPORTQA_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    s = Settings()
    assert s.staff_users_path == ROOT / "staff-users" and s.feedback_path.parent == ROOT / "feedback"
    assert s.sessions_file == ROOT / "feedback" / "sessions.sqlite3"
