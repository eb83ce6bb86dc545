"""Candidate answers and the evidence for each: every fact of the asked type in the top passages.

Every figure, date, name, title or clause of the best passages is a candidate, quoted with the clauses
around it, and described by the same small set of features (`FEATURES`), each from general evidence:

- how well its passage, its sentence and its own clause say what is asked: the retrieval score, the
  encoder's cosine of the question and the sentence, and the IDF-weighted share of the question's terms
  in the sentence (with its headings) and in the clause before the fact;
- whether the thing asked names the fact: the asked noun in the words before a figure (or a word the
  encoder puts near it), and the asked noun's qualifiers nearby;
- whether its type fits: the unit asked (people, money, a rate …), the aspect (a level, a growth, a
  share, a completion rate), per capita or not;
- whether its period and kind fit: the passage speaks of the asked year, in the mode asked (a result
  from a review, a target from the plans), a target's bound (左右, 以上) when no target is asked, a figure
  over several years (年均, 五年来) when one year is asked;
- whether it is a part of a whole the question does not name (其中 …).

Nothing here accepts or rejects: `scoring.py` turns the features into one score with fitted weights.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..chunking import Chunk
from ..corpus import heading_level, normalise
from ..lexical import words_of
from ..periods import own_years, sentence_period
from .facts import (AVERAGE_TEXT, BREAKDOWN, DATE, PER_CAPITA_TEXT, QUOTED, TITLE, Figure, cells, clauses, figures_in,
                    names_in, row_figures, unit_class)
from .question import INDICATORS_EN, MEASURE_CLASSES, PLACE_WORDS_EN, Question

PASSAGES = 6  # passages whose sentences give candidates
LOCAL_SENSE = 0.7  # how near the encoder must put a passage's word to an English term to stand for it
QUOTE_CHARS = 100  # longest quote; the lead and citation mark fit in the remaining budget
POINT_PREFIX = re.compile(r"^[一二三四五六七八九十]{1,2}是")
HEADED_BODY = re.compile(r"[：:][^：:]{8,}")  # "17.“四旁”：“四旁”为村旁、宅旁…": a numbered line that says something
CAUSE_HEADING = re.compile(r"问题|不足|原因|困难|短板|差距|薄弱|挑战")
CAUSE_TEXT = re.compile(r"由于|因为|因此|导致|造成|致使|受[^,;。]{1,8}所限|原因")
# A clause that says something is not so: 尚未, 没有, 未, 无 … (not 不断, 不少于, 无论, 未来).
NEGATION = re.compile(r"尚未|仍未|并未|从未|均未|未能|未(?!来)|没有|没(?!收)|无(?!论|人机|缝|偿|线|一例外)|尚无|暂无|缺乏|缺少"
                      r"|不(?!断|少于|低于|超过|高于|仅|但|论|管|同|久|再|得不|折不扣|仅|变)")
DOUBLE_NEGATION = re.compile(r"(?:结束|改变|打破|扭转|告别|填补)了?[^,;。]*?(?:局面|状况|历史|现象|空白)")
SINCE_YEAR = re.compile(r"(?:比|较|与|同)((?:19|20)\d{2})年(?:末|底)?(?:相比|比较)?")
YEAR_TERM = re.compile(r"^(?:19|20)\d{2}年?$")
SPAN_OPENING = re.compile(r"^[^，,。；;]{0,8}?(?:这|过去|近|前)?(?:[两二三四五六七八九十几多]|(?<!\d)\d{1,2})个?年(?:来|中|间|里)?[，,]"
                          r"|^[^，,。；;]{0,12}(?:以来|期间|时期)[，,]")
# A bound said of a result is no target: "调解成功率达到97%以上", "预计增长5.2%左右", "稳定在5%左右的较低水平".
RESULT_BEFORE = re.compile(r"(?:达到|达|稳定在|保持在|预计|实现了?|完成了?|超过)[\u4e00-\u9fff]{0,2}$")
PEOPLE = re.compile(r"(?:人口|人员|人数|群众|居民|农民|职工|学生|游客|旅客|劳动力|毕业生|人才|干部|志愿者)$")
RATE_AFTER = re.compile(r"[\u4e00-\u9fff]{0,4}(?:率|比例|比重|占比|指数)")  # "城镇化率": a rate of the head, not the head

# Every feature is 0 when it does not apply; the q_* features are a bias per kind of question.
FEATURES = ("q_quantity", "q_when", "q_who", "q_name", "q_yesno", "q_other", "english",
            "passage", "sentence", "sentence_terms", "local_terms", "nearest", "head", "qualifiers",
            "unit_mismatch", "unit_guessed", "unit_unsure", "aspect_mismatch", "per_capita_mismatch", "part", "reached",
            "yesno_head",
            "plan_unasked", "plan_missing", "bound_unasked", "span_unasked", "span_missing", "span_section",
            "year_other_mode", "year_unsaid", "year_aside", "year_own", "report_year", "older", "type", "cause")
# What each feature can only mean, whatever a fit would like: evidence that a candidate says what is asked
# counts for it, a mismatch against it (eval/fit.py bounds the weights by these signs; the rest are free).
SUPPORTS = ("passage", "sentence", "sentence_terms", "local_terms", "nearest", "head", "qualifiers", "reached",
            "yesno_head", "year_own", "report_year", "cause")
MISMATCHES = ("unit_mismatch", "unit_guessed", "aspect_mismatch", "per_capita_mismatch", "part", "plan_unasked",
              "plan_missing", "bound_unasked", "span_unasked", "span_missing", "span_section", "year_other_mode",
              "year_unsaid", "year_aside", "older")
_UNIT_FEATURE = {"named": "unit_mismatch", "cue": "unit_guessed", "count": "unit_guessed"}
KINDS = {"quantity": "q_quantity", "when": "q_when", "who": "q_who", "name": "q_name", "yesno": "q_yesno"}


@dataclass
class Candidate:
    """A quotable span of a passage sentence, the fact it offers and the evidence for it."""

    chunk: Chunk
    rank: int  # the passage's retrieval rank
    sentence: int  # the index sentence it comes from
    start: int  # offsets of the quote in its report
    end: int
    text: str  # the quote
    facts: list[str]  # what leads the answer: a figure, a date, a name, a title ("" for a clause)
    kind: str  # figure, date, name, title, clause
    figure: Figure | None = None
    negated: bool = False  # yes/no: the clause says it is not so
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    def explain(self, weights: dict[str, float]) -> list[tuple[str, float]]:
        """The features that moved the score most, with their contributions."""
        parts = [(k, weights.get(k, 0.0) * v) for k, v in self.features.items()]
        return sorted(parts, key=lambda kv: -abs(kv[1]))


class Evidence:
    """What every candidate of one question is compared with: the question's terms and their weights,
    its asked thing's words and their vectors, the asked years and mode."""

    def __init__(self, index, query, question: Question, years: set[int], mode: str, docs=None) -> None:
        self.index, self.query, self.question = index, query, question
        self.years, self.mode = years, mode
        # the latest report of each place in scope: a question naming no year asks how things stand now
        self.latest: dict[str, int] = {}
        for d in (docs or []):
            m = index.metas[d]
            if m.year:
                self.latest[m.place] = max(self.latest.get(m.place, 0), m.year)
        lexicon = index.lexicon
        senses = getattr(query, "senses", {}) or {}
        # a term weighs what its rarest sense does, as surely as that sense is the term's ("now" is hardly 此时)
        self.terms, self.term_names = [], []
        for term, alts in _evidence_terms(query).items():
            if alts and not YEAR_TERM.match(term):
                sure = {a: senses.get(term, {}).get(a, 1.0) for a in alts}
                self.terms.append((sure, max((lexicon.term_idf(a) * sure[a] for a in alts), default=lexicon.max_idf)))
                self.term_names.append(term)
        self.total = sum(w for _, w in self.terms) or 1.0
        self.word_row = {w: i for i, w in enumerate(index.bridge_words)} if not hasattr(index, "_word_row") \
            else index._word_row
        index._word_row = self.word_row
        thing = question.things[0] if question.things else None
        self.head = thing.heads[0] if thing and thing.heads else None
        self.qualifiers = list(thing.modifiers) + list(thing.heads[1:]) if thing else []
        self.head_vectors = self._vectors(self.head[1] if self.head else [])

    def local_senses(self, texts: list[str]) -> None:
        """An English term's senses among the words of the passages read: the words the encoder puts near
        it ("networked" -> 组网, "orbit" -> 在轨), which a dictionary gives only out of context."""
        vectors = getattr(self.query, "word_vectors", {}) or {}
        if not vectors or self.index.bridge_vectors is None:
            return
        words = sorted({w for t in texts for w in words_of(t) if w in self.word_row})
        if not words:
            return
        local = np.asarray(self.index.bridge_vectors[[self.word_row[w] for w in words]], dtype=np.float32)
        for (sure, _), term in zip(self.terms, self.term_names):
            if term not in vectors:
                continue
            sims = local @ np.asarray(vectors[term], dtype=np.float32)
            for w, sim in zip(words, sims):
                if sim >= LOCAL_SENSE and sim > sure.get(w, 0.0):
                    sure[w] = float(sim)

    def _vectors(self, words: list[str]) -> np.ndarray | None:
        rows = [self.word_row[w] for w in words if w in self.word_row]
        if not rows or self.index.bridge_vectors is None:
            return None
        return np.asarray(self.index.bridge_vectors[rows], dtype=np.float32)

    def share(self, text: str) -> float:
        """IDF-weighted share of the question's terms the text holds (any of a term's words, an English
        term's weighed by how near each is to it)."""
        got = 0.0
        for alts, w in self.terms:
            best = max((s for a, s in alts.items() if a and a in text), default=0.0)
            got += w * best
        return got / self.total

    def head_fit(self, subject: str, before: str, after: str = "") -> float:
        """1 when the asked noun (or a word standing for it) names the figure; else how near the
        encoder puts it to the figure's own words (0..1); a head followed by a rate ("常住人口城镇化率")
        names the rate's figure, not the head's."""
        if self.head is None:
            return 0.0
        word, alts = self.head
        if after and any(a and 0 <= after.find(a) <= 1 for a in alts):
            return 1.0  # the counted thing after its count: "117颗卫星", "建设122个“就业驿站”"
        for text in (subject, before):
            for a in alts:
                at = text.rfind(a) if a else -1
                if at >= 0:
                    rest = text[at + len(a):]
                    if RATE_AFTER.match(rest) and not re.search(r"率|比例|比重|指数", word):
                        return 0.3
                    return 1.0
        if self.head_vectors is None:
            return 0.0
        own = self._vectors([w for w in words_of(subject) if w not in alts])
        if own is None:
            return 0.0
        return float(max(0.0, (own @ self.head_vectors.T).max()))

    def qualifier_share(self, near: str, wide: str) -> float:
        """Share of the asked thing's other words said near the fact (1) or elsewhere in its sentence (½)."""
        if not self.qualifiers:
            return 1.0
        got = 0.0
        for word, alts in self.qualifiers:
            alts = alts or [word]
            got += 1.0 if any(a in near for a in alts) else 0.5 if any(a in wide for a in alts) else 0.0
        return got / len(self.qualifiers)


