"""How far a notice's sending has got: the live progress (the CLI's bar) and a run's result."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

FINAL = ("sent", "failed", "blocked", "skipped")


@dataclass
class Progress:
    """What a run has done so far: rows of the notice (`total`, `counts`, `done`), and this
    run's pace: messages sent per second (`rate`: a notice of two parts is two messages a
    recipient) and the time left at the rows-per-second this run achieved (`eta`)."""

    notice_id: str
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    parts_now: int = 0  # messages (parts) sent by this run
    rows_now: int = 0  # rows this run brought to a final status

    @property
    def done(self) -> int:
        return sum(self.counts.get(s, 0) for s in FINAL)

    def _per_second(self, count: int) -> float:
        elapsed = time.monotonic() - self.started
        return count / elapsed if elapsed > 0 else 0.0

    @property
    def rate(self) -> float:
        return self._per_second(self.parts_now)

    @property
    def eta(self) -> float | None:
        rows = self._per_second(self.rows_now)
        return max(0, self.total - self.done) / rows if rows > 0 else None


@dataclass(frozen=True)
class RunResult:
    notice_id: str
    finished: bool
    stopped: str | None  # None, "stop", "lease_lost", "cancelled", "channel_down", "storage"
    counts: dict[str, int]
    seconds: float
    down: dict[str, str] = field(default_factory=dict)  # channels that refused us → why
