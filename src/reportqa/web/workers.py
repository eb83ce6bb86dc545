"""Answering on every core: N processes, each with its own QAService over the same index.

Answers are Python work (jieba, regular expressions, the answer rules) more than array work, so
threads in one process wait on each other; processes do not. The index's vectors and word
matrices are memory-mapped, so N processes share their pages instead of holding N copies. The
web process keeps everything that must be one: sessions, conversations, the answers it issued
and the votes on them, the rate limits, Gradio's queue. It sends each question (with its history
and scope) to a worker and gets the answer's JSON back; REST, /v1 and Gradio's /ask all go
through the same pool, so they get the same concurrency.

Workers are started with `spawn` (the web process has threads; forking those is unsafe) and load
the index the web process has already checked; they never build. A pool belongs to one index: a
newly taken-up index gets a new pool, and the old one finishes its questions, then stops.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..config import Settings

log = logging.getLogger(__name__)

_service = None  # the worker process's QAService


def _start(settings: Settings, parent: int) -> None:
    global _service
    from .. import index as index_store
    from ..service import QAService

    threading.Thread(target=_follow, args=(parent,), daemon=True).start()
    _service = QAService(settings, index=index_store.load(settings.index_dir))


def _follow(parent: int) -> None:
    """End this worker when the web process is gone, however it ended (a worker must not outlive it)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _ask(question, history, scope) -> dict:
    return _service.ask(question, history=history, scope=scope).to_dict()


class AnswerPool:
    def __init__(self, settings: Settings, workers: int) -> None:
        self.settings, self.workers = settings, workers
        self._lock = threading.Lock()
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start, initargs=(self.settings, os.getpid()))
        # every worker loaded before the pool serves: the first users do not wait for start-up
        for f in [pool.submit(_ask, "2024年开展了多少次活动？", None, None) for _ in range(self.workers)]:
            f.result()
        return pool

    def ask(self, question, history=None, scope=None) -> dict:
        try:
            return self._pool.submit(_ask, question, history, scope).result()
        except BrokenProcessPool:  # a worker died (killed, out of memory): start them again, once
            log.error("reportqa: an answering worker died; starting the workers again")
            with self._lock:
                self._pool = self._start()
            return self._pool.submit(_ask, question, history, scope).result()

    def close(self) -> None:
        """Stop after the questions in hand are answered."""
        self._pool.shutdown(wait=True)
