"""The commitments tracker: every target a report sets for its planned year, the result the report
reviewing that year states, and whether the target was met.

Targets. In a plan passage (periods: mode "plan", speaking of the report's `plans` year) a target is
a figure the words set: "国内生产总值增长6.5%左右". A list ("主要预期目标是：A；B；C") is split at the
strongest separator it uses: at ；when it has one (an entry then keeps the words qualifying its
figure: "国内生产总值增长6.5%左右，在实际工作中争取更好结果"), else at ，; an entry with no figure
("国际收支基本平衡") is a qualitative target. Outside lists each clause holding a figure is a target,
with the clause before it when its own words name nothing ("加大保障性安居工程建设力度，今年新开工
700万套以上"). Figures are read by `qa.facts.figures_in` (number, unit, aspect, bound).

Bound: 左右 about, 以上 / 不低于 / 不少于 at least, 以内 / 以下 / 控制在 / 不超过 / 低于 at most,
"6.5%－7%" a range; a plain figure is at least. A rise of prices (涨幅) or a figure to be kept
(控制在) is a ceiling: "居民消费价格涨幅3%左右" is met by any rise up to about 3%.

A speech whose headings say neither review nor plan gives the sentences setting its year's targets
(`plans_its_year`); a town's plan part with no figure ("三是充实人民调解力量") is a pledge.

Outcome. The reports of the same place whose `reviews` year is the target's year, their review
passages: a figure of the same unit class (and, for a rate, aspect) whose words name the same thing:
at least half the words naming the result are the target's, at least half the target's words are
near the figure, and the result names no other kind of the target's head noun (能耗强度 answers
能源消耗强度 and 单位国内生产总值能耗; 碳排放强度 and 调查失业率 do not answer 能耗强度 and
登记失业率). Nothing is guessed: no such figure, no outcome; a sentence naming every word of the
measure and saying how it went ("预期增长目标未能实现", "保持较低水平") is one without a figure. A
pledge's outcome is the follow-up of `commitments.follow_up` (the encoder and shared terms).

Status. met / not_met against the bound; about allows ABOUT_POINTS percentage points for a rate and
ABOUT_SHARE of the figure for an amount (the 2015 report calls 7.4% against "7.5%左右" a target met);
not_reported without an outcome. Computed once per index build and cached beside it (`Tracker`).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from .corpus import YEAR, normalise
from .periods import SPEECH_KINDS
from .lexical import words_of
from .qa.facts import FALL_TEXT, GROWTH_TEXT, Figure, _is_verb, figures_in, unit_class

log = logging.getLogger(__name__)

VERSION = 1  # bump when the tracker's output changes: the cache keyed by it is then recomputed
ABOUT_POINTS = Decimal("0.5")  # 左右 on a rate: within half a percentage point
ABOUT_SHARE = Decimal("0.05")  # 左右 on an amount: within 5% of it
SENTENCE = re.compile(r"[^。!?\n]+[。!?]?")
LIST_LEAD = re.compile(r"(?:目标|指标|任务)[^:,;。]{0,6}(?:是|为|包括)?:$")  # not 总体要求: principles
AT_LEAST = re.compile(r"不低于|不少于|至少")
AT_MOST = re.compile(r"控制在|不超过|不高于|(?<!不)低于|(?<!不)少于")
CEILING = re.compile(r"控制在|不超过|不高于|涨幅|上涨")
RANGE_AFTER = re.compile(r"\s*[-－—~～至到]\s*(\d+(?:\.\d+)?)\s*%")
# Words of a target clause that say it is a target, not what it measures.
FRAME = re.compile(r"今年|明年|全年|年内|当年|力争|争取|确保|努力|预期|计划|目标|要|再|将|拟|继续|进一步|全面|完成"
                   r"|控制在|达到|保持在|保持|实现|其中|以上|左右|以内|以下|不低于|不少于|不超过|的")
NAMELESS = re.compile(r"^(?:新开工|开工|新建|建设|完成|改造|新增|增加|减少|安排|新安排|解决)?$")
COMPARED = re.compile(r"\s*(?:比|较)(?:去年|上年|上一年)")
EXPLAINING = re.compile(r"\s*(?:上述|以上|这些)")  # "上述主要预期目标，考虑了…": why the targets, not more targets
YEAR_WORD = re.compile(r"(?:19|20)\d{2}\s*年")
MAX_QUOTE = 120
MAX_TARGET = 80  # a target quoted longer than this is a paragraph, not one pledge


@dataclass
class Outcome:
    """The result a later report states for a target: its words, where they are, the figure."""

    doc: str
    quote: str
    start: int
    end: int
    figure: str | None
    year: int | None = None
    link: str = ""


@dataclass
class Target:
    """One pledge a report sets for a year, as quoted, with its figure read and its result."""

    doc: str
    place: str
    year: int | None
    text: str
    start: int
    end: int
    indicator: str
    figure: str | None
    unit: str
    bound: str  # about, at least, at most, range, "" for a pledge without a figure
    aspect: str = ""  # level, growth, share
    kind: str = "quantified"  # quantified or qualitative
    ceiling: bool = False  # a figure to be kept under (a price rise, a rate "控制在")
    section: str = ""
    link: str = ""
    outcome: Outcome | None = None
    status: str = "not_reported"
    high: str | None = None  # the upper end of a range ("6.5%－7%": 7)
    context: str = ""  # the sentence's words before a target that names little of its own
    _part: int | None = field(default=None, repr=False)  # a pledge's plan part (its start), for follow_up
    _value: Decimal | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        out = asdict(self)
        out.pop("_value")
        out.pop("_part")
        return out


# ---------------------------------------------------------------- targets

def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of the comma clauses of an entry, without their punctuation."""
    out, s = [], 0
    for m in re.finditer(r"[,，]", text):
        out.append((s, m.start()))
        s = m.end()
    out.append((s, len(text)))
    return [(a, b) for a, b in out if text[a:b].strip()]


