"""The answering pool: slots that answer questions from one queue, with admission control in front.

With REPORTQA_WORKERS > 1 each slot is a process with its own QAService over the same index:
answers are Python work (jieba, regular expressions, the answer rules) more than array work, so
threads in one process wait on each other and processes do not. The index's vectors and word
matrices are memory-mapped, so N processes share their pages instead of holding N copies. With one
worker the slots are threads of the web process. The web process keeps everything that must be
one: sessions, conversations, the answers it issued and the votes on them, the rate limits,
Gradio's queue. REST, /v1 and Gradio's /ask all go through the same pool.

Faults. Each process slot has one thread in the web process that feeds it questions and watches it
(its pipe and its exit). When a worker dies (killed, out of memory) or hangs past ANSWER_TIMEOUT,
that thread alone replaces it, once, while the other slots keep answering; the question it was
answering is given to a live worker, or answered 503 at once when none is left. A worker that
cannot start (a damaged index) is retried with a growing pause, and while no slot is live every
question is answered 503 at once. Nothing waits for a dead process.

Overload (admission.py): a question is taken only while those in hand would be answered within
REPORTQA_QUEUE_SECONDS; otherwise `submit` raises Overloaded at once (503 with Retry-After).

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
import traceback
from collections import deque
from concurrent.futures import Future
from multiprocessing.connection import wait

from ..config import Settings
from ..errors import ReportQAError
from .admission import Admission, Unavailable

log = logging.getLogger(__name__)

THREADS = 2  # answering threads of the web process when REPORTQA_WORKERS is 1
ANSWER_TIMEOUT = 30.0  # seconds a worker may take for one answer before it is replaced
START_TIMEOUT = 300.0  # seconds a worker may take to load the index
RETRY_PAUSE = (1, 2, 5, 10, 30)  # seconds between attempts to start a worker that failed to start
WARM_UP = "2024年开展了多少次活动？"


class AnswerFailed(Exception):
    """The engine raised something that is not a user's error (a bug): answered 500, logged."""


# ---------------------------------------------------------------- the worker process

