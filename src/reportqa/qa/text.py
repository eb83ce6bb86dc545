"""Answer text: the fact first, then the quote and its citation mark, in the question's language.

"230件：“全年累计排查化解各类矛盾纠纷230件” [1]"; in English, "According to the report, 230 disputes
(230件): “…” [1]", with the report's own figure in brackets and its digits kept exactly (Decimal
arithmetic, never a float's). Dates read "5 March 2017 (2017年3月5日)".
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .facts import SCALES, SIZE_UNITS

NOT_FOUND = {"zh": "报告中未找到这个问题的答案。以下是最接近的段落，供参考。",
             "en": "The report does not say. The nearest passages are listed for reference."}
UNITS_EN = {"件": "cases", "次": "times", "场次": "sessions", "场": "sessions", "期": "sessions", "人次": "person-times",
            "人": "people", "名": "people", "份": "copies", "个": "", "项": "items", "户": "households",
            "家": "", "所": "", "元": "yuan", "美元": "US dollars", "级": "levels", "起": "cases", "卷": "files", "头": "head",
            "平方米": "square metres", "平方公里": "square kilometres", "公里": "km", "千米": "km", "公顷": "hectares",
            "亩": "mu", "吨": "tonnes", "立方米": "cubic metres", "千瓦时": "kWh", "千瓦": "kW", "个百分点": "percentage points",
            "年": "years", "斤": "jin", "标箱": "TEU", "个月": "months", "天": "days"}
QUOTE_MARK = "“{quote}” [{mark}]"


def lead_zh(facts: list[str], quote: str) -> str:
    """'230件：' before a quote, or '' when the fact is the quote itself."""
    lead = "、".join(dict.fromkeys(f.strip() for f in facts if f.strip()))
    return f"{lead}：" if lead and lead != quote else ""


def lead_en(facts: list[str], noun: str) -> str:
    """'According to the report, 230 disputes (230件): ' / 'According to the report: '."""
    facts = list(dict.fromkeys(f.strip() for f in facts if f.strip()))[:3]
    if not facts:
        return "According to the report: "
    return "According to the report, " + " and ".join(english_fact(f, noun if i == 0 else "") for i, f in enumerate(facts)) + ": "


# The noun phrase an English count question names, shown in the answer ("48 proposals from CPPCC members").
EN_NOUN_SHOWN = re.compile(r"how many ([a-z -]+?)(?= (?:were|was|are|is|did|do|does|have|has|had|will|would|can|could"
                           r"|[a-z]+ed)\b|[?,.]|$)")


def asked_noun(question: str) -> str:
    """'How many petition cases did…' -> 'petition cases'."""
    m = EN_NOUN_SHOWN.search(question.lower())
    return question[m.start(1):m.end(1)].strip() if m else ""  # as the user wrote it: "CPPCC"


MONTHS = "January February March April May June July August September October November December".split()


def english_fact(fact: str, noun: str) -> str:
    """A date, title or quantity from the report, in English with the original in brackets."""
    m = (re.fullmatch(r"\s*(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?)?\s*(?:\d{1,2}:\d{2})?\s*", fact)
         or re.fullmatch(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*(?:\d{1,2}:\d{2})?\s*", fact))
    if m:
        year, month, day = m.groups()
        text = " ".join(x for x in (day and str(int(day)), month and MONTHS[int(month) - 1], year) if x)
        return f"{text} ({fact.strip()})"
    if fact.startswith("《"):
        return fact
    return english_quantity(fact, noun)


def english_quantity(fact: str, noun: str) -> str:
    """'2万余份' -> 'more than 20,000 copies (2万余份)'; '42.05亿元' -> '4.205 billion yuan (42.05亿元)';
    '97%以上' -> 'over 97% (97%以上)'. Decimal arithmetic: the report's digits, never a float's."""
    m = re.match(r"\s*([\d,.]+)\s*(万亿|万|亿|千|百)?(余|多)?\s*(.*?)(以上|左右|以内)?\s*$", fact)
    if not m:
        return fact
    number, scale, more, unit, bound = m.groups()
    if unit in ("万元", "亿元", "万美元", "亿美元") and not scale:
        scale, unit = unit[0], unit[1:]
    try:
        value = Decimal(number.replace(",", "")) * SCALES.get(scale, Decimal(1))
    except InvalidOperation:
        return fact
    shown = _english_number(value, bool(scale))
    if unit in ("元", "美元") or unit in SIZE_UNITS or unit == "个百分点":
        unit_en = UNITS_EN.get(unit, unit)
    else:
        unit_en = noun or UNITS_EN.get(unit, unit)
    text = f"{shown}{unit}" if unit == "%" else f"{shown} {unit_en}".strip()
    if more or bound == "以上":
        text = ("over " if unit == "%" else "more than ") + text
    elif bound == "左右":
        text = "about " + text
    elif bound == "以内":
        text = "within " + text
    return text if text == fact else f"{text} ({fact.strip()})"


def _english_number(value: Decimal, scaled: bool) -> str:
    """4205000000 -> '4.205 billion', 12685000 -> '12.685 million' (for 亿/万 figures), else 3,268."""
    for size, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if scaled and value >= size:
            return f"{_plain(value / size)} {word}"
    return _plain(value)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}"
    return f"{whole}.{frac}" if frac else whole
