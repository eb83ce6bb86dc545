"""Latency of POST /api/ask at 1 and at 20 concurrent clients, on loopback only.

Starts `python app.py` on a free port (or uses --url, which must be a loopback
address), sends a fixed list of questions, and prints p50/p95 per concurrency
level. Bounded: at most --requests per level and --max-seconds overall.

    .venv/bin/python benchmarks/load.py [--url http://127.0.0.1:7860] [--requests 200]
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

QUESTIONS = [
    "2024年化解了多少矛盾纠纷？",
    "How many disputes were mediated in 2024?",
    "法治政府建设工作领导小组的组长是谁？",
    "Which new media platforms will the town use for legal publicity in 2025?",
    "调解成功率是多少？",
    "2024年接待群众来信来访多少人次？",
    "What is the town's GDP growth rate?",
    "2025年有哪些工作安排？",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


async def run_level(url: str, clients: int, total: int, deadline: float) -> dict:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def worker(http: httpx.AsyncClient) -> None:
        nonlocal errors
        for n in counter:
            if time.monotonic() > deadline:
                return
            t0 = time.perf_counter()
            r = await http.post(url + "/api/ask", json={"question": QUESTIONS[n % len(QUESTIONS)]})
            latencies.append((time.perf_counter() - t0) * 1000)
            errors += r.status_code != 200

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(clients)))
        wall = time.perf_counter() - t0
    return {"clients": clients, "requests": len(latencies), "errors": errors,
            "p50": statistics.median(latencies) if latencies else float("nan"),
            "p95": percentile(latencies, 95) if latencies else float("nan"),
            "rps": len(latencies) / wall if wall else 0.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server on loopback (default: start one)")
    parser.add_argument("--requests", type=int, default=200, help="requests per concurrency level (max 2000)")
    parser.add_argument("--max-seconds", type=float, default=120, help="stop after this long in total")
    args = parser.parse_args()
    total = max(1, min(args.requests, 2000))
    server = None
    url = args.url
    if url:
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            parser.error("--url must be a loopback address")
        url = url.rstrip("/")
    else:
        from conftest_web import start_server

        print("starting the server ...", file=sys.stderr)
        server = start_server(Path(tempfile.mkdtemp(prefix="reportqa-load-")), REPORTQA_RATE_LIMIT="off")
        url = server.url
    try:
        deadline = time.monotonic() + args.max_seconds
        asyncio.run(run_level(url, 1, len(QUESTIONS), deadline))  # warm-up
        rows = [asyncio.run(run_level(url, c, total, deadline)) for c in (1, 20)]
    finally:
        if server:
            server.stop()
    print(f"POST {url}/api/ask, {len(QUESTIONS)} questions in rotation")
    print(f"{'clients':>7} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7}")
    for r in rows:
        print(f"{r['clients']:>7} {r['requests']:>8} {r['errors']:>6} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['rps']:>7.1f}")
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
