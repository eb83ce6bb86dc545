"""The question sets, scored in-process with the scorer's definitions: a regression guard."""
import json

import pytest

from reportqa.errors import ReportQAError
from reportqa.evaluation import score

from conftest import REPO

SETS = [REPO / "eval" / "more-questions.jsonl", REPO.parent / "shared" / "eval" / "dev.jsonl"]


def _run(service, path):
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    answers = []
    for item in items:
        try:
            answers.append(service.ask(item["question"], id=item["id"]).to_dict())
        except ReportQAError as e:
            answers.append({"id": item["id"], "found": False, "answer": "", "error": str(e)})
    return score(items, answers)


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_question_set_meets_the_bar(service, path):
    if not path.exists():
        pytest.skip(f"{path} is not beside the repo")
    figures = _run(service, path)
    assert figures["hit3"] >= 0.95 and figures["hit1"] >= 0.85, figures
    assert figures["answer"] >= 0.85 and figures["refusal"] == 1.0 and figures["false_refusals"] <= 1, figures


def test_score_definitions():
    items = [{"id": 1, "question": "q", "gold": "230件", "expect": ["230"]}, {"id": 2, "question": "x"}]
    answers = [{"found": True, "answer": "230件 [1]", "citations": [{"text": "共 230件。"}], "latency_ms": 2.0},
               {"found": True, "answer": "a guess", "citations": [], "latency_ms": 4.0}]
    f = score(items, answers)
    assert (f["hit1"], f["hit3"], f["answer"], f["refusal"], f["false_refusals"]) == (1.0, 1.0, 1.0, 0.0, 0)
    assert f["p50_ms"] == 3.0
    long = [{"found": True, "answer": "230" + "字" * 200, "citations": [], "latency_ms": 1.0}]
    assert score(items[:1], long)["answer"] == 0.0  # a passage dump is not an answer
