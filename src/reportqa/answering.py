"""Short extractive answers: pick the sentence and clause that answer, lead with the fact.

What the question asks (questions.Ask) decides what a fitting answer holds: a
quantity in the asked unit for "how many / 多少 / 几", a date for "when / 何时",
a person's name for "what is the name of", a section's parts for "which /
哪些" when the question names the section. Sentences of the top passages are
scored by encoder similarity (vectors computed at build time) plus the share
of the question's terms they contain; the best clause is quoted and the fact
it holds leads the answer. When nothing fitting is found the answer says so
(found = False) and the passages stay as related citations.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from .chunking import Chunk
from .corpus import heading_level, normalise, strip_marker
from .lexical import tokenize, words_of
from .questions import CN_NUM, EN_ASK, MEASURES, MONEY_UNITS, YEAR, Ask, names_thing

# Numbers written in digits or Chinese numerals, with a measure word or a percent sign.
QUANTITY = re.compile(
    rf"(?P<num>\d[\d,.]*|[{CN_NUM}]{{1,6}})\s*(?:万|亿|千|百)?(?:余|多)?\s*"
    rf"(?P<unit>%|万元|亿元|元|人次|场次|件次|个百分点|平方米|公里|小时|个月|[{MEASURES}])"
    r"(?:以上|左右|以内)?")
DATE = re.compile(
    rf"(?:\d{{4}}|[{CN_NUM}]{{4}})\s*年(?:\s*[\d{CN_NUM}]{{1,2}}\s*月(?:\s*[\d{CN_NUM}]{{1,3}}\s*日)?)?"
    r"(?:底|初|内|中)?(?:前|以前|之前)?"
    r"|(?<!\d)\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)"
    r"|(?:年底|年初|年中|上半年|下半年|第[一二三四1-4]季度|\d{1,2}月(?:底|初|中旬|上旬|下旬)?)(?:前|以前|之前)?")
CLAUSE_END = re.compile(r"[,;:。!?]")
POINT_PREFIX = re.compile(r"^[一二三四五六七八九十]{1,2}是")

# Common Chinese surnames: a person's name in a passage starts with one of them.
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
               "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
UNITS_EN = {"件": "cases", "次": "times", "场次": "sessions", "场": "sessions", "人次": "person-times",
            "人": "people", "名": "people", "份": "copies", "个": "", "项": "items", "户": "households",
            "家": "", "元": "yuan", "万元": "×10,000 yuan", "亿元": "×100 million yuan", "级": "levels"}
NOT_FOUND = {"zh": "报告中未找到这个问题的答案。以下是最接近的段落，供参考。",
             "en": "The report does not say. The nearest passages are listed for reference."}


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
    facts: list[str]  # quantities, dates or names it holds, in order
    coverage: float = 0.0  # share of the question's terms in the quoted clauses
    evidence: float = 0.0  # sentence similarity + share of the question's terms in the sentence
    score: float = 0.0  # evidence + the passage's retrieval score + half the clause coverage


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


def facts_of(text: str, qtype: str, units: tuple[str, ...] | None = None) -> list[str]:
    """The facts of the asked type in text; quantities only in the asked units."""
    if qtype == "quantity":
        found = []
        for m in QUANTITY.finditer(text):
            if _is_modifier(text, m):
                continue
            unit = m.group("unit")
            if units is None and (unit in ("%", "个百分点") or unit in MONEY_UNITS):
                continue
            if units is not None and not any(unit.startswith(u) for u in units):
                continue
            found.append(m.group(0))
        return found
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
    import jieba.posseg as pseg

    return [w.word for w in pseg.cut(text) if w.flag == "nr" and 2 <= len(w.word) <= 4 and w.word[0] in SURNAMES]


class Answerer:
    """Turns retrieved passages into a short, quoted answer or an honest decline."""

    QUOTE_CHARS = 100  # longest quote; the lead and citation mark fit in the remaining budget
    PASSAGES = 3  # passages searched for the answering sentence
    # Below this, the best sentence neither resembles the question nor shares its terms.
    MIN_EVIDENCE = 0.6

    def __init__(self, index, retriever) -> None:
        self.index = index
        self.retriever = retriever
        self.sentences_of: dict[int, list[int]] = {}
        for i, s in enumerate(index.sentences):
            self.sentences_of.setdefault(s.chunk_id, []).append(i)
        # A sentence means what it says under its headings: their terms count as its own.
        self.path_tokens = [set(tokenize(" ".join(c.section_path))) for c in index.chunks]
        # Years a passage speaks of: its own text, its headings and its report's title.
        self.years = index.chunk_years
        # Sections with parts (subsections or 一是/二是 points): a "which / 哪些" question may name one.
        first_chunk: dict[tuple, int] = {}  # (doc, heading path) -> the first chunk under it
        for c in index.chunks:
            for k in range(1, len(c.section_path) + 1):
                first_chunk.setdefault((c.doc_id, tuple(c.section_path[:k])), c.chunk_id)
        self.lists: list[tuple[set[str], list[str], list[int]]] = []
        for doc in index.documents.values():
            for sec, path in doc.root.walk():
                ids = [first_chunk.get((doc.doc_id, path + (item.title,)), -1) for item in sec.children]
                if len(sec.children) >= 2 and -1 not in ids:
                    labels = [strip_marker(item.title) for item in sec.children]
                    self.lists.append((set(tokenize(strip_marker(sec.title))), labels, ids))

    def named_list(self, query) -> tuple[list[str], list[int]] | None:
        """The parts of the section a list or why question names: every term of the section's title
        is in the question, or every term of the question is in the title."""
        best, best_fit = None, 0.0
        for title_terms, labels, ids in self.lists:
            if not title_terms or not all(query.allows(i) for i in ids):
                continue
            title_share = sum(any(t in alts for alts in query.terms.values()) for t in title_terms) / len(title_terms)
            question_share = self.retriever.coverage(query, title_terms)
            if max(title_share, question_share) < 1.0:
                continue
            if title_share + question_share > best_fit:
                best, best_fit = (labels, ids), title_share + question_share
        return best

    def candidates(self, query, hits, ask: Ask) -> list[Candidate]:
        """The best quotable span of each sentence of the top passages, best first."""
        out = []
        for rank, hit in enumerate(hits[: self.PASSAGES]):
            if not ask.years <= self.years[hit.chunk_id]:
                continue  # asked about 2023, the passage speaks of 2024
            chunk = self.index.chunks[hit.chunk_id]
            ids = self.sentences_of.get(hit.chunk_id, [])
            if len(ids) > 1:  # a heading or a point's title is in section_path; the body answers
                ids = [i for n, i in enumerate(ids) if not heading_level(self.index.sentences[i].text)
                       and not (n == 0 and POINT_PREFIX.match(self.index.sentences[i].text))]
            dense = self.index.sentence_vectors[ids] @ query.vector if ids else []
            for i, d in zip(ids, dense):
                sent = self.index.sentences[i]
                tokens = set(self.index.sentence_tokens[i])
                cov = self.retriever.coverage(query, self.path_tokens[hit.chunk_id] | tokens)
                cand = self._span(query, chunk, rank, sent, ask)
                if cand is not None:
                    cand.evidence = float(d) + cov
                    cand.score = cand.evidence + hit.score + 0.5 * cand.coverage
                    out.append(cand)
        out.sort(key=lambda c: -c.score)
        return out

    def _span(self, query, chunk, rank, sent, ask: Ask) -> Candidate | None:
        """The clause window of a sentence worth quoting; None when it lacks the fact asked for."""
        qtype = ask.qtype
        text = normalise(sent.text)  # same length as the original: offsets hold for both
        parts = clauses(text)
        covs = [self.retriever.coverage(query, set(tokenize(text[s:e]))) for s, e in parts]
        facts: list[str] = []
        if qtype in ("quantity", "when", "name"):
            found = [(i, facts_of(text[s:e], qtype, ask.units)) for i, (s, e) in enumerate(parts)]
            found = [(i, f) for i, f in found if f]
            if not found:
                return None
            best, facts = max(found, key=lambda x: (covs[x[0]], -x[0]))
            if len(facts) > 1 and not ask.multi:  # "建议56件、提案48件": the fact whose words were asked
                facts = [self._closest_fact(query, text[parts[best][0]:parts[best][1]], facts)]
            lo = hi = best
            more = dict(found)
            while ask.multi and hi + 1 in more and parts[hi + 1][1] - parts[lo][0] <= self.QUOTE_CHARS:
                hi += 1
                facts = facts + more[hi]
            # Reach back to the clause that names the subject, when the fact's clause lacks it.
            while lo > 0 and covs[lo] == 0 and parts[hi][1] - parts[lo - 1][0] <= self.QUOTE_CHARS:
                lo -= 1
            window = text[parts[lo][0]:parts[hi][1]]
            if not all(names_thing(text, window, t) for t in ask.things):
                return None  # the count is of something other than what was asked
        elif qtype == "who":  # the clause naming the role asked about: "以镇党委书记为组长"
            hits = [sum(f in words_of(text[a:b], keep_all=True) for f in ask.focus) for a, b in parts]
            best = max(range(len(parts)), key=lambda i: (hits[i], covs[i], -i))
            lo = hi = best
            if parts[best][1] - parts[best][0] < 8 and best > 0:
                lo -= 1  # too short to stand alone
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
                         facts, coverage=max(covs[lo:hi + 1]))

    def _closest_fact(self, query, clause: str, facts: list[str]) -> str:
        """Of several facts in one clause, the one whose own words (since the previous fact) match best."""
        best, best_cov, start = facts[0], -1.0, 0
        for fact in facts:
            end = clause.find(fact, start)
            if end < 0:
                continue
            cov = self.retriever.coverage(query, set(tokenize(clause[start:end + len(fact)])))
            if cov > best_cov:
                best, best_cov = fact, cov
            start = end + len(fact)
        return best

    def answer(self, query, hits, ask: Ask) -> tuple[bool, str, list[int], dict[int, Candidate]]:
        """(found, answer text, passage order for the citations, the quote of each quoted passage)."""
        order = [h.chunk_id for h in hits]
        named = self.named_list(query) if ask.qtype in ("list", "why") else None
        if named:
            labels, ids = named
            quotes = {cid: self._opening(cid) for cid in ids}
            return True, self.format_list(query, labels), ids + [i for i in order if i not in ids], quotes
        cands = self.candidates(query, hits, ask)
        best = cands[0] if cands else None
        if best is None or best.evidence < self.MIN_EVIDENCE:
            return False, NOT_FOUND[query.lang], order, {}
        order.remove(best.chunk.chunk_id)
        order.insert(0, best.chunk.chunk_id)
        return True, self.format(query, best), order, {best.chunk.chunk_id: best}

    def _opening(self, chunk_id: int) -> Candidate:
        """A point's opening sentence ("一是行政执法能力弱。"), quoted when the point is listed."""
        sent = self.index.sentences[self.sentences_of[chunk_id][0]]
        quote = sent.text.rstrip("。")
        return Candidate(self.index.chunks[chunk_id], 0, sent.start, sent.start + len(quote), quote, [])

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

    def format(self, query, cand: Candidate) -> str:
        quote = cand.text
        facts = list(dict.fromkeys(f.strip() for f in cand.facts))[:3]
        if query.lang == "zh":
            lead = "、".join(facts)
            return f"{lead}：“{quote}” [1]" if lead and lead != quote else f"{quote} [1]"
        if facts:
            noun = _asked_noun(query.text)
            lead = " and ".join(_english_fact(f, noun if i == 0 else "") for i, f in enumerate(facts))
            return f"According to the report, {lead}: “{quote}” [1]"
        return f"According to the report: “{quote}” [1]"


