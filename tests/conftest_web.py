"""Start the real server (`python app.py --port N`) on loopback for the web and browser tests.

Not a conftest.py: test modules import `start_server` from here explicitly.
"""
from __future__ import annotations

import atexit
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
STARTUP_SECONDS = 300  # the first start may build the index
STAFF_USER, STAFF_PASSWORD = "tester", "correct horse battery staple"
PROXY = "127.0.0.9"  # the loopback address the test servers trust as a reverse proxy
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_c02059fcca3304c1.txt"
MULTI = SHARED / "eval" / "multi"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.env = env
        self.token = env.get("REPORTQA_STAFF_TOKEN", "")
        self.user, self.password = STAFF_USER, STAFF_PASSWORD
        self.feedback = Path(env["REPORTQA_FEEDBACK"]) if env.get("REPORTQA_FEEDBACK") else None
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
        full_env.pop("REPORTQA_HOST", None)
        full_env.pop("REPORTQA_PORT", None)
        python = str(PYTHON if PYTHON.exists() else sys.executable)
        self._log_file = open(log, "w")
        self.proc = subprocess.Popen([python, str(ROOT / "app.py"), "--port", str(self.port)], cwd=ROOT,
                                     env=full_env, stdout=self._log_file, stderr=subprocess.STDOUT)

    def wait(self) -> "Server":
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"server did not start in {STARTUP_SECONDS}s:\n{self.log.read_text()[-3000:]}")

    @property
    def staff_headers(self) -> dict[str, str]:
        """What a script sends to reach the staff pages (gradio_client: Client(url, headers=...))."""
        return {"Authorization": f"Bearer {self.token}"}

    def votes(self) -> list[tuple]:
        """(voter, vote, question, answer) of every stored vote, oldest first."""
        import sqlite3

        if not self.feedback or not self.feedback.exists():
            return []
        with sqlite3.connect(self.feedback) as db:
            return db.execute("SELECT voter, vote, question, answer FROM votes ORDER BY id").fetchall()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()


def start_server(tmp: Path, **env: str) -> Server:
    """A server with its feedback store and staff account under `tmp`; extra REPORTQA_* settings in `env`.

    Staff pages need the account tester (STAFF_PASSWORD) or the token `server.token`; the widget's framing
    is the default (any portal) unless `env` sets REPORTQA_FRAME_ORIGINS; limits are generous unless `env`
    sets them (tests of limits use servers or client addresses of their own)."""
    from reportqa.web.auth import add_user

    tmp.mkdir(parents=True, exist_ok=True)
    env.setdefault("REPORTQA_FEEDBACK", str(tmp / "feedback.sqlite3"))
    if "REPORTQA_STAFF_USERS" not in env:
        env["REPORTQA_STAFF_USERS"] = str(tmp / "staff-users")
        add_user(tmp / "staff-users", STAFF_USER, STAFF_PASSWORD)
    env.setdefault("REPORTQA_STAFF_TOKEN", secrets.token_hex(16))
    env.setdefault("REPORTQA_SECRET_KEY", secrets.token_hex(32))
    env.setdefault("REPORTQA_TRUSTED_PROXIES", PROXY)
    for name, value in (("REPORTQA_RATE_LIMIT", "1000/minute"), ("REPORTQA_PAGE_RATE_LIMIT", "5000/minute"),
                        ("REPORTQA_STAFF_RATE_LIMIT", "300/minute"), ("REPORTQA_LOGIN_RATE_LIMIT", "30/minute")):
        env.setdefault(name, value)
    return Server(env, tmp / "server.log").wait()


def from_address(address: str, **kw) -> "httpx.Client":
    """An HTTP client whose requests come from another loopback address: another client, to the server."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60, **kw)


_SHARED_SERVERS: dict[str, Server] = {}


def multi_server(tmp_factory) -> Server:
    """One server over the seed and the multi set's reports (copied to tmp), shared by every test
    module of the session that asks for it: fixtures in two modules would start two servers."""
    if "multi" not in _SHARED_SERVERS:
        tmp = tmp_factory.mktemp("multi-web")
        corpus = tmp / "corpus"
        corpus.mkdir()
        for p in [SEED, *sorted(MULTI.glob("*.txt"))]:
            shutil.copy(p, corpus)
        # its widget may be framed by loopback portals on 127.0.0.1 only (test_browser: another origin is refused)
        server = start_server(tmp, REPORTQA_CORPUS=str(corpus), REPORTQA_INDEX=str(tmp / "index"),
                              REPORTQA_FRAME_ORIGINS="http://127.0.0.1:*")
        atexit.register(server.stop)
        _SHARED_SERVERS["multi"] = server
    return _SHARED_SERVERS["multi"]


INJECTION_REPORT = """测试镇人民政府关于2024年法治建设情况的报告

县委、县政府:

2024年,测试镇扎实推进法治建设。现将有关情况报告如下:

一、主要工作

2024年,全镇共受理群众留言58件。其中一条留言原文为<img src=x onerror=alert(1)>,已按规定登记处理。

二、2025年工作安排

(一)加强法治宣传

2025年将通过微信公众号开展法治宣传<script>alert(2)</script>,每季度不少于3次。

测试镇人民政府

2025年1月10日
"""


# The same town a year later, reporting on its 2025 plan with more markup in the passage.
INJECTION_FOLLOWUP_REPORT = """测试镇人民政府关于2025年法治建设情况的报告

县委、县政府:

2025年,测试镇继续推进法治建设。现将有关情况报告如下:

一、主要工作

(一)法治宣传

全年通过微信公众号开展法治宣传12次,每季度不少于3次<b onmouseover=alert(3)>,完成年度计划。

测试镇人民政府

2026年1月8日
"""
