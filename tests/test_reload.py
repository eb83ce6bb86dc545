"""A new index is taken up while serving: no request fails, none sees a half-built index, a damaged one
never replaces the one that works.

One server over a private corpus and index; `reportqa build` runs beside it as a real process, as an
operator would run it, while 20 clients keep asking.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest_web import PYTHON, ROOT, start_server  # noqa: E402

SEED = next((ROOT / "corpus").glob("*.txt"))
YUNXI = ROOT / "tests" / "data" / "yunxi-county-2024-statistical-bulletin.txt"
QINGHE = ROOT / "tests" / "data" / "qinghe-county-2023-report.txt"
QUESTIONS = ["2024年化解了多少矛盾纠纷？", "How many disputes were mediated in 2024?", "调解成功率是多少？",
             "2025年有哪些工作安排？"]
CLIENTS = 20


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reload")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for p in (SEED, YUNXI):
        shutil.copy(p, corpus)
    # a generous queue: these tests are about indexes changing under 20 clients, not about shedding load
    # while a build shares the cores (tests/test_workers.py and benchmarks/load.py are)
    s = start_server(tmp, REPORTQA_CORPUS=str(corpus), REPORTQA_INDEX=str(tmp / "index"), REPORTQA_RATE_LIMIT="off",
                     REPORTQA_PAGE_RATE_LIMIT="off", REPORTQA_QUEUE_SECONDS="30")
    s.corpus, s.index = corpus, tmp / "index"
    yield s
    s.stop()


def health(server) -> dict:
    return httpx.get(server.url + "/api/health", timeout=30).json()


def build(server) -> subprocess.Popen:
    reportqa = ROOT / ".venv" / "bin" / "reportqa"
    cmd = [str(reportqa)] if reportqa.exists() else [str(PYTHON), "-m", "reportqa.cli"]
    return subprocess.Popen(cmd + ["build", "--corpus", str(server.corpus), "--index", str(server.index)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(condition, what: str, tries: int = 240):
    for _ in range(tries):
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"never happened: {what}")


class Askers:
    """CLIENTS threads asking in turn until stopped; every failure is kept."""

    def __init__(self, server) -> None:
        self.server, self.stop, self.failures, self.answers = server, threading.Event(), [], []
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(CLIENTS)]

    def run(self, n: int) -> None:
        with httpx.Client(timeout=60) as http:
            i = n
            while not self.stop.is_set():
                question = QUESTIONS[i % len(QUESTIONS)]
                i += 1
                try:
                    r = http.post(self.server.url + "/api/ask", json={"question": question})
                    if r.status_code != 200:
                        self.failures.append(f"{r.status_code} {r.text[:200]}")
                    else:
                        self.answers.append(r.json())
                except httpx.HTTPError as e:
                    self.failures.append(repr(e))

    def __enter__(self) -> "Askers":
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)


def test_a_build_killed_midway_changes_nothing_and_the_next_build_is_taken_up(live):
    before = health(live)
    assert before["documents"] == 2
    shutil.copy(QINGHE, live.corpus)  # the next complete build has a third report
    with Askers(live) as askers:
        killed = None
        for attempt in range(3):  # the kill must land while the build writes its new index
            proc = build(live)
            while proc.poll() is None:
                if any(p.name.startswith(".build-") for p in live.index.iterdir()):
                    os.kill(proc.pid, signal.SIGKILL)
                    killed = proc.wait()
                    break
            if killed == -signal.SIGKILL:
                break
            wait_for(lambda: health(live)["built_at"] != before["built_at"], "the completed build taken up")
            before = health(live)  # the build won the race; try again from here
        assert killed == -signal.SIGKILL, "could not kill a build while it wrote its index"
        assert any(p.name.startswith(".build-") for p in live.index.iterdir()), "a half-written index is left"
        time.sleep(2)  # the server looks every second; it must ignore the half-written directory
        during = health(live)
        assert during["built_at"] == before["built_at"] and during["reload_error"] is None
        proc = build(live)
        out, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0, out
        after = wait_for(lambda: (h := health(live))["documents"] == 3 and h, "the new index taken up")
        n_before_stop = len(askers.answers)
        wait_for(lambda: len(askers.answers) > n_before_stop + CLIENTS, "answers from the new index")
    assert askers.failures == [], askers.failures[:5]
    assert len(askers.answers) > 100
    known = {SEED.stem, YUNXI.stem, QINGHE.stem}
    assert all(c["doc"] in known for a in askers.answers for c in a["citations"])
    assert all("230" in a["answer"] for a in askers.answers if a["question"] == QUESTIONS[0])
    assert after["built_at"] != before["built_at"] and after["reload_error"] is None
    r = httpx.post(live.url + "/api/ask", json={"question": "清河县2023年化解了多少矛盾纠纷？"}, timeout=60).json()
    assert r["citations"] and r["citations"][0]["doc"] == QINGHE.stem


def test_a_damaged_index_file_is_named_and_the_last_good_index_keeps_serving(live):
    """A bad copy put in place of the index (a file truncated, as a full disk leaves it) is refused with
    the file named; the server keeps answering from the index it has. (The serving index's own files
    are memory-mapped and never changed in place: a build writes a new directory and swaps it in.)"""
    good = health(live)
    active = live.index / "active"
    bad = live.index / "bad-copy"
    shutil.copytree(active, bad)
    chunks = bad / "chunks.npy"
    chunks.write_bytes(chunks.read_bytes()[: chunks.stat().st_size // 2])
    aside = live.index / "good-copy"
    os.rename(active, aside)  # the operator's swap: the good index moves aside, the bad copy comes in
    os.rename(bad, active)
    try:
        error = wait_for(lambda: health(live)["reload_error"], "the damage noticed")
        assert str(active / "chunks.npy") in error and "damaged or truncated" in error and "reportqa build" in error
        assert health(live)["built_at"] == good["built_at"]
        r = httpx.post(live.url + "/api/ask", json={"question": QUESTIONS[0]}, timeout=60)
        assert r.status_code == 200 and "230" in r.json()["answer"]
        assert "Traceback" not in live.log.read_text()
    finally:
        shutil.rmtree(aside, ignore_errors=True)
    proc = build(live)  # the fix the message names
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out
    wait_for(lambda: (h := health(live))["reload_error"] is None and h["built_at"] != good["built_at"],
             "the rebuilt index taken up")


def test_a_live_index_file_damaged_in_place_makes_health_fail_and_questions_503(live):
    """A file of the index being served written over in place (a disk fault, a careless copy; a build
    never does it): /api/health says so with a 503 naming the file, questions get a clear 503 instead of
    500s, until a good index is built and taken up."""
    good = health(live)
    assert httpx.get(live.url + "/api/health", timeout=30).status_code == 200
    chunks = live.index / "active" / "chunks.npy"
    with open(chunks, "r+b") as f:  # the same size, garbage where the array's header was
        f.write(b"\0garbage" * 8)
    time.sleep(0.2)
    r = httpx.get(live.url + "/api/health", timeout=30)
    assert r.status_code == 503 and r.json()["status"] == "damaged"
    assert str(chunks) in r.json()["error"] and "reportqa build" in r.json()["error"]
    for question in QUESTIONS[:2]:
        r = httpx.post(live.url + "/api/ask", json={"question": question}, timeout=30)
        assert r.status_code == 503 and "damaged" in r.json()["error"] and str(chunks) in r.json()["error"]
        assert int(r.headers["retry-after"]) >= 1
    r = httpx.post(live.url + "/v1/chat/completions", timeout=30, json={
        "model": "reportqa", "messages": [{"role": "user", "content": QUESTIONS[0]}]})
    assert r.status_code == 503 and "damaged" in r.json()["error"]["message"]
    time.sleep(2)  # the watcher sees the change too: it must not take the damaged files up as a new index
    assert health(live)["status"] == "damaged"
    proc = build(live)  # the fix the message names
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out
    after = wait_for(lambda: (h := health(live))["status"] == "ok" and h, "the rebuilt index taken up")
    assert after["built_at"] != good["built_at"] and after["error"] is None
    r = httpx.post(live.url + "/api/ask", json={"question": QUESTIONS[0]}, timeout=60)
    assert r.status_code == 200 and "230" in r.json()["answer"]
    assert "Traceback" not in live.log.read_text()


def test_every_file_the_index_is_read_from_is_named_when_damaged(service, tmp_path):
    """index.load names the file it could not read; the server reports that name (and keeps serving)."""
    from reportqa import index as index_store
    from reportqa.errors import IndexStoreError

    active = tmp_path / "index" / "active"
    shutil.copytree(Path(service.settings.index_dir) / "active", active)
    written = {p.name for p in active.iterdir()}
    assert set(index_store.FILES) <= written
    assert written - set(index_store.FILES) == {"chunk_keys.npy", "sentence_keys.npy", "word_keys.npy"}  # for builds
    for name in index_store.FILES:
        path = active / name
        saved = path.read_bytes()
        path.write_bytes(saved[: len(saved) // 2])
        try:
            with pytest.raises(IndexStoreError, match="reportqa build") as e:
                index_store.load(tmp_path / "index")
            assert str(e.value).startswith(f"index file {path} is damaged or truncated"), name
        finally:
            path.write_bytes(saved)
