"""Pacing a broadcast: never more than `rate` messages in any one-second window.

Two rules, checked just before a message goes:

- spacing: a GCRA ("virtual scheduling") limiter books evenly spaced slots; after a stall
  (a late wake-up, a slow answer) it lets up to 0.1 s of sends catch up;
- the window: message *i* leaves only once 1 s has passed since the answer to message
  *i − rate* came back.

The platform receives message *i* after we start sending it, and received message
*i − rate* before its answer reached us, so the two arrivals are more than 1 s apart: no
one-second window of arrivals, as the platform counts them, ever holds more than `rate`
messages, however the network or a busy CPU delays or bunches them on the way. The cost is
one round trip per `rate` messages (25/s: about 24/s; 1,000/s: about 990/s on loopback).

A 429 `pause`s every send; a sender waiting for its slot books a new one after the pause.

`shared(channel, rate)` is the one pacer of a channel in this process: every broadcast run
of the process (the scheduler's, one after another, or several broadcasters) books its
slots there, so together they never pass the rate. Other processes have their own: the
notices table lets only one notice be sent at a time per database (see
`NoticeRepository.claim_due`), which keeps several servers under the rate too.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable

TOLERANCE = 0.1  # seconds of sends a late wake-up may catch up on (the window rule holds)
WINDOW = 1.0
_POLL = 0.005  # while the answer to message i − rate is still awaited (rare)


class Slot:
    """One departure; `done()` when its answer (or failure) came back."""

    __slots__ = ("done_at",)

    def __init__(self) -> None:
        self.done_at: float | None = None


_SHARED: dict[tuple[str, float], Pacer] = {}


def plan_sizes(rate: float) -> tuple[int, int]:
    """A channel's sending workers at `rate`, and the rows to claim at a time: about as many
    as the workers, so rows are claimed just in time (at 1,000/s: 22 workers, ~66 rows
    claimed and not yet sent at any moment, ~70 ms of sending)."""
    workers = max(2, min(128, int(rate * 0.02) + 2)) if rate else 32
    return workers, max(4, workers)


def shared(channel: str, rate: float) -> Pacer:
    """The process-wide pacer of `channel` at `rate` (created on first use)."""
    key = (channel, float(rate))
    pacer = _SHARED.get(key)
    if pacer is None:
        pacer = _SHARED[key] = Pacer(rate)
    return pacer


class Pacer:
    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        """`rate` messages per second (0: no limit, for test servers only)."""
        self.rate = rate
        self.interval = WINDOW / rate if rate > 0 else 0.0
        self.tolerance = TOLERANCE if rate > 0 else 0.0
        self._clock = clock
        self._tat = 0.0
        self._paused_until = 0.0
        self._log: deque[Slot] = deque(maxlen=max(1, math.floor(rate)) if rate > 0 else 1)

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._clock())

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def reserve(self) -> float:
        """Book the next evenly spaced slot; returns how long to wait for it."""
        now = self._clock()
        start = max(now, self._paused_until)
        if self.interval:
            start = max(start, self._tat - self.tolerance)
            self._tat = max(self._tat, start) + self.interval
        return start - now

    async def acquire(self) -> Slot:
        """Wait until a message may leave; send it at once, then call `done(slot)`."""
        while True:
            paused = self._paused_until
            delay = self.reserve()
            if delay > 0:
                await asyncio.sleep(delay)
            if self._paused_until != paused and self.paused_for > 0:
                continue  # a 429 came in meanwhile: book a slot after it
            while (wait := self._room()) > 0:
                await asyncio.sleep(wait)
            slot = Slot()
            if self.interval:
                self._log.append(slot)
            return slot

    def done(self, slot: Slot) -> None:
        slot.done_at = self._clock()

    def _room(self) -> float:
        """Seconds to wait before one more message may leave (0: now)."""
        paused = self.paused_for
        if not self.interval or len(self._log) < (self._log.maxlen or 0):
            return paused
        oldest = self._log[0].done_at
        if oldest is None:
            return max(paused, _POLL)
        return max(paused, oldest + WINDOW - self._clock())
