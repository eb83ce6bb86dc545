"""The periods a report covers, and the period each of its passages speaks of.

A government work report delivered in year D reviews D-1 ("一、2017年工作回顾", "过去一年") and
sets the targets and tasks of D ("今年发展的主要预期目标是…"); some also review a five-year term
("过去五年") or present a five-year plan ("十三五"). A statistical bulletin reports its year and
plans nothing. A town's annual report (法治政府建设报告, 工作总结) reports its year and may close
with plans for the next ("下一步工作打算"). So a report has a year it reviews and a year it plans
(`DocMeta.reviews`, `DocMeta.plans`, computed here from its kind, title and dateline, and
overridable by the sidecar), and each passage speaks of a period in a mode:

- ``review``: what was done (its report's reviewed year, or the term its heading names);
- ``plan``: what is to be done (the planned year, or the plan period its heading names);
- ``""``: neither is said (a preface, a glossary).

The mode of a section comes from its own heading (回顾, 成效 / 安排, 任务, 目标 / a year after
the reviewed one) or, for a top-level heading that says neither ("三、把改革开放扎实推向纵深"), from
a speech's, its own words when they clearly do one thing (要, 今年, 拟, 力争 against 了, 去年, 取得, 比上年: the
2002 speech's eight task sections have no heading saying so), else from the top-level section
before it: reports review first and plan after. Inner headings only say
what an outer one left open: "（一）推动重要领域改革取得新突破" under "三、2014年重点工作" is a plan.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
PLAN_HEADING = re.compile(r"安排|计划|打算|任务|目标|建议|展望|思路|部署|重点工作|下一步|今后|总体要求|工作重点|政策取向"
                          r"|努力方向|谋划|民生实事|惠民实事|实事项目|重点项目")
REVIEW_HEADING = re.compile(r"回顾|过去|成绩|成就|成效|进展|总结|取得|完成情况|工作情况|主要工作|做法|回眸|基本情况")
REVIEW_BOTH = re.compile(r"回顾|过去|成绩|成效|取得")  # review words that, with a plan's, make a heading both
NEUTRAL_HEADING = re.compile(r"名词解释|注释|附录|说明$")  # a glossary neither reviews nor plans
MULTI_HEADING = re.compile(r"五年|(?<!今)年来|(?<!今年)(?<!年初)以来|时期|期间|十[一二三四五六七八九]?五")
# 十三五 is the 13th five-year plan: 2016-2020 (plans have run in steps of five years since the third, 1966-1970).
FIVE_YEAR_PLAN = re.compile(r"[“\"]?(十[一二三四五六七八九]?|[三四五六七八九])五[”\"]?(?:规划|计划|时期|期间|以来)?")
CN = {c: i for i, c in enumerate("零一二三四五六七八九")}
SPEECH_KINDS = ("政府工作报告",)  # delivered to a congress early in the year they plan
DATELINE = re.compile(r"((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


@dataclass(frozen=True)
class Period:
    """The years a passage speaks of, and whether it reviews or plans them."""

    years: frozenset[int]
    mode: str = ""  # "review", "plan" or ""
    span: bool = False  # several years at once: a five-year term or plan


def plan_number(text: str) -> int | None:
    """十三五 -> 13, 十五 -> 10, 九五 -> 9 (the number of a five-year plan a text names)."""
    m = FIVE_YEAR_PLAN.search(text)
    if not m:
        return None
    digits = m.group(1)
    if digits.startswith("十"):
        return 10 + (CN[digits[1]] if len(digits) > 1 else 0)
    return CN[digits]


def plan_years(number: int) -> range:
    """The years of the n-th five-year plan (the 13th: 2016-2020)."""
    first = 1966 + 5 * (number - 3)
    return range(first, first + 5)


def delivered_year(kind: str, title: str, metadata: dict[str, str]) -> int | None:
    """The year a speech was delivered: its dateline ("——2017年3月5日在…会议上"), else its title's year."""
    if kind not in SPEECH_KINDS:
        return None
    for key in ("subtitle", "byline", "published", "signed"):
        m = DATELINE.search(metadata.get(key, ""))
        if m:
            return int(m.group(1))
    m = YEAR.search(title)
    return int(m.group(1)) if m else None


def report_years(kind: str, year: int | None, delivered: int | None, has_plans: bool) -> tuple[int | None, int | None]:
    """(the year a report reviews, the year it plans). A speech of year D reviews D-1 and plans D; a
    bulletin reviews its year; any other report reviews its year and plans the next when it has plans."""
    if delivered is not None:
        return delivered - 1, delivered
    if year is None:
        return None, None
    if kind == "统计公报":
        return year, None
    return year, (year + 1 if has_plans else None)


