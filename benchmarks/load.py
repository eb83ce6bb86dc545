"""Many users at once: POST /api/ask and Gradio's /ask at 1, 20 and 50 concurrent clients, on loopback only.

Starts `python app.py` on a free port with the rate limits off (or uses --url, which must be a
loopback address, and --token for Gradio's staff-only /ask), and for each route and each number of
clients sends a fixed list of questions, each client asking again as soon as it has its answer.
Prints p50/p95, requests a second, errors, and throughput as a multiple of one client's, per
route. With --think, each client first reads for a random while (exponential, that mean), as a person
at a chat does; without, it asks again at once (a closed loop: latency is then clients / throughput).
Bounded: at most --requests per level and --max-seconds overall.

    .venv/bin/python benchmarks/load.py [--workers 2] [--clients 1,20,50] [--requests 300]
"""
from __future__ import annotations

import argparse
import asyncio
import random
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


async def _ask_rest(http: httpx.AsyncClient, url: str, question: str, token: str) -> bool:
    r = await http.post(url + "/api/ask", json={"question": question})
    return r.status_code == 200 and "answer" in r.json()


async def _ask_gradio(http: httpx.AsyncClient, url: str, question: str, token: str) -> bool:
    """Gradio's HTTP API: POST starts the event, the GET stream ends with `event: complete` and the answer."""
    headers = {"Authorization": f"Bearer {token}"}
    r = await http.post(url + "/gradio_api/call/ask", json={"data": [question, None, None, None, None]},
                        headers=headers)
    if r.status_code != 200:
        return False
    event = r.json()["event_id"]
    async with http.stream("GET", f"{url}/gradio_api/call/ask/{event}", headers=headers) as stream:
        last = ""
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                last = line.split(":", 1)[1].strip()
            if last == "complete" and line.startswith("data:"):
                return '"answer"' in line
            if last == "error":
                return False
    return False


ROUTES = {"POST /api/ask": _ask_rest, "Gradio /ask": _ask_gradio}


async def run_level(url: str, route: str, clients: int, total: int, deadline: float, token: str,
                    think: float = 0.0) -> dict:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))
    ask = ROUTES[route]
    rng = random.Random(clients)

    async def worker(http: httpx.AsyncClient) -> None:
        nonlocal errors
        for n in counter:
            if time.monotonic() > deadline:
                return
            if think:  # a person reads the answer before asking again (exponential, mean `think` s)
                await asyncio.sleep(rng.expovariate(1 / think))
            t0 = time.perf_counter()
            try:
                ok = await ask(http, url, QUESTIONS[n % len(QUESTIONS)], token)
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - t0) * 1000)
            errors += not ok

    limits = httpx.Limits(max_connections=clients * 2, max_keepalive_connections=clients * 2)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(clients)))
        wall = time.perf_counter() - t0
    return {"route": route, "clients": clients, "requests": len(latencies), "errors": errors,
            "p50": statistics.median(latencies) if latencies else float("nan"),
            "p95": percentile(latencies, 95) if latencies else float("nan"),
            "rps": len(latencies) / wall if wall else 0.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server on loopback (default: start one)")
    parser.add_argument("--token", default="", help="the staff token of --url, for Gradio's /ask")
    parser.add_argument("--workers", type=int, default=1, help="REPORTQA_WORKERS of the server started")
    parser.add_argument("--clients", default="1,20,50", help="numbers of concurrent clients")
    parser.add_argument("--routes", default=",".join(ROUTES), help="routes to load, comma separated")
    parser.add_argument("--requests", type=int, default=300, help="requests per level (max 3000)")
    parser.add_argument("--max-seconds", type=float, default=300, help="stop after this long in total")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a client reads an answer before its next question (0: at once)")
    args = parser.parse_args()
    total = max(1, min(args.requests, 3000))
    server = None
    url, token = args.url, args.token
    if url:
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            parser.error("--url must be a loopback address")
        url = url.rstrip("/")
    else:
        from conftest_web import start_server

        print(f"starting the server (REPORTQA_WORKERS={args.workers}) ...", file=sys.stderr)
        server = start_server(Path(tempfile.mkdtemp(prefix="reportqa-load-")), REPORTQA_RATE_LIMIT="off",
                              REPORTQA_PAGE_RATE_LIMIT="off", REPORTQA_STAFF_RATE_LIMIT="off",
                              REPORTQA_WORKERS=str(args.workers))
        url, token = server.url, server.token
    rows = []
    try:
        deadline = time.monotonic() + args.max_seconds
        for route in args.routes.split(","):
            asyncio.run(run_level(url, route, 1, len(QUESTIONS), deadline, token))  # warm-up
            for c in (int(x) for x in args.clients.split(",")):
                rows.append(asyncio.run(run_level(url, route, c, total, deadline, token, args.think if c > 1 else 0)))
    finally:
        if server:
            server.stop()
    print(f"{url}, REPORTQA_WORKERS={args.workers}, {len(QUESTIONS)} questions in rotation, "
          f"think time {args.think:g} s (one client: none)")
    print("| route | clients | requests | errors | p50 ms | p95 ms | requests/s | × one client |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        one = next((x["rps"] for x in rows if x["route"] == r["route"] and x["clients"] == 1), None)
        ratio = f"{r['rps'] / one:.2f}" if one else "-"
        print(f"| {r['route']} | {r['clients']} | {r['requests']} | {r['errors']} | {r['p50']:.1f} | {r['p95']:.1f} | "
              f"{r['rps']:.1f} | {ratio} |")
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
