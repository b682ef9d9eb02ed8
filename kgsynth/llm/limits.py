"""How many requests one endpoint gets at once and per minute, and when to give up on it.

``AdaptiveLimiter`` is AIMD: the limit is halved on 429/503 (overload), cut by a quarter
when latency per completion token rises well above its recent minimum (a server that queues
instead of refusing, such as llama.cpp or vLLM, shows overload only as latency), and grows
after a full round of successes: doubling until the first cut (slow start), then by one. A
reply to a request sent before the last cut cannot cut again, so one burst of 429s is one
cut. ``TokenBucket`` enforces requests- or tokens-per-minute. ``ErrorWindow`` watches the
share of failed attempts over the last N.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque

#: Multipliers applied to the limit on a cut.
OVERLOAD_CUT = 0.5
LATENCY_CUT = 0.75
#: How many recent replies the latency baseline (their minimum) is taken over.
BASELINE_WINDOW = 100


class AdaptiveLimiter:
    """An asyncio concurrency limit that moves between 1 and ``ceiling`` (AIMD + latency)."""

    def __init__(self, ceiling: int, start: int, tolerance: float) -> None:
        self.ceiling = ceiling
        self.limit = max(1, min(start, ceiling))
        self.tolerance = tolerance
        self.in_flight = 0
        self.epoch = 0
        self.cuts: Counter[str] = Counter()
        self._successes = 0
        self._signals: deque[float] = deque(maxlen=BASELINE_WINDOW)
        # FIFO of waiting requests: a freed slot wakes exactly one, never a thundering herd
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None

    def _check_loop(self) -> asyncio.AbstractEventLoop:
        # futures bind to one loop; complete_sync() runs each call on a fresh one
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop, self._waiters, self.in_flight = loop, deque(), 0
        return loop

    async def acquire(self) -> int:
        """Wait (first come, first served) for a free slot; return the epoch the request starts in."""
        loop = self._check_loop()
        if self.in_flight < self.limit and not self._waiters:
            self.in_flight += 1
            return self.epoch
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        try:
            await waiter  # the slot was taken on our behalf by _admit
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.in_flight -= 1  # admitted, then cancelled: give the slot back
                self._admit()
            raise
        return self.epoch

    def release(self) -> None:
        self.in_flight -= 1
        self._admit()

    def _admit(self) -> None:
        while self._waiters and self.in_flight < self.limit:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self.in_flight += 1
                waiter.set_result(None)

    @property
    def baseline(self) -> float | None:
        """The lowest latency per completion token among recent replies (None before the first)."""
        return min(self._signals) if self._signals else None

    def on_success(self, epoch: int, latency: float, completion_tokens: int) -> None:
        """Record a reply: cut if it came back far slower than the baseline, else maybe grow."""
        signal = latency / max(1, completion_tokens)
        baseline = self.baseline
        self._signals.append(signal)
        if baseline is not None and signal > baseline * self.tolerance:
            self.cut(epoch, "latency", LATENCY_CUT)
            return
        self._successes += 1
        if self._successes >= self.limit and self.limit < self.ceiling:
            # slow start (double per round) until the first cut, then one more per round
            grown = self.limit * 2 if not self.cuts else self.limit + 1
            self.limit = min(self.ceiling, grown)
            self._successes = 0
            self._admit()

    def cut(self, epoch: int, reason: str, factor: float = OVERLOAD_CUT) -> None:
        """Lower the limit once per epoch: replies to requests sent before a cut do not cut again."""
        if epoch != self.epoch:
            return
        self.limit = max(1, int(self.limit * factor))
        self.epoch += 1
        self._successes = 0
        self.cuts[reason] += 1


class TokenBucket:
    """``per_minute`` units a minute, refilled continuously; a request larger than the bucket waits
    for a full bucket and then empties it."""

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._tokens = self.capacity
        self._stamp = time.monotonic()

    async def take(self, amount: float) -> float:
        """Wait until ``amount`` units are available and take them; return the seconds waited."""
        need = min(amount, self.capacity)
        waited = 0.0
        while True:
            now = time.monotonic()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= need:
                self._tokens -= need
                return waited
            pause = (need - self._tokens) / self.rate
            waited += pause
            await asyncio.sleep(pause)


class ErrorWindow:
    """Outcomes of the last ``size`` attempts; ``too_high`` once the window is full and the failed
    share reaches ``max_rate``."""

    def __init__(self, size: int, max_rate: float) -> None:
        self.size = size
        self.max_rate = max_rate
        self._outcomes: deque[bool] = deque(maxlen=size)
        self.last_error = ""

    def record(self, ok: bool, error: str = "") -> None:
        self._outcomes.append(ok)
        if not ok:
            self.last_error = error

    @property
    def failed(self) -> int:
        return sum(1 for ok in self._outcomes if not ok)

    def too_high(self) -> bool:
        return len(self._outcomes) == self.size and self.failed >= self.max_rate * self.size