def relative_years(kind: str, reviews: int | None, plans: int | None) -> dict[str, int]:
    """What 去年 / 今年 / 明年 (last, this, next year) mean asked of a report, as the report itself uses
    them: a speech's 今年 is the year it plans and 去年 the one it reviews; a year's own report is read in
    the year after it, so there 去年 and 今年 both mean the year it reports, and 明年 the next."""
    if reviews is None:
        return {}
    if kind in SPEECH_KINDS and plans is not None:
        return {"last": reviews, "this": plans, "next": plans + 1}
    return {"last": reviews, "this": reviews, "next": reviews + 1}


def announces_plans(title: str, reviews: int | None) -> bool:
    """Whether a heading announces plans (alone, or with a review)."""
    return bool(PLAN_HEADING.search(title)) or (reviews is not None and any(int(y) > reviews for y in YEAR.findall(title)))


def heading_mode(title: str, reviews: int | None) -> str:
    """'plan', 'review' or '' for what a heading announces."""
    named = [int(y) for y in YEAR.findall(title)]
    plan = announces_plans(title, reviews)
    if plan and (REVIEW_BOTH.search(title) or (reviews is not None and reviews in named)):
        return ""  # "一、1998年工作回顾和1999年工作的总体要求": both; its passages say which
    if plan:
        return "plan"
    if REVIEW_HEADING.search(title) or (reviews is not None and reviews in named):
        return "review"
    return ""


def heading_span(title: str, reviews: int | None, plans: int | None, mode: str) -> frozenset[int] | None:
    """The years of a heading that names a term ("过去五年", "“十二五”时期", "2008年至2012年"), or None."""
    named = [int(y) for y in YEAR.findall(title)]
    if len(named) >= 2:
        return frozenset(range(min(named), max(named) + 1))
    number = plan_number(title)
    if number is not None and number >= 3:
        return frozenset(plan_years(number))
    if MULTI_HEADING.search(title):
        last = reviews if mode != "plan" else (plans or (reviews + 1 if reviews else None))
        if last is None:
            return None
        return frozenset(range(last - 4, last + 1)) if mode != "plan" else frozenset(range(last, last + 5))
    return None


PLAN_CUES = re.compile(r"今年|明年|(?<![重主需只必紧纲摘])要(?![求素点害闻])|将|拟|力争|预期")
REVIEW_CUES = re.compile(r"(?<![为除])了(?!解)|去年|过去|已经|取得|比上年|同比|一年来")
CUE_RATIO = 3.0  # how many times more often a section's words must plan than review (or the reverse) to say so
CUE_MIN = 5  # and how many such words at least
CUE_LEAN = 1.5  # a section whose heading says nothing and whose words are not clear: what they lean to


def text_mode(text: str, ratio: float = CUE_RATIO) -> str:
    """'plan' or 'review' when a text's words clearly (`ratio` times more often) do one of the two, else ''."""
    plan, review = len(PLAN_CUES.findall(text)), len(REVIEW_CUES.findall(text))
    if plan >= CUE_MIN and plan >= ratio * review:
        return "plan"
    if review >= CUE_MIN and review >= ratio * plan:
        return "review"
    return ""


def section_periods(doc) -> dict[tuple[str, ...], Period]:
    """The period of every section of a report, by its heading path (see the module docstring)."""
    meta = doc.meta
    reviews, plans = meta.reviews, meta.plans
    out: dict[tuple[str, ...], Period] = {}
    bulletin = meta.kind == "统计公报"

    def own(mode: str, years: frozenset[int] | None, span: bool) -> Period:
        if years is None:
            years = frozenset(y for y in ((reviews,) if mode == "review" else (plans,) if mode == "plan" else ())
                              if y is not None)
        return Period(years, mode, span)

    # a report of its year reports first: a top-level section saying nothing is a review until a plan begins
    previous = "review" if reviews is not None else ""
    for top in doc.root.children:
        mode = "review" if bulletin else heading_mode(top.title, reviews)
        opening = top.title == "前言" and meta.kind not in SPEECH_KINDS  # "2024年，在县委的领导下…"
        if not mode and (top.title not in ("前言", "结语") or opening) and not NEUTRAL_HEADING.search(top.title):
            speech = meta.kind in SPEECH_KINDS and top.title not in ("前言", "结语")  # a speech's headings often say neither
            words = doc.norm[top.start:top.end]
            # its words, clearly; else what they lean to (a plan section reviewing as it goes); else the last section's
            mode = (text_mode(words) or text_mode(words, CUE_LEAN) if speech else "") or previous
        previous = mode or previous
        years = heading_span(top.title, reviews, plans, mode)
        named = frozenset(int(y) for y in YEAR.findall(top.title))
        base = own(mode, years if years is not None else (named or None), years is not None)
        out[(top.title,)] = base
        for sec, path in top.walk((top.title,)):
            parent = out[path[:-1]]
            if parent.mode:
                inner = heading_span(sec.title, reviews, plans, parent.mode)
                out[path] = Period(inner, parent.mode, True) if inner is not None else parent
            else:
                m = heading_mode(sec.title, reviews)
                span = heading_span(sec.title, reviews, plans, m)
                out[path] = own(m, span, span is not None) if m else parent
    return out


