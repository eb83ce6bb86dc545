"""Speed and memory of the engine, measured in one run so ratios compare like with like.

    .venv/bin/python benchmarks/bench.py [--questions ../shared/eval/dev.jsonl] [--rounds 5] [--corpus DIR]

Reports: index build time, cold start (process start to first answer, in a
fresh process), p50/p95 answer latency over the question set, peak RSS, and
the ratio of answer latency to the bare path (encode the question + the
store's dense search) timed on the same questions in the same process.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from reportqa import building  # noqa: E402
from reportqa.config import Settings  # noqa: E402
from reportqa.service import QAService  # noqa: E402
from reportqa.store import Filter  # noqa: E402

FALLBACK_QUESTIONS = ["2024年化解了多少矛盾纠纷？", "How many disputes were mediated in 2024?",
                      "法治政府建设工作领导小组的组长是谁？", "What was Xiaohe town's GDP in 2024?"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", type=Path, default=REPO.parent / "shared" / "eval" / "dev.jsonl")
    ap.add_argument("--rounds", type=int, default=5, help="passes over the question set")
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--corpus", type=Path, default=REPO / "corpus", help="the reports to index (default ./corpus)")
    args = ap.parse_args()
    questions = ([json.loads(l)["question"] for l in args.questions.read_text(encoding="utf-8").splitlines() if l.strip()]
                 if args.questions.exists() else FALLBACK_QUESTIONS)

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(corpus_dir=args.corpus, index_dir=Path(tmp) / "index")
        service = QAService(settings)  # builds the index once (first build includes CC-CEDICT parsing)
        builds, rebuilds = [], []
        for n in range(3):  # a fresh build embeds everything; a rebuild reuses the vectors it has
            fresh = replace(settings, index_dir=Path(tmp) / f"fresh-{n}")
            t = time.perf_counter()
            building.build(fresh, service.encoder)
            builds.append(time.perf_counter() - t)
            t = time.perf_counter()
            building.build(fresh, service.encoder)
            rebuilds.append(time.perf_counter() - t)

        # Cold start: a fresh process, index already built, until the first answer is printed.
        env = dict(os.environ, REPORTQA_CORPUS=str(settings.corpus_dir), REPORTQA_INDEX=str(settings.index_dir))
        colds = []
        for _ in range(args.cold_runs):
            t = time.perf_counter()
            subprocess.run([str(REPO / ".venv" / "bin" / "reportqa"), "ask", "--json", questions[0]], env=env,
                           check=True, capture_output=True)
            colds.append(time.perf_counter() - t)
        child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

        answer_ms, bare_ms = [], []
        for _ in range(args.rounds):
            for q in questions:
                t = time.perf_counter()
                service.ask(q)
                answer_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                vec = service.encoder.encode([q])
                service.index.store.dense(vec[0], 5, Filter())
                bare_ms.append((time.perf_counter() - t) * 1000)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    p50, bare50 = statistics.median(answer_ms), statistics.median(bare_ms)
    rows = [
        ("questions x rounds", f"{len(questions)} x {args.rounds}"),
        ("index build, fresh (median of 3)", f"{statistics.median(builds):.2f} s"),
        ("index rebuild, nothing new to embed (median of 3)", f"{statistics.median(rebuilds):.2f} s"),
        ("cold start to first answer (median)", f"{statistics.median(colds):.2f} s"),
        ("answer latency p50", f"{p50:.2f} ms"),
        ("answer latency p95", f"{percentile(answer_ms, 95):.2f} ms"),
        ("bare path p50 (encode + store search)", f"{bare50:.2f} ms"),
        ("answer / bare path (p50 ratio)", f"{p50 / bare50:.2f}x"),
        ("peak RSS, serving process", f"{rss:.0f} MB"),
        ("peak RSS, cold-start CLI process", f"{child_rss:.0f} MB"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"| {'measure'.ljust(width)} | value |\n|{'-' * (width + 2)}|-------|")
    for k, v in rows:
        print(f"| {k.ljust(width)} | {v} |")


if __name__ == "__main__":
    main()
