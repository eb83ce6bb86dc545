"""A worker killed under load: how long anyone waits, how often the pool restarts, how many workers run.

Starts `python app.py --workers 2` on a free loopback port with the rate limits off, then --clients
threads ask in a closed loop (each asks again as soon as it has its answer) for --seconds; after
--kill-at seconds one answering worker gets SIGKILL, as the kernel's OOM killer would send it.
A client answered 503 waits as Retry-After says (at most 2 s) before asking again, as a
well-behaved client does. Every request's outcome and time is kept. Reports, for the whole run and for before / after the
kill: requests, answers, 503s, errors, p50/p95 and the longest wait for an answer or a 503; the
restarts the server counted (/api/health `answering.restarts`), the most worker processes alive at
once (sampled every 50 ms from /proc) and how long until both slots answered again.

    .venv/bin/python benchmarks/faults.py [--clients 20] [--seconds 30] [--kill-at 8]
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from load import QUESTIONS, load_average, percentile  # noqa: E402


def workers_of(pid: int) -> list[int]:
    """The answering worker processes of the server `pid` (spawned children, not the resource tracker)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"multiprocessing" in cmdline and b"resource_tracker" not in cmdline:
            state = stat.rsplit(")", 1)[1].split()[0]
            if state != "Z":
                out.append(int(entry.name))
    return sorted(out)


def summary(rows: list[tuple]) -> dict:
    took = [t for _, _, t, _ in rows]
    answered = [t for _, status, t, _ in rows if status == 200]
    return {"requests": len(rows), "answered": len(answered),
            "503": sum(1 for _, s, _, _ in rows if s == 503),
            "errors": sum(1 for _, s, _, _ in rows if s not in (200, 503)),
            "p50": statistics.median(answered) if answered else float("nan"),
            "p95": percentile(answered, 95) if answered else float("nan"),
            "longest": max(took) if took else float("nan")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--kill-at", type=float, default=8.0)
    args = parser.parse_args()
    from conftest_web import start_server

    print("starting the server (REPORTQA_WORKERS=2) ...", file=sys.stderr)
    server = start_server(Path(tempfile.mkdtemp(prefix="reportqa-faults-")), REPORTQA_RATE_LIMIT="off",
                          REPORTQA_PAGE_RATE_LIMIT="off", REPORTQA_WORKERS="2")
    rows: list[tuple] = []  # (started, status, ms, error)
    stop = threading.Event()
    peak = [0]
    load_before = load_average()

    def client(n: int) -> None:
        with httpx.Client(timeout=60) as http:
            i = n
            while not stop.is_set():
                t0 = time.monotonic()
                retry = 0.0
                try:
                    r = http.post(server.url + "/api/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]})
                    status, error = r.status_code, ""
                    if status == 503:  # a well-behaved client waits as told (at most 2 s here) before asking again
                        retry = min(2.0, float(r.headers.get("retry-after", "1")))
                except httpx.HTTPError as e:
                    status, error = -1, type(e).__name__
                rows.append((t0, status, (time.monotonic() - t0) * 1000, error))
                i += 1
                if retry:
                    stop.wait(retry)

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], len(workers_of(server.proc.pid)))
            time.sleep(0.05)

    try:
        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
        threads.append(threading.Thread(target=sample, daemon=True))
        start = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(args.kill_at)
        victim = workers_of(server.proc.pid)[0]
        killed = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        back = None
        while time.monotonic() - start < args.seconds:
            if back is None:
                h = httpx.get(server.url + "/api/health", timeout=10).json()
                if h["answering"]["live"] == h["answering"]["slots"] and victim not in workers_of(server.proc.pid):
                    back = time.monotonic() - killed
            time.sleep(0.1)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        health = httpx.get(server.url + "/api/health", timeout=10).json()
        print(f"the pool at the end: {health['answering']}", file=sys.stderr)
    finally:
        stop.set()
        server.stop()
    before = summary([r for r in rows if r[0] < killed])
    after = summary([r for r in rows if r[0] >= killed])
    everything = summary(rows)
    print(f"{args.clients} clients for {args.seconds:g} s, one worker (pid {victim}) killed with SIGKILL at "
          f"{args.kill_at:g} s; load average before: {load_before}")
    print("| part | requests | answered | 503 | errors | p50 ms | p95 ms | longest wait ms |")
    print("|---|---|---|---|---|---|---|---|")
    for name, s in (("before the kill", before), ("after the kill", after), ("whole run", everything)):
        print(f"| {name} | {s['requests']} | {s['answered']} | {s['503']} | {s['errors']} | {s['p50']:.1f} | "
              f"{s['p95']:.1f} | {s['longest']:.1f} |")
    print(f"restarts counted by the server: {health['answering']['restarts']}; most worker processes alive at "
          f"once: {peak[0]}; both slots answering again {back:.1f} s after the kill" if back is not None else
          f"restarts counted by the server: {health['answering']['restarts']}; the slot was not back in time")
    kinds = sorted({e for _, s, _, e in rows if s not in (200, 503)})
    if kinds:
        print("errors:", ", ".join(kinds))
    return 1 if everything["errors"] or health["answering"]["restarts"] > 1 else 0


if __name__ == "__main__":
    sys.exit(main())
