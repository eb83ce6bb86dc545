"""Admission control in front of the answering pool: a bounded queue sized from the measured service time.

Past capacity, waiting only makes everyone late: with S answering slots taking t seconds an answer,
the last of q questions in hand waits q·t/S. So the pool takes a question only while the questions
in hand (waiting and being answered) would all be answered within REPORTQA_QUEUE_SECONDS; beyond
that it refuses at once with 503 and Retry-After. The answered keep their latency and throughput
stays at capacity, instead of every request waiting tens of seconds. t is measured (a moving
average of the answers given), so the bound follows the machine and the question mix.
"""
from __future__ import annotations

import math
import threading

START_SECONDS = 0.02  # the service time assumed until answers have been timed
SMOOTHING = 0.05  # weight of each new answer's time in the moving average


class Unavailable(Exception):
    """No answer can be given now (503): the server is over capacity, restarting a worker, or its index
    is damaged. `retry_after`: whole seconds after which asking again is reasonable."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.message, self.retry_after = message, max(1, int(retry_after))


class Overloaded(Unavailable):
    """More questions are in hand than the pool answers within the queue budget."""


class Admission:
    """The service-time estimate and the bound it gives: how many questions may be in hand."""

    def __init__(self, budget_seconds: float, service_seconds: float = START_SECONDS) -> None:
        self.budget = max(0.01, float(budget_seconds))
        self.service = service_seconds
        self._lock = threading.Lock()

    def observe(self, seconds: float) -> None:
        """One answer took `seconds` in its slot."""
        with self._lock:
            self.service += SMOOTHING * (seconds - self.service)

    def limit(self, slots: int) -> int:
        """Questions in hand (waiting or being answered) that `slots` answer within the budget."""
        if slots <= 0:
            return 0
        return max(slots, int(slots * self.budget / max(self.service, 1e-4)))

    def wait(self, in_hand: int, slots: int) -> float:
        """Seconds until `in_hand` questions are answered by `slots`."""
        return in_hand * self.service / max(1, slots)

    def refuse(self, in_hand: int, slots: int) -> Overloaded:
        retry = math.ceil(self.wait(in_hand, slots)) or 1
        return Overloaded(f"the server is answering as many questions as it can; try again in {retry} s",
                          retry_after=retry)