def _entries(sentence: str) -> tuple[list[tuple[int, int]], bool]:
    """The pieces of a sentence a target is read from, and whether they are a list's entries: after a
    lead-in ("主要预期目标是："), split at ；when the list has one, else at ，; otherwise at ；."""
    lead = 0
    m = re.search(r":", sentence)
    if m and LIST_LEAD.search(sentence[:m.end()]):
        lead = m.end()
    sep = r";" if (";" in sentence[lead:] or not lead) else r","
    out, s = [], lead
    for m2 in re.finditer(sep, sentence[lead:]):
        out.append((s, lead + m2.start()))
        s = lead + m2.end()
    end = len(sentence.rstrip("。!?"))
    out.append((s, end))
    return [(a, b) for a, b in out if sentence[a:b].strip()], bool(lead)


def _target_figures(text: str, plans: int | None) -> list[Figure]:
    """The figures of a piece of plan that set a target: not a year's name, not a figure over several
    years (年均, 累计), not a figure of another year (到2020年)."""
    out = []
    for f in figures_in(text):
        if f.span or f.aspect == "completion" or _quoted(text, f.start):
            continue
        clause_start = text.rfind(",", 0, f.start) + 1
        if COMPARED.match(text, clause_start):
            continue  # "比去年增加5500亿元": how the target before it compares with last year's
        named = [int(y) for y in YEAR.findall(text[clause_start:f.end])]
        if plans is not None and any(y != plans for y in named):
            continue
        out.append(f)
    return out


def _quoted(text: str, at: int) -> bool:
    """Inside quotation marks: a name ("两个一百年"), not a figure set."""
    return text.count("“", 0, at) > text.count("”", 0, at)


def _indicator(words: str) -> str:
    """What a target measures: its clause's words less the words saying it is a target."""
    text = FRAME.sub("", YEAR_WORD.sub("", words))
    return re.sub(r"[\s,;:。、“”\"]+", "", text)


def _bound(fig: Figure, clause: str, high: str | None) -> str:
    if high is not None:
        return "range"
    if fig.bound:
        return fig.bound
    if AT_LEAST.search(clause):
        return "at least"
    if AT_MOST.search(clause):
        return "at most"
    return "at least"


def _signed(value: Decimal | None, words: str, aspect: str) -> Decimal | None:
    """A change written as a fall ("下降3.4%") is negative."""
    if value is None or aspect != "growth":
        return value
    return -value if FALL_TEXT.search(words) else value


@dataclass
class Passage:
    """A section's text as one piece: its passages joined again (a sentence the chunker split at a line
    break, "74.4\n\u200b\n万亿元", is whole again)."""

    start: int
    end: int
    text: str
    section_path: list[str]
    mode: str
    span: bool
    years: set[str]
    kind: str = "text"


