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


def _workers_of(pid: int) -> list[int]:
    """The answering worker processes of the server (spawned children, not multiprocessing's resource tracker)."""
    out = []
    for child in _children(pid):
        try:
            cmdline = (Path("/proc") / str(child) / "cmdline").read_bytes()
        except OSError:
            continue
        if b"multiprocessing" in cmdline and b"resource_tracker" not in cmdline and _alive(child):
            out.append(child)
    return out


def test_a_worker_killed_under_load_is_replaced_once_and_no_request_hangs(workers_server):
    """kill -9 of one worker while 20 clients ask: the question it was answering goes to the other worker
    (or gets a 503 at once), the others keep being answered, one new worker is started, by one thread."""
    import os
    import signal
    import threading
    import time

    health = lambda: httpx.get(workers_server.url + "/api/health", timeout=30).json()  # noqa: E731
    before = health()["answering"]
    assert before["live"] == before["slots"] == 2
    outcomes: list[tuple[int, float, str]] = []
    stop = threading.Event()

    def client(n: int) -> None:
        with httpx.Client(timeout=60) as http:
            i = n
            while not stop.is_set():
                t0 = time.monotonic()
                try:
                    r = http.post(workers_server.url + "/api/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]})
                    outcomes.append((r.status_code, time.monotonic() - t0, r.text if r.status_code == 200 else
                                     r.json().get("error", "")))
                    if r.status_code == 503:
                        stop.wait(min(2.0, float(r.headers["retry-after"])))
                except httpx.HTTPError as e:
                    outcomes.append((-1, time.monotonic() - t0, repr(e)))
                i += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(20)]
    for t in threads:
        t.start()
    try:
        time.sleep(2)
        victim = _workers_of(workers_server.proc.pid)[0]
        os.kill(victim, signal.SIGKILL)
        killed_at = len(outcomes)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            now = health()["answering"]
            if now["restarts"] > before["restarts"] and now["live"] == 2 \
                    and victim not in _workers_of(workers_server.proc.pid):
                break
            time.sleep(0.25)
        time.sleep(1)  # answers from both workers again
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    after = health()["answering"]
    assert after["restarts"] == before["restarts"] + 1, after  # replaced once, not once per failed request
    assert after["live"] == 2 and len(_workers_of(workers_server.proc.pid)) == 2
    assert {status for status, _, _ in outcomes} <= {200, 503}, [o for o in outcomes if o[0] not in (200, 503)][:3]
    # an answer or a 503 soon, never the client's timeout (the old pool left requests hanging for 30 s)
    assert max(took for _, took, _ in outcomes) < 10, max(took for _, took, _ in outcomes)
    answered_after = [text for status, _, text in outcomes[killed_at:] if status == 200]
    assert len(answered_after) > 20
    assert all("230" in text for text in answered_after if "2024年化解了多少矛盾纠纷" in text)
    assert "Traceback" not in workers_server.log.read_text()


def test_a_worker_killed_while_idle_is_noticed_and_replaced_without_a_question(workers_server):
    """No question needs to fail for the pool to see a dead worker: health says so at once, and the
    worker is replaced."""
    import os
    import signal
    import time

    health = lambda: httpx.get(workers_server.url + "/api/health", timeout=30).json()  # noqa: E731
    before = health()["answering"]
    victim = _workers_of(workers_server.proc.pid)[0]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while health()["answering"]["restarts"] == before["restarts"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert health()["answering"]["restarts"] == before["restarts"] + 1
    deadline = time.monotonic() + 120
    while health()["answering"]["live"] < 2 and time.monotonic() < deadline:
        time.sleep(0.25)
    assert health()["answering"]["live"] == 2
    r = httpx.post(workers_server.url + "/api/ask", json={"question": QUESTIONS[0]}, timeout=60)
    assert r.status_code == 200 and r.json()["answer"].startswith("230件")
