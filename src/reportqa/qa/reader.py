"""The reader: turns retrieved passages into a short, quoted answer or an honest decline.

Most questions are answered by the best-scoring candidate (candidates.py, scoring.py). A few forms are
answered from the report's structure instead: who issued or delivered a report and when (its header
and signature), a section's parts for "which / 哪些" when the question names the section, the plans
section for "what did X promise to do". A yes/no question stating a figure ("at least four sessions",
"是增长了吗", "完成年度目标了吗") is judged by the report's figure; a question asking two facts gets
both, each quoted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from . import text as wording
from .candidates import Candidate, Evidence, candidates
from .facts import DATE, FALL_TEXT, GROWTH_TEXT, value_of
from .question import Question
from .scoring import Weights, best, rank

META_LABELS = {"source": ("发布单位", "published by"), "issuer": ("落款单位", "issued and signed by"),
               "author": ("作者", "written by"), "published": ("发布时间", "published on"),
               "signed": ("落款日期", "signed on"), "doc_number": ("发文字号", "document number"),
               "byline": ("报告人", "delivered by"), "subtitle": ("时间和场合", "delivered")}
META_FALLBACK = {"source": "issuer", "issuer": "source", "published": "signed", "signed": "published",
                 "byline": "issuer", "subtitle": "signed"}
META_DATES = ("published", "signed", "subtitle")
PART_MARGIN = 1.0  # how far below the threshold a second part found in the first part's passage may score


@dataclass
class Reading:
    """What the reader found: whether the reports answer, the answer text, the passages in citation
    order, the quote of each quoted passage, and the candidate that won (None for structural answers)."""

    found: bool
    text: str
    order: list[int]
    quotes: dict[int, Candidate]
    winner: Candidate | None = None
    ranked: list[Candidate] = field(default_factory=list)  # every candidate scored, best first


class Reader:
    def __init__(self, index, retriever, weights: Weights | None = None) -> None:
        self.index = index
        self.retriever = retriever
        self.weights = weights or Weights.load()

    # --- the answer -------------------------------------------------------------------------------

    def read(self, query, hits, question: Question, years: set[int] = frozenset(), mode: str = "",
             docs=None) -> Reading:
        order = [h.chunk_id for h in hits]
        if question.metadata:
            return self.metadata(query, hits, question)
        named = self.named_list(query) if question.qtype in ("list", "why") else None
        if named is None and question.plans:
            named = self.plan_list(query, hits)
        if named:
            labels, ids = named
            quotes = {cid: self._opening(cid) for cid in ids}
            return Reading(True, self.format_list(query, labels), ids + [i for i in order if i not in ids], quotes)
        if question.claim is not None and question.count is not None:
            checked = self.claim(query, hits, question, years, mode)
            if checked is not None:
                return checked
        if question.multi:
            return self.parts(query, hits, question, years, mode)
        ranked = self.candidates(query, hits, question, years, mode, docs=docs)
        winner = best(ranked, self.weights, ranked=True)
        if winner is None:
            return Reading(False, wording.NOT_FOUND[query.lang], order, {}, ranked=ranked)
        order.remove(winner.chunk.chunk_id)
        order.insert(0, winner.chunk.chunk_id)
        return Reading(True, self.format(query, winner, question), order, {winner.chunk.chunk_id: winner}, winner,
                       ranked)

    def candidates(self, query, hits, question: Question, years=frozenset(), mode: str = "",
                   passages: int | None = None, docs=None) -> list[Candidate]:
        """Every candidate of the top passages, scored, best first (eval/fit.py reads their features)."""
        evidence = Evidence(self.index, query, question, set(years), mode, docs)
        found = candidates(evidence, hits, **({"passages": passages} if passages else {}))
        return rank(found, self.weights)

    def best(self, query, hits, question: Question, years=frozenset(), mode: str = "",
             passages: int | None = None, docs=None) -> Candidate | None:
        return best(self.candidates(query, hits, question, years, mode, passages, docs), self.weights, ranked=True)

    def other_places(self, reading: Reading) -> list[str]:
        """The reports of other places than the winner's whose own best candidate also clears the
        threshold with another fact: a question naming no place that several places answer differently."""
        if reading.winner is None:
            return []
        metas = self.index.metas
        place = metas[reading.winner.chunk.doc_id].place
        out: dict[str, str] = {}
        for c in reading.ranked:
            other = metas[c.chunk.doc_id]
            if c.score <= self.weights.threshold:
                break
            if other.place and other.place != place and other.place not in out and c.facts != reading.winner.facts:
                out[other.place] = c.chunk.doc_id
        return list(out.values())

    # --- answers from a report's structure ---------------------------------------------------------

    def named_list(self, query) -> tuple[list[str], list[int]] | None:
        """The parts of the section a list or why question names: every term of the section's title
        is in the question, or every term of the question is in the title."""
        best_list, best_fit = None, 0.0
        terms = {a for alts in query.terms.values() for a in alts}
        for _, title_terms, labels, ids in self.index.named_lists(terms):  # sections with parts
            if not title_terms or not all(query.allows(i) for i in ids):
                continue
            title_share = sum(any(t in alts for alts in query.terms.values()) for t in title_terms) / len(title_terms)
            question_share = self.retriever.coverage(query, title_terms)
            if max(title_share, question_share) < 1.0:
                continue
            if title_share + question_share > best_fit:
                best_list, best_fit = (labels, ids), title_share + question_share
        return best_list

    def plan_list(self, query, hits) -> tuple[list[str], list[int]] | None:
        """The plans section of the report the question is about (the best passage's report, within
        the question's scope) for "what did X promise to do", "what are the plans for 2025"."""
        for hit in hits:
            doc = self.index.chunks[hit.chunk_id].doc_id
            plans = [(labels, ids) for labels, ids in self.index.plans(doc) if all(query.allows(i) for i in ids)]
            if plans:
                return plans[0]
        return None

    def metadata(self, query, hits, question: Question) -> Reading:
        """Who issued or delivered the report and when, from its header (source, published, byline,
        subtitle) or signature (issuer, signed); a field the report lacks is taken from its counterpart,
        and declined when neither."""
        order = [h.chunk_id for h in hits]
        if not hits:
            return Reading(False, wording.NOT_FOUND[query.lang], order, {})
        cid = self.index.metadata_chunk(self.index.chunks[hits[0].chunk_id].doc_id)
        chunk = self.index.chunks[cid]
        meta = chunk.metadata if chunk is not None else {}
        values = []
        for name in question.metadata:
            use = name if meta.get(name) else META_FALLBACK.get(name)
            if use and meta.get(use) and meta[use].strip(" \u200b\u3000"):
                values.append((use, meta[use].strip(" \u200b\u3000")))
        if not values:
            return Reading(False, wording.NOT_FOUND[query.lang], order, {})
        cand = Candidate(chunk, 0, -1, -1, -1, values[0][1], [v for _, v in values], "metadata")
        order = [cid] + [i for i in order if i != cid]
        if query.lang == "zh":
            text = "；".join(f"{META_LABELS[k][0]}：{v}" for k, v in values)
        else:
            said = []
            for k, v in values:
                label = META_LABELS[k][1]
                if k in META_DATES:
                    m = DATE.search(v)
                    date = wording.english_fact(m.group(0) if m else v, "")
                    said.append(f"on {date}" if said else f"{label} on {date}" if k == "subtitle" else f"{label} {date}")
                    where = re.search(r"在(.{2,40}(?:会议|大会))上?", v) if k == "subtitle" else None
                    if where:  # "——2024年1月16日在桥头镇第十八届人民代表大会第三次会议上": when and where
                        said.append(f"at {where.group(1)}")
                else:
                    said.append(f"{label} {v}")
            text = " ".join(said)
            text = text[0].upper() + text[1:]
        return Reading(True, f"{text} [1]", order, {cid: cand})

    def _opening(self, chunk_id: int) -> Candidate:
        """A point's opening sentence ("一是行政执法能力弱。"), quoted when the point is listed."""
        sent = self.index.sentences_of(chunk_id)[0]
        quote = sent.text.rstrip("。")
        return Candidate(self.index.chunks[chunk_id], 0, -1, sent.start, sent.start + len(quote), quote, [], "clause")

    # --- a figure stated in a yes/no question, two facts asked at once ------------------------------

    def claim(self, query, hits, question: Question, years, mode) -> Reading | None:
        """"Did X hold at least four sessions?": the report's figure, checked against the one stated;
        None when the report gives no such figure (the question is then read as any yes/no one)."""
        counted = self.retriever.analyse(question.count.text, query.lang)  # searched for as the count it states
        counted.where = query.where
        found, _ = self.retriever.search(counted, 3)
        seen = {h.chunk_id for h in found}
        hits = found + [h for h in hits if h.chunk_id not in seen]
        won = self.best(counted, hits, question.count, years, mode)
        value = value_of(won.facts[0]) if won is not None and won.facts else None
        if value is None:
            return None
        fact = won.facts[0]
        said = ""
        if question.count.aspect == "growth":  # "比上年下降11.8%" is a growth of -11.8%
            moves = list(GROWTH_TEXT.finditer(won.text[:max(won.text.find(fact), 0)]))
            said = re.sub(r"^(?:比上年末?|比年初|同比|较上年)", "", moves[-1].group(0)) if moves else ""
            value = -value if FALL_TEXT.search(said) else value
        holds = question.claim.holds(float(value))
        order = [won.chunk.chunk_id] + [h.chunk_id for h in hits if h.chunk_id != won.chunk.chunk_id]
        if query.lang == "zh":
            text = f"{'是' if holds else '否'}：{said}{fact}，“{won.text}” [1]"
        else:
            shown = (("down " if FALL_TEXT.search(said) else "up ") if said else "") + \
                wording.english_fact(fact, wording.asked_noun(question.count.text))
            text = f"{'Yes' if holds else 'No'}: {shown}. According to the report: “{won.text}” [1]"
        return Reading(True, text, order, {won.chunk.chunk_id: won}, won)

    def parts(self, query, hits, question: Question, years, mode) -> Reading:
        """Two facts asked at once: each part looked for in its own search as well as the question's,
        quoted once each; a part the report does not give is named as such."""
        tops: list[tuple[Question, Candidate | None]] = []
        for n, part in enumerate(question.parts):
            # A later part is often elliptical ("…，成功率是多少"): it borrows the first part's words.
            text = part.text if n == 0 else f"{part.text} {question.parts[0].text}"
            pq = self.retriever.analyse(text, query.lang)
            pq.where = query.where
            phits, _ = self.retriever.search(pq, 3)
            seen = {h.chunk_id for h in phits}
            own = pq if n == 0 else self.retriever.analyse(part.text, query.lang)
            own.where = query.where
            cands = self.candidates(own, phits + [h for h in hits if h.chunk_id not in seen], part, years, mode)
            first = tops[0][1] if tops and tops[0][1] else None
            if first is not None:  # an elliptical part is answered from the first part's sentence when that can
                bar = self.weights.threshold - PART_MARGIN
                cands.sort(key=lambda c: (-(c.score > bar and c.sentence == first.sentence),
                                          -(c.score > bar and c.chunk.chunk_id == first.chunk.chunk_id), -c.score))
            cands = [c for c in cands if first is None or c.facts != first.facts]
            tops.append((part, cands[0] if cands else None))
        # a part clearing the threshold vouches for the others: they need PART_MARGIN less evidence of their own
        cleared = any(c is not None and c.score > self.weights.threshold for _, c in tops)
        bar = self.weights.threshold - (PART_MARGIN if cleared else 0.0)
        found = [(part, c if c is not None and c.score > bar else None) for part, c in tops]
        if not any(c for _, c in found):
            return Reading(False, wording.NOT_FOUND[query.lang], [h.chunk_id for h in hits], {})
        merged = self._merge([c for _, c in found if c])
        chunks = list(dict.fromkeys(c.chunk.chunk_id for c in merged))
        order = chunks + [h.chunk_id for h in hits if h.chunk_id not in chunks]
        quotes = {c.chunk.chunk_id: c for c in reversed(merged)}
        return Reading(True, self.format_parts(query, found, merged, chunks), order, quotes, merged[0])

    def _merge(self, cands: list[Candidate]) -> list[Candidate]:
        """Answers from one sentence, near each other, become one quote holding both facts."""
        out: list[Candidate] = []
        for c in cands:
            prev = out[-1] if out else None
            if (prev is not None and prev.sentence == c.sentence and prev.start >= 0
                    and max(prev.end, c.end) - min(prev.start, c.start) <= 100):
                s, e = min(prev.start, c.start), max(prev.end, c.end)
                text = c.chunk.text[s - c.chunk.start:e - c.chunk.start]
                out[-1] = replace(prev, start=s, end=e, text=text, facts=prev.facts + c.facts)
            else:
                out.append(c)
        return out

    # --- wording ----------------------------------------------------------------------------------

    def format_list(self, query, labels: list[str]) -> str:
        marks = "".join(f"[{n}]" for n in range(1, len(labels) + 1))
        items, budget = [], 100
        for label in labels:
            if len("；".join(items + [label])) > budget:
                items.append("…")
                break
            items.append(label)
        if query.lang == "zh":
            return f"共{len(labels)}点：{'；'.join(items)} {marks}"
        return f"According to the report, {len(labels)} points: {'; '.join(items)} {marks}"

    def format(self, query, cand: Candidate, question: Question | None = None, mark: int = 1) -> str:
        quote = cand.text
        if question is not None and question.qtype == "yesno":
            if query.lang == "zh":
                return f"{'否' if cand.negated else '是'}：“{quote}” [{mark}]"
            return f"{'No' if cand.negated else 'Yes'}. According to the report: “{quote}” [{mark}]"
        if query.lang == "zh":
            lead = wording.lead_zh(cand.facts, quote)
        else:
            noun = wording.asked_noun(question.text if question is not None and question.text else query.text)
            lead = wording.lead_en(cand.facts, noun)
        shown = _within(quote, cand.facts, ANSWER_CHARS - len("".join(lead.split())))
        return f"{lead}“{shown}” [{mark}]"

    def format_parts(self, query, found, merged: list[Candidate], chunks: list[int]) -> str:
        """'412件：“…” [1]；98.2%：“…” [1]', with a note for a part the report does not give."""
        pieces = []
        for c in merged:
            mark = chunks.index(c.chunk.chunk_id) + 1
            if query.lang == "zh":
                pieces.append(f"{'、'.join(dict.fromkeys(c.facts))}：“{c.text}” [{mark}]")
            else:
                lead = " and ".join(wording.english_fact(f, "") for f in dict.fromkeys(c.facts))
                pieces.append(f"{lead}: “{c.text}” [{mark}]")
        for part, c in found:
            if c is None:
                what = _part_subject(part)
                pieces.append(f"报告未提及{what}" if query.lang == "zh" else f"the report does not give {what}")
        if query.lang == "zh":
            return "；".join(pieces)
        return "According to the report, " + "; ".join(pieces)


ANSWER_CHARS = 112  # an answer's lead and quote, leaving room for its mark and the report it names (150 in all)


def _within(quote: str, facts: list[str], limit: int) -> str:
    """The quote, or when the answer would run long, the clauses around its fact that fit."""
    if len(re.sub(r"\s", "", quote)) <= limit or limit < 12:
        return quote
    at = quote.find(facts[0]) if facts and facts[0] else -1
    parts = [m.span() for m in re.finditer(r"[^，,；;、。]+", quote)]
    if at < 0 or not parts:
        return quote[:limit] + "…"
    i = next((k for k, (a, b) in enumerate(parts) if a <= at < b), 0)
    lo = hi = i
    while True:
        grown = [(lo - 1, hi), (lo, hi + 1)]
        fits = [(a, b) for a, b in grown if 0 <= a and b < len(parts)
                and len(re.sub(r"\s", "", quote[parts[a][0]:parts[b][1]])) <= limit]
        if not fits:
            break
        lo, hi = fits[0]
    text = quote[parts[lo][0]:parts[hi][1]]
    return text if len(re.sub(r"\s", "", text)) <= limit else text[:limit] + "…"


def _part_subject(part: Question) -> str:
    """What a part asked about, as asked: "涉及金额", "total import and export value"."""
    if part.things:
        return part.things[0].phrase.strip()
    text = re.sub(r"(?:是|为|有)?(?:多少|几)[\u4e00-\u9fff]?[?？]?$|[?？]$", "", part.text.strip())
    text = re.sub(r"^(?:what|how much|how many) (?:is|was|are|were) (?:the |its |their )?", "", text, flags=re.I)
    return text or part.text