def passages(doc, chunks) -> list[Passage]:
    """Consecutive text passages of one section and period, joined."""
    out: list[Passage] = []
    for c in chunks:
        if c.kind != "text":
            continue
        last = out[-1] if out else None
        if (last is not None and last.section_path == c.section_path and last.mode == c.mode
                and last.span == c.span and not doc.text[last.end:c.start].strip()):
            last.end, last.text = c.end, doc.text[last.start:c.end]
            last.years |= set(c.years)
        else:
            out.append(Passage(c.start, c.end, c.text, list(c.section_path), c.mode, c.span, set(c.years)))
    return out


THIS_YEAR = re.compile(r"今年(?!以来)|本年度")
PLEDGE_TEXT = re.compile(r"要|力争|争取|确保|预期|拟|计划|目标")
BOUND_TEXT = re.compile(r"左右|以上|以内|不低于|不少于|不超过|控制在")
PAST_TEXT = re.compile(r"去年|过去|一年来|上年|已经|已")


def plans_its_year(sentence: str, meta) -> bool:
    """Whether a sentence of a speech sets its year's targets, read from its own words: it speaks of
    今年 (the speech's year) or names that year, or it pledges a bounded figure ("要…控制在…以内"), and
    it does not speak of the year before. For a speech whose headings say neither review nor plan (the
    2002 report's "一、扩大和培育内需，促进经济较快增长"), and the sentences of a five-year plan."""
    if meta.kind not in SPEECH_KINDS:
        return False
    named = {int(y) for y in YEAR.findall(sentence)}
    if PAST_TEXT.search(sentence) or (meta.reviews is not None and meta.reviews in named):
        return False
    return bool(THIS_YEAR.search(sentence) or (meta.plans in named)
                or (PLEDGE_TEXT.search(sentence) and BOUND_TEXT.search(sentence) and not named))


def targets_in(doc, chunks) -> list[Target]:
    """The targets of a report: read from its plan passages for the year it plans. A passage of a
    five-year plan gives only the sentences that speak of the year; a speech with no plan passage at
    all (its headings say neither), the sentences that set its year's targets (`plans_its_year`)."""
    meta = doc.meta
    year = meta.plans
    if year is None:
        return []
    joined = passages(doc, chunks)
    unplanned = meta.kind in SPEECH_KINDS and not any(c.mode == "plan" and not c.span for c in joined)
    out: list[Target] = []
    for c in joined:
        if c.kind != "text" or (c.years and str(year) not in c.years and not unplanned):
            continue
        whole = c.mode == "plan" and not c.span
        if not whole and not (c.mode == "plan" or unplanned):
            continue
        norm = readable(normalise(c.text))
        for sm in SENTENCE.finditer(norm):
            sentence, s0 = sm.group(), sm.start()
            if (not whole and not plans_its_year(sentence, meta)) or EXPLAINING.match(sentence):
                continue
            entries, listed = _entries(sentence)
            for a, b in entries:
                out.extend(_entry_targets(doc, c, s0 + a, norm[s0 + a:s0 + b], listed, year))
    return out


def pledges_in(doc, targets: list[Target]) -> list[Target]:
    """A town's plans are a list of parts ("一是加强执法队伍培训。…", "（二）完善调解网络"): each part that
    sets no figure is one pledge, quoted by its heading (a speech's parts are chapters, not pledges)."""
    from .commitments import commitments
    from .corpus import strip_marker

    meta = doc.meta
    if meta.kind in SPEECH_KINDS or meta.plans is None:
        return []
    out = []
    for item in commitments({doc.doc_id: doc}):
        if item["kind"] != "plan" or not item["section_path"]:
            continue
        if any(item["start"] <= t.start < item["end"] for t in targets):
            continue
        title = normalise(item["section_path"][-1]).rstrip("。.")
        at = doc.norm.find(title[:6], item["start"], item["end"]) if title else -1
        if at < 0 or len(title) > MAX_TARGET:
            continue
        text = doc.text[at:at + len(title)]
        name = strip_marker(normalise(text))
        out.append(Target(doc.doc_id, meta.place, meta.plans, text, at, at + len(text), _indicator(name), None, "",
                          "", kind="qualitative", section=item["section"], link=f"/report/{doc.doc_id}#{at}-{at + len(text)}",
                          _part=item["start"]))
    return out