def _asked_noun(question: str) -> str:
    """'How many petition cases did…' -> 'petition cases'."""
    m = EN_ASK.search(question.lower())
    return question[m.start(1):m.end(1)].strip() if m else ""  # as the user wrote it: "CPPCC"


MONTHS = "January February March April May June July August September October November December".split()


def _english_fact(fact: str, noun: str) -> str:
    """A date or quantity from the report, in English with the original in brackets."""
    m = (re.fullmatch(r"\s*(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?)?\s*", fact)
         or re.fullmatch(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*", fact))
    if m:
        year, month, day = m.groups()
        text = " ".join(x for x in (day and str(int(day)), month and MONTHS[int(month) - 1], year) if x)
        return f"{text} ({fact})"
    return _english_quantity(fact, noun)


def _english_quantity(fact: str, noun: str) -> str:
    """'2万余份' -> 'more than 20,000 copies'; '97%以上' -> 'over 97%'."""
    m = re.match(r"\s*([\d,.]+)\s*(万|亿|千|百)?(余|多)?\s*(.*?)(以上|左右|以内)?\s*$", fact)
    if not m:
        return fact
    number, scale, more, unit, bound = m.groups()
    try:
        value = float(number.replace(",", "")) * {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2, None: 1}[scale]
        shown = f"{value:,.0f}" if value == int(value) else f"{value:,}"
    except ValueError:
        return fact
    unit_en = noun or UNITS_EN.get(unit, unit)
    text = f"{shown}{unit}" if unit == "%" else f"{shown} {unit_en}".strip()
    if more or bound == "以上":
        text = ("over " if unit == "%" else "more than ") + text
    elif bound == "左右":
        text = "about " + text
    return f"{text} ({fact})"
