"""How the engine scales: synthetic knowledge bases of 10k, 100k and 1M passages, both stores.

    .venv/bin/python benchmarks/scale.py [--sizes 10000,100000,1000000] [--stores faiss,milvus]
                                         [--milvus-max 100000] [--questions 200] [--work DIR]

For each size it writes synthetic reports (the standard form: title, 发布时间 line, addressee,
一、/(一)/一是 headings, sentences with figures of many kinds, a plans section, a signature;
places, years and kinds drawn at random, every passage different), builds the index with each
store and measures, in one run:

  * build: the whole build, and the store part alone (everything but embedding). Embedding
    4M texts with the real encoder would take hours, so the build embeds with a stand-in whose
    vectors are mixtures of real encodings (of the generator's own sentences), chosen by the
    text's character shingles plus a little noise: clustered like real vectors, none repeated.
    The real encoder's throughput is measured apart, on real report text, and the embedding
    time it would take is given beside it.
  * the index's size on disk; the time to load it in a fresh process; that process's peak RSS
    after answering the questions; answer p50/p95 over questions written from random passages
    (asked with the real encoder, in Chinese and English, some naming the place), after 50 other
    such questions (a server that has run a while has read some of its index);
  * recall@10 of the store's dense search against exact search over the same vectors.

Results go to stdout as a Markdown table and to benchmarks/results/scale-*.json (not tracked);
--reuse measures indexes built by an earlier run again (their build time from the manifest).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO / "src"))

SYLLABLES = list("安白碧沧长东枫凤福高古桂海河和红花华黄江金锦静九兰蓝柳龙鹿绿梅明南宁平青清泉瑞桑沙山石松桃天田望溪霞仙祥新秀阳杨玉云枣樟竹紫")
LEVELS = [("镇", "镇人民政府"), ("乡", "乡人民政府"), ("街道", "街道办事处"), ("县", "县人民政府")]
TOPICS = [("矛盾纠纷", "件", "调解"), ("法律咨询", "人次", "解答"), ("执法人员培训", "期", "开展"), ("普法宣传活动", "场", "开展"),
          ("信访事项", "件", "办理"), ("行政复议案件", "件", "办理"), ("合同协议", "份", "审查"), ("便民服务事项", "项", "办理"),
          ("宣传资料", "份", "发放"), ("法律援助案件", "件", "办理"), ("行政处罚案件", "件", "办理"), ("规范性文件", "件", "清理"),
          ("违法建设", "处", "拆除"), ("安全隐患", "处", "排查整改"), ("农村公路", "公里", "新建改建"), ("高标准农田", "万亩", "新建"),
          ("就业岗位", "个", "新增"), ("招商项目", "个", "引进"), ("养老服务中心", "个", "新建"), ("公益活动", "场", "组织")]
RATES = ["调解成功率", "群众满意度", "按期办结率", "持证率", "覆盖率", "参保率", "完成率"]
MONEY = ["一般公共预算收入", "固定资产投资", "民生支出", "法治建设经费", "旅游综合收入", "村级集体经济收入"]
HEADS = ["加强组织领导，压实工作责任", "健全依法决策机制", "规范行政执法行为", "化解社会矛盾纠纷", "深化法治宣传教育",
         "优化政务服务", "强化监督制约", "推进基层治理", "保障和改善民生", "推动经济高质量发展"]
POINTS = ["完善工作机制", "强化队伍建设", "创新工作方式", "加强督促检查", "落实工作责任", "健全制度体系", "提升服务水平"]
KINDS = [("关于{year}年法治政府建设情况的报告", "法治政府建设报告"), ("{year}年工作总结", "工作总结"),
         ("{year}年政府工作报告", "政府工作报告")]


def place_name(rng: random.Random) -> tuple[str, str, str]:
    name = rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
    suffix, body = rng.choice(LEVELS)
    return name, name + suffix, name + body


def sentence(rng: random.Random, year: int) -> str:
    noun, unit, verb = rng.choice(TOPICS)
    kind = rng.random()
    if kind < 0.55:
        return f"全年{verb}{noun}{rng.randint(3, 9000)}{unit}，较上年{rng.choice(['增加', '减少'])}{rng.randint(1, 40)}{unit}。"
    if kind < 0.8:
        return f"{rng.choice(RATES)}达到{rng.randint(80, 99)}.{rng.randint(0, 9)}%，{noun}工作成效明显。"
    if kind < 0.95:
        return f"{year}年{rng.choice(MONEY)}{rng.randint(1, 900)}.{rng.randint(10, 99)}亿元，同比增长{rng.randint(1, 15)}.{rng.randint(0, 9)}%。"
    return f"围绕{noun}，坚持问题导向，{rng.choice(POINTS)}，推动各项任务落地见效。"


def report(rng: random.Random, passages: int) -> tuple[str, dict]:
    """One report of about `passages` passages, and what a question about it may name."""
    short, place, body = place_name(rng)
    year = rng.randint(2019, 2025)
    title_form, kind = rng.choice(KINDS)
    title = f"{place}{'人民政府' if kind != '政府工作报告' else ''}{title_form.format(year=year)}"
    lines = [title, "", f"发布时间：{year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}　来源：{body}", "", "县委、县政府：", "",
             f"{year}年，{place}坚持以习近平新时代中国特色社会主义思想为指导，扎实推进各项工作。现将有关情况报告如下。", ""]
    cn = "一二三四五六七八九十"
    sections = max(1, round((passages - 2) / 6))  # a header passage, a preface, and six points a section
    for i in range(sections):
        last = i == sections - 1
        lines += [f"{cn[i]}、{f'{year + 1}年工作安排' if last else rng.choice(HEADS)}", ""]
        for j in range(3):
            lines += [f"（{cn[j]}）{rng.choice(POINTS)}", ""]
            points = "".join(f"{cn[k]}是{rng.choice(POINTS)}。{sentence(rng, year)}{sentence(rng, year)}" for k in range(2))
            lines += [points, ""]
    lines += [body, f"{year + 1}年1月{rng.randint(5, 28)}日"]
    return "\n".join(lines) + "\n", {"place": place, "short": short, "year": year}


def write_corpus(directory: Path, n_passages: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    about, per_report = [], 38
    for r in range((n_passages + per_report - 1) // per_report):
        text, info = report(rng, per_report)
        name = f"r{r:06d}"
        (directory / f"{name}.txt").write_text(text, encoding="utf-8")
        about.append({"doc": name, **info})
    return about


class StandIn:
    """Vectors for a build too large to embed here: mixtures of real encodings, chosen by the text's
    character shingles, with noise; deterministic, clustered, never two alike."""

    resumable = False  # nothing to resume: these cost nothing

    def __init__(self, encoder, pool_size: int = 2048, seed: int = 11) -> None:
        rng = random.Random(seed)
        pool = [sentence(rng, 2024) for _ in range(pool_size)]
        self.pool = encoder.encode(pool)
        self.model_id, self.dim = encoder.model_id, encoder.dim

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            h = hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest()
            rng = np.random.default_rng(int.from_bytes(h, "little"))
            shingles = [int.from_bytes(hashlib.blake2b(t[k:k + 4].encode(), digest_size=4).digest(), "little")
                        % len(self.pool) for k in range(0, max(1, len(t) - 3), max(1, len(t) // 6))][:6]
            v = self.pool[shingles].sum(axis=0) + rng.normal(0, 0.08, self.dim).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        return out


def questions_for(about: list[dict], corpus: Path, n: int, seed: int = 5) -> list[str]:
    """Questions written from random passages: the figure of a sentence, asked as 多少 or how many."""
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        r = rng.choice(about)
        text = (corpus / f"{r['doc']}.txt").read_text(encoding="utf-8")
        noun, unit, verb = rng.choice(TOPICS)
        if noun not in text:
            continue
        kind = len(out) % 4
        if kind == 0:
            out.append(f"{r['place']}{r['year']}年{verb}{noun}多少{unit}？")
        elif kind == 1:
            out.append(f"全年{verb}了多少{unit}{noun}？")
        elif kind == 2:
            out.append(f"{r['place']}的{rng.choice(RATES)}是多少？")
        else:
            out.append(f"How many {rng.choice(['cases', 'people', 'events'])} did {r['short']} handle in {r['year']}?")
    return out


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# Run in a fresh process each (Milvus Lite lets one process at a time open its file): the build, and
# the probe that loads the index, answers the questions and measures recall.
BUILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2])
from pathlib import Path
from scale import StandIn
from reportqa import building
from reportqa.config import Settings
from reportqa.embedding import Encoder
settings = Settings.from_env(corpus_dir=Path(sys.argv[3]), index_dir=Path(sys.argv[4]), store=sys.argv[5])
t = time.perf_counter()
building.build(settings, StandIn(Encoder()), building.Progress())
print(time.perf_counter() - t)
"""
PROBE = r"""
import json, resource, statistics, sys, time
t0 = time.perf_counter()
from pathlib import Path
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2])
from reportqa import index as index_store
idx = index_store.load(Path(sys.argv[3]))
load_s = time.perf_counter() - t0
from scale import recall_at_10
from reportqa.config import Settings
from reportqa.embedding import Encoder
from reportqa.service import QAService
encoder = Encoder()
svc = QAService(Settings.from_env(index_dir=Path(sys.argv[3]), store=sys.argv[5]), index=idx, encoder=encoder)
questions = json.loads(Path(sys.argv[4]).read_text(encoding="utf-8"))
for q in json.loads(Path(sys.argv[4]).with_name("warm-up.json").read_text(encoding="utf-8")):
    svc.ask(q)  # other questions first: the pages a server has read by now are read, the answers are not
times, found = [], 0
for q in questions:
    t = time.perf_counter()
    found += svc.ask(q).found
    times.append((time.perf_counter() - t) * 1000)
times.sort()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
recall = recall_at_10(idx, encoder.encode(questions[:100]))
print(json.dumps({"load_s": load_s, "p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))],
                  "found": found / len(questions), "peak_rss_mb": rss, "recall_at_10": recall}))
"""