def _entry_targets(doc, chunk, at: int, entry: str, listed: bool, year: int) -> list[Target]:
    """The targets of one entry of a list, or of one sentence segment outside lists."""
    clauses = _clauses(entry)
    figures = _target_figures(entry, year)
    by_clause: dict[int, list[Figure]] = {}
    for f in figures:
        ci = next((i for i, (a, b) in enumerate(clauses) if a <= f.start < b), None)
        if ci is not None:
            by_clause.setdefault(ci, []).append(f)
    if not by_clause:
        if listed and 4 <= len(entry.strip()) <= MAX_TARGET:  # a list's entry with no figure: a pledge
            return [_target(doc, chunk, at, entry, None, entry, year)]
        return []
    groups: list[tuple[int, int, Figure, str]] = []  # (start, end, figure, the clause's words)
    firsts = sorted(by_clause)
    for n, ci in enumerate(firsts):
        a, b = clauses[ci]
        fig = by_clause[ci][0]
        start = a
        if n == 0 and listed:
            start = clauses[0][0]  # the entry's opening words belong to its first target
        elif ci > 0 and (ci - 1) not in by_clause and NAMELESS.match(_indicator(entry[a:fig.start])):
            start = clauses[ci - 1][0]  # "加大…建设力度，今年新开工700万套以上": the clause before names it
        end = b
        if listed:  # an entry keeps the words qualifying its figure, up to the next target's clause
            nxt = firsts[n + 1] if n + 1 < len(firsts) else len(clauses)
            end = clauses[nxt - 1][1]
        groups.append((start, end, fig, entry[a:b]))
    out = []
    for s, e, f, clause in groups:
        if e - s > MAX_TARGET:
            continue
        t = _target(doc, chunk, at, entry[s:e], f, clause, year, offset=s)
        if not listed and s > 0 and len(words_of(t.indicator)) <= 2:  # "…法律明白人”不少于8名,年内开展集中培训2期"
            t.context = _indicator(re.split(r"\d", entry[max(0, s - 30):s])[0])
        out.append(t)
    return out


def _target(doc, chunk, at: int, text: str, fig: Figure | None, clause: str, year: int, offset: int = 0) -> Target:
    lead = len(text) - len(text.lstrip())
    text = text.strip()
    start = chunk.start + at + offset + lead
    end = start + len(text)
    quoted = chunk.text[start - chunk.start:end - chunk.start]
    meta = doc.meta
    link = f"/report/{doc.doc_id}#{start}-{end}"
    section = " › ".join(chunk.section_path)
    if fig is None:
        return Target(doc.doc_id, meta.place, year, quoted, start, end, _indicator(text), None, "", "",
                      kind="qualitative", section=section, link=link)
    fig_at = text.find(fig.text.strip()) if fig.text.strip() in text else -1
    rel = clause.find(fig.text)
    words = clause[:rel] if rel >= 0 else clause
    after = clause[rel + len(fig.text):] if rel >= 0 else ""
    m = RANGE_AFTER.match(after)
    high = m.group(1) if m and fig.unit == "%" else None
    indicator = _indicator(words) or _indicator(after[m.end():] if m else after)  # "解决6000万农村人口的饮水…"
    if NAMELESS.match(_indicator(words)):
        before = _indicator(text[:fig_at]) if fig_at >= 0 else _indicator(words)
        indicator = before + _indicator(re.split(r"[,;]", after)[0] if not m else "")
    figure = fig.text.strip()
    if high is not None:
        figure = f"{figure}{m.group(0).strip()}"
    bound = _bound(fig, words, high)
    t = Target(doc.doc_id, meta.place, year, quoted, start, end, indicator, figure, fig.unit, bound,
               aspect=fig.aspect, ceiling=bool(CEILING.search(words)) or bound == "at most", section=section,
               link=link, high=high)
    t._value = _signed(fig.value, words, fig.aspect)
    return t


# ---------------------------------------------------------------- outcomes

RESULT_FRAME = re.compile(r"比上年末?|比年初|同比|较上年|上年|去年|全年|年末|年底|当年|又|共|累计|分别|达到|达|为|超过|突破"
                          r"|多|近|约|实际|完成|实现|稳定在|保持在|保持|控制在|其中|的")