def _evidence_terms(query) -> dict[str, list[str]]:
    """The question's terms as a passage must say them: in English, a statistical indicator ("GDP",
    "disposable income") stands for the words bulletins use, and the place asked about ("Yunxi county",
    a name, a place noun) is context, as Chinese place names are."""
    if query.lang == "zh":  # "山东去年GDP总量": an indicator in Latin letters inside a Chinese question
        terms = {t: list(alts) for t, alts in query.terms.items()}
        for t, alts in terms.items():
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9.]*", t):
                alts += [zh for pattern, zh in INDICATORS_EN if re.search(pattern, t.lower()) and zh not in alts]
        return terms
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
    return terms


def candidates(evidence: Evidence, hits, passages: int = PASSAGES) -> list[Candidate]:
    """Every candidate of the asked type in the top passages, with its features."""
    index, question, query = evidence.index, evidence.question, evidence.query
    out: list[Candidate] = []
    best_score = hits[0].score if hits else 0.0
    evidence.local_senses([index.chunks[h.chunk_id].text for h in hits[:passages]])
    for rank, hit in enumerate(hits[:passages]):
        chunk = index.chunks[hit.chunk_id]
        ids = list(index.sentence_range(hit.chunk_id))
        sents = dict(zip(ids, index.sentences_of(hit.chunk_id)))
        if len(ids) > 1:  # a heading or a point's title is in section_path; the body answers
            ids = [i for n, i in enumerate(ids) if (not heading_level(sents[i].text) or HEADED_BODY.search(sents[i].text))
                   and not (n == 0 and POINT_PREFIX.match(sents[i].text) and len(sents[i].text) < 40)]
        if not ids:
            continue
        dense = index.sentence_vecs(ids) @ query.vector
        headings = " ".join(chunk.section_path)
        meta = index.metas[chunk.doc_id]
        said, last = None, None  # the period the paragraph's sentences said so far, and where the last ended
        for i, d in zip(ids, dense):
            sent = sents[i]
            text = normalise(sent.text)  # same length as the original: offsets hold for both
            if last is not None and "\n" in index_text_between(chunk, last, sent.start):
                said = None  # a new paragraph: "过去一年，…" opened the one before
            said = sentence_period(text, meta.reviews, meta.plans, chunk.mode, meta.relative_years.get("this")) or said
            last = sent.end
            period = _period_fit(chunk, evidence, text, said)
            plan = bool(period.pop("_plan"))
            common = {"passage": hit.score - best_score, "sentence": float(d),
                      "sentence_terms": evidence.share(f"{text} {headings}"), **period,
                      "cause": float(bool(CAUSE_HEADING.search(headings) or CAUSE_TEXT.search(text)))
                      if question.qtype == "why" else 0.0}
            for cand in _of_sentence(evidence, chunk, rank, i, sent, text, headings, plan):
                cand.features = _weighed({**common, **cand.features})
                out.append(cand)
    return out