SPOKEN_YEAR = re.compile(r"(?<![比较同从])(?<!\d)((?:19|20)\d{2})(?!\d)")
REVIEW_TEXT = re.compile(r"去年|过去一年|过去的一年|上一年")
SPAN_WORDS = re.compile(r"五年|年均|平均每年|以来|累计|十[一二三四五六七八九]?五|(?:19|20)\d{2}\s*年?\s*[-—至到]\s*(?:19|20)\d{2}")
PLAN_TEXT = re.compile(r"今年|明年|下一步|预期目标|主要目标|总体要求")


def passage_period(section: Period | None, section_path: list[str], text: str,
                   reviews: int | None = None, plans: int | None = None, this: int | None = None) -> Period:
    """The period of a passage: its section's, with the years its headings and (normalised: "２００１年")
    text name. In a section that says neither (a long preface: "首先报告2001年的工作 …"), a passage
    whose own words speak of only the reviewed year, or only the planned one, is a review or a plan of
    it. A passage of the plans saying 去年 speaks of the reviewed year too, and a review saying 今年 of
    the year `this` means (a speech's planned year; a town's report means its own year by it)."""
    section = section or Period(frozenset())
    named = {int(y) for y in YEAR.findall(" ".join(section_path) + " " + text)}
    mode, years = section.mode, set(section.years)
    span = section.span
    if not mode and reviews is not None:
        review = reviews in named or bool(REVIEW_TEXT.search(text))
        plan = (plans is not None and plans in named) or bool(PLAN_TEXT.search(text))
        if review != plan:
            mode = "review" if review else ("plan" if plans is not None else "")
            years |= {reviews} if review else ({plans} if plans is not None else set())
    elif span and not SPAN_WORDS.search(text):  # "刚刚过去的2017年，…" inside "一、过去五年工作回顾"
        year = reviews if mode == "review" else plans
        said = REVIEW_TEXT.search(text) if mode == "review" else PLAN_TEXT.search(text)
        if year is not None and (year in named or said):
            span, years = False, {year}
    if reviews is not None and REVIEW_TEXT.search(text):
        named.add(reviews)  # "过去一年，…国内生产总值增长10.3%" opening the plans of 2011 speaks of 2010
    if this is not None and this != reviews and mode == "review" and "今年" in text:
        named.add(this)
    return Period(frozenset(years | named), mode, span)


def sentence_period(text: str, reviews: int | None, plans: int | None, mode: str,
                    this: int | None = None) -> tuple[frozenset[int], str] | None:
    """The years a sentence itself says it speaks of, and in which mode, or None when it does not say
    (its paragraph's or passage's period holds): the years it names; the reviewed year when it says
    去年 / 过去一年 in the plans; the year `this` means when it says 今年 in a review (a speech's
    planned year). `mode` is its passage's."""
    named = frozenset(int(y) for y in SPOKEN_YEAR.findall(text))  # "比2000年增长57.3%" speaks of 2000 as a base only
    if named:
        if reviews is not None and named == {reviews} and mode == "plan":
            return named, "review"
        if plans is not None and named == {plans} and mode == "review" and plans != reviews:
            return named, "plan"
        return named, mode
    opening = re.split(r"[，,；;：:]", text, maxsplit=1)[0]  # a sentence says its year first: "过去一年，…"
    if reviews is not None and REVIEW_TEXT.search(opening) and mode != "review" and "今年" not in opening:
        return frozenset({reviews}), "review"  # (not "提出…涨幅3%左右，综合考虑了去年价格变动…": this year's)
    if this is not None and this != reviews and "今年" in opening and mode == "review":
        return frozenset({this}), "plan"
    return None


def own_years(reviews: int | None, plans: int | None, section_path: list[str], mode: str,
              span: bool) -> frozenset[int] | None:
    """The years a passage's section itself reports or plans (not the years its text merely names):
    a term's years for a term, else the reviewed or planned year; None when that is not known."""
    if span:
        for title in reversed(section_path):
            years = heading_span(title, reviews, plans, mode)
            if years is not None:
                return years
        return None
    year = reviews if mode == "review" else plans if mode == "plan" else None
    return frozenset({year}) if year is not None else None