# Where a review passage of several years speaks of one year, and where it turns to the whole term.
YEAR_TOTAL = re.compile(r"全年累计|年内累计|全年共|当年累计")  # a year's total, not a figure of several years
ONE_YEAR = re.compile(r"过去一年|去年|刚刚过去的|这一年")
OTHER_PERIOD = re.compile(r"五年|(?<!一)年来|以来|时期|期间")


@dataclass
class Result:
    """A figure a review passage states: where, its words, its sentence."""

    doc: str
    figure: Figure | None  # None: a sentence saying how a target went, without its figure
    words: str  # what the words before it say it measures
    sentence: str  # the sentence, normalised
    start: int  # the sentence's offset in the report
    original: str  # the sentence as the report prints it


def readable(norm: str) -> str:
    """The text figures are read from, of the same length: "6600多万" as "6600万多" (the reader takes 多
    after the scale), and the line breaks a copied web page leaves around a link ("新建\n高速铁路\n投产",
    "M\n2\n增长", "74.4\n\u200b\n万亿元": a short line inside a sentence) as spaces."""
    norm = re.sub(r"(\d)多万", r"\1万多", norm)
    norm = re.sub(r"[\n\u200b]*\u200b[\n\u200b]*", lambda m: " " * len(m.group()), norm)
    return SHORT_LINE.sub(lambda m: " " + m.group(1) + " ", norm)


SHORT_LINE = re.compile(r"(?<=[^。!?:;”\n\s])\n(?![一二三四五六七八九十]+、|\()([^\n。]{1,10})\n")


def results_in(doc, chunks, year: int | None) -> list[Result]:
    """The figures a report states in its review passages for `year` (a passage of several years
    counts only from a sentence naming that year, or 过去一年, until one names another period)."""
    out: list[Result] = []
    joined = passages(doc, chunks)
    unplanned = doc.meta.kind in SPEECH_KINDS and not any(c.mode == "plan" and not c.span for c in joined)
    for c in joined:
        if c.kind != "text" or c.mode != "review":
            continue
        norm = readable(normalise(c.text))
        current = not c.span
        for sm in SENTENCE.finditer(norm):
            sentence = sm.group()
            opening = sentence[:12]
            named = {int(y) for y in YEAR.findall(opening)}
            if c.span and ((year is not None and year in named) or ONE_YEAR.search(opening)):
                current = True
            elif c.span and ((named and year not in named) or OTHER_PERIOD.search(opening)):
                current = False
            if not current or (unplanned and plans_its_year(sentence, doc.meta)):
                continue  # a speech's sentence setting its own year's targets reports nothing done
            pos = 0
            if VERDICT.search(sentence) and len(sentence) <= MAX_QUOTE:
                out.append(Result(doc.doc_id, None, "", sentence, c.start + sm.start(),
                                  c.text[sm.start():sm.end()]))
            for f in figures_in(sentence):
                clause_start = max(sentence.rfind(ch, 0, f.start) for ch in ",;:")
                if f.span and not YEAR_TOTAL.search(sentence[clause_start + 1:f.start]):
                    continue
                clause_start = max(sentence.rfind(ch, 0, f.start) for ch in ",;:")
                own = sentence[max(pos, clause_start + 1):f.start]
                pos = f.end
                words = RESULT_FRAME.sub("", FRAME.sub("", own))
                words = re.sub(r"[\s,;:。、“”\"\d.%]+", "", words)
                if not words or GROWTH_TEXT.fullmatch(words):  # "比上年增长7.4%": of what the clause named
                    words = re.sub(r"\s+", "", f.subject) + words
                elif NAMELESS.match(words):  # "又解决6434万农村人口饮水安全问题": named after the figure
                    words += re.split(r"[,;。]", sentence[f.end:])[0][:12]
                if words:
                    s = c.start + sm.start()
                    out.append(Result(doc.doc_id, f, words, sentence, s, c.text[sm.start():sm.end()]))
    return out


# One measure, two ways of naming it: energy use per unit of GDP is energy intensity.
SAME_MEASURE = [(re.compile(r"单位国内生产总值(能耗|二氧化碳排放|用水量)"), r"\1强度"), (re.compile(r"能源消耗"), "能耗")]


def _canonical(text: str) -> str:
    for pattern, repl in SAME_MEASURE:
        text = pattern.sub(repl, text)
    return text


