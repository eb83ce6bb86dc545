"""QAService: the one facade the CLI, the web app and the tests all use.

Load once (index, encoder, retriever, answerer), then `ask` many times.
"""
from __future__ import annotations

import logging
import re
import time

from .answering import Answer, Answerer, Citation, question_type
from .config import Settings
from .embedding import Encoder
from .errors import QuestionError
from . import index as index_store
from .retrieval import Retriever

log = logging.getLogger(__name__)

# A follow-up leans on the previous question: it is short or opens like one.
FOLLOW_UP = re.compile(r"^(那|那么|那个|还有|另外|and\b|what about\b|how about\b|and in\b)", re.I)


class QAService:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self._encoder: Encoder | None = None
        self.index = index_store.ensure(self.settings, self._get_encoder)
        self.encoder = self._get_encoder()
        if self.index.manifest["model"]["dim"] != self.encoder.dim:
            raise RuntimeError("index and encoder dimensions differ")
        self.retriever = Retriever(self.index, self.encoder)
        self.answerer = Answerer(self.index, self.retriever)
        for warm_up in ("2024年开展了多少次活动？", "What is the name of the head?"):
            self.ask(warm_up)  # load jieba's dictionaries now, not during the first user's question

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

    def resolve(self, question: str, history: list | None) -> str:
        """Fold the previous question into an elliptical follow-up ("那调解成功率呢？")."""
        previous = [h for h in (history or []) if isinstance(h, str) and h.strip()]
        if not previous:
            previous = [h.get("content") for h in (history or []) if isinstance(h, dict)
                        and h.get("role") == "user" and isinstance(h.get("content"), str)]
        if not previous:
            return question
        if FOLLOW_UP.match(question) or len(question) <= 8:
            return f"{previous[-1]} {question}"
        return question

    def ask(self, question, history: list | None = None, id=None) -> Answer:
        t0 = time.perf_counter()
        q = self.check_question(question)
        resolved = self.resolve(q, history)
        query = self.retriever.analyse(resolved)
        query.lang = self.retriever.analyse_lang(q)
        qtype = question_type(q, query.lang)
        hits, scores = self.retriever.search(query, max(self.settings.top_k, Answerer.PASSAGES))
        found, text, order, quotes = self.answerer.answer(query, hits, qtype)
        citations = [self._citation(cid, float(scores[cid]), quotes.get(cid)) for cid in order[: self.settings.top_k]]
        return Answer(question=q, found=found, answer=text, citations=citations, lang=query.lang,
                      qtype=qtype, latency_ms=(time.perf_counter() - t0) * 1000, id=id)

    def _citation(self, chunk_id: int, score: float, quoted) -> Citation:
        c = self.index.chunks[chunk_id]
        cite = Citation(doc=c.doc_id, title=c.title, section=c.section, section_path=list(c.section_path),
                        text=c.text, start=c.start, end=c.end, score=round(score, 4),
                        link=f"/report/{c.doc_id}#{c.start}-{c.end}")
        if quoted is not None:
            cite.quote, cite.quote_start, cite.quote_end = quoted.text, quoted.start, quoted.end
        return cite
