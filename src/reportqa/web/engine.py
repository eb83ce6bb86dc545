"""The engine the web layer serves from: the loaded QAService, the answers it issued, the votes on them.

Questions go to the answering pool (workers.py): this process's threads (the service keeps no state
between questions, and the encoder is safe from many threads, tests/test_embedding.py), or with
REPORTQA_WORKERS > 1 that many answering processes; admission control in front of it answers 503 at
once past capacity (admission.py). Every answer gets an `answer_id`, and the server remembers the
last REPORTQA_ANSWER_MEMORY answers, so a vote names an answer id and what is stored with it is the
server's copy. A newly built index is taken up without a restart (reload.py): the Engine swaps one
reference, so a request in flight finishes on the index it started with and no request sees a
half-loaded one. The files of the index being served are never changed in place (a build writes a
new directory); when they are (a disk fault, a careless copy), the index is marked damaged before
the next question reads it: /api/health answers 503 naming the file, questions get 503, until a
good index is taken up.

A question asked within an explicit scope (a widget pinned to its town, the staff chat's report
picker) is never scoped by an earlier question of the conversation that the scope cannot answer
("白沙街道…" asked of a widget pinned to 小河镇): such history is dropped before asking.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from ..commitments import CommitmentBook
from ..tracker import Tracker
from ..config import Settings
from ..errors import ReportQAError
from ..feedback import FeedbackStore, Recorded, citation_summary, now
from ..lexical import language
from ..qa.scope import Scope
from . import reload
from .admission import Admission, Unavailable

log = logging.getLogger(__name__)

LIVE_CHECK = 0.05  # seconds between two looks at the served index's files from the question path


class UnknownAnswer(ReportQAError):
    """A vote names an answer this server did not issue, or no longer remembers."""


@dataclass
class Loaded:
    """One index and everything computed from it, swapped as a whole."""
    svc: object  # QAService
    book: CommitmentBook
    signature: tuple | None
    loaded_at: str
    pool: object = None  # workers.AnswerPool answering from this index
    tracker: Tracker | None = None  # the targets and their outcomes (computed on first use, then cached)


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
        self.admission = Admission(settings.queue_seconds)  # its measured service time outlives each pool
        self.current = Loaded(svc, CommitmentBook(svc.index, svc.encoder), on_disk, now(), self._pool(svc))
        self.answers = AnswerLedger(settings.answer_memory)
        self.feedback = FeedbackStore(settings.feedback_path, settings.feedback_max_votes)
        self.reload_error: str | None = None
        self.damaged: str | None = None  # why the index being served cannot answer (its files changed in place)
        self._failed: tuple | None = None
        self._checked = 0.0
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

    def _pool(self, svc):
        from .workers import AnswerPool

        def answer(question, history, scope) -> dict:
            return svc.ask(question, history=history, scope=scope).to_dict()

        return AnswerPool(self.settings, self.settings.workers, answer, self.admission)

    def submit(self, question, history=None, scope: Scope | None = None):
        """A future of the engine's answer JSON. Raises Unavailable at once (503) when the index is damaged
        or the pool is over capacity; ReportQAError when the question itself is wrong."""
        current = self.current
        self._check_live(current)
        if history and scope is not None and (scope.doc or scope.place or scope.year):
            history = self._within(current.svc, history, scope)
        return current.pool.submit(question, history, scope)

    def ask(self, question, history=None, scope: Scope | None = None) -> dict:
        """The engine's answer JSON plus the `answer_id` a vote on it names (waits for it)."""
        return self.issue(self.submit(question, history, scope).result())

    async def ask_async(self, question, history=None, scope: Scope | None = None) -> dict:
        """As `ask`, awaited without holding a thread while the pool answers."""
        return self.issue(await asyncio.wrap_future(self.submit(question, history, scope)))

    def issue(self, d: dict) -> dict:
        """`d` with the answer id a vote on it names, remembered with it."""
        d["answer_id"] = self.answers.issue(d)
        return d

    @staticmethod
    def _within(svc, history: list, scope: Scope) -> list:
        """The earlier questions the explicit scope can answer: one about another place, or a year the
        scope has no report of, was declined and must not scope the questions after it."""
        kept = []
        for h in history:
            text = h if isinstance(h, str) else (h.get("content") if isinstance(h, dict) else None)
            if isinstance(text, str) and text.strip() and not svc.scoper.scope(text, language(text), scope).docs:
                continue
            kept.append(h)
        return kept

    def _check_live(self, current: Loaded) -> None:
        """Refuse (503) when the files of the index being served changed in place: reading them could
        give wrong answers or crash. Looked at (the files' sizes and times, about 0.15 ms) at most
        every LIVE_CHECK seconds, so not once per question under load."""
        t = time.monotonic()
        if self.damaged is None and current.signature is not None and t - self._checked >= LIVE_CHECK:
            self._checked = t
            changed = reload.changed_in_place(current.signature, reload.signature(self.settings.index_dir))
            if changed:
                self._mark_damaged(current, changed)
        if self.damaged is not None and current is self.current:
            raise Unavailable(self.damaged, retry_after=30)

    def _mark_damaged(self, current: Loaded, files: list[str]) -> None:
        where = reload.active_dir(self.settings.index_dir)
        self.damaged = (f"the index being served is damaged: {', '.join(str(where / f) for f in files)} changed "
                        f"while in use; run `reportqa build` to write a complete new index (it is taken up "
                        "without a restart)")
        log.error("reportqa: %s", self.damaged)

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

    def health(self) -> tuple[int, dict]:
        """(HTTP status, body): 200 while questions can be answered ("ok", or "degraded" while a worker
        is being replaced); 503 when the index is damaged or no answering slot is live."""
        current = self.current
        try:
            self._check_live(current)
        except Unavailable:
            pass
        m = current.svc.index.manifest
        pool = current.pool.stats()
        status = "damaged" if self.damaged else ("unavailable" if not pool["live"] else
                                                 ("degraded" if pool["live"] < pool["slots"] else "ok"))
        body = {"status": status, "documents": len(self.documents), "chunks": m["counts"]["chunks"],
                "sentences": m["counts"].get("sentences"), "model": m["model"]["id"],
                "built_at": m.get("built_at"), "loaded_at": current.loaded_at,
                "reload_error": self.reload_error, "error": self.damaged, "answering": pool}
        return (503 if status in ("damaged", "unavailable") else 200), body

    # ---- taking up a new index

    def check_for_new_index(self) -> bool:
        """Load and swap in the active index when its files changed; True when a new one was taken up.
        A failure is logged and kept in `reload_error`, and not retried until the files change again."""
        seen = reload.signature(self.settings.index_dir)
        if seen is None or seen == self.current.signature or seen == self._failed:
            return False
        from ..service import QAService

        previous = self.current
        changed = reload.changed_in_place(previous.signature, seen) if previous.signature else []
        if changed:  # the files being served were written over: never "new", whatever they now hold
            self._failed = seen
            if self.damaged is None:
                self._mark_damaged(previous, changed)
            return False
        old = previous.svc
        try:
            index = reload.load_complete(self.settings.index_dir, old.encoder.model_id, int(old.encoder.dim))
            svc = QAService(self.settings, index=index, encoder=old.encoder)  # warms up on the shared encoder
            book = CommitmentBook(index, old.encoder)
            pool = self._pool(svc)  # its workers load this index
        except Exception as e:  # anything: the index that works keeps serving
            self._failed = seen
            self.reload_error = str(e)
            log.error("reportqa: %s", e)
            return False
        self.current = Loaded(svc, book, seen, now(), pool)
        self.damaged = None
        # its questions in hand are answered, then it stops
        threading.Thread(target=previous.pool.close, daemon=True).start()
        self._failed, self.reload_error = None, None
        log.warning("reportqa: took up the index built at %s (%d reports)", index.manifest.get("built_at"),
                    len(index.documents))
        return True

    def close(self) -> None:
        self.watcher.stop()
        self.feedback.close()
        self.current.pool.close()