def _covered(word: str, text: str) -> bool:
    """The word is in the text (二氧化硫 is not in 二氧化碳排放: one character makes another measure)."""
    return word in text


# How a review says a target went when it gives no figure: "预期增长目标未能实现", "保持较低水平".
NOT_MET_TEXT = re.compile(r"未能实现|未实现|未完成|没有完成|没有实现|未达到|出现下降|负增长")
LOW_TEXT = re.compile(r"较低|最低|低位|低于")
VERDICT = re.compile(NOT_MET_TEXT.pattern + "|" + LOW_TEXT.pattern)


def verdict(target: Target, result: Result) -> str:
    """met / not_met for a sentence naming every word of the target's measure and saying how it went
    without a figure; "" when it does not."""
    words = [w for w in words_of(_canonical(target.indicator)) if not FRAME.fullmatch(w)]
    text = _canonical(result.sentence)
    if sum(map(len, words)) < 4 or not all(w in text for w in words):
        return ""  # a measure of one short word says too little to be recognised without its figure
    if NOT_MET_TEXT.search(text) and not target.ceiling:
        return "not_met"
    if LOW_TEXT.search(text) and target.ceiling:
        return "met"
    return ""


def _match(target: Target, result: Result) -> float:
    """How surely a result states the target's figure: 0 when it cannot (another unit, aspect or thing
    measured), else the share of the target's words found in the result's sentence."""
    f = result.figure
    if f is None:
        return 0.0
    classes = {unit_class(target.unit), f.unit_class}
    if len(classes) > 1 and not classes <= {"count", "people", "households"}:
        return 0.0
    rate = target.unit in ("%", "个百分点")
    if rate and (f.aspect != target.aspect):  # a growth rate is not a rate's level; for amounts both count
        return 0.0
    indicator = _canonical(target.indicator)
    wanted = [w for w in words_of(indicator + target.context) if not FRAME.fullmatch(w)]
    named = [w for w in words_of(_canonical(result.words)) if not RESULT_FRAME.fullmatch(w) and not GROWTH_TEXT.fullmatch(w)]
    if not wanted or not named:
        return 0.0
    covered = [_covered(w, indicator) for w in named]
    if sum(covered) * 2 < len(named):
        return 0.0
    said = _canonical(result.words)
    for w, c, nxt, c_next in zip(named, covered, named[1:], covered[1:]):
        last = nxt == named[-1]  # the measure's head noun: 失业率 of 调查失业率, 强度 of 碳排放强度
        if not c and c_next and last and not _is_verb(nxt) and _own_modifier(wanted, nxt, said):
            return 0.0  # another kind of the target's measure (调查失业率 for 登记失业率, 碳排放强度 for 能耗强度)
    sentence = result.sentence
    near = _canonical(sentence[max(0, f.start - 40):f.start] + re.split(r"[,;。]", sentence[f.end:])[0])
    share = sum(_covered(w, near) for w in wanted) / len(wanted)
    return share * sum(covered) / len(named) if share >= 0.5 else 0.0


def _own_modifier(wanted: list[str], head: str, said: str) -> bool:
    """Whether the target names a kind of `head` the result does not say (登记 of 登记失业率)."""
    for before, word in zip(wanted, wanted[1:]):
        if (word == head or _covered(head, word) or _covered(word, head)) and not _covered(before, said):
            return True
    return False


def _quote(result: Result) -> tuple[int, int]:
    """The quote: from the clause naming what the figure measures to the clause after the figure's,
    at most MAX_QUOTE characters (offsets into the sentence)."""
    s, f = result.sentence, result.figure
    bounds = [0] + [m.end() for m in re.finditer(r"[,;:]", s)] + [len(s)]
    a = max(b for b in bounds if b <= f.start)
    at = s.rfind(f.subject[:2], 0, f.start) if f.subject else -1
    if 0 <= at < a:
        a = max(b for b in bounds if b <= at)
    after = [b for b in bounds if b > f.end]
    end = after[0] if after else len(s)
    if len(after) > 1 and after[1] - a <= MAX_QUOTE:
        end = after[1]
    while end > a and s[end - 1] in ",;:。!? ":
        end -= 1
    if end - a > MAX_QUOTE:
        a = max(a, f.start - 30)
        end = min(end, a + MAX_QUOTE)
    return a, end