def recall_at_10(index, queries: np.ndarray) -> float:
    """The share of the exact top 10 (brute force over the stored vectors) the store's search finds."""
    from reportqa.store import Filter

    vectors = index.chunk_vectors
    exact = []
    scores = np.full((len(queries), 10), -np.inf, dtype=np.float32)
    ids = np.zeros((len(queries), 10), dtype=np.int64)
    step = 100_000
    for start in range(0, len(vectors), step):
        block = np.asarray(vectors[start:start + step], dtype=np.float32) @ queries.T  # (block, q)
        both_s = np.concatenate([scores, block.T], axis=1)
        both_i = np.concatenate([ids, np.arange(start, start + len(block))[None, :].repeat(len(queries), 0)], axis=1)
        keep = np.argsort(-both_s, axis=1)[:, :10]
        scores, ids = np.take_along_axis(both_s, keep, 1), np.take_along_axis(both_i, keep, 1)
    exact = ids
    got = [set(index.store.dense(q, 10, Filter()).tolist()) for q in queries]
    return float(np.mean([len(g & set(e.tolist())) / 10 for g, e in zip(got, exact)]))


def encoder_speed(encoder, n: int = 1500) -> float:
    """Texts a second of the real encoder on real report passages (the seed and the multi set)."""
    texts = []
    for p in sorted((SHARED / "eval" / "multi").glob("*.txt")) + sorted((REPO / "corpus").glob("*.txt")):
        from reportqa.ingest import read

        texts += [line for line in read(p).text.splitlines() if len(line) > 8]
    texts = (texts * (n // max(1, len(texts)) + 1))[:n]
    t = time.perf_counter()
    encoder.encode(texts)
    return n / (time.perf_counter() - t)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--stores", default="faiss,milvus")
    ap.add_argument("--milvus-max", type=int, default=100_000, help="largest size built with Milvus Lite")
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--work", type=Path, default=Path("/tmp/reportqa-scale"))
    ap.add_argument("--reuse", action="store_true", help="measure indexes already built in --work again")
    args = ap.parse_args()

    from reportqa.embedding import Encoder

    speed = encoder_speed(Encoder())
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        work = args.work / str(size)
        corpus = work / "corpus"
        if not corpus.is_dir():
            t = time.perf_counter()
            about = write_corpus(corpus, size)
            (work / "about.json").write_text(json.dumps(about, ensure_ascii=False), encoding="utf-8")
            print(f"{size}: wrote {len(about)} reports in {time.perf_counter() - t:.0f}s", flush=True)
        about = json.loads((work / "about.json").read_text(encoding="utf-8"))
        qfile = work / "questions.json"
        qfile.write_text(json.dumps(questions_for(about, corpus, args.questions), ensure_ascii=False), encoding="utf-8")
        (work / "warm-up.json").write_text(json.dumps(questions_for(about, corpus, 50, seed=99), ensure_ascii=False),
                                           encoding="utf-8")
        for store in args.stores.split(","):
            if store == "milvus" and size > args.milvus_max:
                continue
            spec = "faiss" if store == "faiss" else str(work / "milvus.db")
            index_dir = work / f"index-{store}"
            here = str(Path(__file__).resolve().parent)
            if args.reuse and (index_dir / "active" / "manifest.json").exists():
                build_s = json.loads((index_dir / "active" / "manifest.json").read_text())["build_seconds"]
            else:
                shutil.rmtree(index_dir, ignore_errors=True)
                if store == "milvus":  # Milvus Lite keeps its data in a directory named like the file
                    shutil.rmtree(spec, ignore_errors=True) if Path(spec).is_dir() else Path(spec).unlink(missing_ok=True)
                built = subprocess.run([sys.executable, "-c", BUILD, str(REPO / "src"), here, str(corpus), str(index_dir),
                                        spec], stdout=subprocess.PIPE, text=True)
                if built.returncode != 0:
                    return 1
                build_s = float(built.stdout.strip().splitlines()[-1])
            manifest = json.loads((index_dir / "active" / "manifest.json").read_text(encoding="utf-8"))
            texts = sum(manifest["counts"][k] for k in ("chunks", "sentences", "words"))
            probe = subprocess.run([sys.executable, "-c", PROBE, str(REPO / "src"), here, str(index_dir), str(qfile), spec],
                                   capture_output=True, text=True)
            if probe.returncode != 0:
                print(probe.stderr[-3000:], file=sys.stderr)
                return 1
            measured = json.loads(probe.stdout.strip().splitlines()[-1])
            recall = measured.pop("recall_at_10")
            milvus = Path(spec) if store == "milvus" else None
            disk = du(index_dir) + (0 if milvus is None or not milvus.exists()
                                    else du(milvus) if milvus.is_dir() else milvus.stat().st_size)
            row = {"passages": manifest["counts"]["chunks"], "store": manifest["store"].get("index") or "milvus-lite",
                   "reports": manifest["counts"]["documents"], "texts": texts,
                   "build_s": round(build_s, 1), "store_build_s": round(build_s - manifest["embed_seconds"], 1),
                   "real_embed_s": round(texts / speed), "encoder_texts_per_s": round(speed),
                   "disk_mb": round(disk / 2**20), **{k: round(v, 3) for k, v in measured.items()},
                   "recall_at_10": round(recall, 3)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"scale-{args.sizes.replace(',', '-')}-{args.stores.replace(',', '-')}.json").write_text(
        json.dumps(rows, indent=1), encoding="utf-8")
    print("\n| passages | store | build (store part) | embedding at the real encoder's speed | on disk | load | "
          "peak RSS | answer p50 / p95 | recall@10 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['passages']:,} | {r['store']} | {r['build_s']:.0f} s ({r['store_build_s']:.0f} s) | "
              f"{r['real_embed_s'] / 3600:.1f} h ({r['texts']:,} texts at {r['encoder_texts_per_s']}/s) | "
              f"{r['disk_mb']:,} MB | {r['load_s']:.2f} s | {r['peak_rss_mb']:,.0f} MB | "
              f"{r['p50_ms']:.1f} / {r['p95_ms']:.1f} ms | {r['recall_at_10']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
