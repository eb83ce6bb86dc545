"""The feedback store: appends survive concurrency, damaged lines are skipped, exports round-trip."""
from __future__ import annotations

import csv
import json
import threading

import pytest

from reportqa import feedback

CITES = [{"doc": "d", "section": "一、x", "start": 1, "end": 9, "quote": "q", "link": "/report/d#1-9", "text": "long"}]


def test_record_creates_dirs_and_appends(tmp_path):
    path = tmp_path / "deep" / "fb.jsonl"
    feedback.record(path, "问题？", "答案", CITES, "like")
    feedback.record(path, "<script>", "a", [], "dislike")
    entries = feedback.load(path)
    assert [e["vote"] for e in entries] == ["like", "dislike"]
    assert entries[0]["question"] == "问题？" and entries[0]["citations"][0]["link"] == "/report/d#1-9"
    assert "text" not in entries[0]["citations"][0] and entries[0]["timestamp"]


def test_rejects_unknown_vote(tmp_path):
    with pytest.raises(ValueError):
        feedback.record(tmp_path / "fb.jsonl", "q", "a", [], "meh")


def test_concurrent_appends_never_interleave(tmp_path):
    path = tmp_path / "fb.jsonl"
    threads = [threading.Thread(target=lambda n=n: [feedback.record(path, f"q{n}-{i}", "a" * 500, CITES, "like")
                                                    for i in range(20)]) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 160 and all(json.loads(line)["answer"] == "a" * 500 for line in lines)


def test_damaged_line_is_skipped_and_exports(tmp_path):
    path = tmp_path / "fb.jsonl"
    feedback.record(path, "q1", "a1", CITES, "like")
    with open(path, "a", encoding="utf-8") as f:
        f.write('{"half a line\n')
    feedback.record(path, "q2", "a2", [], "dislike")
    assert [e["question"] for e in feedback.load(path)] == ["q1", "q2"]
    assert feedback.export(path, tmp_path / "out.jsonl") == 2
    assert [json.loads(x)["question"] for x in (tmp_path / "out.jsonl").read_text().splitlines()] == ["q1", "q2"]
    assert feedback.export(path, tmp_path / "out.csv", fmt="csv") == 2
    rows = list(csv.reader((tmp_path / "out.csv").open(encoding="utf-8-sig")))
    assert rows[0][:3] == ["timestamp", "vote", "question"] and rows[1][2] == "q1" and "/report/d#1-9" in rows[1][4]


def test_missing_store_exports_nothing(tmp_path):
    assert feedback.load(tmp_path / "none.jsonl") == []
    assert feedback.export(tmp_path / "none.jsonl", tmp_path / "out.jsonl") == 0