def outcome_of(target: Target, results: list[Result]) -> tuple[Outcome | None, Result | None]:
    """The result that states the target's figure, best match first, earliest on a tie; or None."""
    if target.kind != "quantified":
        return None, None
    best, best_score = None, 0.0
    for r in results:
        score = _match(target, r)
        if score > best_score:
            best, best_score = r, score
    if best is None:  # no figure: a sentence that says how it went
        said = next((r for r in results if r.figure is None and verdict(target, r)), None)
        if said is None:
            return None, None
        quote = said.original.strip().rstrip("。;")
        start = said.start + said.original.find(quote)
        return Outcome(said.doc, quote, start, start + len(quote), None,
                       link=f"/report/{said.doc}#{start}-{start + len(quote)}"), said
    a, b = _quote(best)
    start, end = best.start + a, best.start + b
    quote = best.original[a:b]
    figure = best.original[best.figure.start:best.figure.end].strip()
    return Outcome(best.doc, quote, start, end, figure,
                   link=f"/report/{best.doc}#{start}-{end}"), best


# ---------------------------------------------------------------- status

def status_of(target: Target, result: Result | None) -> str:
    """met / not_met: the result's figure against the target's bound; not_reported without one.
    A ceiling is met at or under it (plus the tolerance of 左右); a floor, a fall of at least and a
    range at or over their (lower) figure, less the tolerance of 左右."""
    if result is None:
        return "not_reported"
    if result.figure is None:
        return verdict(target, result) or "not_reported"
    if target._value is None:
        return "not_reported"
    f = result.figure
    value = _signed(f.value, result.sentence[max(0, f.start - 8):f.start], f.aspect)
    want = target._value
    if value is None:
        return "not_reported"
    if target.unit not in ("%", "个百分点"):  # an amount: "减少1232万人" against "1000万人以上"
        value, want = abs(value), abs(want)
    if target.unit in ("%", "个百分点"):
        tolerance = ABOUT_POINTS
    else:
        tolerance = abs(want) * ABOUT_SHARE
    about = tolerance if target.bound == "about" else Decimal(0)
    if target.ceiling:
        high = Decimal(target.high) if target.bound == "range" and target.high else want
        return "met" if value <= high + about else "not_met"
    if want < 0:  # a fall: a larger fall is better
        return "met" if value <= want + about else "not_met"
    return "met" if value >= want - about else "not_met"


# ---------------------------------------------------------------- the tracker of an index

def track(index, encoder_factory=None) -> list[Target]:
    """Every target of every report in the index, with its outcome and status. A town's pledge without
    a figure is met when the report reviewing its year reports on it (`commitments.follow_up`: the
    encoder and shared terms); the encoder is asked for only when such a pledge has a later report."""
    metas = index.metas
    reviewing: dict[tuple[str, int], list[str]] = {}
    for d, m in metas.items():
        if m.place and m.reviews is not None:
            reviewing.setdefault((m.place, m.reviews), []).append(d)
    results: dict[tuple[str, int], list[Result]] = {}
    out: list[Target] = []
    for d in index.doc_ids:
        meta = metas[d]
        doc = index.documents[d]
        targets = targets_in(doc, index.chunks_in(d))
        targets = sorted(targets + pledges_in(doc, targets), key=lambda t: t.start)
        if targets and meta.plans is not None:
            key = (meta.place, meta.plans)
            if key not in results:
                results[key] = [r for later in reviewing.get(key, [])
                                for r in results_in(index.documents[later], index.chunks_in(later), meta.plans)]
            for t in targets:
                t.outcome, result = outcome_of(t, results[key])
                if t.outcome is not None:
                    t.outcome.year = metas[t.outcome.doc].year
                t.status = status_of(t, result)
        out.extend(targets)
    pending = [t for t in out if t.kind == "qualitative" and t._part is not None
               and reviewing.get((metas[t.doc].place, metas[t.doc].plans))]
    if pending and encoder_factory is not None:
        _follow_pledges(index, encoder_factory(), pending)
    return out


