"""How far a notice's sending has got: the live progress (the CLI's bar) and a run's result."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

FINAL = ("sent", "failed", "blocked", "skipped")


@dataclass
class Progress:
    """What a run has done so far (rows of the notice, this run's rate)."""

    notice_id: str
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    sent_now: int = 0  # parts sent by this run

    @property
    def done(self) -> int:
        return sum(self.counts.get(s, 0) for s in FINAL)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.sent_now / elapsed if elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        left = self.total - self.done
        return left / self.rate if self.rate > 0 else None


@dataclass(frozen=True)
class RunResult:
    notice_id: str
    finished: bool
    stopped: str | None  # None, "stop", "lease_lost", "cancelled", "channel_down"
    counts: dict[str, int]
    seconds: float
