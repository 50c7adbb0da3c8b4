"""Quotas a broadcast must respect (Zalo), applied before anything is sent.

- the plan's monthly message quota (Zalo Bot Basic: 3,000 messages a month, counted in both
  directions): a notice of `parts` messages goes to followers while the quota left covers
  them; the rest are skipped with reason ``quota_plan``;
- a follower's window (Zalo OA: free messages only within 48 h of the follower's last
  message, at most 8 of them): outside it, or when the notice would pass the count, that
  follower is skipped with reason ``quota_follower``.

Skipped, not sent and rejected: the platform never sees the message, the report counts it.
`QuotaGuard` wraps a channel's `Sender` with these rules; `decide` is the pure rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cchc_bot.broadcast import Sender

QUOTA_PLAN = "quota_plan"
QUOTA_FOLLOWER = "quota_follower"
RESERVATION = timedelta(minutes=10)  # by then a send is recorded (and counted by `used`)


@dataclass(frozen=True)
class Window:
    """A follower's messaging window: their last message and what we sent since."""

    last_inbound_at: datetime | None
    sent_since: int = 0


@dataclass(frozen=True)
class Quota:
    plan_left: int | None = None  # messages left in the plan this month (None: no quota)
    window_hours: float | None = None  # free messages only this long after theirs
    window_messages: int | None = None  # and at most this many


def decide(
    chat_ids: Sequence[str],
    parts: int,
    quota: Quota,
    windows: Mapping[str, Window],
    now: datetime,
) -> dict[str, str]:
    """The chats to skip and why; the others fit (in order, while the plan lasts)."""
    skip: dict[str, str] = {}
    left = quota.plan_left
    for chat in chat_ids:
        if quota.window_hours is not None:
            window = windows.get(chat, Window(None))
            limit = timedelta(hours=quota.window_hours)
            outside = window.last_inbound_at is None or now - window.last_inbound_at > limit
            over = (
                quota.window_messages is not None
                and window.sent_since + parts > quota.window_messages
            )
            if outside or over:
                skip[chat] = f"{QUOTA_FOLLOWER}: " + ("outside the window" if outside else "full")
                continue
        if left is not None:
            if left < parts:
                skip[chat] = f"{QUOTA_PLAN}: {left} message(s) left this month"
                continue
            left -= parts
    return skip


class QuotaGuard:
    """A `Sender` that skips what a quota would refuse, then sends through `inner`."""

    def __init__(
        self,
        inner: Sender,
        *,
        monthly_quota: int | None = None,
        used: Callable[[], int] = lambda: 0,
        window_hours: float | None = None,
        window_messages: int | None = None,
        windows: Callable[[Sequence[str]], Mapping[str, Window]] = lambda chats: {},
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.inner = inner
        self.channel = inner.channel
        self.monthly_quota = monthly_quota
        self.used = used
        self.window_hours = window_hours
        self.window_messages = window_messages
        self.windows = windows
        self.clock = clock
        # admitted lately, maybe not counted by `used` yet (counted twice at worst: safe)
        self._reserved: list[tuple[datetime, int]] = []

    def parts(self, text: str) -> list[str]:
        return self.inner.parts(text)

    async def send(self, chat_id: str, text: str, on_wire: Callable[[], None]) -> None:
        await self.inner.send(chat_id, text, on_wire)

    async def admit(self, chat_ids: Sequence[str], parts: int) -> Mapping[str, str]:
        now = self.clock()
        self._reserved = [(t, n) for t, n in self._reserved if now - t < RESERVATION]
        plan_left = None
        if self.monthly_quota is not None:
            reserved = sum(n for _, n in self._reserved)
            plan_left = max(0, self.monthly_quota - self.used() - reserved)
        quota = Quota(plan_left, self.window_hours, self.window_messages)
        windows = self.windows(chat_ids) if self.window_hours is not None else {}
        skip = dict(await self.inner.admit(chat_ids, parts))
        rest = [c for c in chat_ids if c not in skip]
        skip |= decide(rest, parts, quota, windows, now)
        self._reserved.append((now, parts * sum(1 for c in rest if c not in skip)))
        return skip

    async def close(self) -> None:
        await self.inner.close()