def _follow_pledges(index, encoder, pledges: list[Target]) -> None:
    """A pledge's outcome: the sentence of the later report that reports on its part, best first."""
    from .commitments import commitments, follow_up

    docs = sorted({t.doc for t in pledges})
    items = [i for i in commitments({d: index.documents[d] for d in docs}) if i["kind"] == "plan"]
    parts = {(i["doc"], i["start"]): i for i in items}
    wanted = [parts[(t.doc, t._part)] for t in pledges if (t.doc, t._part) in parts]
    follow_up(wanted, index, encoder)
    for t in pledges:
        item = parts.get((t.doc, t._part))
        best = (item or {}).get("followups") or []
        if best and best[0].get("quote"):
            f = best[0]
            t.outcome = Outcome(f["doc"], f["quote"], f["quote_start"], f["quote_end"], None, f.get("year"),
                                f"/report/{f['doc']}#{f['quote_start']}-{f['quote_end']}")
            t.status = "met"


class Tracker:
    """The tracker of one loaded index: computed once, kept in memory and in a cache file next to the
    index (rewritten atomically), so a restart or a second command reads it instead of recomputing."""

    def __init__(self, index, encoder_factory=None) -> None:
        """`encoder_factory`: returns the encoder, asked for only when a town's pledge needs it."""
        self.index, self.encoder_factory = index, encoder_factory
        self._items: list[dict] | None = None
        self._lock = threading.Lock()

    @property
    def cache_path(self) -> Path | None:
        """`<index>/cache/commitments-v<VERSION>-<build>.json`: beside the active index, not in it (a file
        added there would look like a new index to a server watching it), named by the build it is of."""
        directory = getattr(self.index, "directory", None)
        if not directory:
            return None
        manifest = json.dumps(getattr(self.index, "manifest", {}), sort_keys=True).encode("utf-8")
        build = hashlib.sha256(manifest).hexdigest()[:16]
        return Path(directory).parent / "cache" / f"commitments-v{VERSION}-{build}.json"

    def items(self) -> list[dict]:
        """Every target as a dict (Target.to_dict), in report order."""
        with self._lock:
            if self._items is None:
                self._items = self._read() or self._compute()
            return self._items

    def _read(self) -> list[dict] | None:
        path = self.cache_path
        try:
            return json.loads(path.read_text(encoding="utf-8")) if path and path.exists() else None
        except (OSError, ValueError):
            return None

    def _compute(self) -> list[dict]:
        items = [t.to_dict() for t in track(self.index, self.encoder_factory)]
        path = self.cache_path
        if path is not None:
            try:
                path.parent.mkdir(exist_ok=True)
                for stale in path.parent.glob("commitments-*.json"):  # of earlier builds
                    if stale != path:
                        stale.unlink(missing_ok=True)
                _write_atomically(path, json.dumps(items, ensure_ascii=False))
            except OSError as e:  # a read-only index still answers, only slower
                log.info("commitments cache not written: %s", e)
        return items

    def select(self, doc_ids=None, year: int | None = None, status: str | None = None,
               kind: str | None = None) -> list[dict]:
        """The targets of the given reports (None: all), for a year, of a status and kind."""
        docs = None if doc_ids is None else set(doc_ids)
        return [t for t in self.items() if (docs is None or t["doc"] in docs)
                and (year is None or t["year"] == year) and (not status or t["status"] == status)
                and (not kind or t["kind"] == kind)]


def summary(items: list[dict]) -> str:
    """"8 targets: 6 met, 1 not met, 1 not reported"."""
    counts = {s: sum(1 for t in items if t["status"] == s) for s in STATUSES}
    return (f"{len(items)} target{'s' if len(items) != 1 else ''}: {counts['met']} met, "
            f"{counts['not_met']} not met, {counts['not_reported']} not reported")


STATUSES = ("met", "not_met", "not_reported")
TARGET_KINDS = ("quantified", "qualitative")


CSV_COLUMNS = ("place", "year", "doc", "text", "indicator", "figure", "bound", "status", "outcome_doc",
               "outcome_quote", "outcome_figure", "link", "outcome_link")


def targets_csv(items: list[dict]) -> str:
    """The targets as CSV for a spreadsheet (with a byte-order mark, so Excel reads it as UTF-8)."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for t in items:
        o = t.get("outcome") or {}
        w.writerow([_cell(v) for v in [t["place"], t["year"], t["doc"], t["text"], t["indicator"], t["figure"] or "", t["bound"],
                    t["status"], o.get("doc", ""), o.get("quote", ""), o.get("figure") or "", t["link"],
                    o.get("link", "")]])
    return "\ufeff" + buf.getvalue()


def _cell(value) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
