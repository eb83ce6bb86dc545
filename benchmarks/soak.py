"""Soak: the real server under steady mixed traffic for a bounded time, on loopback only.

Starts `python app.py` on a free loopback port over a private copy of the corpus (or uses --url, which
must be a loopback address), then --clients threads send, for --seconds, what a portal sees: questions
(some follow-ups, some scoped to a place), report pages, commitments, the widget, health checks, and
now and then abuse that must be refused (an oversized body 413, deeply nested JSON 400, a staff page
without sign-in 401, an upload 404). With --rebuild-every N (only for a server it started) it runs
`reportqa build` beside the server every N seconds, so the server takes up new indexes while serving.

Reports errors (any unexpected status or failed request), p50/p95 of POST /api/ask, and the server's
resident memory (RSS): after warm-up, at the end, the highest, and the drift between the first and the
last minute's medians.

    .venv/bin/python benchmarks/soak.py [--seconds 600] [--clients 8] [--rebuild-every 120] [--url URL]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

DOC = "2024-xiaohe-town-rule-of-law-government-report"
QUESTIONS = [
    {"question": "2024年化解了多少矛盾纠纷？"},
    {"question": "那调解成功率呢？", "history": ["2024年化解了多少矛盾纠纷？"]},
    {"question": "How many disputes were mediated in 2024?"},
    {"question": "法治政府建设工作领导小组的组长是谁？", "place": "小河镇"},
    {"question": "What is the town's GDP growth rate?"},
    {"question": "2025年有哪些工作安排？"},
    {"question": "Which new media platforms will the town use for legal publicity in 2025?"},
    {"question": "2024年接待群众来信来访多少人次？", "year": 2024},
]
PAGES = ["/api/health", f"/report/{DOC}", "/commitments", "/api/commitments", "/widget", "/api/reports"]
ABUSE = [  # (method, path, body or None, content type, the status that means it was refused)
    ("POST", "/api/ask", b'{"question": "' + b"a" * 20000 + b'"}', "application/json", 413),
    ("POST", "/api/ask", b"[" * 5000 + b"]" * 5000, "application/json", 400),
    ("GET", "/config", None, None, 401),
    ("POST", "/gradio_api/upload", b"x" * 100, "application/octet-stream", 404),
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Soak:
    def __init__(self, url: str, clients: int, seconds: float) -> None:
        self.url, self.clients, self.deadline = url, clients, time.monotonic() + seconds
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.requests = 0
        self.errors: list[str] = []

    def record(self, ok: bool, what: str, ms: float | None = None) -> None:
        with self.lock:
            self.requests += 1
            if ms is not None:
                self.latencies.append(ms)
            if not ok:
                self.errors.append(what)

    def worker(self, n: int) -> None:
        with httpx.Client(timeout=60) as http:
            i = n
            while time.monotonic() < self.deadline:
                i += 1
                try:
                    if i % 25 == 0:
                        method, path, body, ctype, want = ABUSE[(i // 25) % len(ABUSE)]
                        r = http.request(method, self.url + path, content=body,
                                         headers={"Content-Type": ctype} if ctype else None)
                        self.record(r.status_code == want, f"{method} {path}: {r.status_code}, wanted {want}")
                    elif i % 4 == 0:
                        path = PAGES[(i // 4) % len(PAGES)]
                        r = http.get(self.url + path)
                        self.record(r.status_code == 200, f"GET {path}: {r.status_code}")
                    else:
                        payload = QUESTIONS[i % len(QUESTIONS)]
                        t0 = time.perf_counter()
                        r = http.post(self.url + "/api/ask", json=payload)
                        ms = (time.perf_counter() - t0) * 1000
                        ok = r.status_code == 200 and "answer_id" in r.json()
                        self.record(ok, f"POST /api/ask: {r.status_code} {r.text[:120]}", ms)
                except httpx.HTTPError as e:
                    self.record(False, repr(e))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600, help="how long to soak (default 600, at most 3600)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8, at most 64)")
    parser.add_argument("--rebuild-every", type=float, default=120,
                        help="run `reportqa build` beside the server every N seconds (0: never; not with --url)")
    parser.add_argument("--url", help="a running server on loopback (default: start one)")
    args = parser.parse_args()
    seconds, clients = max(10.0, min(args.seconds, 3600.0)), max(1, min(args.clients, 64))
    server, pid, tmp = None, None, None
    if args.url:
        if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
            parser.error("--url must be a loopback address")
        url = args.url.rstrip("/")
    else:
        from conftest_web import start_server

        tmp = Path(tempfile.mkdtemp(prefix="reportqa-soak-"))
        shutil.copytree(ROOT / "corpus", tmp / "corpus")
        print("starting the server ...", file=sys.stderr)
        # a portal's limits would refuse a soak from one address; the abuse checks still apply
        server = start_server(tmp, REPORTQA_CORPUS=str(tmp / "corpus"), REPORTQA_INDEX=str(tmp / "index"),
                              REPORTQA_RATE_LIMIT="off", REPORTQA_PAGE_RATE_LIMIT="off")
        url, pid = server.url, server.proc.pid
    soak = Soak(url, clients, seconds)
    samples: list[tuple[float, float]] = []
    rebuilds, taken_up = 0, set()
    t_start = time.monotonic()
    try:
        for q in QUESTIONS:  # warm-up
            httpx.post(url + "/api/ask", json=q, timeout=60)
        threads = [threading.Thread(target=soak.worker, args=(n,), daemon=True) for n in range(clients)]
        for t in threads:
            t.start()
        next_rebuild = time.monotonic() + args.rebuild_every if (server and args.rebuild_every > 0) else float("inf")
        build = None
        while time.monotonic() < soak.deadline:
            time.sleep(5)
            if pid and (mb := rss_mb(pid)) is not None:
                samples.append((time.monotonic() - t_start, mb))
            try:
                taken_up.add(httpx.get(url + "/api/health", timeout=30).json().get("built_at"))
            except httpx.HTTPError:
                pass
            if build is None and time.monotonic() >= next_rebuild:
                build = subprocess.Popen([str(ROOT / ".venv" / "bin" / "reportqa"), "build", "--corpus",
                                          str(tmp / "corpus"), "--index", str(tmp / "index")],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                next_rebuild = time.monotonic() + args.rebuild_every
            if build is not None and build.poll() is not None:
                rebuilds += build.returncode == 0
                soak.errors += [] if build.returncode == 0 else [f"reportqa build exited {build.returncode}"]
                build = None
        for t in threads:
            t.join(timeout=120)
        if build is not None:
            build.wait(timeout=600)
    finally:
        if server:
            server.stop()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    lat = soak.latencies
    first = [mb for t, mb in samples if t <= 60] or [mb for _, mb in samples[:1]]
    last = [mb for t, mb in samples if t >= samples[-1][0] - 60] if samples else []
    result = {
        "seconds": round(time.monotonic() - t_start), "clients": clients, "requests": soak.requests,
        "errors": len(soak.errors), "ask_p50_ms": round(statistics.median(lat), 1) if lat else None,
        "ask_p95_ms": round(percentile(lat, 95), 1) if lat else None,
        "requests_per_s": round(soak.requests / max(1.0, time.monotonic() - t_start), 1),
        "rebuilds": rebuilds, "indexes_served": len(taken_up - {None}),
        "rss_start_mb": round(first[0], 1) if first else None, "rss_end_mb": round(samples[-1][1], 1) if samples else None,
        "rss_max_mb": round(max(mb for _, mb in samples), 1) if samples else None,
        "rss_drift_mb": round(statistics.median(last) - statistics.median(first), 1) if first and last else None,
    }
    print(f"soak of {url}: {result['seconds']} s, {clients} clients, {soak.requests} requests "
          f"({result['requests_per_s']}/s), {len(soak.errors)} errors")
    print(f"POST /api/ask p50 {result['ask_p50_ms']} ms, p95 {result['ask_p95_ms']} ms")
    if samples:
        print(f"server RSS: {result['rss_start_mb']} MB after warm-up, {result['rss_end_mb']} MB at the end, "
              f"{result['rss_max_mb']} MB at most; drift (last minute vs first, medians) {result['rss_drift_mb']} MB")
    print(f"index rebuilds beside the server: {rebuilds}; indexes served: {result['indexes_served']}")
    for e in soak.errors[:10]:
        print("  error:", e)
    print(json.dumps(result))
    return 1 if soak.errors else 0


if __name__ == "__main__":
    sys.exit(main())
