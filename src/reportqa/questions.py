"""What a question asks: its type, and for counts the unit and the thing counted.

Read once per question from its words, so that the answerer can refuse a fact
of the wrong kind: a percentage for "how many", a count of disputes for "how
many committees", anything for "what is the name of" that is not a name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexical import EN_STOPWORDS, tokenize, translate, words_of

CN_NUM = "零〇一二两三四五六七八九十百千万亿"
MEASURES = "件次场人名个项份户家所条篇期批级天吨亩起例座处台辆套株"
MONEY_UNITS = ("元", "万元", "亿元")
MEASURE_CLASSES = [("人", "名", "人次", "位"), ("次", "场", "场次", "期", "回", "轮"), ("件", "起", "例", "宗"),
                   ("份", "本", "册"), ("个", "家", "所", "处", "座")]
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")

QTYPE_PATTERNS_ZH = [
    ("name", re.compile(r"叫什么|名字|姓名|什么名")),
    ("when", re.compile(r"何时|什么时候|哪天|哪一天|哪年|几月|日期|时间是")),
    ("who", re.compile(r"谁|哪位|什么人|哪个部门|哪个单位")),
    ("quantity", re.compile(r"多少|(?<!哪)几\s*(?:个|次|年|人次|场次|[件场人名项份户家所条篇期批级天吨亩起例座处台辆套株])"
                            r"|比例|百分之|占比|率是|率为|率有|人口|面积|产值|收入|预算|金额|总额|生产总值|gdp", re.I)),
    ("list", re.compile(r"哪些|哪几|有什么|包括什么|包括哪|指的是什么|指什么|哪些方面")),
    ("why", re.compile(r"为什么|为何|原因|怎么会")),
]
QTYPE_PATTERNS_EN = [
    ("name", re.compile(r"\bname of\b|\bnamed\b|\bcalled\b", re.I)),
    ("when", re.compile(r"\bwhen\b|\bwhat date\b|\bwhich date\b|\bwhat day\b|\bwhat year\b", re.I)),
    ("quantity", re.compile(r"\bhow (many|much)\b|\b(percentage|proportion|rate|number of|population|gdp|budget"
                            r"|revenue|income|output|spending|expenditure|investment|amount|area)\b", re.I)),
    ("who", re.compile(r"\bwho\b|\bwhom\b|\bwhich (body|department|office|person|people)\b", re.I)),
    ("list", re.compile(r"\bwhich\b|\bwhat are\b|\blist\b|\bwhat kinds?\b|\bwhat types?\b", re.I)),
    ("why", re.compile(r"\bwhy\b|\breason", re.I)),
]
def question_type(question: str, lang: str) -> str:
    for qtype, pattern in (QTYPE_PATTERNS_ZH if lang == "zh" else QTYPE_PATTERNS_EN):
        if pattern.search(question):
            return qtype
    return "fact"


RATIO_CUE = re.compile(r"率|比例|百分|占比|满意度|percent|\brate\b|\bshare\b|proportion", re.I)
MONEY_CUE = re.compile(r"钱|金额|资金|经费|投入多少|多少元|money|spen[dt]|\bcost|fund|budget|yuan|invest", re.I)
MULTI_ASK = re.compile(r"(多少|几).*(多少|几)|how (many|much).*\b(and|how)\b.*(how many|how much|many|much)", re.I)
ZH_ASK = re.compile(rf"(?:多少|几)\s*(人次|场次|[{MEASURES}位回轮宗本册])?")
EN_ASK = re.compile(r"how many ([a-z -]+?)(?= (?:were|was|are|is|did|do|does|have|has|had|will|would|can|could|[a-z]+ed)\b|[?,.]|$)")
EN_WHAT = re.compile(r"\b(?:what|how much) (?:is|was|are|were) (?:the )?(?:total )?([a-z -]+?)(?= (?:of|for|in|on)\b|[?,.]|$)")
# The measure words an English count noun is reported in.
EN_MEASURES = {"time": "次", "session": "场次期", "meeting": "次场", "event": "场次", "activity": "场次",
               "people": "人名", "person": "人名", "participant": "人名", "attendee": "人名", "copy": "份",
               "case": "件起例", "household": "户", "item": "项", "batch": "批", "day": "天", "ton": "吨",
               "mu": "亩", "accident": "起", "incident": "起"}
MONEY_UNITS = ("元", "万元", "亿元")
MEASURE_CLASSES = [("人", "名", "人次", "位"), ("次", "场", "场次", "期", "回", "轮"), ("件", "起", "例", "宗"),
                   ("份", "本", "册"), ("个", "家", "所", "处", "座")]


def asked_units(question: str, lang: str) -> tuple[str, ...] | None:
    """The units a quantity answer must be in; None means any count (no rates, no money)."""
    if RATIO_CUE.search(question):
        return ("%", "个百分点")
    if MONEY_CUE.search(question):
        return MONEY_UNITS
    if lang == "zh":
        asks = ZH_ASK.findall(question)
        units = [u for u in asks if u and u != "个"]
        if not asks or len(units) != len(asks):
            return None
        # A count of people may be written 人, 名 or 人次; of events 次, 场 or 场次 …
        return tuple(dict.fromkeys(m for u in units for m in next((c for c in MEASURE_CLASSES if u in c), (u,))))
    units = []
    asks = EN_ASK.findall(question.lower())
    for noun in asks:
        word = noun.split()[-1]
        measure = next((EN_MEASURES[w] for w in (word, word[:-1], word[:-2]) if w in EN_MEASURES), None)
        if measure is None:
            return None
        units.extend(measure)
    return tuple(units) or None


def asked_things(query, translations: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """What a count question counts, so that a count of something else is never the answer.

    Chinese ("几个人民调解委员会"): ("all", words) - the sentence must contain every word.
    English ("how many petition cases"): ("any", corpus words) - it must contain one of the
    words CC-CEDICT gives; a thing the corpus has no word for gives an empty list: unanswerable.
    """
    things = []
    if query.lang == "zh":
        for m in re.finditer(rf"(?:多少|几)\s*(?:人次|场次|[{MEASURES}])?([^,;:。!?，？、]*)", query.text):
            words = words_of(m.group(1))
            if words:
                things.append(("all", words))
        # "清河县GDP是多少" / "满意度为多少": the thing is the word before 是多少.
        for m in re.finditer(rf"([^,;:。!?，？、]+?)(?:是|为|有|达到|达)\s*(?:多少|几)\s*(?:人次|场次|[{MEASURES}])?"
                             r"\s*(?=[,;:。!?，？]|$)", query.text):
            words = words_of(m.group(1))
            if words:
                things.append(("all", words[-1:]))
        return things
    asks = EN_ASK.findall(query.text.lower()) + EN_WHAT.findall(query.text.lower())
    for noun in asks:
        words = [w for w in re.findall(r"[a-z]+", noun) if w not in EN_STOPWORDS]
        if all(any(v in EN_MEASURES for v in (w, w[:-1], w[:-2])) for w in words):
            continue  # "how many times" names no thing; the unit check covers it
        things.append(("any", sorted({zh for group in translate(words, translations).values() for zh in group})))
    return things


def names_thing(sentence: str, window: str, thing: tuple[str, list[str]]) -> bool:
    """Whether a count names the thing asked: every Chinese word somewhere in its sentence, or one
    of the (looser) dictionary words for an English noun in the quoted clauses themselves."""
    mode, words = thing
    if mode == "all":
        return all(w in sentence for w in words)
    return bool(set(tokenize(window)).intersection(words))


def who_focus(question: str) -> list[str]:
    """The words on either side of 谁 ("组长是谁" -> 组长; "由谁担任" -> 担任)."""
    words = words_of(question, keep_all=True)
    if "谁" not in words:
        return []
    i = words.index("谁")
    skip = {"是", "由", "的", "了", "为", "被", "让", "请"}
    before = next((w for w in reversed(words[:i]) if w not in skip), None)
    rest = [w for w in words[i + 1:] if w not in skip and w.strip("?？")]
    # "谁是领导小组组长" names the role last; "由谁担任" / "谁的审核" name the act first.
    after = (rest[-1] if words[i + 1:i + 2] == ["是"] else rest[0]) if rest else None
    return [w for w in (before, after) if w and len(w) > 1]


@dataclass
class Ask:
    """A question read for what a fitting answer must hold."""

    qtype: str  # quantity, when, who, name, list, why or fact
    units: tuple[str, ...] | None = None  # for quantities: the units allowed (None: any count)
    things: list[tuple[str, list[str]]] = field(default_factory=list)  # what a count must count
    multi: bool = False  # asks for two facts ("几次…多少…")
    focus: list[str] = field(default_factory=list)  # who-questions: the role asked about
    years: set[str] = field(default_factory=set)  # years a passage must speak of


def read_question(query, qtype: str, translations: dict[str, list[str]]) -> Ask:
    """The Ask of a retrieval Query (its text and language) whose type is already known."""
    quantity = qtype == "quantity"
    return Ask(qtype=qtype,
               units=asked_units(query.text, query.lang) if quantity else None,
               things=asked_things(query, translations) if quantity else [],
               multi=bool(MULTI_ASK.search(query.text)),
               focus=who_focus(query.text) if qtype == "who" and query.lang == "zh" else [],
               years=set(YEAR.findall(query.text)))
