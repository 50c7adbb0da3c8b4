"""Rate limits at the channel edge: what the bot sends, and what one citizen may send.

`SendLimiter` spaces outgoing messages per chat and overall (Telegram: about 1 message/s in
one chat with short bursts, about 30 messages/s in all, at most 20 a minute in one group).
It is a GCRA ("virtual scheduling") limiter: each send reserves the earliest slot the
budgets allow and sleeps until then, so concurrent senders are served in order without a
background task. A 429 `retry_after` pauses every send (`pause`), because Telegram then
refuses every call, not only that chat's.

`FloodGuard` counts a citizen's messages in a sliding minute: past the limit the first
message gets one polite notice and the rest are ignored until the window frees.

Both live in the process, on purpose: sharing them through the database would add a write
per message sent or received (the hot path; the load benchmark's 300 updates/s). With
several workers the budgets add up: give each worker `1/N` of the overall rates, and route
a chat to one worker (as the load benchmark's proxy does) for the per-chat, group and
flood limits to hold; a 429 then pauses the worker that got it (the others get their own).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Literal

Clock = Callable[[], float]
_PURGE_AT = 10_000  # forget idle chats once this many are tracked


class SendLimiter:
    def __init__(
        self,
        overall_rate: float = 30.0,
        chat_rate: float = 1.0,
        *,
        chat_burst: int = 3,
        group: tuple[int, float] | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        """Rates in messages per second; 0 turns that limit off (test servers only).

        `group` = (messages, seconds): a budget of its own for group chats (ids starting
        with "-", as Telegram numbers groups), on top of the per-chat rate: at most that
        many in any `seconds` (Telegram: about 20 a minute in one group, channels.md A.5),
        kept as the times of the last `messages` slots booked. Off when `chat_rate` is 0.
        """
        self._overall = 1.0 / overall_rate if overall_rate > 0 else 0.0
        self._overall_tolerance = max(0.0, overall_rate - 1) * self._overall
        self._chat = 1.0 / chat_rate if chat_rate > 0 else 0.0
        self._chat_tolerance = max(0, chat_burst - 1) * self._chat
        self._group = group if group and group[0] > 0 and self._chat else None
        self._clock = clock
        self._overall_tat = 0.0
        self._chat_tat: dict[str, float] = {}
        self._group_slots: dict[str, deque[float]] = {}
        self._paused_until = 0.0

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._clock())

    def pause(self, seconds: float) -> None:
        """Hold every send for `seconds` (Telegram answered 429 with this retry_after)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def reserve(self, chat: str | None) -> float:
        """Book the next slot for `chat` (None: overall budget only); returns the wait."""
        now = self._clock()
        start = max(now, self._paused_until)
        if self._overall:
            start = max(start, self._overall_tat - self._overall_tolerance)
            self._overall_tat = max(self._overall_tat, start) + self._overall
        if self._chat and chat is not None:
            tat = self._chat_tat.get(chat, 0.0)
            start = max(start, tat - self._chat_tolerance)
            if self._group is not None and chat.startswith("-"):
                start = self._group_slot(chat, start)
            self._chat_tat[chat] = max(tat, start) + self._chat
            if len(self._chat_tat) > _PURGE_AT:
                self._purge(now)
        return start - now

    def _group_slot(self, chat: str, start: float) -> float:
        """The first slot from `start` with fewer than N of the group's in the period before."""
        assert self._group is not None
        count, period = self._group
        slots = self._group_slots.setdefault(chat, deque(maxlen=count))
        if slots:  # a group's slots stay in order, so the oldest of the last N is the first
            start = max(start, slots[-1])
            if len(slots) == count:
                start = max(start, slots[0] + period)
        slots.append(start)
        return start

    async def acquire(self, chat: str | None) -> None:
        """Wait until a message to `chat` may go out."""
        delay = self.reserve(chat)
        while delay > 0:
            await asyncio.sleep(delay)
            delay = self.paused_for  # a 429 may have come in while we slept

    async def wait_if_paused(self) -> None:
        """For calls that are not messages (typing, callback answers): only honour a 429."""
        while (delay := self.paused_for) > 0:
            await asyncio.sleep(delay)

    def _purge(self, now: float) -> None:
        self._chat_tat = {k: t for k, t in self._chat_tat.items() if t > now}


FloodVerdict = Literal["ok", "notice", "silent"]


class FloodGuard:
    """At most `limit` messages per `window` seconds per sender; one notice when exceeded."""

    def __init__(self, limit: int, window: float = 60.0, *, clock: Clock = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._noticed: set[str] = set()

    def check(self, sender: str) -> FloodVerdict:
        """Count one message: "ok" to handle it, "notice" to warn once, "silent" to drop it."""
        now = self._clock()
        seen = self._seen.get(sender)
        if seen is None:
            if len(self._seen) > _PURGE_AT:
                self._purge(now)
            seen = self._seen[sender] = deque()
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) < self.limit:
            seen.append(now)
            self._noticed.discard(sender)
            return "ok"
        if sender in self._noticed:
            return "silent"
        self._noticed.add(sender)
        return "notice"

    def _purge(self, now: float) -> None:
        for sender in [s for s, q in self._seen.items() if not q or q[-1] <= now - self.window]:
            del self._seen[sender]
            self._noticed.discard(sender)
