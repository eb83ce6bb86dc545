"""Staff votes on answers, kept in SQLite (WAL): one row per voter and answer, never lost.

A vote names the answer it rates by the `answer_id` the server issued with it; the question,
answer and sources stored with the vote are the server's own copy (the web layer passes them),
never text a client sent. Each voter has at most one vote per answer: a later vote replaces
the earlier one, and taking a vote back removes it. The store refuses votes beyond its cap
instead of dropping old ones, so an export always holds every vote that was acknowledged.

Every write is one transaction with `synchronous=FULL`, so a crash loses no acknowledged vote,
and readers (an export from the CLI while the server runs) never block writers. A
`feedback.jsonl` written by earlier versions is imported once, by content, then renamed.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from .errors import ReportQAError

VOTES = ("like", "dislike")
CITATION_FIELDS = ("doc", "section", "start", "end", "quote", "link")
FIELDS = ("timestamp", "vote", "question", "answer", "citations", "answer_id", "voter", "asked_at")
CSV_HEADER = ["timestamp", "vote", "question", "answer", "sources", "answer_id", "voter", "asked_at"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")  # what a spreadsheet reads as a formula
SCHEMA = """
CREATE TABLE IF NOT EXISTS votes (
    id INTEGER PRIMARY KEY,
    answer_id TEXT NOT NULL,
    voter TEXT NOT NULL,
    vote TEXT NOT NULL CHECK (vote IN ('like', 'dislike')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    asked_at TEXT,
    voted_at TEXT NOT NULL,
    UNIQUE (answer_id, voter)
);
"""


class FeedbackFull(ReportQAError):
    """The store holds its maximum number of votes: export and archive it, or raise the cap."""


@dataclass
class Recorded:
    status: str  # "new", "replaced" or "removed" (or "absent": there was nothing to take back)
    count: int  # votes in the store afterwards


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def store_path(path: Path) -> Path:
    """The SQLite file for a configured path; a configured `*.jsonl` (earlier versions) is kept beside."""
    path = Path(path)
    return path.with_suffix(".sqlite3") if path.suffix == ".jsonl" else path


def citation_summary(citations) -> list[dict]:
    """What a vote keeps of each source: where it is, not the whole passage."""
    return [{k: c.get(k) for k in CITATION_FIELDS} for c in citations or [] if isinstance(c, dict)]


class FeedbackStore:
    """The votes of one SQLite file, safe to share between threads."""

    def __init__(self, path: Path, max_votes: int = 100_000) -> None:
        self.path = store_path(path)
        self.max_votes = max_votes
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        for legacy in {self.path.with_suffix(".jsonl"), Path(path)} - {self.path}:
            if legacy.is_file():
                self._import_jsonl(legacy)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM votes").fetchone()[0]

    def record(self, answer_id: str, voter: str, vote: str | None, question: str, answer: str,
               citations, asked_at: str | None = None) -> Recorded:
        """Store `voter`'s vote on an answer, replacing their earlier one; vote None takes it back."""
        if vote is not None and vote not in VOTES:
            raise ValueError(f"vote must be one of {VOTES}")
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if vote is None:
                    gone = self._db.execute("DELETE FROM votes WHERE answer_id = ? AND voter = ?",
                                            (answer_id, voter)).rowcount
                    status = "removed" if gone else "absent"
                else:
                    exists = self._db.execute("SELECT 1 FROM votes WHERE answer_id = ? AND voter = ?",
                                              (answer_id, voter)).fetchone()
                    total = self._db.execute("SELECT count(*) FROM votes").fetchone()[0]
                    if not exists and total >= self.max_votes:
                        raise FeedbackFull(f"the feedback store {self.path} holds {total} votes, its limit "
                                           "(REPORTQA_FEEDBACK_MAX); export and archive it to record more")
                    self._db.execute(
                        "INSERT INTO votes (answer_id, voter, vote, question, answer, citations, asked_at, voted_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (answer_id, voter) DO UPDATE SET"
                        " vote = excluded.vote, voted_at = excluded.voted_at",
                        (answer_id, voter, vote, question, answer,
                         json.dumps(citation_summary(citations), ensure_ascii=False), asked_at, now()))
                    status = "replaced" if exists else "new"
                count = self._db.execute("SELECT count(*) FROM votes").fetchone()[0]
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return Recorded(status, count)

    def entries(self, batch: int = 500) -> Iterator[dict]:
        """Every vote, oldest first, read in batches (an export of a large store holds little memory)."""
        last = 0
        while True:
            with self._lock:
                rows = self._db.execute(
                    "SELECT id, voted_at, vote, question, answer, citations, answer_id, voter, asked_at FROM votes"
                    " WHERE id > ? ORDER BY id LIMIT ?", (last, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                last = row[0]
                yield dict(zip(FIELDS, (row[1], row[2], row[3], row[4], json.loads(row[5]), *row[6:])))

    def _import_jsonl(self, legacy: Path) -> None:
        """Votes of a JSONL file of earlier versions, each keyed by its content (so importing twice adds
        nothing); damaged lines are skipped. The file is then renamed `*.imported`, never deleted."""
        rows = []
        for line in legacy.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if not isinstance(e, dict) or e.get("vote") not in VOTES:
                continue
            key = "jsonl-" + hashlib.sha256(line.encode("utf-8")).hexdigest()[:32]
            rows.append((key, "imported", e["vote"], str(e.get("question") or ""), str(e.get("answer") or ""),
                         json.dumps(citation_summary(e.get("citations")), ensure_ascii=False), None,
                         str(e.get("timestamp") or now())))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT OR IGNORE INTO votes (answer_id, voter, vote, question, answer, citations, asked_at, voted_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self._db.execute("COMMIT")
        os.replace(legacy, legacy.with_name(legacy.name + ".imported"))


# ---------------------------------------------------------------- export

def safe_cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: one that would start a formula gets a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_row(e: dict) -> list[str]:
    sources = " | ".join(f"{c.get('section')} ({c.get('link')})" for c in e.get("citations") or [])
    return [safe_cell(v) for v in (e["timestamp"], e["vote"], e["question"], e["answer"], sources,
                                   e["answer_id"], e["voter"], e["asked_at"])]


def export_lines(entries, fmt: str) -> Iterator[str]:
    """The export as text pieces: JSON lines, or CSV with a BOM so Excel reads Chinese correctly."""
    if fmt not in ("jsonl", "csv"):
        raise ValueError("format must be jsonl or csv")
    if fmt == "jsonl":
        for e in entries:
            yield json.dumps(e, ensure_ascii=False) + "\n"
        return
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_HEADER)
    yield "\ufeff" + buf.getvalue()
    for e in entries:
        buf.seek(0)
        buf.truncate()
        writer.writerow(csv_row(e))
        yield buf.getvalue()


def export(path: Path, out: Path, fmt: str = "jsonl") -> int:
    """Write every vote of the store at `path` to `out` (written whole, then renamed into place;
    nothing is left behind on failure); return how many were written. A missing store has none."""
    if fmt not in ("jsonl", "csv"):
        raise ValueError("format must be jsonl or csv")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    exists = any(p.exists() for p in (store_path(path), store_path(path).with_suffix(".jsonl"), Path(path)))
    store = FeedbackStore(path) if exists else None
    n = 0

    def counted():
        nonlocal n
        for e in store.entries() if store else ():
            n += 1
            yield e

    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.writelines(export_lines(counted(), fmt))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
        if store:
            store.close()
    return n
