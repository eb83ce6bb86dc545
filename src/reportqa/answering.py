"""Short extractive answers: pick the sentence and clause that answer, lead with the fact.

What the question asks (questions.Ask) decides what a fitting answer holds: a
figure in the asked unit and of the asked aspect (a level, a growth rate, a
share, a completion rate; per capita or not) for "how many / 多少 / 几", a date
for "when / 何时", a person's name for "what is the name of", a 《title》 for
"印发了什么文件", 是/否 and the sentence that says so for a yes/no question, the
header metadata for "who published this report and when", a section's parts
for "which / 哪些" when the question names the section. Sentences of the top
passages are scored by encoder similarity (vectors computed at build time) plus
the share of the question's terms they contain; the best clause is quoted and
the fact it holds leads the answer. A question asking two facts at once gets
both, each quoted, or is told which one the report does not give. When nothing
fitting is found the answer says so (found = False) and the passages stay as
related citations.
"""
from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation

from .chunking import Chunk
from .corpus import heading_level, normalise, strip_marker
from .lexical import tokenize, words_of
from .questions import (ZH_ALIASES, CN_NUM, INDICATORS_EN, MEASURES, MONEY_UNITS, PLACE_WORDS_EN, RATE_UNITS, RATIO_CUE,
                        SIZE_UNITS, Ask, Thing)

# Numbers written in digits or Chinese numerals, with a measure word, a unit or a percent sign.
UNIT = rf"%|亿美元|万美元|美元|万元|亿元|元|人次|场次|件次|个百分点|{'|'.join(SIZE_UNITS)}|小时|个月|[{MEASURES}]"
QUANTITY = re.compile(
    rf"(?P<num>\d[\d,.]*|[{CN_NUM}]{{1,6}})\s*(?P<scale>万亿|万|亿|千|百)?(?:余|多)?\s*(?P<unit>{UNIT})"
    r"(?:以上|左右|以内)?")
DATE = re.compile(
    rf"(?:\d{{4}}|[{CN_NUM}]{{4}})\s*年(?:\s*[\d{CN_NUM}]{{1,2}}\s*月(?:\s*[\d{CN_NUM}]{{1,3}}\s*日)?)?"
    r"(?:底|初|内|中)?(?:前|以前|之前)?"
    r"|(?<!\d)\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)"
    r"|(?:年底|年初|年中|上半年|下半年|第[一二三四1-4]季度|\d{1,2}月(?:底|初|中旬|上旬|下旬)?)(?:前|以前|之前)?")
TITLE = re.compile(r"《([^《》]{2,60})》")
CLAUSE_END = re.compile(r"[,;:。!?]")
POINT_PREFIX = re.compile(r"^[一二三四五六七八九十]{1,2}是")

# What the words before a figure say it measures: a change, a share of a whole, the share of a
# target completed, a per-capita value; otherwise its level. "增加值" (value added) names a level.
GROWTH_TEXT = re.compile(r"(?:比上年末?|比年初|同比|较上年)?(?:增长|增加|减少|下降|提高|降低|回落|上升|下滑|增幅|增速|扩大|缩小)"
                         r"(?![到至])")
FALL_TEXT = re.compile(r"减少|下降|降低|回落|下滑|缩小")
SHARE_TEXT = re.compile(r"(?<![侵抢])占(?!用|地|有|领)|比重|占比")
COMPLETION_TEXT = re.compile(r"完成[^,;。]*?的|完成率")
PER_CAPITA_TEXT = re.compile(r"人均|每千|每万|每百|平均每")
# Words between a noun and its figure: "培训人数达到120人次", "分别达到43260元".
LINKING = re.compile(r"(?:分别|各|共计|合计|总计|累计|共|计|达到了?|达|为|是|约|近|超过|突破|逾|有|完成|实现|保持在?|稳定在"
                     r"|控制在|增至|不少于|不低于|了|的|在|:|\s)+$")
CAUSE_HEADING = re.compile(r"问题|不足|原因|困难|短板|差距|薄弱|挑战")
CAUSE_TEXT = re.compile(r"由于|因为|因此|导致|造成|致使|受[^,;。]{1,8}所限|原因")
BREAKDOWN = re.compile(r"其中|按[\u4e00-\u9fff]{1,6}分")  # "…856.3万人次。其中，乡村旅游接待游客412.6万人次"
RATE_HEAD = re.compile(r"(?:率|比例|比重|占比|指数)$")  # a figure's words ending in a rate: it measures a rate
RATE_AFTER = re.compile(r"[\u4e00-\u9fff]{0,4}(?:率|比例|比重|占比|指数)")  # "常住人口城镇化率为52.36%,比上年末提高…"
PAIRING = re.compile(r"^[、和与及以及分别\s]*$")  # "43260元、21580元", "4.9%和6.7%": the same measure again

# A clause that says something is not so: 尚未, 没有, 未, 无 … (not 不断, 不少于, 无论, 未来).
NEGATION = re.compile(r"尚未|仍未|并未|从未|均未|未(?!来)|没有|没(?!收)|无(?!论|人机|缝|偿|线|一例外)|尚无|暂无|缺乏|缺少|空白"
                      r"|不(?!断|少于|低于|超过|高于|仅|但|论|管|同|久|再|得不|折不扣)")

# A question about plans or targets ("计划", "力争", "will", "target") may be answered from a plans section.
PLAN_CUE = re.compile(r"计划|打算|安排|目标|力争|预期|将|要|拟|明年|下一步|今后|未来|承诺|\bplan|\btarget|\bgoal|\bwill\b"
                      r"|\baim|\bexpect|\bnext year\b|\bpromis|\bpledge|\bintend", re.I)

# "结束了…没有…的局面" (ended the lack of …) says it is so.
DOUBLE_NEGATION = re.compile(r"(?:结束|改变|打破|扭转|告别|填补)了?[^,;。]*?(?:局面|状况|历史|现象|空白)")

PLACE_AFTER = re.compile(r"街道|镇|乡|县|区|市|村|社区|路|街")

# Common Chinese surnames: a person's name in a passage starts with one of them.
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
               "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
UNITS_EN = {"件": "cases", "次": "times", "场次": "sessions", "场": "sessions", "期": "sessions", "人次": "person-times",
            "人": "people", "名": "people", "份": "copies", "个": "", "项": "items", "户": "households",
            "家": "", "所": "", "元": "yuan", "美元": "US dollars", "级": "levels", "起": "cases", "卷": "files", "头": "head",
            "平方米": "square metres", "平方公里": "square kilometres", "公里": "km", "千米": "km", "公顷": "hectares",
            "亩": "mu", "吨": "tonnes", "立方米": "cubic metres", "千瓦时": "kWh", "千瓦": "kW", "个百分点": "percentage points"}
INDICATOR_WORDS = {zh for _, zh in INDICATORS_EN}
# Nouns that only say "people": a count in 人/名/人次 is of people already; what kind is in the other words.
PERSON_NOUNS = {"人员", "人", "人数", "群众", "居民", "民众", "个人", "people", "persons", "residents"}
PEOPLE_UNITS = ("人", "名", "人次", "位")
HOUSEHOLD_NOUNS = {"家庭", "户", "住户", "家户", "农户", "households", "families"}
SCALES = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(1000), "百": Decimal(100)}
NOT_FOUND = {"zh": "报告中未找到这个问题的答案。以下是最接近的段落，供参考。",
             "en": "The report does not say. The nearest passages are listed for reference."}
META_LABELS = {"source": ("发布单位", "published by"), "issuer": ("落款单位", "issued and signed by"),
               "author": ("作者", "written by"), "published": ("发布时间", "published on"),
               "signed": ("落款日期", "signed on"), "doc_number": ("发文字号", "document number"),
               "byline": ("报告人", "delivered by"), "subtitle": ("时间和场合", "delivered")}