def index_text_between(chunk: Chunk, start: int, end: int) -> str:
    """The passage's text between two offsets of its report."""
    return chunk.text[max(start - chunk.start, 0):max(end - chunk.start, 0)]


WEIGHED = ("unit_mismatch", "aspect_mismatch", "per_capita_mismatch", "plan_unasked", "bound_unasked", "span_unasked",
           "year_aside", "year_other_mode", "part")


def _weighed(f: dict[str, float]) -> dict[str, float]:
    """A mismatch counts as much as the words it contradicts: a target, a part, another year's or another
    measure's figure whose sentence says every word of the question is still not the answer, so a mismatch
    is weighed by the words' evidence (1 + the shares of the question's terms around the figure)."""
    strength = 1.0 + f.get("sentence_terms", 0.0) + f.get("local_terms", 0.0)
    for k in WEIGHED:
        if f.get(k):
            f[k] *= strength
    return f


def _period_fit(chunk: Chunk, evidence: Evidence, text: str, said) -> dict[str, float]:
    """Whether a sentence speaks of the asked year, in the asked mode, and of several years at once.

    A sentence's own period is the years it names, else the year its 去年 / 今年 means, else what an
    earlier sentence of its paragraph said, else its section's own (periods.sentence_period): "过去一年，…增长10.3%" opening the 2011 plans is a result of
    2010; "比2000年翻一番" in a review of 2003 is not a figure of 2000 (year_aside). A report reviewing
    the asked year (or planning it, when a target is asked) is the one its readers look in (report_year)."""
    q = evidence.question
    years = {int(y) for y in chunk.years}
    out = {KINDS.get(q.qtype, "q_other"): 1.0, "english": float(q.lang != "zh")}
    meta = evidence.index.metas[chunk.doc_id]
    section = own_years(meta.reviews, meta.plans, chunk.section_path, chunk.mode, chunk.span)
    own, mode = said or (section if section is not None else frozenset(years), chunk.mode)
    if not evidence.years and meta.year and evidence.latest.get(meta.place, 0) > meta.year:
        out["older"] = 1.0
    if evidence.years:
        if not evidence.years & years:
            out["year_unsaid"] = 1.0
        elif own and not own & evidence.years:
            out["year_aside"] = 1.0
        elif evidence.mode and mode != evidence.mode:
            out["year_other_mode"] = 1.0
        else:
            out["year_own"] = 1.0
        of_report = {meta.plans} if evidence.mode == "plan" else {meta.reviews}
        out["report_year"] = float(bool(of_report & evidence.years))
    if evidence.years or q.span:
        out["span_section"] = float(chunk.span != q.span)
    out["_plan"] = float(mode == "plan")
    return out


