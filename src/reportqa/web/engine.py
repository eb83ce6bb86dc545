"""The engine the web layer serves from: the loaded QAService, the answers it issued, the votes on them.

Questions are answered concurrently: in this process's threads (the service keeps no state between
questions, and the encoder is safe from many threads, tests/test_embedding.py), or with
REPORTQA_WORKERS > 1 in that many answering processes (workers.py). Every answer gets
an `answer_id`, and the server remembers the last REPORTQA_ANSWER_MEMORY answers, so a vote names
an answer id and what is stored with it is the server's copy. A newly built index is taken up
without a restart (reload.py): the Engine swaps one reference, so a request in flight finishes on
the index it started with and no request sees a half-loaded one.
"""
from __future__ import annotations

import logging
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from ..commitments import CommitmentBook
from ..tracker import Tracker
from ..config import Settings
from ..errors import ReportQAError
from ..feedback import FeedbackStore, Recorded, citation_summary, now
from ..qa.scope import Scope
from . import reload

log = logging.getLogger(__name__)


class UnknownAnswer(ReportQAError):
    """A vote names an answer this server did not issue, or no longer remembers."""


@dataclass
class Loaded:
    """One index and everything computed from it, swapped as a whole."""
    svc: object  # QAService
    book: CommitmentBook
    signature: tuple | None
    loaded_at: str
    pool: object = None  # workers.AnswerPool answering from this index, when REPORTQA_WORKERS > 1
    tracker: Tracker | None = None  # the targets and their outcomes (computed on first use, then cached)

    def ask(self, question, history, scope) -> dict:
        if self.pool is not None:
            return self.pool.ask(question, history, scope)
        return self.svc.ask(question, history=history, scope=scope).to_dict()


class AnswerLedger:
    """The last `size` answers issued, by id: what a vote on them stores."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._answers: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()

    def issue(self, d: dict) -> str:
        answer_id = uuid.uuid4().hex
        kept = {"question": d.get("question") or "", "answer": d.get("answer") or "",
                "citations": citation_summary(d.get("citations")), "asked_at": now()}
        with self._lock:
            self._answers[answer_id] = kept
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return answer_id

    def get(self, answer_id) -> dict | None:
        with self._lock:
            return self._answers.get(answer_id) if isinstance(answer_id, str) else None


class Engine:
    def __init__(self, settings: Settings, service=None) -> None:
        from ..service import QAService

        self.settings = settings
        svc = service or QAService(settings)
        on_disk = reload.signature(settings.index_dir)
        if reload.manifest_on_disk(settings.index_dir) != svc.index.manifest:
            on_disk = None  # swapped while it loaded (or a service of another index): look again at once
        self.current = Loaded(svc, CommitmentBook(svc.index, svc.encoder), on_disk, now(), self._pool())
        self.answers = AnswerLedger(settings.answer_memory)
        self.feedback = FeedbackStore(settings.feedback_path, settings.feedback_max_votes)
        self.reload_error: str | None = None
        self._failed: tuple | None = None
        self.watcher = reload.Watcher(self, settings.reload_seconds)

    # ---- what the routes read (always the current index)

    @property
    def svc(self):
        return self.current.svc

    @property
    def book(self) -> CommitmentBook:
        return self.current.book

    @property
    def tracker(self) -> Tracker:
        current = self.current
        if current.tracker is None:
            svc = current.svc
            current.tracker = Tracker(svc.index, lambda: svc.encoder)
        return current.tracker

    @property
    def documents(self) -> dict:
        return self.current.svc.index.documents

    def _pool(self):
        if self.settings.workers <= 1:
            return None
        from .workers import AnswerPool

        return AnswerPool(self.settings, self.settings.workers)

    def ask(self, question, history=None, scope: Scope | None = None) -> dict:
        """The engine's answer JSON plus the `answer_id` a vote on it names."""
        d = self.current.ask(question, history, scope)
        d["answer_id"] = self.answers.issue(d)
        return d

    def vote(self, answer_id: str, voter: str, choice: str | None, issued: dict | None = None) -> Recorded:
        """Record `voter`'s vote (None: take it back) on an answer this server issued. `issued` is the
        caller's own server-side copy, used when the ledger has forgotten the answer."""
        kept = self.answers.get(answer_id) or issued
        if not kept:
            raise UnknownAnswer("this answer is not known to the server (it keeps the last "
                                f"{self.answers.size}); ask again to vote on it")
        return self.feedback.record(answer_id, voter, choice, kept["question"], kept["answer"],
                                    kept["citations"], kept.get("asked_at"))

    def reports_in(self, place: str | None, year: int | None) -> tuple[list[str], str]:
        """The reports of a place and year (None: any), or a message when there are none."""
        svc = self.current.svc
        if not place and year is None:
            return list(svc.index.documents), ""
        scope = Scope(place=place, year=year)
        docs = svc.scoper.scope("", "zh", scope).docs  # no question: the filters alone
        if docs:
            return docs, ""
        return [], (f"没有符合所选范围（{scope.describe()}）的报告 · "
                    f"No loaded report matches the chosen scope ({scope.describe()}).")

    def health(self) -> dict:
        m = self.current.svc.index.manifest
        return {"status": "ok", "documents": len(self.documents), "chunks": m["counts"]["chunks"],
                "sentences": m["counts"].get("sentences"), "model": m["model"]["id"],
                "built_at": m.get("built_at"), "loaded_at": self.current.loaded_at,
                "reload_error": self.reload_error}

    # ---- taking up a new index

    def check_for_new_index(self) -> bool:
        """Load and swap in the active index when its files changed; True when a new one was taken up.
        A failure is logged and kept in `reload_error`, and not retried until the files change again."""
        seen = reload.signature(self.settings.index_dir)
        if seen is None or seen == self.current.signature or seen == self._failed:
            return False
        from ..service import QAService

        old = self.current.svc
        try:
            index = reload.load_complete(self.settings.index_dir, old.encoder.model_id, int(old.encoder.dim))
            svc = QAService(self.settings, index=index, encoder=old.encoder)  # warms up on the shared encoder
            book = CommitmentBook(index, old.encoder)
            pool = self._pool()  # its workers load this index
        except Exception as e:  # anything: the index that works keeps serving
            self._failed = seen
            self.reload_error = str(e)
            log.error("reportqa: %s", e)
            return False
        previous = self.current
        self.current = Loaded(svc, book, seen, now(), pool)
        if previous.pool is not None:  # its questions in hand are answered, then it stops
            threading.Thread(target=previous.pool.close, daemon=True).start()
        self._failed, self.reload_error = None, None
        log.warning("reportqa: took up the index built at %s (%d reports)", index.manifest.get("built_at"),
                    len(index.documents))
        return True

    def close(self) -> None:
        self.watcher.stop()
        self.feedback.close()
        if self.current.pool is not None:
            self.current.pool.close()
