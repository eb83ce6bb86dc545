"""Every question set beside the repo and the knowledge base each is asked of.

A knowledge base is built once under $REPORTQA_EVAL_TMP (default /tmp/reportqa-eval) and rebuilt when
its reports or the chunker change (vectors are reused by text digest). Sets:

- shared: dev (the seed report), multi (six own-words reports and the seed), gwr (the national
  government work reports 2001-2019), provinces (29 provincial work reports of 2025);
- ours: eval/*.jsonl, asked of the seed, of the seed with multi/, or of the bulletin in tests/data,
  whichever each item names; eval/kb-*/ and eval/real-*/ knowledge bases of their own (their reports
  and their questions.jsonl, written by helpers who never saw the engine).
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO / "src"))

SEED = SHARED / "seeds" / "000_c02059fcca3304c1.txt"
BULLETIN = REPO / "tests" / "data" / "yunxi-county-2024-statistical-bulletin.txt"
REPORT_SUFFIXES = (".txt", ".docx", ".html", ".pdf")


@dataclass
class QuestionSet:
    name: str  # how tables and --sets name it
    items: list[dict]
    base: str  # the knowledge base it is asked of


def root() -> Path:
    return Path(os.environ.get("REPORTQA_EVAL_TMP") or Path(tempfile.gettempdir()) / "reportqa-eval")


def _reports(folder: Path) -> list[Path]:
    return sorted(f for f in folder.iterdir() if f.suffix in REPORT_SUFFIXES and f.name != "questions.jsonl"
                  and not f.name.startswith(("README", "SOURCES")))


def bases() -> dict[str, list[Path]]:
    """Knowledge base name -> its report files."""
    out = {"seed": [SEED], "multi": [SEED, *sorted((SHARED / "eval" / "multi").glob("*.txt"))],
           "bulletin": [BULLETIN], "gwr": sorted((SHARED / "eval" / "gwr").glob("*.txt")),
           "provinces": sorted((SHARED / "eval" / "provinces").glob("*.txt"))}
    for d in _own_bases():
        extra = [BULLETIN] if d.name.startswith("kb-") else []  # as they were written: beside the bulletin
        out[d.name] = extra + _reports(d)
    return out


def _own_bases() -> list[Path]:
    return [d for d in sorted((REPO / "eval").glob("*")) if d.is_dir() and d.name.startswith(("kb-", "real-"))
            and (d / "questions.jsonl").exists()]


def _load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def question_sets() -> list[QuestionSet]:
    out = [QuestionSet("dev", _load(SHARED / "eval" / "dev.jsonl"), "seed"),
           QuestionSet("multi", _load(SHARED / "eval" / "multi" / "questions.jsonl"), "multi"),
           QuestionSet("gwr", _load(SHARED / "eval" / "gwr" / "questions.jsonl"), "gwr"),
           QuestionSet("provinces", _load(SHARED / "eval" / "provinces" / "questions.jsonl"), "provinces")]
    for path in sorted((REPO / "eval").glob("*.jsonl")):
        items = _load(path)
        single = {i.get("doc") for i in items} <= {None, SEED.name}
        groups: dict[str, list[dict]] = {}
        for item in items:
            doc = item.get("doc")
            base = ("bulletin" if doc == BULLETIN.name else
                    "seed" if single or (doc == SEED.name and "multi" not in path.name) else "multi")
            groups.setdefault(base, []).append(item)
        for base, group in groups.items():
            out.append(QuestionSet(f"{path.stem}@{base}", group, base))
    for d in _own_bases():
        out.append(QuestionSet(d.name, _load(d / "questions.jsonl"), d.name))
    return out


def service(name: str, files: list[Path]):
    """The QAService of a knowledge base, building its index when missing or stale."""
    from reportqa.config import Settings
    from reportqa.service import QAService

    corpus = root() / name / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    wanted = {f.name for f in files}
    for old in corpus.iterdir():
        if old.name not in wanted:
            old.unlink()
    for f in files:
        target = corpus / f.name
        if not target.exists() or target.read_bytes() != f.read_bytes():
            shutil.copy(f, target)
    return QAService(Settings.from_env(corpus_dir=corpus, index_dir=root() / name / "index",
                                       feedback_path=root() / name / "feedback.sqlite3"))