def _plan_fit(q: Question, plan: bool) -> dict[str, float]:
    """A target offered when none is asked, or none offered when one is (figures only: a statement of
    the plans answers "what will be done" as well as a review answers "what was done")."""
    return {"plan_unasked": float(plan and q.mode != "plan" and not q.plans),
            "plan_missing": float(q.mode == "plan" and not plan)}


def _of_sentence(evidence: Evidence, chunk: Chunk, rank: int, sid: int, sent, text: str, headings: str,
                 plan: bool):
    question = evidence.question
    parts = clauses(text)
    if question.qtype == "quantity":
        yield from _figures(evidence, chunk, rank, sid, sent, text, parts, headings, plan)
        return
    for ci, (s, e) in enumerate(parts):
        clause = text[s:e]
        facts, kind, fit = _facts_of_clause(question, clause)
        if facts is None:
            continue
        lo, hi = _grow(evidence, text, parts, ci)
        cand = _quote(chunk, rank, sid, sent, text, parts, lo, hi, facts, kind)
        if cand is None:
            continue
        if question.qtype == "yesno":
            said = text[parts[lo][0]:parts[hi][1]]
            cand.negated = bool(NEGATION.search(DOUBLE_NEGATION.sub("", clause)))
            cand.features["head"] = evidence.head_fit(clause, said)
            cand.features["yesno_head"] = cand.features["head"]  # whether a clause is about the asked thing decides more
        else:
            cand.features["head"] = evidence.head_fit(clause, "") if evidence.head else 0.0
        cand.features.update({"local_terms": evidence.share(clause), "type": fit,
                              "qualifiers": evidence.qualifier_share(clause, text + headings)})
        yield cand


