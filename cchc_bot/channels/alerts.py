"""Alerting the staff group when handling a citizen's message fails, on every channel.

One `AlertThrottle` is shared by the channels of a server: at most one alert a minute
reaches the group, the ones held back in between are counted in the next. Telegram's
error handler sends its alert straight to the group; the Zalo channels (which have no
Telegram client) queue theirs in the outbox as a `staff_notice` (`StaffAlerts`), which the
dispatcher delivers through the Telegram channel. An alert names the channel, the update
or event, the chat and the exception types — never the message text or exception messages
(a database error can quote a citizen's words).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from cchc_bot import texts
from cchc_bot.hotline import HotlineService
from cchc_bot.storage import NewOutbox, StorageError

log = logging.getLogger(__name__)

ALERT_INTERVAL = 60.0  # seconds between two alerts to the staff chat
STAFF_CHANNEL = "telegram"  # where the staff group lives


def describe(error: BaseException) -> str:
    """Exception types along the cause chain, e.g. `StorageError ← OperationalError`."""
    names: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        names.append(type(current).__name__)
        current = current.__cause__ or current.__context__
    return " ← ".join(names)


class AlertThrottle:
    def __init__(
        self, interval: float = ALERT_INTERVAL, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._last = float("-inf")
        self._suppressed = 0

    def take(self) -> int | None:
        """May an alert go out now? None: no (it is counted); else how many were held back."""
        now = self._clock()
        if now - self._last < self.interval:
            self._suppressed += 1
            return None
        held, self._last, self._suppressed = self._suppressed, now, 0
        return held


def suppressed_note(count: int) -> str:
    return texts.TG_STAFF_ALERTS_SUPPRESSED.format(count=count) if count else ""


class StaffAlerts:
    """A channel without a Telegram client alerts the staff group through the outbox."""

    def __init__(
        self,
        hotline: HotlineService,
        staff_chat: str | None,
        throttle: AlertThrottle | None = None,
        *,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.hotline = hotline
        self.staff_chat = staff_chat
        self.throttle = throttle or AlertThrottle()
        self.wake = wake

    async def failed(self, channel: str, event: str, chat_id: str, error: BaseException) -> None:
        """Handling `event` of `chat_id` failed with `error` (never raises)."""
        if not self.staff_chat:
            return
        held = self.throttle.take()
        if held is None:
            return
        name = texts.ZALO_CHANNEL_NAMES.get(channel, channel)
        text = texts.STAFF_ERROR_ALERT.format(
            channel=name, event=event, chat_id=chat_id, error=describe(error)
        )
        notice = NewOutbox(
            STAFF_CHANNEL, self.staff_chat, "staff_notice", text + suppressed_note(held)
        )
        try:
            await asyncio.to_thread(self.hotline.tickets.enqueue, notice)
        except StorageError as exc:
            log.warning("could not queue an error alert for the staff group: %s", describe(exc))
            return
        self.wake()
