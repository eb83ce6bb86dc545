"""Many users at once: questions answered by several processes (REPORTQA_WORKERS), REST and Gradio's
/ask alike, with the same answers as one process gives; the web process keeps answer ids and votes."""
from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest_web import start_server  # noqa: E402

QUESTIONS = ["2024年化解了多少矛盾纠纷？", "How many disputes were mediated in 2024?", "调解成功率是多少？",
             "法治政府建设存在哪些不足？", "Who published this report and on what date?", "2025年有哪些工作安排？"]


@pytest.fixture(scope="module")
def workers_server(tmp_path_factory):
    s = start_server(tmp_path_factory.mktemp("workers"), REPORTQA_WORKERS="2", REPORTQA_RATE_LIMIT="off")
    yield s
    s.stop()


def _gradio_ask(url: str, token: str, question: str) -> dict:
    from gradio_client import Client

    return Client(url + "/", headers={"Authorization": f"Bearer {token}"}, verbose=False).predict(
        question, api_name="/ask")


def test_two_workers_answer_concurrent_questions_as_one_process_does(workers_server, server):
    def both(q):
        a = httpx.post(workers_server.url + "/api/ask", json={"question": q}, timeout=120)
        b = httpx.post(server.url + "/api/ask", json={"question": q}, timeout=120)
        return a, b

    with ThreadPoolExecutor(max_workers=12) as pool:
        pairs = list(pool.map(both, QUESTIONS * 4))
    for a, b in pairs:
        assert a.status_code == 200 and b.status_code == 200
        one, two = a.json(), b.json()
        assert (one["found"], one["answer"], [c["start"] for c in one["citations"]]) == \
               (two["found"], two["answer"], [c["start"] for c in two["citations"]])
        assert one["answer_id"] and one["answer_id"] != two["answer_id"]


def test_gradio_ask_goes_through_the_workers_too(workers_server):
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda q: _gradio_ask(workers_server.url, workers_server.token, q), QUESTIONS[:4]))
    assert answers[0]["answer"].startswith("230件") and "230" in answers[1]["answer"]


def test_a_vote_binds_to_an_answer_a_worker_gave(workers_server):
    a = httpx.post(workers_server.url + "/api/ask", json={"question": QUESTIONS[0]}, timeout=120).json()
    r = httpx.post(workers_server.url + "/staff/feedback", json={"answer_id": a["answer_id"], "vote": "like"},
                   headers=workers_server.staff_headers, timeout=60)
    assert r.status_code == 200, r.text


def test_the_workers_end_with_the_server(tmp_path):
    import os
    import signal
    import time

    s = start_server(tmp_path / "srv", REPORTQA_WORKERS="2")
    workers = [p for p in _children(s.proc.pid)]
    assert len(workers) >= 2
    os.kill(s.proc.pid, signal.SIGKILL)  # however the web process ends
    s.proc.wait(timeout=30)
    deadline = time.monotonic() + 20
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not any(_alive(p) for p in workers)


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
