"""Commitments: what the reports promise, and whether the next year's report says it was done.

Over the multi set (the seed, 小河镇 2024, and six more reports): 小河镇 2023 -> 2024 and
松林乡 2023 -> 2024 are the two pairs of consecutive years.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from reportqa.commitments import FOLLOW_UP_THRESHOLD, CommitmentBook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest_web import MULTI  # noqa: E402

SEED = "000_c02059fcca3304c1"
# The 2023 plans the 2024 reports say were carried out, and a passage of the report that says so.
DELIVERED = {
    ("xiaohe-2023", "加强执法队伍培训"): "mq39",  # gold: 全年累计开展行政执法人员培训4次
    ("xiaohe-2023", "推行法律顾问审核全覆盖"): "mq41",  # 重大行政决定必须经过政府法律顾问的审核
    ("xiaohe-2023", "充实人民调解力量"): "mq40",  # 配备了专职人民调解员
    ("songlin-2023", "聘请常年法律顾问"): "聘请2名律师担任乡政府常年法律顾问",
    ("songlin-2023", "加强执法培训"): "全年组织行政执法人员培训6次",
    ("songlin-2023", "开展林区普法"): "开展法治宣传活动11场",
    ("songlin-2023", "完善调解网络"): "2个专业调解小组",
}
# Plans the seed never mentions (mq54: the village rules).
NOT_MENTIONED = ["完成村规民约修订", "培养“法律明白人”", "争创民主法治示范村"]


@pytest.fixture(scope="module")
def book(multi_service) -> CommitmentBook:
    return CommitmentBook(multi_service.index, multi_service.encoder)


@pytest.fixture(scope="module")
def gold() -> dict[str, str]:
    lines = (MULTI / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return {q["id"]: q.get("gold", "") for q in map(json.loads, filter(str.strip, lines))}


def find(book, doc: str, heading: str) -> dict:
    return next(i for i in book.items if i["doc"] == doc and i["section_path"][-1].endswith(heading))


def test_plans_are_the_parts_of_a_plan_section(book):
    plans = [i for i in book.items if i["doc"] == "xiaohe-2023" and i["kind"] == "plan"]
    assert len(plans) == 6 and all(p["section_path"][0] == "四、2024年工作安排" for p in plans)
    assert "上述工作" not in plans[-1]["text"], "the closing paragraph speaks of the whole list, not the last plan"
    songlin = [i for i in book.items if i["doc"] == "songlin-2023" and i["kind"] == "plan"]
    assert [p["section_path"][-1][:3] for p in songlin] == ["(一)", "(二)", "(三)", "(四)"]


def test_items_carry_their_report_place_year_and_offsets(book, multi_service):
    documents = multi_service.index.documents
    for it in book.items:
        doc = documents[it["doc"]]
        assert (it["place"], it["year"], it["report_kind"]) == (doc.meta.place, doc.meta.year, doc.meta.kind)
        assert it["text"] and it["text"] in doc.text[it["start"]:it["end"]]
        assert it["link"] == f"/report/{it['doc']}#{it['start']}-{it['end']}"
        assert it["section"] == " › ".join(it["section_path"])


def test_achievements_named_like_plans_are_not_commitments(book):
    # "二是制定工作计划" reports a plan the seed made in 2024: a point of the review, not a promise.
    assert not any("制定工作计划" in " ".join(i["section_path"]) for i in book.items)


def test_numbered_sentences_are_content_not_headings(book):
    # "1. 全年计划实施重点项目90个以上，…" is a goal inside "二、2025年主要目标和重点工作".
    dongpo = [i for i in book.items if i["doc"] == "dongpo-county-2024" and i["kind"] == "plan"]
    assert any("地区生产总值增长6%左右" in i["text"] for i in dongpo)
    assert any("全年计划实施重点项目90个以上" in i["text"] and i["section_path"][-1].startswith("(一)") for i in dongpo)


@pytest.mark.parametrize("key", list(DELIVERED), ids=[h for _, h in DELIVERED])
def test_delivered_plans_are_reported_by_the_next_years_report(book, gold, key):
    doc, heading = key
    evidence = gold.get(DELIVERED[key], DELIVERED[key])
    it = find(book, doc, heading)
    assert it["status"] == "reported"
    best = it["followups"][0]
    assert best["doc"] == (SEED if doc == "xiaohe-2023" else "songlin-2024") and best["year"] == 2024
    assert evidence in best["text"], (evidence, best["text"])
    assert best["score"] >= FOLLOW_UP_THRESHOLD
    assert best["link"].startswith(f"/report/{best['doc']}#{best['start']}-{best['end']},")
    assert best["quote"] in best["text"]


@pytest.mark.parametrize("heading", NOT_MENTIONED)
def test_plans_the_next_report_never_mentions_are_not_mentioned(book, heading):
    it = find(book, "xiaohe-2023", heading)
    assert it["status"] == "not_mentioned" and it["followups"] == []
    assert it["next_reports"] == [SEED] and it["next_year"] == 2024


def test_only_plans_with_a_next_years_report_are_followed_up(book):
    for it in book.items:
        expected = it["kind"] == "plan" and it["doc"] in ("xiaohe-2023", "songlin-2023")
        assert ("followups" in it) == expected, (it["doc"], it["kind"], it["section"])
    # a plan of the later report is not evidence that an earlier plan was done
    for it in book.items:
        for f in it.get("followups", []):
            assert not f["section_path"][0].startswith(("四、2025年", "三、2025年")), f["section"]


def test_threshold_sits_in_the_measured_gap(multi_service):
    """Re-measure: with no threshold, the best passage of every delivered plan scores above
    FOLLOW_UP_THRESHOLD and that of every plan never mentioned below, with room on both sides."""
    everything = CommitmentBook(multi_service.index, multi_service.encoder, threshold=float("-inf"))
    delivered = [find(everything, d, h)["followups"][0]["score"] for d, h in DELIVERED]
    missing = [find(everything, "xiaohe-2023", h)["followups"][0]["score"] for h in NOT_MENTIONED]
    assert min(delivered) - FOLLOW_UP_THRESHOLD >= 0.05, (delivered, missing)
    assert FOLLOW_UP_THRESHOLD - max(missing) >= 0.05, (delivered, missing)


def test_select_by_kind(book):
    fixes, message = book.select(None, "整改")
    assert fixes and not message and all(i["kind"] == "rectification" for i in fixes)
    speeches, _ = book.select(None, "政府工作报告")
    assert speeches and {i["doc"] for i in speeches} == {"dongpo-county-2024"}
    none, message = book.select(None, "奖励")
    assert none == [] and "奖励" in message
    only, _ = book.select(["songlin-2024"], "plan")
    assert only and {i["doc"] for i in only} == {"songlin-2024"}

