"""QAService: the one facade the CLI, the web app and the tests all use.

Load once (index, encoder, retriever, answerer), then `ask` many times.
"""
from __future__ import annotations

import logging
import re
import time

from . import index as index_store
from .config import Settings
from .corpus import strip_marker
from .embedding import Encoder
from .errors import QuestionError
from .lexical import language
from .qa.answer import Answer, Citation
from .qa.candidates import PASSAGES
from .qa.question import question_type, read
from .qa.reader import Reader
from .qa.retrieval import Retriever
from .qa.scope import Scope, Scoper

log = logging.getLogger(__name__)

# A follow-up leans on the previous question: it is short or opens like one.
COUNT = re.compile(r"\d+(?:万)?(?:余|多)?(?P<unit>人次|场次|件|次|份|人|名|项|个)")
FIGURE_NOUN = re.compile(r"率|比例|比重|人数|次数|件数|金额|数量|总额|人口|\b(?:rate|share|number|amount|total)\b", re.I)
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
        self.index = index if index is not None else index_store.ensure(self.settings, self._get_encoder)
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
        query, question_read, hits = self.search(q, lang, qtype, previous, scoped)
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

    def search(self, q: str, lang: str, qtype: str, previous: str | None, scoped):
        """The question read, its query and the passages retrieved for it, within its scope: its reports,
        and the passages speaking of its years (in the mode asked, when some do)."""
        index = self.index
        mask = index.chunk_mask(scoped.docs) if len(scoped.docs) < len(index.doc_ids) else None
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
        question_read = read(query.text, query.translations or index.translations, lang, qtype)
        return query, question_read, hits

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