META_FALLBACK = {"source": "issuer", "issuer": "source", "published": "signed", "signed": "published",
                 "byline": "issuer", "subtitle": "signed"}
META_DATES = ("published", "signed", "subtitle")


@dataclass
class Citation:
    doc: str
    title: str
    place: str  # the report's place and year (corpus.DocMeta)
    year: int | None
    section: str  # the heading path joined with " › "
    section_path: list[str]
    text: str  # the whole passage
    start: int  # offsets of the passage in the original file
    end: int
    score: float
    quote: str = ""  # the sentence the answer quotes, when it comes from this passage
    quote_start: int = -1
    quote_end: int = -1
    link: str = ""


@dataclass
class Answer:
    question: str
    found: bool
    answer: str
    citations: list[Citation] = field(default_factory=list)
    lang: str = "zh"
    qtype: str = "fact"
    latency_ms: float = 0.0
    id: object = None

    def to_dict(self) -> dict:
        """The scorer's schema, plus the fields the web page uses."""
        return {"id": self.id, "question": self.question, "found": self.found, "answer": self.answer,
                "lang": self.lang, "qtype": self.qtype, "latency_ms": round(self.latency_ms, 3),
                "citations": [asdict(c) for c in self.citations]}


@dataclass
class Candidate:
    """A quotable span of a passage sentence and how well it answers."""

    chunk: Chunk
    rank: int  # the passage's retrieval rank
    start: int  # offsets into the document text
    end: int
    text: str
    facts: list[str]  # quantities, dates, names or titles it holds, in order
    coverage: float = 0.0  # share of the question's terms in the quoted clauses
    evidence: float = 0.0  # sentence similarity + share of the question's terms in the sentence
    score: float = 0.0  # evidence + the passage's retrieval score + half the clause coverage
    sentence: int = -1  # the index sentence it comes from
    negated: bool = False  # yes/no: the clause answering says it is not so
    named: bool = False  # its figure's own words are the noun asked ("信访案件" for "信访案件多少件")
    part: bool = False  # its figure is one part of a whole given before it, of a kind not asked
    guessed: bool = False  # an asked word is one the report never uses: its figure is not confirmed by it
    vouched: bool = False  # its figure's words say the asked thing in other words, as the encoder judges


@dataclass
class Figure:
    """A number with its unit in a sentence, and what the words before it say it measures."""

    text: str  # "42.05亿元", "97%以上"
    start: int  # offsets into the sentence
    end: int
    clause: int  # the clause it sits in
    unit: str
    aspect: str  # level, growth, share or completion
    per_capita: bool
    subject: str  # the words naming what it measures: "矛盾纠纷", "人均地区生产总值"


def clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of a sentence, each ending with its punctuation."""
    out, s = [], 0
    for m in CLAUSE_END.finditer(text):
        if m.end() - s > 1:
            out.append((s, m.end()))
        s = m.end()
    if len(text) - s > 1:
        out.append((s, len(text)))
    return out or [(0, len(text))]


def figures_in(text: str, parts: list[tuple[int, int]]) -> list[Figure]:
    """The figures of a sentence, each with its aspect and the words naming what it measures.

    The words between the previous figure (or the clause start) and a figure name it: "全年调解
    各类矛盾纠纷412件" counts 矛盾纠纷; "比上年增长5.6%" is the growth of what the sentence measured
    before it; "43260元、21580元" share their words."""
    out: list[Figure] = []
    for ci, (cs, ce) in enumerate(parts):
        pos = cs
        for m in QUANTITY.finditer(text, cs, ce):
            if _is_modifier(text, m):
                continue
            before = text[pos:m.start()]
            pos = m.end()
            unit = m.group("unit")
            prev = out[-1] if out else None
            if prev is not None and prev.clause == ci and PAIRING.match(before):
                out.append(replace(prev, text=m.group(0), start=m.start(), end=m.end(), unit=unit))
                continue
            plain = before.replace("增加值", "值")
            cue = None
            if unit == "%" and COMPLETION_TEXT.search(plain):
                aspect, cue = "completion", COMPLETION_TEXT.search(plain)
            elif unit == "%" and SHARE_TEXT.search(plain):
                aspect, cue = "share", SHARE_TEXT.search(plain)
            elif GROWTH_TEXT.search(plain):
                aspect, cue = "growth", GROWTH_TEXT.search(plain)
            else:
                aspect = "level"
            own = _last_words(LINKING.sub("", before[:cue.start()] if cue else before))
            if not own and aspect == "level":  # "聘请2名律师": the noun after the figure
                own = _last_words(re.split(r"[担任为在对于]", text[m.end():ce])[0], first=True) \
                    if re.match(r"[\u4e00-\u9fff]", text[m.end():m.end() + 1]) else ""
            per_capita = bool(PER_CAPITA_TEXT.search(before))
            earlier = out[-1] if out else None
            if own and earlier is not None and earlier.unit == unit and all(_is_verb(w) for w in words_of(own)):
                own = earlier.subject  # "新建5G基站316个，累计建成742个": 742 counts 5G基站 too
            if not own:  # "比上年增长6.0%", "完成年度目标的102.3%": of what the figure before it measures
                if earlier is not None:
                    own, per_capita = earlier.subject, earlier.per_capita or per_capita
                else:
                    own = _last_words(LINKING.sub("", text[parts[0][0]:parts[0][1]]))
            out.append(Figure(m.group(0), m.start(), m.end(), ci, unit, aspect, per_capita, own))
    return out


CELL_SEPARATOR = re.compile(r"\t+| *[|｜] *")
NUMBER_CELL = re.compile(rf"^(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>{UNIT})?$")
UNIT_IN_HEADER = re.compile(r"单位[:：]\s*(万元|亿元|元|%|[^\s)）]{1,3})")
TOTAL_COLUMN = re.compile(r"总计|合计|总数|小计")


def cells(text: str) -> list[tuple[int, int]] | None:
    """(start, end) of a table row's cells ("固定资产投资\t亿元\t10.50\t9.82\t93.5%", "行政许可 | 392"):
    readers write a row as one line, cells set apart by tabs or bars; None for a sentence."""
    if not CELL_SEPARATOR.search(text):
        return None
    out, pos = [], 0
    for m in list(CELL_SEPARATOR.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        if end > pos:
            out.append((pos, end))
        pos = m.end() if m else len(text)
    return out if len(out) >= 2 else None


def row_figures(text: str, header: str | None) -> list[Figure]:
    """The figures of a table row, each named by the row's label and its column's heading
    ("固定资产投资" + "完成率" = 93.5%), in the unit the cell, a 单位 column or the heading gives;
    a bare number is a count."""
    row = cells(text)
    if row is None:
        return []
    values = [NUMBER_CELL.match(text[a:b].strip()) for a, b in row]
    # a heading's cell without its brackets and lead-in: "（本部分按申请人情况分列：自然人" -> 自然人
    heads = [re.split(r"[:：]", header[a:b].strip(" （）()"))[-1] for a, b in cells(header) or []] if header else []
    heads = [""] * (len(row) - len(heads)) + heads[-len(row):]  # a heading row may lack the label's column
    unit_col = next((i for i, h in enumerate(heads) if re.fullmatch(r"(?:计量)?单位", h)), None)
    row_unit = text[row[unit_col][0]:row[unit_col][1]].strip() if unit_col is not None else ""
    label = "".join(strip_marker(text[a:b].strip()) for i, ((a, b), v) in enumerate(zip(row, values))
                    if v is None and i != unit_col)
    out = []
    for i, ((a, b), v) in enumerate(zip(row, values)):
        if v is None:
            continue
        m = UNIT_IN_HEADER.search(heads[i]) or (UNIT_IN_HEADER.search(header) if header else None)
        unit = v.group("unit") or row_unit or (m.group(1) if m else "")
        head = heads[i]
        aspect = ("completion" if unit == "%" and COMPLETION_TEXT.search(head + "的") else
                  "share" if unit == "%" and SHARE_TEXT.search(head) else
                  "growth" if GROWTH_TEXT.search(head) else "level")
        fact = text[a:b].strip() + ("" if v.group("unit") or unit in ("", "%") else unit)
        out.append(Figure(fact, a, b, 0, unit, aspect, bool(PER_CAPITA_TEXT.search(label)),
                          f"{label}{'' if TOTAL_COLUMN.search(head) and label else head}"))
    return out


def _last_words(text: str, first: bool = False) -> str:
    """The last (or first) three content words of a phrase: what a figure next to it counts."""
    words = [w for w in words_of(text) if not re.fullmatch(r"[\d.]+年?|全年|年内|年末|年底|当年|其中", w)]
    return "".join(words[:2] if first else words[-3:])


def facts_of(text: str, qtype: str) -> list[str]:
    """Dates or names in text."""
    if qtype == "when":
        return [m.group(0) for m in DATE.finditer(text)]
    if qtype == "name":
        return _names(text)
    return []


def _is_modifier(text: str, m: re.Match) -> bool:
    """'三项制度', '一批阵地': a number in Chinese numerals before a noun names, it does not count.
    A count ends its clause (230件, / 7场次。) or takes a bound (97%以上)."""
    if m.group("num")[0].isdigit():
        return False
    nxt = text[m.end():m.end() + 1]
    return bool(nxt) and nxt not in ",;:。!?、)”\""


def _names(text: str) -> list[str]:
    """Person names: 2-3 characters (jieba tags four-character phrases such as 严格执法 nr too) tagged as a name, starting with a surname, not the start of a place
    ("白沙街道" is a place, not Mr Bai Sha)."""
    import jieba.posseg as pseg

    out, pos = [], 0
    for w in pseg.cut(text):
        after = text[pos + len(w.word):pos + len(w.word) + 2]
        pos += len(w.word)
        if w.flag == "nr" and 2 <= len(w.word) <= 3 and w.word[0] in SURNAMES and not PLACE_AFTER.match(after):
            out.append(w.word)
    return out


def _fits(fig: Figure, ask: Ask) -> bool:
    """A figure in the asked unit, of the asked aspect, per capita exactly when that is asked."""
    unit, units = fig.unit, ask.units
    if unit == "" and units is not None:  # a table's bare number is a count: of cases, items, pieces
        if set(units) & set(MONEY_UNITS + RATE_UNITS + SIZE_UNITS):
            return False
    elif units is None:
        if unit in RATE_UNITS or unit in MONEY_UNITS or unit in ("万元", "亿元"):
            return False
    elif not any(unit == u or unit.startswith(u) or (u in MONEY_UNITS and unit in ("万元", "亿元")) for u in units):
        return False
    if ask.aspect == "share":
        return fig.aspect in ("share", "level")  # "调解成功的比例" is a level rate
    return fig.aspect == ask.aspect and fig.per_capita == ask.per_capita


class Answerer:
    """Turns retrieved passages into a short, quoted answer or an honest decline."""

    QUOTE_CHARS = 100  # longest quote; the lead and citation mark fit in the remaining budget
    PASSAGES = 3  # passages searched for the answering sentence
    # Below this, the best sentence neither resembles the question nor shares its terms.
    MIN_EVIDENCE = 0.6
    # A figure whose own words are the noun asked has shown what it counts; it needs less resemblance
    # (an English question's untranslatable words weigh on it).
    NAMED_EVIDENCE = 0.35
    # A figure whose words the encoder vouches say the asked thing ("罚单" / 行政处罚决定) needs less
    # resemblance between question and sentence than one nothing names.
    VOUCHED_EVIDENCE = 0.4
    # A yes/no answer needs a clause naming the thing asked about; when the question's form hides
    # the thing, a sentence holding most of what is asked (IDF-weighted), not a neighbour.
    YES_NO_COVERAGE = 0.5
    # Encoder cosines for paraphrase: an asked noun and the words before a figure ("信访案子" /
    # "信访案件" 0.68, "consultations" / "咨询" 0.78; "委员会" / "矛盾纠纷" 0.22, "会议" / "汇报" 0.42),
    # and a whole asked phrase and those words, needed when any word matched only loosely.
    # A why-question is answered where the report gives problems and their causes: a sentence under such a
    # heading (存在的问题, 原因) or saying why (由于, 导致) counts for that much more.
    CAUSE_BONUS = 0.25
    HEAD_SIMILARITY = 0.55
    # A whole beats its parts when the question names no part: "到临水县旅游的人有多少" is the county's
    # 856.3万人次, not the 412.6万 of its 乡村旅游 that follows "其中".
    PART_PENALTY = 0.3
    # A figure all of whose asked words the report confirms (even loosely: 农民 / 农村居民) beats one
    # that passes only because an asked word is one the report never uses.
    GUESS_PENALTY = 0.15
    PHRASE_SIMILARITY = 0.5

    def __init__(self, index, retriever) -> None:
        self.index = index
        self.retriever = retriever
        # Years a passage speaks of: its own text, its headings and its report's title.
        self.years = index.chunk_years
        self.vocab = index.lexicon.vocab
        self._vectors: dict[str, object] = {}  # phrase encodings for paraphrase checks
        self._path_tokens: dict[int, set[str]] = {}

    def path_tokens(self, chunk_id: int) -> set[str]:
        """A sentence means what it says under its headings: their terms count as its own."""
        tokens = self._path_tokens.get(chunk_id)
        if tokens is None:
            if len(self._path_tokens) > 50_000:
                self._path_tokens.clear()
            tokens = self._path_tokens[chunk_id] = set(tokenize(" ".join(self.index.chunks[chunk_id].section_path)))
        return tokens

    def named_list(self, query) -> tuple[list[str], list[int]] | None:
        """The parts of the section a list or why question names: every term of the section's title
        is in the question, or every term of the question is in the title."""
        best, best_fit = None, 0.0
        terms = {a for alts in query.terms.values() for a in alts}
        for _, title_terms, labels, ids in self.index.named_lists(terms):  # sections with parts
            if not title_terms or not all(query.allows(i) for i in ids):
                continue
            title_share = sum(any(t in alts for alts in query.terms.values()) for t in title_terms) / len(title_terms)
            question_share = self.retriever.coverage(query, title_terms)
            if max(title_share, question_share) < 1.0:
                continue
            if title_share + question_share > best_fit:
                best, best_fit = (labels, ids), title_share + question_share
        return best

    def plan_list(self, query, hits) -> tuple[list[str], list[int]] | None:
        """The plans section of the report the question is about (the best passage's report, within
        the question's scope) for "what did X promise to do", "what are the plans for 2025"."""
        for hit in hits:
            doc = self.index.chunks[hit.chunk_id].doc_id
            plans = [(labels, ids) for labels, ids in self.index.plans(doc) if all(query.allows(i) for i in ids)]
            if plans:
                return plans[0]
        return None

    # --- candidates ---------------------------------------------------------------------------

    def candidates(self, query, hits, ask: Ask, passages: int = PASSAGES) -> list[Candidate]:
        """The best quotable span of each sentence of the top passages, best first. A question naming
        no year and no plan is about what the report reports: its own year's passages come first."""
        query = self._with_indicators(query)
        own_year = not ask.years and not PLAN_CUE.search(query.text)
        out = []
        for rank, hit in enumerate(hits[:passages]):
            if ask.years and not ask.years & self.years[hit.chunk_id]:
                continue  # asked about 2023, the passage speaks of 2024
            chunk = self.index.chunks[hit.chunk_id]
            ids = list(self.index.sentence_range(hit.chunk_id))
            sents = dict(zip(ids, self.index.sentences_of(hit.chunk_id)))
            if len(ids) > 1:  # a heading or a point's title is in section_path; the body answers
                ids = [i for n, i in enumerate(ids) if not heading_level(sents[i].text)
                       and not (n == 0 and POINT_PREFIX.match(sents[i].text))]
            dense = self.index.sentence_vecs(ids) @ query.vector if ids else []
            for i, d in zip(ids, dense):
                sent = sents[i]
                tokens = set(self.index.sentence_tokens[i])
                cov = self.retriever.coverage(query, self.path_tokens(hit.chunk_id) | tokens)
                cand = self._span(query, chunk, rank, sent, ask)
                if cand is not None:
                    cand.evidence = float(d) + cov
                    if ask.qtype == "why" and (CAUSE_HEADING.search(chunk.section) or CAUSE_TEXT.search(sent.text)):
                        cand.evidence += self.CAUSE_BONUS  # a reason is given where problems and causes are
                    cand.score = (cand.evidence + hit.score + 0.5 * cand.coverage - self.PART_PENALTY * cand.part
                                  - self.GUESS_PENALTY * cand.guessed)
                    year = self.index.metas[chunk.doc_id].year
                    if own_year and year and str(year) not in self.years[hit.chunk_id]:
                        if ask.qtype == "yesno":
                            continue  # a plan ("推进智慧矫正中心建设") does not say it was done
                        cand.score -= 1.0  # "2025年力争…98%以上" is a plan, not the 2024 figure
                    cand.sentence = i
                    if ask.qtype == "yesno" and not ask.things and cov < self.YES_NO_COVERAGE:
                        continue  # the sentence does not speak of what is asked
                    out.append(cand)
        out.sort(key=lambda c: (not c.named, -c.score))
        return out

    def _with_indicators(self, query):
        """An English query as the answer reads it: statistical indicator names ("GDP", "disposable
        income") stand for the Chinese words bulletins use, and the place asked about ("Yunxi
        county": a name the dictionary lacks, a place noun) is context, as Chinese place names are."""
        if query.lang == "zh":
            return query
        low = query.text.lower()
        proper = {w.lower() for w in re.findall(r"(?<=[a-z,] )[A-Z][a-z]+", re.sub(r"'s\b", "", query.text))}
        terms = {t: list(alts) for t, alts in query.terms.items()
                 if t not in PLACE_WORDS_EN and not (t in proper and not alts)}
        for pattern, zh in INDICATORS_EN:
            for m in re.finditer(pattern, low):
                inside = [t for t in terms if re.search(rf"\b{re.escape(t)}\b", m.group(0))]
                for t in inside or [zh]:
                    terms.setdefault(t, [])
                    if zh not in terms[t]:
                        terms[t].append(zh)
        return replace(query, terms=terms)

    def _span(self, query, chunk, rank, sent, ask: Ask) -> Candidate | None:
        """The clause window of a sentence worth quoting; None when it lacks the fact asked for."""
        qtype = ask.qtype
        text = normalise(sent.text)  # same length as the original: offsets hold for both
        parts = clauses(text)
        covs = [self.retriever.coverage(query, set(tokenize(text[s:e]))) for s, e in parts]
        facts: list[str] = []
        negated = named = False
        if qtype == "quantity":
            # Chinese words must be in the sentence; English ones, matched through a dictionary, in the passage
            where = f"{text if query.lang == 'zh' else chunk.text} {chunk.section} {chunk.title}"
            figs = []
            row = cells(text) is not None
            header = self._header_row(chunk, sent) if row else None
            found = row_figures(text, header) if row else []
            if found:
                parts = [(0, len(text))]  # a row is one clause
                covs = [self.retriever.coverage(query, set(tokenize(f"{text} {header or ''}")))]
            else:
                found = figures_in(text, parts)
            rates = bool(RATIO_CUE.search(ask.text or query.text))  # "调解成功率", "what share": a rate asked
            for f in found:
                seen = f  # "经济增长目标是:地区生产总值增长6%": what grows may be said in the clause before
                if ask.aspect != "level":
                    seen = replace(f, subject=f.subject + text[parts[max(f.clause - 1, 0)][0]:f.start])
                clause = text[parts[f.clause][0]:f.end]
                siblings = _parallel(f, found)
                how = ([self._measures(t, seen, where, clause, siblings, rates) for t in ask.things]
                       if _fits(f, ask) or self._names_amount(f, ask) else [None])
                if all(how):
                    figs.append((f, "loose" not in how, "guessed" in how))
            if not figs:
                return None  # no figure of the asked unit, aspect and thing
            # a figure whose own words are the asked noun beats one whose words only resemble it
            named = any(exact for _, exact, _ in figs) and bool(ask.things)
            guessed = {id(f) for f, _, g in figs if g}
            figs = [f for f, exact, _ in figs if exact or not named]
            # a clause counts with the words its figure inherits ("累计建成742个" of 5G基站)
            said = {f.clause: max(covs[f.clause], self.retriever.coverage(query, set(tokenize(
                f"{text[parts[f.clause][0]:parts[f.clause][1]]} {f.subject}")))) for f in figs}
            best = max(said, key=lambda i: (said[i], -i))
            fig = self._closest_figure(query, [f for f in figs if f.clause == best], row=row)
            guess = id(fig) in guessed
            facts = [fig.text]
            lo = hi = best
            # Reach back to the clause that names the subject, when the fact's clause lacks it
            # ("全县地区生产总值218.36亿元,按不变价格计算,比上年增长5.6%").
            def named_in(a: int) -> bool:
                if fig.aspect == "level":  # "累计建成742个" names nothing: 5G基站 is said before it
                    return covs[a] > 0 and fig.subject[:2] in text[parts[a][0]:parts[a][1]]
                return covs[a] > 0 and fig.subject[:2] in text[parts[a][0]:fig.start]
            while lo > 0 and not named_in(lo) and parts[hi][1] - parts[lo - 1][0] <= self.QUOTE_CHARS:
                lo -= 1
        elif qtype == "name" and ask.title_kinds is not None:  # 《小河镇2024年法治政府建设工作计划》
            titles = [(i, m) for i, (s, e) in enumerate(parts) for m in TITLE.finditer(text, s, e)
                      if self._fits_title(m.group(1), ask, f"{text} {chunk.section} {chunk.title}")]
            if not titles:
                return None
            best, m = max(titles, key=lambda x: (covs[x[0]], -x[0]))
            facts, lo, hi = [m.group(0)], best, best
        elif qtype in ("when", "name"):
            found = [(i, facts_of(text[s:e], qtype)) for i, (s, e) in enumerate(parts)]
            found = [(i, f) for i, f in found if f]
            if not found:
                return None
            best, facts = max(found, key=lambda x: (covs[x[0]], -x[0]))
            facts = facts[:1]
            lo = hi = best
            while lo > 0 and covs[lo] == 0 and parts[hi][1] - parts[lo - 1][0] <= self.QUOTE_CHARS:
                lo -= 1
        elif qtype == "who":  # the clause naming the role asked about: "以镇党委书记为组长"
            # the role asked for ("…由谁当组长": 组长) weighs more than the body it belongs to (领导小组)
            hits = [sum((k + 1) * (f in text[a:b]) for k, f in enumerate(ask.focus)) for a, b in parts]
            best = max(range(len(parts)), key=lambda i: (hits[i], covs[i], -i))
            lo = hi = best
            if parts[best][1] - parts[best][0] < 8 and best > 0:
                lo -= 1  # too short to stand alone
        elif qtype == "yesno":  # the clause speaking of the thing asked, and whether it says not so
            # a clause naming the thing asked (its noun, and in Chinese one of its other words when it
            # has any: "智慧矫正中心" is not any 中心; English words pass a dictionary too lossy for that)
            inside = [i for i, (a, b) in enumerate(parts)
                      if all(self._mentions(t, text[a:b]) and (not t.modifiers or t.lang != "zh" or any(
                          self._word_in(w, alts, text[a:b], t.lang) == "exact" for w, alts in t.modifiers))
                          for t in ask.things)]
            if not inside:
                return None
            words = [alts for t in ask.things for _, alts in t.predicate + t.heads + t.modifiers]
            said = [[any(a and a in text[s_:e_] for a in alts) for alts in words] for s_, e_ in parts]
            if query.lang != "zh":
                # a dictionary's senses of the noun are loose ("rules" gives 法治 as well as 规定): once the
                # sentence names the thing, the clause saying most of the question answers it
                inside = [i for i in range(len(parts)) if any(said[i])] or inside
            denied = [bool(re.search(rf"(?:{NEGATION.pattern})[^,;。]{{0,2}}(?:{'|'.join(map(re.escape, _all(words)))})",
                                     DOUBLE_NEGATION.sub("", text[s_:e_]))) if words else False for s_, e_ in parts]
            # the clause saying the asked act ("lose" -> 败诉) first, then one denying an asked word
            # ("无败诉案件"), then the one saying most of what is asked
            english = query.lang != "zh"
            best = max(inside, key=lambda i: (said[i][:1] == [True] and bool(ask.things[0].predicate), denied[i],
                                              covs[i] if english else 0, sum(said[i]), covs[i], -i))
            negated = bool(NEGATION.search(DOUBLE_NEGATION.sub("", text[parts[best][0]:parts[best][1]])))
            lo = hi = best
            if parts[best][1] - parts[best][0] < 12 and best + 1 < len(parts):
                hi += 1  # "尚未聘请常年法律顾问," is clearer with what follows
        elif len(text) <= self.QUOTE_CHARS:
            lo, hi, best = 0, len(parts) - 1, 0
        else:
            best = max(range(len(parts)), key=lambda i: (covs[i], -i))
            lo = hi = best
            while True:  # grow towards the better neighbour while it fits
                options = [j for j in (lo - 1, hi + 1) if 0 <= j < len(parts)
                           and max(parts[hi][1], parts[j][1]) - min(parts[lo][0], parts[j][0]) <= self.QUOTE_CHARS]
                if not options:
                    break
                j = max(options, key=lambda j: (covs[j], -j))
                lo, hi = min(lo, j), max(hi, j)
        s, e = parts[lo][0], parts[hi][1]
        if chunk.kind == "metadata" and ":" in text:  # "落款日期(signed on):2025年1月10日" quotes the value
            s, e = text.index(":") + 1, len(text)
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:。"):
            e -= 1
        quote = sent.text[s:e]
        if qtype == "who" and DATE.fullmatch(quote.split(" ")[0]):
            return None  # a bare date cannot say who
        start = sent.start + s if sent.start >= 0 else -1
        return Candidate(chunk, rank, start, start + len(quote) if start >= 0 else -1, quote,
                         facts, coverage=max(covs[lo:hi + 1]), negated=negated,
                         named=qtype == "quantity" and named,
                         vouched=qtype == "quantity" and bool(ask.things) and not named,
                         part=qtype == "quantity" and self._is_part(query, chunk, sent, text, fig),
                         guessed=qtype == "quantity" and guess)

    @staticmethod
    def _names_amount(fig: Figure, ask: Ask) -> bool:
        """A question naming no unit ("一共收了多少税", "进出口一共做了多少") takes an amount in
        money when the figure's own words are the thing asked: 税收收入162.79亿元."""
        return (ask.units is None and fig.unit in MONEY_UNITS and bool(ask.things) and fig.aspect == ask.aspect
                and all(any(a and _said_whole(a, fig.subject) for a in t.heads[0][1]) for t in ask.things))

    def _is_part(self, query, chunk, sent, text: str, fig: Figure) -> bool:
        """A figure given as a part of a whole ("其中，城镇常住人口…", "按常住地分，…；农村居民…") whose
        own words say which part (words neither the whole's nor the question's)."""
        off = sent.start - chunk.start if sent.start >= chunk.start else 0
        full = chunk.text[:off] + text[:fig.start]
        at = full.rfind("。", 0, off) + 1  # the sentence, from before a "；" it was cut at
        marks = list(BREAKDOWN.finditer(full, at))
        if not marks:
            return False
        # the whole is given just before its parts: in the sentence before one opening with 其中
        begins = marks[-1].start() - at < 2
        whole = full[(full.rfind("。", 0, max(at - 1, 0)) + 1) if begins else at:marks[-1].start()]
        asked = [query.text, whole] + [a for alts in query.terms.values() for a in alts]
        # 农民 asks for 农村居民: the part asked (Chinese words; an English word's dictionary senses are too many)
        initials = {a[0] for a in asked[2:] if len(a) == 2} if query.lang == "zh" else set()
        own = text[clauses(text)[fig.clause][0]:fig.start]  # all its words: the subject keeps only the last three
        return any(len(p) >= 2 and not re.search(r"\d", p) and not PER_CAPITA_TEXT.search(p)
                   and not any(p in a for a in asked) and p[0] not in initials for w in words_of(own)
                   for p in ([w[i:i + 2] for i in range(0, len(w) - 1, 2)] if len(w) >= 4 else [w]))

    def _closest_figure(self, query, figs: list[Figure], row: bool = False) -> Figure:
        """Of several figures in one clause ("建议56件、提案48件"), the one whose own words match best;
        of a table row's, the rightmost of equals (the total after its parts, the result after its target)."""
        return max(figs, key=lambda f: (self.retriever.coverage(query, set(tokenize(f.subject))),
                                        f.start if row else -f.start))

    def _header_row(self, chunk, sent) -> str | None:
        """The heading row of the table a row sits in: the nearest row above it with no figure in it
        ("指标\t单位\t目标\t完成\t完成率"), looked for up through the table, which a passage may cut."""
        above = chunk.text[:max(sent.start - chunk.start, 0)].split("\n")
        cid = chunk.chunk_id
        for _ in range(3):
            for line in reversed(above):
                line = line.strip()
                row = cells(line) if line else None
                if line and row is None:
                    return None  # a paragraph: the table starts below it, without a heading row
                if row and not any(NUMBER_CELL.match(line[a:b].strip()) for a, b in row):
                    return line
            cid -= 1
            if cid < 0 or self.index.chunks[cid].doc_id != chunk.doc_id:
                return None
            above = self.index.chunks[cid].text.split("\n")
        return None

    # --- is this figure (or title) of the thing asked? ------------------------------------------

    def _measures(self, thing: Thing, fig: Figure, where: str, clause: str = "",
                  siblings: list[str] = (), rates: bool = False) -> str | None:
        """Whether a figure measures the thing asked: the asked noun names what the figure counts
        (the same word, or for a compound its last part - 业务培训 / 执法人员培训 -, or a paraphrase
        the encoder vouches for - 案子 / 案件, consultations / 咨询), and every other asked word the
        report uses is in the sentence, its headings or the report's title, and not only in the words
        of another figure of the sentence ("存款余额412.8亿元；贷款余额305.6亿元": 贷款 names the second).
        Any loose match also needs the asked phrase as a whole to resemble the figure's words."""
        person = _pieces(thing.heads[0][0])
        if person[-1] in HOUSEHOLD_NOUNS and fig.unit == "户":  # "多少户低保家庭" / 低保对象1268户
            person = person[:-1] + ["人"]
        if person[-1] in PERSON_NOUNS and fig.unit in PEOPLE_UNITS + ("户",):
            # "多少名执法人员" / 培训人数达到120人次: the unit says these are people; 执法 must still be said
            tried = [(0, "exact", [(p, [p]) for p in person[:-1]])]
        else:
            tried = [(i, *self._head_match(word, alts, fig.subject, thing.lang, thing.phrase, figure=not rates))
                     for i, (word, alts) in enumerate(thing.heads)]
        tried = [t for t in tried if t[1]]  # an exact head first: "publicity" of "publicity events"
        if thing.lang != "zh":  # "disposable income" is 可支配收入 or nothing: no look-alike stands for a bulletin's term
            tried = [t for t in tried if t[1] == "exact" or not _is_indicator(thing.heads[t[0]][0])
                     or any(a in f"{fig.subject} {clause}" for a in thing.heads[t[0]][1])]
        if not tried:
            return None
        i, how, rest = min(tried, key=lambda t: (t[1] != "exact", t[0]))
        loose = how != "exact"
        if i == 0 and len(thing.heads) > 1:  # "legal aid cases" matched by "cases": "aid" is the thing
            word, alts = thing.heads[1]
            if self._word_in(word, alts, where, thing.lang) != "exact":
                return None
        # 业务 of 业务培训 must still be said somewhere
        others = list(thing.modifiers) + rest
        head_exact, guessed = not loose, False
        own = f"{fig.subject} {clause}"
        for word, alts in others:
            how = self._word_in(word, alts, where, thing.lang, f"{fig.subject} {clause}")  # all its own words
            if how is None:
                return None
            if how == "exact" and not any(a and a in own for a in alts) \
                    and any(a and a in other for a in alts for other in siblings):
                return None  # the word names another figure of the sentence
            if thing.lang != "zh" and set(alts) & INDICATOR_WORDS and not any(a and a in own for a in alts):
                return None  # "hog output": 生猪 must name this figure, not another in the passage
            loose = loose or how != "exact"
            guessed = guessed or how == "unknown"
        if loose and max(self._similarity(thing.phrase, t) for t in (fig.subject, clause or fig.subject)) \
                < self.PHRASE_SIMILARITY:
            return None
        return ("guessed" if guessed else "exact") if head_exact else "loose"

    def _mentions(self, thing: Thing, clause: str) -> bool:
        """Whether a clause speaks of the thing a yes/no question asks about (its noun, or a
        paraphrase the encoder vouches for, as for figures)."""
        for word, alts in thing.heads:
            how = self._head_match(word, alts, clause, thing.lang)[0]
            # a word, not a look-alike; in English only through the dictionary (a lone English word
            # resembles too many Chinese ones to vouch that a clause speaks of it)
            if how == "exact" or how and thing.lang == "zh":
                return True
        return False

    def _head_match(self, word: str, alts: list[str], subject: str, lang: str,
                    phrase: str = "", figure: bool = False) -> tuple[str | None, list]:
        """('exact' | 'loose' | None, the parts of a Chinese compound left to find elsewhere). For a
        figure's words, a head followed by a rate is not the thing: "常住人口城镇化率" is a rate of
        the population, not the population."""
        at = [a for a in alts if a and a in subject]
        if not at and lang == "zh" and len(word) >= 2:
            m = _said_whole(word, subject)
            at = [m.group(0)] if m else []
        if at:
            rest = subject[subject.rfind(at[0]) + len(at[0]):]
            if figure and (RATE_HEAD.search(rest) or RATE_AFTER.match(rest)) and not RATE_HEAD.search(word):
                return None, []
            return "exact", []
        words = words_of(subject)
        # the subject, its words, and for English its runs of two and three words ("社区矫正对象")
        candidates = [subject] + words + ([] if lang == "zh" else [
            "".join(words[i:i + n]) for n in (2, 3) for i in range(len(words) - n + 1)])
        if lang == "zh":
            pieces = _pieces(word)
            if len(pieces) > 1 and pieces[-1] in subject and word not in ZH_ALIASES:  # compounds end in their head: 业务培训 -> 培训
                return "exact", [(p, [p]) for p in pieces[:-1]]
            # a Chinese paraphrase of a noun shares a character of its head part with it: 案子/案件,
            # 上访/来访 (not 收入/支出, not 文化阵地 for 文化公园)
            candidates = [c for c in words if set(c) & set(pieces[-1])]
        self._encode([word] + candidates)
        if candidates and max(self._similarity(word, c) for c in candidates) >= self.HEAD_SIMILARITY:
            return "loose", []
        if lang != "zh" and phrase:  # "legal opinion letters" / 出具法律意见书: the dictionary has no word for it
            self._encode([phrase])
            if max(self._similarity(phrase, c) for c in candidates) >= self.HEAD_SIMILARITY:
                return "loose", []
        return None, []

    def _word_in(self, word: str, alts: list[str], where: str, lang: str, subject: str = "") -> str | None:
        """'exact' when the word (or a corpus word it stands for) is there; 'loose' when a Chinese
        word shares its characters; 'unknown' when the report never uses it (a paraphrase, not a
        different thing); None when the report uses it elsewhere but not here."""
        if any(a and a in where for a in alts):
            return "exact"
        if re.search(r"[0-9a-z]", word) and lang == "zh":
            # a code ("3A级", "5G") is said as it is or not at all: "4A级景区" is not a 3A one
            return "exact" if word.lower() in where.lower() else None
        if lang != "zh":  # a bulletin's indicator name is exact; a dictionary sense only a guess
            return None if set(alts) & INDICATOR_WORDS else "loose" if alts else "unknown"
        if len(word) == 2 and subject and re.search(f"{word[0]}[\u4e00-\u9fff]{{1,4}}{word[1]}", subject):
            return "loose"  # an abbreviation of the figure's words: 规上 / 规模以上, 社零 / 社会消费品零售, 农民 / 农村居民
        pieces = _pieces(word)
        # a two-character part may be said in other words sharing its last character, the kind of
        # thing it is (普法 / 法治宣传: 法); sharing the first says another of its kind (第二 / 第一),
        # and so do the figure's own words when one differs only in its first (存款余额 for 贷款, 出口 / 进口)
        contrast = {p for w in words_of(subject) for p in _pieces(w) if len(p) == 2}
        if all(p in where or (len(p) == 2 and p[-1] in where and not any(
                w[-1] == p[-1] and w[0] != p[0] for w in contrast)) for p in pieces):
            return "loose"  # 普法资料 / 宣传资料; 城镇居民 / 农村居民 fails on 城镇
        if not any(w in self.vocab for w in [word] + pieces + alts[1:]):
            return "unknown"
        if _is_verb(word):  # the act done to what is counted may be said in other words: 调处 / 调解 纠纷
            near = [w for w in words_of(where) if set(w) & set(word)]
            if near and max(self._similarity(word, w) for w in near) >= self.HEAD_SIMILARITY:
                return "loose"
        return None

    def _fits_title(self, title: str, ask: Ask, where: str) -> bool:
        """A 《title》 of the kind asked (a plan for "什么计划", any for "什么文件") about what is asked."""
        title = re.sub(r"[(（][^()（）]*[)）]$", "", title)  # 《…规定(试行)》
        if ask.title_kinds and not any(title.endswith(k) for k in ask.title_kinds):
            return False
        return all(self._word_in(w, alts, f"{title} {where}", t.lang) is not None
                   for t in ask.things for w, alts in t.modifiers)

    def _encode(self, texts: list[str]) -> dict[str, object]:
        """The texts' vectors, from the cache or encoded now (the result, not the cache, is read:
        another thread may empty the cache meanwhile)."""
        cache = self._vectors
        out = {t: cache[t] for t in texts if t in cache}
        missing = list(dict.fromkeys(t for t in texts if t not in out))
        if missing:
            if len(cache) > 50_000:
                cache.clear()  # a long-running server must not grow without bound
            for t, v in zip(missing, self.retriever.encoder.encode(missing)):
                cache[t] = out[t] = v
        return out

    def _similarity(self, a: str, b: str) -> float:
        vectors = self._encode([a, b])
        return float(vectors[a] @ vectors[b])

    # --- answering ----------------------------------------------------------------------------

    def answer(self, query, hits, ask: Ask) -> tuple[bool, str, list[int], dict[int, Candidate]]:
        """(found, answer text, passage order for the citations, the quote of each quoted passage)."""
        order = [h.chunk_id for h in hits]
        if ask.metadata:
            return self.answer_metadata(query, hits, ask)
        named = self.named_list(query) if ask.qtype in ("list", "why") else None
        if named is None and ask.plans:
            named = self.plan_list(query, hits)
        if named:
            labels, ids = named
            quotes = {cid: self._opening(cid) for cid in ids}
            return True, self.format_list(query, labels), ids + [i for i in order if i not in ids], quotes
        if ask.claim is not None and ask.count is not None:
            checked = self.answer_claim(query, hits, ask)
            if checked is not None:
                return checked
        if ask.multi:
            return self.answer_parts(query, hits, ask)
        best = self.best(query, hits, ask)
        if best is None:
            return False, NOT_FOUND[query.lang], order, {}
        order.remove(best.chunk.chunk_id)
        order.insert(0, best.chunk.chunk_id)
        return True, self.format(query, best, ask), order, {best.chunk.chunk_id: best}

    def best(self, query, hits, ask: Ask, passages: int | None = None, whole=None, near=None) -> Candidate | None:
        """The best fitting candidate, or None when none is good enough. A part of a question is judged
        by the better of its own evidence and the whole question's (`whole`), and among equals comes
        from the passage the first part was found in (`near`): "办了多少事项，满意率多少" asks both of one place."""
        cands = self.candidates(query, hits, ask, passages or self.PASSAGES)
        if near is not None:
            cands.sort(key=lambda c: (not c.named, c.sentence != near.sentence, c.chunk.chunk_id != near.chunk.chunk_id,
                                      -c.score))
        best = cands[0] if cands else None
        if best is not None and whole is not None:
            best.evidence = max(best.evidence, self._evidence(whole, best))
        if best is None or best.evidence < (self.NAMED_EVIDENCE if best.named else
                                            self.VOUCHED_EVIDENCE if best.vouched else self.MIN_EVIDENCE):
            return None
        return best

    def _evidence(self, query, cand: Candidate) -> float:
        """Sentence similarity plus the share of the question's terms in the sentence and headings."""
        query = self._with_indicators(query)
        i = cand.sentence
        tokens = self.path_tokens(cand.chunk.chunk_id) | set(self.index.sentence_tokens[i])
        return float(self.index.sentence_vecs([i])[0] @ query.vector) + self.retriever.coverage(query, tokens)

    def answer_claim(self, query, hits, ask: Ask) -> tuple[bool, str, list[int], dict[int, Candidate]] | None:
        """"Did X hold at least four sessions?": the report's figure, checked against the one stated;
        None when the report gives no such figure (the question is then read as any yes/no one)."""
        counted = self.retriever.analyse(ask.count.text, query.lang)  # searched for as the count it states
        counted.where = query.where
        found, _ = self.retriever.search(counted, self.PASSAGES)
        seen = {h.chunk_id for h in found}
        hits = found + [h for h in hits if h.chunk_id not in seen]
        best = self.best(query, hits, ask.count, passages=2 * self.PASSAGES)
        value = _value(best.facts[0]) if best is not None and best.facts else None
        if value is None:
            return None
        fact = best.facts[0]
        said = ""
        if ask.count.aspect == "growth":  # "比上年下降11.8%" is a growth of -11.8%
            moves = list(GROWTH_TEXT.finditer(best.text[:max(best.text.find(fact), 0)]))
            said = re.sub(r"^(?:比上年末?|比年初|同比|较上年)", "", moves[-1].group(0)) if moves else ""
            value = -value if FALL_TEXT.search(said) else value
        holds = ask.claim.holds(float(value))
        order = [best.chunk.chunk_id] + [h.chunk_id for h in hits if h.chunk_id != best.chunk.chunk_id]
        if query.lang == "zh":
            text = f"{'是' if holds else '否'}：{said}{fact}，“{best.text}” [1]"
        else:
            shown = (("down " if FALL_TEXT.search(said) else "up ") if said else "") + \
                _english_fact(fact, _asked_noun(ask.count.text))
            text = f"{'Yes' if holds else 'No'}: {shown}. According to the report: “{best.text}” [1]"
        return True, text, order, {best.chunk.chunk_id: best}

    def answer_parts(self, query, hits, ask: Ask) -> tuple[bool, str, list[int], dict[int, Candidate]]:
        """Two facts asked at once: each part looked for in its own search as well as the question's,
        judged against the whole question, quoted once each; a part the report does not give is
        named as such."""
        found: list[tuple[Ask, Candidate | None]] = []
        for n, part in enumerate(ask.parts):
            # A later part is often elliptical ("…，成功率是多少"): it borrows the first part's words.
            text = part.text if n == 0 else f"{part.text} {ask.parts[0].text}"
            pq = self.retriever.analyse(text, query.lang)
            pq.where = query.where
            phits, _ = self.retriever.search(pq, self.PASSAGES)
            seen = {h.chunk_id for h in phits}
            part.years = part.years | ask.years
            own = pq if n == 0 else self.retriever.analyse(part.text, query.lang)  # ranks by its own words
            first = found[0][1] if found and found[0][1] else None
            found.append((part, self.best(own, phits + [h for h in hits if h.chunk_id not in seen], part,
                                          passages=2 * self.PASSAGES, whole=query, near=first)))
        if not any(c for _, c in found):
            return False, NOT_FOUND[query.lang], [h.chunk_id for h in hits], {}
        merged = self._merge([c for _, c in found if c])
        chunks = list(dict.fromkeys(c.chunk.chunk_id for c in merged))
        order = chunks + [h.chunk_id for h in hits if h.chunk_id not in chunks]
        quotes = {c.chunk.chunk_id: c for c in reversed(merged)}
        return True, self.format_parts(query, found, merged, chunks), order, quotes

    def _merge(self, cands: list[Candidate]) -> list[Candidate]:
        """Answers from one sentence, near each other, become one quote holding both facts."""
        out: list[Candidate] = []
        for c in cands:
            prev = out[-1] if out else None
            if (prev is not None and prev.sentence == c.sentence and prev.start >= 0
                    and max(prev.end, c.end) - min(prev.start, c.start) <= self.QUOTE_CHARS):
                s, e = min(prev.start, c.start), max(prev.end, c.end)
                text = c.chunk.text[s - c.chunk.start:e - c.chunk.start]  # one sentence: inside its passage
                out[-1] = replace(prev, start=s, end=e, text=text, facts=prev.facts + c.facts)
            elif prev is not None and prev.start == c.start and prev.end == c.end:
                out[-1] = replace(prev, facts=prev.facts + c.facts)
            else:
                out.append(c)
        return out

    def answer_metadata(self, query, hits, ask: Ask) -> tuple[bool, str, list[int], dict[int, Candidate]]:
        """Who issued the report and when, from its header (source, published) or signature (issuer,
        signed); a field the report lacks is taken from its counterpart, and declined when neither."""
        order = [h.chunk_id for h in hits]
        if not hits:
            return False, NOT_FOUND[query.lang], order, {}
        cid = self.index.metadata_chunk(self.index.chunks[hits[0].chunk_id].doc_id)
        chunk = self.index.chunks[cid]
        meta = chunk.metadata if chunk is not None else {}
        values = []
        for name in ask.metadata:
            use = name if meta.get(name) else META_FALLBACK.get(name)
            if use and meta.get(use):
                values.append((use, meta[use].strip()))
        if not values:
            return False, NOT_FOUND[query.lang], order, {}
        cand = Candidate(chunk, 0, -1, -1, values[0][1], [v for _, v in values])
        order = [cid] + [i for i in order if i != cid]
        if query.lang == "zh":
            text = "；".join(f"{META_LABELS[k][0]}：{v}" for k, v in values)
        else:
            said = []
            for k, v in values:
                label = META_LABELS[k][1]
                if k in META_DATES:
                    m = DATE.search(v)
                    date = _english_fact(m.group(0) if m else v, "")
                    said.append(f"on {date}" if said else f"{label} on {date}" if k == "subtitle" else f"{label} {date}")
                    where = re.search(r"在(.{2,40}(?:会议|大会))上?", v) if k == "subtitle" else None
                    if where:  # "——2024年1月16日在桥头镇第十八届人民代表大会第三次会议上": when and where
                        said.append(f"at {where.group(1)}")
                else:
                    said.append(f"{label} {v}")
            text = " ".join(said)
            text = text[0].upper() + text[1:]
        return True, f"{text} [1]", order, {cid: cand}

    def _opening(self, chunk_id: int) -> Candidate:
        """A point's opening sentence ("一是行政执法能力弱。"), quoted when the point is listed."""
        sent = self.index.sentences_of(chunk_id)[0]
        quote = sent.text.rstrip("。")
        return Candidate(self.index.chunks[chunk_id], 0, sent.start, sent.start + len(quote), quote, [])

    # --- wording ------------------------------------------------------------------------------

    def format_list(self, query, labels: list[str]) -> str:
        marks = "".join(f"[{n}]" for n in range(1, len(labels) + 1))
        items, budget = [], self.QUOTE_CHARS
        for label in labels:
            if len("；".join(items + [label])) > budget:
                items.append("…")
                break
            items.append(label)
        if query.lang == "zh":
            return f"共{len(labels)}点：{'；'.join(items)} {marks}"
        return f"According to the report, {len(labels)} points: {'; '.join(items)} {marks}"

    def format(self, query, cand: Candidate, ask: Ask | None = None, mark: int = 1) -> str:
        quote = cand.text
        if ask is not None and ask.qtype == "yesno":
            if query.lang == "zh":
                return f"{'否' if cand.negated else '是'}：“{quote}” [{mark}]"
            return f"{'No' if cand.negated else 'Yes'}. According to the report: “{quote}” [{mark}]"
        return f"{self._lead(query, cand, ask)}“{quote}” [{mark}]"

    def _lead(self, query, cand: Candidate, ask: Ask | None) -> str:
        """'230件：' / 'According to the report, 230 disputes (230件): ' / '' for a fact with no figure."""
        facts = list(dict.fromkeys(f.strip() for f in cand.facts))[:3]
        if query.lang == "zh":
            lead = "、".join(facts)
            return f"{lead}：" if lead and lead != cand.text else ""
        if not facts:
            return "According to the report: "
        noun = _asked_noun(ask.text if ask is not None and ask.text else query.text)
        lead = " and ".join(_english_fact(f, noun if i == 0 else "") for i, f in enumerate(facts))
        return f"According to the report, {lead}: "

    def format_parts(self, query, found, merged: list[Candidate], chunks: list[int]) -> str:
        """'412件：“…” [1]；98.2%：“…” [1]', with a note for a part the report does not give."""
        pieces = []
        for c in merged:
            mark = chunks.index(c.chunk.chunk_id) + 1
            if query.lang == "zh":
                pieces.append(f"{'、'.join(dict.fromkeys(c.facts))}：“{c.text}” [{mark}]")
            else:
                facts = list(dict.fromkeys(c.facts))
                lead = " and ".join(_english_fact(f, "") for f in facts)
                pieces.append(f"{lead}: “{c.text}” [{mark}]")
        for part, c in found:
            if c is None:
                what = _part_subject(part, query.lang)
                pieces.append(f"报告未提及{what}" if query.lang == "zh" else f"the report does not give {what}")
        if query.lang == "zh":
            return "；".join(pieces)
        return "According to the report, " + "; ".join(pieces)


def _parallel(fig: Figure, figures: list[Figure]) -> list[str]:
    """The words of the figures measured side by side with this one: the same head, each with a word
    of its own ("存款余额412.8亿元；贷款余额305.6亿元"); not the ones it continues ("培训6次，培训92人次")
    or measures a rate of ("化解纠纷230件，调解成功率97%")."""
    own = words_of(fig.subject)
    out = []
    for g in figures:
        other = words_of(g.subject)
        if g is not fig and own and other and own[-1] == other[-1] and set(own) - set(other) \
                and set(other) - set(own):
            out.append(g.subject)
    return out


def _said_whole(word: str, text: str) -> re.Match | None:
    """The word in the text, or with 总 inside it: 零售额 is the 零售总额, 总 saying it is the whole."""
    return re.search("总?".join(map(re.escape, word)), text)


def _is_indicator(word: str) -> bool:
    """An English statistical term of the glossary ("disposable income"), not a dictionary word."""
    return any(re.fullmatch(pattern, word) for pattern, _ in INDICATORS_EN)


def _all(groups: list[list[str]]) -> list[str]:
    return sorted({a for alts in groups for a in alts if a}, key=len, reverse=True)


@functools.lru_cache(maxsize=4096)
def _is_verb(word: str) -> bool:
    """Whether jieba reads a word alone as one verb (调处, 化解), not a noun or an attribute (专职)."""
    import jieba.posseg as pseg

    tagged = list(pseg.cut(word))
    return len(tagged) == 1 and tagged[0].flag in ("v", "vd", "vi")


def _pieces(word: str) -> list[str]:
    """A word's two-character parts ("城镇居民" -> 城镇, 居民); a short word is its own part."""
    if len(word) <= 2 or not re.search(r"[\u4e00-\u9fff]", word):
        return [word]
    parts = [w for w in tokenize(word) if len(w) == 2] or [word[i:i + 2] for i in range(0, len(word) - 1, 2)]
    return list(dict.fromkeys(parts))


def _part_subject(part: Ask, lang: str) -> str:
    """What a part asked about, as asked: "涉及金额", "total import and export value"."""
    if part.things:
        return part.things[0].phrase.strip()
    text = re.sub(r"(?:是|为|有)?(?:多少|几)[\u4e00-\u9fff]?[?？]?$|[?？]$", "", part.text.strip())
    text = re.sub(r"^(?:what|how much|how many) (?:is|was|are|were) (?:the |its |their )?", "", text, flags=re.I)
    return text or part.text


# The noun phrase an English count question names, shown in the answer ("48 proposals from CPPCC members").
EN_NOUN_SHOWN = re.compile(r"how many ([a-z -]+?)(?= (?:were|was|are|is|did|do|does|have|has|had|will|would|can|could"
                           r"|[a-z]+ed)\b|[?,.]|$)")


def _asked_noun(question: str) -> str:
    """'How many petition cases did…' -> 'petition cases'."""
    m = EN_NOUN_SHOWN.search(question.lower())
    return question[m.start(1):m.end(1)].strip() if m else ""  # as the user wrote it: "CPPCC"


MONTHS = "January February March April May June July August September October November December".split()


def _english_fact(fact: str, noun: str) -> str:
    """A date, title or quantity from the report, in English with the original in brackets."""
    m = (re.fullmatch(r"\s*(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?)?\s*(?:\d{1,2}:\d{2})?\s*", fact)
         or re.fullmatch(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*(?:\d{1,2}:\d{2})?\s*", fact))
    if m:
        year, month, day = m.groups()
        text = " ".join(x for x in (day and str(int(day)), month and MONTHS[int(month) - 1], year) if x)
        return f"{text} ({fact.strip()})"
    if fact.startswith("《"):
        return fact
    return _english_quantity(fact, noun)


def _english_quantity(fact: str, noun: str) -> str:
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


def _value(fact: str) -> Decimal | None:
    """'1.3万平方米' -> 13000, '97%以上' -> 97, '6次' -> 6: a figure's number (None for Chinese numerals)."""
    m = re.match(r"\s*([\d,.]+)\s*(万亿|万|亿|千|百)?", fact)
    if not m:
        return None
    try:
        return Decimal(m.group(1).replace(",", "")) * SCALES.get(m.group(2), Decimal(1))
    except InvalidOperation:
        return None


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
