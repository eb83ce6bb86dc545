"""Many users at once: POST /api/ask and Gradio's /ask, on loopback only, closed loop or open loop.

Starts `python app.py` on a free port with the rate limits off (or uses --url, which must be a
loopback address, and --token for Gradio's staff-only /ask).

Closed loop (the default): for each route and each number of clients, a fixed list of questions,
each client asking again as soon as it has its answer. Prints p50/p95, requests a second, errors,
and throughput as a multiple of one client's. With --think, each client first reads for a random
while (exponential, that mean), as a person at a chat does; without, it asks again at once (latency
is then clients / throughput). Bounded: at most --requests per level and --max-seconds overall.

Open loop (--rates 100,250): questions arrive at a fixed rate whatever the server does, as visitors
of a portal do; request i is due at start + i/rate and its latency is counted from then, so a
server (or a load generator) that falls behind shows it instead of hiding it. For each route and
rate, for --seconds: answered (200) and their p50/p95/p99, sheds (503 and 429, which a loaded server
is expected to give, and how fast), and errors (anything else, a shed later than --shed-within
seconds, a failed connection). The load generator is a small HTTP/1.1 client of its own (keep-alive
connections, no parsing beyond what it needs), so that it costs the shared cores little. Capacity
is the highest rate with no error, no shed and p95 ≤ --target-ms.

    .venv/bin/python benchmarks/load.py [--workers 2] [--clients 1,20,50] [--requests 300]
    .venv/bin/python benchmarks/load.py --workers 2 --rates 100,250 --seconds 15
"""
from __future__ import annotations

import argparse
import asyncio
import json
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


async def _ask_rest(http: httpx.AsyncClient, url: str, question: str, token: str) -> int:
    """The status: 200 with an answer, 503/429 refused, anything else (-1: no answer in a 200) an error."""
    r = await http.post(url + "/api/ask", json={"question": question})
    return r.status_code if r.status_code != 200 or "answer" in r.json() else -1


async def _ask_gradio(http: httpx.AsyncClient, url: str, question: str, token: str) -> int:
    """Gradio's HTTP API: POST starts the event, the GET stream ends with `event: complete` and the answer."""
    headers = {"Authorization": f"Bearer {token}"}
    r = await http.post(url + "/gradio_api/call/ask", json={"data": [question, None, None, None, None]},
                        headers=headers)
    if r.status_code != 200:
        return r.status_code
    event = r.json()["event_id"]
    async with http.stream("GET", f"{url}/gradio_api/call/ask/{event}", headers=headers) as stream:
        last = ""
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                last = line.split(":", 1)[1].strip()
            if last == "complete" and line.startswith("data:"):
                return 200 if '"answer"' in line else -1
            if last == "error":
                return 503 if "try again" in line else -1
    return -1


ROUTES = {"POST /api/ask": _ask_rest, "Gradio /ask": _ask_gradio}


async def run_level(url: str, route: str, clients: int, total: int, deadline: float, token: str,
                    think: float = 0.0) -> dict:
    latencies: list[float] = []
    errors = shed = 0
    counter = iter(range(total))
    ask = ROUTES[route]
    rng = random.Random(clients)

    async def worker(http: httpx.AsyncClient) -> None:
        nonlocal errors, shed
        for n in counter:
            if time.monotonic() > deadline:
                return
            if think:  # a person reads the answer before asking again (exponential, mean `think` s)
                await asyncio.sleep(rng.expovariate(1 / think))
            t0 = time.perf_counter()
            try:
                status = await ask(http, url, QUESTIONS[n % len(QUESTIONS)], token)
            except httpx.HTTPError:
                status = -1
            took = (time.perf_counter() - t0) * 1000
            if status == 200:
                latencies.append(took)
            elif status in (503, 429):  # refused for capacity: a client told to come back, not an error
                shed += 1
            else:
                errors += 1

    limits = httpx.Limits(max_connections=clients * 2, max_keepalive_connections=clients * 2)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(clients)))
        wall = time.perf_counter() - t0
    return {"route": route, "clients": clients, "requests": len(latencies) + shed + errors, "errors": errors,
            "shed": shed, "p50": statistics.median(latencies) if latencies else float("nan"),
            "p95": percentile(latencies, 95) if latencies else float("nan"),
            "rps": len(latencies) / wall if wall else 0.0}  # answers a second


# ---------------------------------------------------------------- open loop

class _Stale(Exception):
    """A kept-alive connection turned out closed before any byte of the answer came."""