def _facts_of_clause(question: Question, clause: str) -> tuple[list[str] | None, str, float]:
    """The facts of the asked type in a clause, the candidate's kind and how well its type fits."""
    qtype = question.qtype
    if qtype == "when":
        dates = [m.group(0) for m in DATE.finditer(clause)]
        return (dates[:1], "date", 1.0) if dates else (None, "", 0.0)
    if qtype == "name" and question.title_kinds is not None:
        titles = [m.group(0) for m in TITLE.finditer(clause)
                  if not question.title_kinds or re.sub(r"[(（][^()（）]*[)）]$", "", m.group(1)).endswith(question.title_kinds)]
        # "哪项政策": a policy is named in 《》 when it is a document, else in the clause's own words
        return (titles[:1], "title", 1.0) if titles else ([], "clause", 0.4)
    if qtype in ("who", "name"):
        names = names_in(clause)
        if names:
            return names[:1], "name", 1.0
        quoted = [m.group(0) for m in QUOTED.finditer(clause)] + [m.group(0) for m in TITLE.finditer(clause)]
        if quoted and qtype == "name":
            return quoted[:1], "title", 0.8
        roles = [f for f in question.focus if f in clause]
        return ([], "clause", 0.6 if roles else 0.2) if qtype == "who" else ([], "clause", 0.4)
    return [], "clause", 1.0