def _serve(conn, settings: Settings, parent: int) -> None:
    """A worker: load the index, say ready, then answer (question, history, scope) until told to stop."""
    threading.Thread(target=_follow, args=(parent,), daemon=True).start()
    _one_thread()
    try:
        from .. import index as index_store
        from ..service import QAService

        service = QAService(settings, index=index_store.load(settings.index_dir))
    except Exception as e:  # noqa: BLE001 - said to the web process, which logs it and retries later
        conn.send(("failed", f"{type(e).__name__}: {e}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(_answer(service, *job))


def _one_thread() -> None:
    """A worker answers one question at a time beside the others, one per core: BLAS and OpenMP
    threads of its own would only contend with theirs (measured: ~1.3x throughput under load)."""
    import faiss
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    faiss.omp_set_num_threads(1)


def _answer(service, question, history, scope) -> tuple:
    try:
        return "ok", service.ask(question, history=history, scope=scope).to_dict()
    except ReportQAError as e:
        return "error", e
    except Exception as e:  # noqa: BLE001 - a bug: its trace goes to the log, the request gets a 500
        return "failed", "".join(traceback.format_exception(e)).strip()


def _follow(parent: int) -> None:
    """End this worker when the web process is gone, however it ended (a worker must not outlive it)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


# ---------------------------------------------------------------- slots

class _Job:
    __slots__ = ("question", "history", "scope", "future", "queued", "tries")

    def __init__(self, question, history, scope) -> None:
        self.question, self.history, self.scope = question, history, scope
        self.future: Future = Future()
        self.queued = time.monotonic()
        self.tries = 0


class _ThreadSlot:
    """A thread of the web process answering with the web process's own QAService."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.live = True

    def start(self) -> None:
        pass

    def ready(self) -> str | None:
        return None

    def died(self) -> bool:
        return False

    def ask(self, job: _Job) -> tuple:
        return _answer_dict(self.answer, job)

    def stop(self) -> None:
        pass

    def describe(self) -> str:
        return "answering thread"


def _answer_dict(answer, job: _Job) -> tuple:
    try:
        return "ok", answer(job.question, job.history, job.scope)
    except ReportQAError as e:
        return "error", e
    except Exception as e:  # noqa: BLE001
        return "failed", "".join(traceback.format_exception(e)).strip()


class _ProcessSlot:
    """One worker process and the pipe to it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.proc = None
        self.conn = None
        self.live = False

    def start(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        ours, theirs = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_serve, args=(theirs, self.settings, os.getpid()), daemon=True,
                                name="reportqa-worker")
        self.proc.start()
        theirs.close()
        self.conn = ours

    def ready(self) -> str | None:
        """Wait until the worker has loaded the index: None, or why it did not start."""
        answer = self._receive(START_TIMEOUT)
        if answer is None:
            self.stop()
            return "it exited while loading the index" if not self.proc.is_alive() else "it took too long to start"
        if answer[0] != "ready":
            self.stop()
            return answer[1]
        self.live = True
        return None

    def died(self) -> bool:
        """The worker was live and has ended without being asked to (killed while idle)."""
        return self.live and self.proc is not None and not self.proc.is_alive()

    def _receive(self, timeout: float):
        """The worker's next message; None when it died or said nothing within `timeout`."""
        try:
            ready = wait([self.conn, self.proc.sentinel], timeout)
            if self.conn in ready or (ready and self.conn.poll()):
                return self.conn.recv()
        except (EOFError, OSError):
            pass
        return None

    def ask(self, job: _Job) -> tuple | None:
        """The answer, or None when the worker died or hung (it is then stopped)."""
        try:
            self.conn.send((job.question, job.history, job.scope))
        except (OSError, ValueError):
            self.stop()
            return None
        answer = self._receive(ANSWER_TIMEOUT)
        if answer is None:
            self.stop()
        return answer

    def stop(self, gently: bool = False) -> None:
        self.live = False
        if self.proc is None:
            return
        if gently and self.proc.is_alive():
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                pass
            self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def describe(self) -> str:
        pid = self.proc.pid if self.proc else None
        code = self.proc.exitcode if self.proc else None
        how = f"killed by signal {-code}" if code is not None and code < 0 else (
            f"exited with {code}" if code is not None else "did not answer in time")
        return f"answering worker {pid} ({how})"


# ---------------------------------------------------------------- the pool

class AnswerPool:
    """Slots answering from one FIFO queue; `submit` admits a question or raises Unavailable at once."""

    def __init__(self, settings: Settings, workers: int, answer=None, admission: Admission | None = None) -> None:
        """`workers` > 1: that many processes; else THREADS threads calling `answer(question, history,
        scope) -> dict`. Returns once every slot can answer (the first users do not wait for start-up)."""
        self.settings = settings
        self.admission = admission or Admission(settings.queue_seconds)
        self.processes = workers > 1
        self.slots = [_ProcessSlot(settings) for _ in range(workers)] if self.processes else \
            [_ThreadSlot(answer) for _ in range(THREADS)]
        self.restarts = 0
        self.refused = 0
        self._jobs: deque[_Job] = deque()
        self._busy = 0
        self._cv = threading.Condition()
        self._closing = threading.Event()
        for slot in self.slots:
            slot.start()
        problems = [p for p in (slot.ready() for slot in self.slots) if p]
        if problems:
            for slot in self.slots:
                slot.stop()
            raise RuntimeError(f"an answering worker could not start: {problems[0]}")
        self._threads = [threading.Thread(target=self._feed, args=(slot,), daemon=True, name=f"reportqa-slot-{n}")
                         for n, slot in enumerate(self.slots)]
        for t in self._threads:
            t.start()
        if self.processes:  # time the workers once, so the first bound is measured, not assumed
            for f in [self._submit(WARM_UP, None, None, count=False) for _ in self.slots]:
                f.result()

    # ---- what the engine calls

    def live(self) -> int:
        return sum(1 for s in self.slots if s.live)

    def submit(self, question, history=None, scope=None) -> Future:
        """A future of the answer's JSON; raises Unavailable (503) at once when it cannot be taken."""
        return self._submit(question, history, scope)

    def _submit(self, question, history, scope, count: bool = True) -> Future:
        with self._cv:
            live = self.live()
            if self._closing.is_set() or live == 0:
                self.refused += count
                raise Unavailable("no answering process is running at the moment (one is being started); "
                                  "try again in a few seconds", retry_after=5)
            in_hand = len(self._jobs) + self._busy
            if in_hand >= self.admission.limit(live):
                self.refused += count
                raise self.admission.refuse(in_hand, live)
            job = _Job(question, history, scope)
            self._jobs.append(job)
            self._cv.notify()
        return job.future

    def stats(self) -> dict:
        live = self.live()
        with self._cv:
            in_hand = len(self._jobs) + self._busy
        return {"slots": len(self.slots), "live": live, "restarts": self.restarts, "in_hand": in_hand,
                "limit": self.admission.limit(live), "service_ms": round(self.admission.service * 1000, 1),
                "refused": self.refused}

    def close(self) -> None:
        """Stop after the questions in hand are answered."""
        self._closing.set()
        with self._cv:
            self._cv.notify_all()
        for slot in self.slots:
            if not slot.live:  # being started again: no need any more
                slot.stop()
        for t in self._threads:
            t.join()
        for slot in self.slots:
            if self.processes:
                slot.stop(gently=True)

    # ---- one thread per slot

    def _take(self, slot) -> _Job | None:
        """The next question for this slot; None when the pool closes or the slot's worker died idle."""
        with self._cv:
            while not self._jobs:
                if self._closing.is_set() or slot.died():
                    return None
                self._cv.wait(0.5)
            job = self._jobs.popleft()
            self._busy += 1
            return job

    def _feed(self, slot) -> None:
        while True:
            job = self._take(slot)
            if job is None:
                if self._closing.is_set():
                    return
                with self._cv:  # died while idle: noticed within half a second, not at the next question
                    self.restarts += 1
                log.error("reportqa: %s while idle; starting a new one", slot.describe())
                slot.stop()
                self._replace(slot)
                continue
            try:
                self._run(slot, job)
            finally:
                with self._cv:
                    self._busy -= 1
            if not slot.live:
                self._replace(slot)

    def _run(self, slot, job: _Job) -> None:
        if job.tries == 0 and not job.future.set_running_or_notify_cancel():
            return  # cancelled while it waited
        if time.monotonic() - job.queued > 3 * self.admission.budget:
            # taken in before capacity fell (a worker died): late already, so answered 503 now, not later
            job.future.set_exception(Unavailable("the server could not answer in time; try again", retry_after=1))
            return
        t0 = time.monotonic()
        answer = slot.ask(job)
        if answer is None:  # the worker died or hung on this question
            with self._cv:
                self.restarts += 1
            log.error("reportqa: %s while answering; starting a new one", slot.describe())
            if job.tries == 0 and self.live() > 0 and not self._closing.is_set():
                job.tries += 1
                with self._cv:  # first in line on a live worker
                    self._jobs.appendleft(job)
                    self._cv.notify()
            else:
                job.future.set_exception(Unavailable("the answering process stopped; ask again in a few seconds",
                                                     retry_after=5))
            return
        self.admission.observe(time.monotonic() - t0)
        kind, value = answer
        if kind == "ok":
            job.future.set_result(value)
        elif kind == "error":
            job.future.set_exception(value)
        else:
            log.error("reportqa: answering %r failed:\n%s", str(job.question)[:100], value)
            job.future.set_exception(AnswerFailed("answering this question failed on the server"))

    def _replace(self, slot) -> None:
        """This slot's worker is gone: start another (this thread only), until one starts or the pool closes.
        While no slot is live, the questions waiting are answered 503 at once."""
        for attempt in range(10 ** 6):
            if self._closing.is_set():
                return
            self._fail_waiting_if_none_live()
            slot.start()
            problem = slot.ready()
            if problem is None:
                log.warning("reportqa: a new answering worker is ready (pid %s)", slot.proc.pid)
                return
            pause = RETRY_PAUSE[min(attempt, len(RETRY_PAUSE) - 1)]
            log.error("reportqa: an answering worker could not start (%s); trying again in %d s", problem, pause)
            self._fail_waiting_if_none_live()
            if self._closing.wait(pause):
                return

    def _fail_waiting_if_none_live(self) -> None:
        if self.live():
            return
        with self._cv:
            waiting, self._jobs = list(self._jobs), deque()
        for job in waiting:
            if job.tries or job.future.set_running_or_notify_cancel():
                job.future.set_exception(Unavailable("no answering process is running at the moment; "
                                                     "try again in a few seconds", retry_after=5))
