"""Which sources support an answer, the chat's rendering of them, and the plain-text answer of the API."""
from __future__ import annotations

import re

import pytest

from reportqa.web.html import render_answer
from reportqa.web.sources import SHOWN, plain_text, split_sources

DOC = "2024-xiaohe-town-rule-of-law-government-report"


def cite(n: int, quote: str = "", **kw) -> dict:
    start = 100 * n
    c = {"doc": DOC, "title": "小河镇人民政府关于2024年法治政府建设情况的报告", "place": "小河镇", "year": 2024,
         "section": f"一、工作 › 第{n}点", "section_path": ["一、工作", f"第{n}点"], "text": f"第{n}段。{quote}。",
         "start": start, "end": start + 50, "score": 1.0 / n, "quote": quote,
         "quote_start": start + 4 if quote else -1, "quote_end": start + 4 + len(quote) if quote else -1}
    c.update(kw)
    return c


@pytest.fixture
def single() -> dict:
    """One quoted passage answers; four more are only near."""
    return {"question": "2024年化解了多少矛盾纠纷？", "found": True, "lang": "zh",
            "answer": "230件：“全年累计排查化解各类矛盾纠纷230件” [1]",
            "citations": [cite(1, "全年累计排查化解各类矛盾纠纷230件")] + [cite(n) for n in range(2, 6)]}


@pytest.fixture
def listing() -> dict:
    """A list answer marking four passages: three open, the fourth and the unmarked one behind "more"."""
    return {"question": "存在哪些不足？", "found": True, "lang": "zh", "answer": "共4点：甲；乙；丙；丁 [1][2][3][4]",
            "citations": [cite(n, f"第{n}点不足") for n in range(1, 5)] + [cite(5)]}


def test_only_marked_sources_support_the_answer(single):
    shown, more = split_sources(single)
    assert [n for n, _ in shown] == [1] and [n for n, _ in more] == [2, 3, 4, 5]


def test_at_most_three_sources_are_shown_the_rest_wait(listing):
    shown, more = split_sources(listing)
    assert len(shown) == SHOWN == 3 and [n for n, _ in shown] == [1, 2, 3] and [n for n, _ in more] == [4, 5]


def test_quoted_source_comes_first():
    d = {"found": True, "answer": "甲 [1]；乙 [2]", "citations": [cite(1), cite(2, "乙")]}
    assert [n for n, _ in split_sources(d)[0]] == [2, 1]


def test_a_declined_answer_shows_no_source():
    d = {"found": False, "answer": "报告中未找到相关内容。", "citations": [cite(1), cite(2)]}
    shown, more = split_sources(d)
    assert shown == [] and len(more) == 2


def test_chat_answer_links_marks_to_sources_in_the_same_message(single):
    html = render_answer(single, aid="rq-a1")
    assert '<a class="rq-ref" href="#rq-a1-1"' in html and 'id="rq-a1-1"' in html
    opened = html.split('<details', 1)[0]
    assert opened.count("<li ") == 1 and "<mark>全年累计排查化解各类矛盾纠纷230件</mark>" in opened
    assert re.search(r'<details class="rq-more"><summary>更多来源 More sources \(4\)</summary>', html)
    assert f'href="/report/{DOC}#100-150,104-122"' in html  # passage, then the quoted sentence
    assert 'lang="zh"' in html and 'class="rq-copy"' in html and "\n" not in html


def test_chat_answer_ids_are_unique(single):
    assert render_answer(single) != render_answer(single)


def test_declined_answer_keeps_nearest_passages_closed():
    d = {"found": False, "lang": "en", "answer": "The report does not say.", "citations": [cite(1), cite(2)]}
    html = render_answer(d, aid="rq-a2")
    assert "rq-notfound" in html and 'lang="en"' in html
    assert html.index("<details") < html.index("<li ") and "最接近的段落 Nearest passages (2)" in html


def test_chat_answer_escapes_everything(single):
    single["answer"] = "<img src=x onerror=alert(1)> [1]"
    single["citations"][0]["section_path"] = ["<script>alert(2)</script>"]
    html = render_answer(single, aid="rq-a3")
    assert "<img" not in html and "<script" not in html and "&lt;script&gt;" in html


def test_plain_text_lists_the_supporting_sources_with_absolute_links(single):
    text = plain_text(single, "https://qa.example.gov.cn/")
    answer, sources = text.split("\n\n来源：\n")
    assert answer == single["answer"] and "<" not in text
    assert sources == f"- [1] 小河镇 2024年 · 一、工作 › 第1点 — https://qa.example.gov.cn/report/{DOC}#100-150,104-122"


def test_plain_text_of_a_declined_answer_is_the_answer_alone():
    d = {"found": False, "lang": "en", "answer": "The report does not say.", "citations": [cite(1)]}
    assert plain_text(d, "http://h") == "The report does not say."