def _figures(evidence: Evidence, chunk: Chunk, rank: int, sid: int, sent, text: str, parts, headings: str,
             plan: bool):
    question = evidence.question
    row = cells(text) is not None
    header = _header_row(evidence.index, chunk, sent) if row else None
    found = row_figures(text, header) if row else []
    if found:
        parts = [(0, len(text))]
    else:
        found = figures_in(text, parts)
    if not found:
        return
    for fig in found:
        cs, ce = parts[fig.clause]
        before = text[cs:fig.start]
        own = f"{fig.subject} {before}" if not row else f"{fig.subject} {header or ''}"
        wide = f"{text} {headings}" if not row else f"{text} {header or ''} {headings}"
        lo = hi = fig.clause
        while lo > 0 and not (evidence.share(text[parts[lo][0]:fig.start]) > 0 and fig.subject[:2] in text[parts[lo][0]:fig.end]) \
                and fig.end - parts[lo - 1][0] <= QUOTE_CHARS:
            lo -= 1  # reach back to the clause naming what the figure measures
        cand = _quote(chunk, rank, sid, sent, text, parts, lo, hi, [fig.text], "figure", figure=fig)
        if cand is None:
            continue
        local = text[parts[lo][0]:fig.end] if not row else own
        near = _nearest(evidence, text[cs:fig.start])
        cand.features.update({
            "local_terms": evidence.share(local),
            "head": evidence.head_fit(fig.subject, before if not row else own, text[fig.end:ce].lstrip("“\"")[:12]),
            "qualifiers": evidence.qualifier_share(local, wide), "nearest": near,
            _UNIT_FEATURE.get(question.unit_strength, "unit_unsure"): 1.0 - _unit_fit(fig, question),
            "aspect_mismatch": 1.0 if _attributive(fig, text) else 1.0 - _aspect_fit(fig, question),
            "per_capita_mismatch": float(fig.per_capita != question.per_capita),
            "bound_unasked": float(bool(fig.bound) and question.mode != "plan" and not RESULT_BEFORE.search(before)),
            **_plan_fit(question, plan or fig.target),
            "part": float(_is_part(evidence, chunk, sent, text, fig)),
            "reached": float(fig.reached), "type": 1.0})
        if evidence.years or question.span:  # a five-year average is not one year's growth, nor the reverse
            # "这五年，…城镇新增就业5771万人": a term said at the sentence's start covers its figures
            base = _base_year(text[parts[max(fig.clause - 1, 0)][0]:fig.start]) if evidence.years else None
            span = fig.span or bool(SPAN_OPENING.match(text)) or bool(base and base < min(evidence.years) - 1)
            if base and base >= min(evidence.years):  # "2005年与2000年相比，…增长57.3%" is no figure of 2000
                cand.features.update(year_own=0.0, year_other_mode=0.0, year_aside=1.0)
            cand.features["span_unasked"] = float(span and not question.span)
            if not question.span and AVERAGE_TEXT.search(text[cs:fig.start]):
                cand.features["aspect_mismatch"] = 1.0  # a yearly average over a term is not the asked year's
            cand.features["span_missing"] = float(question.span and not span)
        yield cand


def _base_year(before: str) -> int | None:
    """The year a growth is measured from ("比2002年增长65.5%", "2005年与2000年相比，…增长57.3%"): the
    growth is of the years since, one year's only when it is the year before."""
    bases = [int(y) for y in SINCE_YEAR.findall(before)]
    return bases[-1] if bases else None


# "生产总值超200亿元县（区）达26个", "10亿元以上项目": an amount or a rate followed by a noun is a class of that noun
ATTRIBUTE_AFTER = re.compile(r"(?:以上|以下)?(?:的)?(?:县|区|市|镇|乡|村|企业|项目|产业|集群|园区|城市|平台|品牌|工程|景区|车企|县域)")


def _attributive(fig: Figure, text: str) -> bool:
    """A figure that only says which things are counted ("超200亿元县", "亿元级企业"), not a measure of them."""
    return unit_class(fig.unit) in ("money", "rate") and bool(ATTRIBUTE_AFTER.match(text, fig.end))


def _nearest(evidence: Evidence, before: str) -> float:
    """How close to the figure the question's last word said in its clause is (1: right before it)."""
    best = -1
    for alts, _ in evidence.terms:
        for a in alts:
            at = before.rfind(a) if a else -1
            if at >= 0:
                best = max(best, at + len(a))
    if best < 0:
        return 0.0
    return 1.0 / (1.0 + (len(before) - best) / 8.0)


def _unit_fit(fig: Figure, q: Question) -> float:
    """1 for a figure in a unit the question asks (or any count when it names none), 0 otherwise."""
    unit, units = fig.unit, q.units
    cls = unit_class(unit)
    if units is None:
        return 1.0 if cls not in ("rate", "money", "length", "area", "weight", "energy") else 0.0
    if unit == "":
        asked = {unit_class(u) for u in units}
        if "people" in asked and PEOPLE.search(fig.subject):
            return 1.0  # "农村贫困人口减少1386万": a bare count of people
        return 0.7 if asked & {"people", "count", "times", "cases", "households", "copies"} else 0.0
    if any(unit == u or unit.startswith(u) or u.startswith(unit) for u in units):
        return 1.0
    asked = {unit_class(u) for u in units}
    return 0.8 if cls in asked and cls != "count" else 0.0


