"""QAService: the one facade the CLI, the web app and the tests all use.

Load once (index, encoder, retriever, answerer), then `ask` many times.
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, replace

from . import building
from .config import Settings
from .corpus import strip_marker
from .embedding import Encoder
from .errors import QuestionError
from .lexical import language
from .places import romanise, short_name
from .qa.answer import Answer, Citation
from .qa.candidates import PASSAGES
from .qa.question import MET_ASKED, question_type, read
from .qa.reader import Reader
from .qa.retrieval import Retriever
from .qa.scope import NOT_FOUND_PLACE, Scope, Scoper

log = logging.getLogger(__name__)


@dataclass
class Quoted:
    """A quote a citation highlights: its words and offsets in the report."""

    text: str
    start: int
    end: int

# A follow-up leans on the previous question: it is short or opens like one.
COUNT = re.compile(r"\d+(?:万)?(?:余|多)?(?P<unit>人次|场次|件|次|份|人|名|项|个)")
FIGURE_NOUN = re.compile(r"率|比例|比重|人数|次数|件数|金额|数量|总额|人口|\b(?:rate|share|number|amount|total)\b", re.I)
TARGET_WORDS = re.compile(r"目标|完成|实现|达到|任务|预期|年度|全年|^(?:targets?|goals?|meet|met|hit|reach(?:ed)?|achieved?"
                          r"|beat|missed|fulfil\w*|year|annual)$", re.I)
TARGET_EVIDENCE = 0.5  # share of the question's terms a tracked target must say to answer whether it was met
OWN_REPORT = 2  # passages of the report reviewing (or planning) the asked year always read
OTHER_PLACES = 3  # places named besides the one answering, when a question naming none is answered by several
FOLLOW_UP = re.compile(r"^(那|那么|那个|还有|另外|and\b|what about\b|how about\b|and in\b)", re.I)


class QAService:
    def __init__(self, settings: Settings | None = None, index=None, encoder: Encoder | None = None,
                 warm_up: bool = True) -> None:
        """Load (building when missing or stale) the index of `settings`; or use `index` as it is, never
        rebuilding it: a server taking up a newly built index passes the one it loaded, and its encoder.
        `warm_up` asks two questions first, so that a server's first user does not wait for jieba's
        dictionaries; a command answering one question has no reason to."""
        self.settings = settings or Settings.from_env()
        self._encoder: Encoder | None = encoder
        self.index = index if index is not None else building.ensure(self.settings, self._get_encoder)
        self.encoder = self._get_encoder()
        if self.index.manifest["model"]["dim"] != self.encoder.dim:
            raise RuntimeError("index and encoder dimensions differ")
        self.scoper = Scoper(self.index.metas, self.index.spellings, self.index.coverage())
        self.retriever = Retriever(self.index, self.encoder, self.scoper.place_names(), self.scoper.place_words())
        self.reader = Reader(self.index, self.retriever)
        for question in ("2024年开展了多少次活动？", "What is the name of the head?") if warm_up else ():
            self.ask(question)  # load jieba's dictionaries now, not during the first user's question

    def _get_encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = Encoder(self.settings.model)
        return self._encoder

    def check_question(self, question) -> str:
        if not isinstance(question, str):
            raise QuestionError("the question must be text")
        q = question.strip()
        if not q:
            raise QuestionError("the question is empty")
        if len(q) > self.settings.max_question_chars:
            raise QuestionError(f"the question has {len(q)} characters; the limit is {self.settings.max_question_chars}")
        return q

    @staticmethod
    def previous_question(history: list | None) -> str | None:
        """The last user question of a history given as strings or as chat messages."""
        for h in reversed(history or []):
            if isinstance(h, str) and h.strip():
                return h.strip()
            if isinstance(h, dict) and h.get("role") == "user" and isinstance(h.get("content"), str):
                return h["content"].strip()
        return None

    def ask(self, question, history: list | None = None, id=None, scope: Scope | None = None) -> Answer:
        """Answer a question from the reports its places and years (and `scope`) allow."""
        t0 = time.perf_counter()
        q = self.check_question(question)
        lang = language(q)  # reply in the language asked
        qtype = question_type(q, lang)
        previous = self.previous_question(history)
        scoped = self.scoper.scope(q, lang, scope, context=previous or "")
        if not scoped.docs:  # a place or year no loaded report covers: say so, cite nothing
            return Answer(question=q, found=False, answer=scoped.message, citations=[], lang=lang, qtype=qtype,
                          latency_ms=(time.perf_counter() - t0) * 1000, id=id)
        if scoped.within and not self._naming(scoped).any():  # a place below the reports' own, never named
            return Answer(question=q, found=False, answer=NOT_FOUND_PLACE[lang].format(place=scoped.within[0]),
                          citations=[], lang=lang, qtype=qtype, latency_ms=(time.perf_counter() - t0) * 1000, id=id)
        query, question_read, hits = self.search(q, lang, qtype, previous, scoped)
        tracked = self.target_met(q, lang, query, scoped) if qtype == "yesno" and MET_ASKED.search(q) else None
        if tracked is not None:  # "2017年的增长目标完成了吗": the tracker's target, its result, both cited
            text, order, quotes = tracked
            citations = [self._citation(cid, 0.0, quotes.get(cid)) for cid in order]
            return Answer(question=q, found=True, answer=text, citations=citations, lang=lang, qtype=qtype,
                          latency_ms=(time.perf_counter() - t0) * 1000, id=id)
        reading = self.reader.read(query, hits, question_read, scoped.years, scoped.mode, scoped.docs)
        order = [cid for cid in reading.order if query.allows(cid)]
        text = reading.text
        if reading.found and order and len(self.index.doc_ids) > 1:
            text = self._name_report(text, order[0], lang)
        scores = {h.chunk_id: h.score for h in hits}
        citations = [self._citation(cid, float(scores.get(cid, 0.0)), reading.quotes.get(cid))
                     for cid in order[: self.settings.top_k]]
        why = reading.winner.explain(self.reader.weights.weights)[:6] if reading.winner is not None else []
        choices = []
        if reading.found and not scoped.places and not (scope and (scope.place or scope.doc)):
            # a question naming no place, answered differently by several places: say so, offer them
            others = self.reader.other_places(reading)
            if others:
                winner = self.index.metas[reading.winner.chunk.doc_id]
                choices = [{"place": m.place, "label": m.label(lang)} for m in
                           [winner] + [self.index.metas[d] for d in others[:OTHER_PLACES]]]
                names = "、".join(c["label"] for c in choices[1:]) if lang == "zh" else "; ".join(c["label"] for c in choices[1:])
                text += f"（另见：{names}）" if lang == "zh" else f" (Other places answer too: {names}.)"
        return Answer(question=q, found=reading.found, answer=text, citations=citations, lang=lang,
                      qtype=question_read.qtype if question_read.qtype == "name" else qtype,
                      latency_ms=(time.perf_counter() - t0) * 1000, id=id, why=why, choices=choices)

    @property
    def tracker(self):
        """The commitments tracker of this index (computed on first use, cached beside the index)."""
        if getattr(self, "_tracker", None) is None:
            from .tracker import Tracker

            self._tracker = Tracker(self.index, self._get_encoder)
        return self._tracker

    def target_met(self, q: str, lang: str, query, scoped):
        """Whether a target a report set for a year was met, from the tracker: the target of the asked
        year (the report planning it) whose words say most of the question, and the result the report
        reviewing that year states. None when no target of that year says enough of what is asked."""
        years = scoped.years or {y for d in scoped.docs if (y := self.index.metas[d].plans)}
        docs = set(scoped.docs) | {d for d, m in self.index.metas.items()
                                   if any(m.place == self.index.metas[s].place for s in scoped.docs)}
        items = [t for t in self.tracker.select(docs) if t["year"] in years and t["kind"] == "quantified"]
        if not items:
            return None
        terms = [(alts, self.index.lexicon.term_idf(alts[0])) for term, alts in query.terms.items()
                 if alts and not TARGET_WORDS.search(term) and not re.fullmatch(r"(?:19|20)\d{2}年?", term)]
        # ("目标完成了吗" asks whether, not about what; the year is the target's already)
        total = sum(w for _, w in terms) or 1.0
        said = lambda text: sum(w for alts, w in terms if any(a in text for a in alts)) / total
        best = max(items, key=lambda t: said(t["indicator"] + t["text"]))
        if said(best["indicator"] + best["text"]) < TARGET_EVIDENCE:
            return None
        outcome = best.get("outcome")
        if best["status"] not in ("met", "not_met"):
            return None  # the tracker found no result to measure it by: the reader may find one said in words
        order, quotes = [], {}
        # the result is the answer and leads; the target it is measured against comes second
        for doc, start, end, quote in ([(outcome["doc"], outcome["start"], outcome["end"], outcome["quote"])]
                                       if outcome else []) + [(best["doc"], best["start"], best["end"], best["text"])]:
            cid = next((c.chunk_id for c in self.index.chunks_in(doc) if c.start <= start < c.end), None)
            if cid is not None and cid not in order:
                order.append(cid)
                quotes[cid] = Quoted(quote, start, end)
        status = best["status"]
        if lang == "zh":
            lead = {"met": "是", "not_met": "否"}.get(status, "报告未说明")
            if outcome:
                return f"{lead}：结果“{outcome['quote']}” [1]，{best['year']}年的目标“{best['text']}” [2]", order, quotes
            return f"{lead}：{best['year']}年的目标“{best['text']}” [1]，下一年的报告没有说明结果", order, quotes
        lead = {"met": "Yes", "not_met": "No"}.get(status, "The next report does not say")
        if outcome:
            return f"{lead}. The result: “{outcome['quote']}” [1]; the {best['year']} target: “{best['text']}” [2]", \
                order, quotes
        return f"{lead}. The {best['year']} target: “{best['text']}” [1]; the next year's report gives no result", order, quotes

    def search(self, q: str, lang: str, qtype: str, previous: str | None, scoped):
        """The question read, its query and the passages retrieved for it, within its scope: its reports,
        and the passages speaking of its years (in the mode asked, when some do)."""
        index = self.index
        mask = index.chunk_mask(scoped.docs) if len(scoped.docs) < len(index.doc_ids) else None
        if scoped.within:  # a place below the reports' own (定日县 in 西藏's report): their passages naming it
            mask = self._naming(scoped) if mask is None else mask & self._naming(scoped)
        year_applies = False
        if scoped.years:  # "2024年…" is not answered from the section about 2025's plans
            within = True if mask is None else mask
            # a target asked is searched in the plans; a result among all that speak of the year, where
            # the reader tells a result from a target (a mention in the plans may be the result)
            of_year = index.year_mask(scoped.years, "plan" if scoped.mode == "plan" else "") & within
            if not of_year.any():
                of_year = index.year_mask(scoped.years) & within
            year_applies = bool(of_year.any())
            mask = of_year if year_applies else mask
        year = next(iter(scoped.years)) if len(scoped.years) == 1 else None
        query = self.retriever.analyse(q, lang, year)
        for name in scoped.within if lang != "zh" else ():  # "Dingri county" is 定日 in the report's words
            query.terms.pop(romanise(short_name(name)).replace(" ", ""), None)
        names_nothing = not query.known_terms(index)
        text = q
        if previous and (FOLLOW_UP.match(q) or names_nothing):
            # A follow-up: "那调解成功率呢？" asks what the previous question asked; "and in 2025?"
            # names nothing the report knows, so it borrows the previous question's subject too.
            if qtype == "fact":  # "那调解成功率呢？" names a figure itself, whatever was asked before
                qtype = "quantity" if FIGURE_NOUN.search(q) else question_type(previous, language(previous))
            if names_nothing:
                text = f"{previous} {q}"
                query = self.retriever.analyse(text, lang, year)
        query.where = index.filter(mask, scoped.docs if mask is not None else None,
                                   scoped.years if mask is not None and year_applies else None)
        hits, _ = self.retriever.search(query, max(self.settings.top_k, PASSAGES))
        if year_applies:
            hits = self._with_own_report(query, hits, scoped, mask)
        question_read = read(query.text, query.translations or index.translations, lang, qtype)
        return query, question_read, hits

    def _naming(self, scoped):
        """The passages of the scoped reports naming the place the question asks below them (once per question)."""
        if scoped.naming is None:
            scoped.naming = self.index.naming(scoped.docs, scoped.within)
        return scoped.naming

    def _with_own_report(self, query, hits, scoped, mask):
        """A year's own report among the passages read: the report reviewing the asked year (planning it,
        when a target is asked) is where its readers look, so its best passages are read even when other
        reports, which name the year in passing, say the question's words more often."""
        index = self.index
        own = [d for d in scoped.docs if (index.metas[d].plans if scoped.mode == "plan" else index.metas[d].reviews)
               in scoped.years]
        if not own or len(own) == len(scoped.docs):
            return hits
        where = index.chunk_mask(own) & mask
        if not where.any():
            return hits
        ours, _ = self.retriever.search(replace(query, where=index.filter(where, own, scoped.years)), OWN_REPORT)
        seen = {h.chunk_id for h in hits[:PASSAGES]}
        extra = [h for h in ours if h.chunk_id not in seen]
        if not extra:
            return hits
        kept = hits[:PASSAGES - len(extra)]
        rest = [h for h in hits if h not in kept]
        return kept + extra + rest

    def _name_report(self, text: str, chunk_id: int, lang: str) -> str:
        """Every answer from a knowledge base of several reports names the report it comes from."""
        meta = self.index.metas[self.index.chunks[chunk_id].doc_id]
        label = meta.label(lang)
        if not label:
            return text
        if lang == "zh":
            return f"{text}（{label}报告）"
        if text.startswith("According to the report"):
            return f"According to the {label} report" + text[len("According to the report"):]
        return f"{text} ({label} report)"

    def reports(self) -> list[dict]:
        """Every loaded report: doc, title, place, level, year, kind, issuer, issued, passages, added."""
        return self.index.reports()

    def suggestions(self, limit: int = 4) -> list[str]:
        """Example questions drawn from the corpus, each checked to be answered.

        A count in a passage becomes "…多少件？", a short section title with parts becomes
        "…有哪些？", and English questions ask about the document itself.
        """
        counts, lists = [], []
        for chunk in self.index.chunks[:400]:  # the first reports' passages are examples enough
            for clause in re.split(r"[,，;；。!?！？]", chunk.text if chunk.kind == "text" else ""):
                m = COUNT.search(clause)
                subject = clause[:m.start()].strip() if m else ""
                if m and 6 <= len(subject) <= 20 and not re.search(r"\d", subject):
                    counts.append(f"{subject}多少{m.group('unit')}？")
                    break
        for doc_id in self.index.doc_ids[:5]:
            for sec, _ in self.index.documents[doc_id].root.walk():
                title = strip_marker(sec.title)
                if len(sec.children) >= 2 and 2 <= len(title) <= 10:
                    lists.append(f"{title}有哪些？")
        english = ["Who published this report, and when?", "What are the plans for next year?"]
        out = []
        for q in counts[:2] + lists[:1] + english + counts[2:] + lists[1:]:
            if len(out) < limit and q not in out and self.ask(q).found:
                out.append(q)
        return out

    def _citation(self, chunk_id: int, score: float, quoted) -> Citation:
        c = self.index.chunks[chunk_id]
        meta = self.index.metas[c.doc_id]
        cite = Citation(doc=c.doc_id, title=c.title, place=meta.place, year=meta.year,
                        section=c.section, section_path=list(c.section_path),
                        text=c.text, start=c.start, end=c.end, score=round(score, 4),
                        link=f"/report/{c.doc_id}#{c.start}-{c.end}")
        if quoted is not None:
            cite.quote, cite.quote_start, cite.quote_end = quoted.text, quoted.start, quoted.end
        return cite
