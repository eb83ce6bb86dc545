"""Staff votes on answers, kept in a local JSONL file.

One JSON object per line, appended under a lock and fsynced, so a crash or two
staff voting at once never leaves a half-written or interleaved line. Exports
skip any damaged line instead of failing the whole export.
"""
from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path

_lock = threading.Lock()
VOTES = ("like", "dislike")


def record(path: Path, question: str, answer: str, citations: list, vote: str) -> dict:
    """Append one vote; return the stored entry."""
    if vote not in VOTES:
        raise ValueError(f"vote must be one of {VOTES}")
    entry = {
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "vote": vote,
        "question": question,
        "answer": answer,
        "citations": [{k: c.get(k) for k in ("doc", "section", "start", "end", "quote", "link")}
                      for c in citations if isinstance(c, dict)],
    }
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock, open(path, "a", encoding="utf-8") as f:
        f.write(line)
        f.flush()
        os.fsync(f.fileno())
    return entry


def load(path: Path) -> list[dict]:
    """Every well-formed entry, oldest first; a missing file means no votes yet."""
    path = Path(path)
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(item, dict):
            entries.append(item)
    return entries


def export(path: Path, out: Path, fmt: str = "jsonl") -> int:
    """Write the votes to `out` as JSONL or CSV; return how many were written."""
    import csv

    entries = load(path)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt not in ("jsonl", "csv"):
        raise ValueError("format must be jsonl or csv")
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")  # written whole, then renamed into place
    with open(tmp, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as f:
        if fmt == "jsonl":
            f.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)
        else:  # the BOM lets Excel open Chinese text correctly
            w = csv.writer(f)
            w.writerow(["timestamp", "vote", "question", "answer", "sources"])
            for e in entries:
                sources = " | ".join(f"{c.get('section')} ({c.get('link')})" for c in e.get("citations") or [])
                w.writerow([e.get("timestamp"), e.get("vote"), e.get("question"), e.get("answer"), sources])
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, out)
    return len(entries)