def _aspect_fit(fig: Figure, q: Question) -> float:
    if q.aspect == fig.aspect:
        return 1.0
    if q.aspect == "share" and fig.aspect == "level" and fig.unit == "%":
        return 1.0  # "调解成功的比例" is a level rate
    if q.aspect == "level" and fig.aspect == "share":
        return 0.5
    if q.aspect == "level" and fig.aspect == "growth" and fig.unit not in ("%", "个百分点", "倍", "成"):
        return 0.5  # "农村贫困人口减少1386万人" counts the people asked of "how many were lifted out of poverty"
    return 0.0


def _is_part(evidence: Evidence, chunk: Chunk, sent, text: str, fig: Figure) -> bool:
    """A figure given as a part of a whole ("其中，城镇常住人口…", "按常住地分，…；农村居民…") whose own
    words say which part, words neither the whole's nor the question's."""
    off = sent.start - chunk.start if sent.start >= chunk.start else 0
    full = chunk.text[:off] + text[:fig.start]
    at = full.rfind("。", 0, off) + 1
    marks = list(BREAKDOWN.finditer(full, at))
    if not marks:
        return False
    own = text[clauses(text)[fig.clause][0]:fig.start]
    asked = evidence.query.text + " " + " ".join(a for alts, _ in evidence.terms for a in alts)  # its words
    words = [w for w in words_of(own) if len(w) >= 2 and not re.search(r"\d", w) and not PER_CAPITA_TEXT.search(w)]
    return any(w not in asked and not any(w[i:i + 2] in asked for i in range(len(w) - 1)) for w in words)


def _grow(evidence: Evidence, text: str, parts, best: int) -> tuple[int, int]:
    """The clause window around a clause: grown towards the neighbour saying more of the question while
    the quote fits."""
    lo = hi = best
    covs = [evidence.share(text[s:e]) for s, e in parts]
    if len(text) <= QUOTE_CHARS:
        return 0, len(parts) - 1
    while True:
        options = [j for j in (lo - 1, hi + 1) if 0 <= j < len(parts)
                   and max(parts[hi][1], parts[j][1]) - min(parts[lo][0], parts[j][0]) <= QUOTE_CHARS]
        if not options:
            return lo, hi
        j = max(options, key=lambda j: (covs[j], -j))
        if covs[j] == 0 and parts[hi][1] - parts[lo][0] >= 20:
            return lo, hi
        lo, hi = min(lo, j), max(hi, j)


def _quote(chunk: Chunk, rank: int, sid: int, sent, text: str, parts, lo: int, hi: int, facts: list[str],
           kind: str, figure: Figure | None = None) -> Candidate | None:
    s, e = parts[lo][0], parts[hi][1]
    if chunk.kind == "metadata" and ":" in text:  # "落款日期(signed on):2025年1月10日" quotes the value
        s, e = text.index(":") + 1, len(text)
    while s < e and (text[s].isspace() or text[s] in "\u200b"):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:。\u200b，；："):
        e -= 1
    if e <= s:
        return None
    quote = sent.text[s:e]
    start = sent.start + s if sent.start >= 0 else -1
    return Candidate(chunk, rank, sid, start, start + len(quote) if start >= 0 else -1, quote, facts, kind, figure)


def _header_row(index, chunk, sent) -> str | None:
    """The heading row of the table a row sits in: the nearest row above it with no figure in it
    ("指标\t单位\t目标\t完成\t完成率"), looked for up through the table, which a passage may cut."""
    from .facts import NUMBER_CELL

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
        if cid < 0 or index.chunks[cid].doc_id != chunk.doc_id:
            return None
        above = index.chunks[cid].text.split("\n")
    return None


__all__ = ["Candidate", "Evidence", "FEATURES", "MEASURE_CLASSES", "candidates"]