class Connections:
    """Keep-alive HTTP/1.1 connections to one loopback server, opened as needed, reused when idle."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.opened = 0

    async def request(self, method: str, path: str, body: bytes = b"", stream_until: bytes | None = None):
        """(status, body). With `stream_until`, a streamed (chunked) body is read until that text appears.
        A kept-alive connection the server has closed meanwhile (it closes idle ones after 5 s) is
        replaced and the request sent again, as every HTTP client does."""
        while self.idle:
            reader, writer = self.idle.pop()
            try:
                return await self._send(reader, writer, method, path, body, stream_until)
            except _Stale:
                continue
        reader, writer = await asyncio.open_connection(self.host, self.port)
        self.opened += 1
        try:
            return await self._send(reader, writer, method, path, body, stream_until)
        except _Stale:
            raise ConnectionError("the server closed a new connection without answering") from None

    async def _send(self, reader, writer, method, path, body, stream_until):
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.extra}"
                f"Content-Length: {len(body)}\r\n")
        if body:
            head += "Content-Type: application/json\r\n"
        try:
            writer.write(head.encode() + b"\r\n" + body)
            status_line = await reader.readline()
        except (ConnectionError, OSError):
            writer.close()
            raise _Stale() from None
        if not status_line:
            writer.close()
            raise _Stale()
        try:
            status = int(status_line.split()[1])
            length, chunked, close = None, False, False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                name, value = name.strip().lower(), value.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "transfer-encoding" and "chunked" in value:
                    chunked = True
                elif name == "connection" and value == "close":
                    close = True
            if chunked:
                data = bytearray()
                while True:
                    size = int((await reader.readline()).split(b";")[0], 16)
                    if size == 0:
                        await reader.readline()
                        break
                    data += await reader.readexactly(size)
                    await reader.readexactly(2)
                    if stream_until and stream_until in data and data.endswith(b"\n\n"):
                        close = True  # what we waited for has come; the stream may go on (heartbeats)
                        break
                payload = bytes(data)
            else:
                payload = await reader.readexactly(length or 0)
        except BaseException:
            writer.close()
            raise
        if close:
            writer.close()
        else:
            self.idle.append((reader, writer))
        return status, payload

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


async def _open_rest(conns: Connections, question: str) -> int:
    status, body = await conns.request("POST", "/api/ask", json.dumps({"question": question}).encode())
    if status == 200 and b'"answer"' not in body:
        return -1
    return status


async def _open_gradio(conns: Connections, question: str) -> int:
    body = json.dumps({"data": [question, None, None, None, None]}).encode()
    status, payload = await conns.request("POST", "/gradio_api/call/ask", body)
    if status != 200:
        return status
    event = json.loads(payload)["event_id"]
    status, payload = await conns.request("GET", f"/gradio_api/call/ask/{event}", stream_until=b"event: complete")
    if status != 200:
        return status
    text = payload.decode("utf-8", "replace")
    if "event: complete" in text and '"answer"' in text:
        return 200
    if "event: error" in text and ("try again" in text or "busy" in text):
        return 503  # the pool's refusal, as Gradio reports an error
    return -1


OPEN_ROUTES = {"POST /api/ask": _open_rest, "Gradio /ask": _open_gradio}


async def run_rate(url: str, route: str, rate: float, seconds: float, token: str, shed_within: float,
                   timeout: float = 30.0) -> dict:
    """Open loop: one question every 1/rate seconds for `seconds`; latency from each one's due time."""
    headers = {"Authorization": f"Bearer {token}"} if route.startswith("Gradio") else {}
    conns = Connections(url, headers)
    ask = OPEN_ROUTES[route]
    answered: list[float] = []
    shed: list[float] = []
    errors: list[str] = []
    n = int(rate * seconds)
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    lag = 0.0

    async def one(i: int, due: float) -> None:
        try:
            status = await asyncio.wait_for(ask(conns, QUESTIONS[i % len(QUESTIONS)]), timeout)
        except (OSError, ConnectionError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as e:
            errors.append(type(e).__name__)
            return
        took = (loop.time() - due) * 1000
        if status == 200:
            answered.append(took)
        elif status in (503, 429) and took <= shed_within * 1000:
            shed.append(took)
        else:
            errors.append(f"{status} after {took:.0f} ms")

    tasks = []
    for i in range(n):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            lag = max(lag, -delay)
        tasks.append(asyncio.ensure_future(one(i, due)))
    await asyncio.gather(*tasks)
    wall = loop.time() - start
    conns.close()
    return {"route": route, "rate": rate, "seconds": seconds, "sent": n, "answered": len(answered),
            "shed": len(shed), "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
            "answered_per_s": len(answered) / wall if wall else 0.0,
            "p50": statistics.median(answered) if answered else float("nan"),
            "p95": percentile(answered, 95) if answered else float("nan"),
            "p99": percentile(answered, 99) if answered else float("nan"),
            "shed_p95": percentile(shed, 95) if shed else float("nan"),
            "lag_ms": lag * 1000, "connections": conns.opened}


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def open_loop(args, url: str, token: str) -> int:
    rates = [float(r) for r in args.rates.split(",")]
    rows = []
    routes = args.routes.split(",")
    for route in routes:
        asyncio.run(run_rate(url, route, 20, 1.0, token, args.shed_within))  # warm-up
    for rate in rates:  # the routes in turn at each rate, so that they are compared under the same load
        for route in routes:
            before = load_average()
            rows.append(asyncio.run(run_rate(url, route, rate, args.seconds, token, args.shed_within)))
            rows[-1]["load"] = before
            time.sleep(1.0)  # let the queue drain between levels
    print(f"{url}, REPORTQA_WORKERS={args.workers}, open loop, {len(QUESTIONS)} questions in rotation, "
          f"latency from each request's due time; sheds must come within {args.shed_within:g} s; "
          f"load average at the end: {load_average()}")
    print("| route | rate/s | s | sent | answered | shed (503/429) | errors | answered/s | p50 ms | p95 ms | "
          "p99 ms | shed p95 ms | load avg before |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['route']} | {r['rate']:g} | {r['seconds']:g} | {r['sent']} | {r['answered']} | {r['shed']} | "
              f"{r['errors']} | {r['answered_per_s']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
              f"{r['shed_p95']:.1f} | {r['load']} |")
        if r["error_kinds"]:
            print(f"  errors at {r['rate']:g}/s on {r['route']}: {', '.join(r['error_kinds'])}")
        if r["lag_ms"] > 50:
            print(f"  note: the generator fell {r['lag_ms']:.0f} ms behind schedule at {r['rate']:g}/s "
                  "(counted in the latencies)")
    capacity = {}
    for route in routes:
        ok = [r for r in rows if r["route"] == route and not r["errors"] and not r["shed"] and r["p95"] <= args.target_ms]
        capacity[route] = max((r["rate"] for r in ok), default=None)
        print(f"{route}: capacity (highest rate with no error, no shed and p95 ≤ {args.target_ms:g} ms): "
              f"{f'{capacity[route]:g}/s' if capacity[route] else 'none of the rates tried'}")
    if len(routes) == 2:
        first, second = routes
        for rate in rates:
            a, b = (next(r for r in rows if r["route"] == x and r["rate"] == rate) for x in routes)
            if a["answered_per_s"]:
                print(f"at {rate:g}/s: {second} answered {b['answered_per_s'] / a['answered_per_s']:.2f}× "
                      f"what {first} answered ({b['answered_per_s']:.1f} vs {a['answered_per_s']:.1f} a second)")
    return 1 if any(r["errors"] for r in rows) else 0


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
    parser.add_argument("--rates", help="open loop: arrival rates (questions a second), comma separated")
    parser.add_argument("--seconds", type=float, default=15.0, help="open loop: seconds at each rate")
    parser.add_argument("--shed-within", type=float, default=5.0,
                        help="open loop: a 503/429 later than this many seconds is an error")
    parser.add_argument("--target-ms", type=float, default=150.0, help="open loop: the p95 capacity is judged by")
    parser.add_argument("--queue-seconds", help="REPORTQA_QUEUE_SECONDS of the server started")
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
        extra = {"REPORTQA_QUEUE_SECONDS": args.queue_seconds} if args.queue_seconds else {}
        server = start_server(Path(tempfile.mkdtemp(prefix="reportqa-load-")), REPORTQA_RATE_LIMIT="off",
                              REPORTQA_PAGE_RATE_LIMIT="off", REPORTQA_STAFF_RATE_LIMIT="off",
                              REPORTQA_WORKERS=str(args.workers), **extra)
        url, token = server.url, server.token
    if args.rates:
        try:
            return open_loop(args, url, token)
        finally:
            if server:
                server.stop()
    rows = []
    load_before = load_average()
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
          f"think time {args.think:g} s (one client: none); load average at the start: {load_before}")
    print("| route | clients | requests | 503/429 | errors | p50 ms | p95 ms | answers/s | × one client |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        one = next((x["rps"] for x in rows if x["route"] == r["route"] and x["clients"] == 1), None)
        ratio = f"{r['rps'] / one:.2f}" if one else "-"
        print(f"| {r['route']} | {r['clients']} | {r['requests']} | {r['shed']} | {r['errors']} | {r['p50']:.1f} | "
              f"{r['p95']:.1f} | {r['rps']:.1f} | {ratio} |")
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
