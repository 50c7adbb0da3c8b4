"""The server's background round: staff-chat posts, the hotline outbox, housekeeping.

Every `interval` seconds — or at once when woken (a ticket was filed, staff answered) — it
runs each channel's periodic job (posting new tickets to the staff group), then delivers the
pending hotline messages (answers, rejections, surveys) through the channels' notifiers
(a message that will never go out is posted to the staff group, `staff_chat`), and about
hourly forgets processed inbound updates older than two days (dedup needs 24 h).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from cchc_bot.hotline import HotlineService, Notifier
from cchc_bot.storage import ChannelRepository

log = logging.getLogger(__name__)

KEEP_UPDATES = timedelta(days=2)
PRUNE_EVERY = 3600.0
Job = Callable[[], Awaitable[object]]


class Dispatcher:
    def __init__(
        self,
        hotline: HotlineService,
        repository: ChannelRepository | None = None,
        *,
        interval: float = 3.0,
        staff_chat: str | None = None,
    ) -> None:
        self.hotline = hotline
        self.staff_chat = staff_chat
        self.repository = repository
        self.interval = interval
        self.notifiers: dict[str, Notifier] = {}
        self.jobs: list[Job] = []
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._last_prune = float("-inf")
        self.rounds = 0  # rounds run so far (tests and health wait on it)

    def add(self, notifier: Notifier | None = None, job: Job | None = None) -> None:
        if notifier is not None:
            self.notifiers[notifier.channel] = notifier
        if job is not None:
            self.jobs.append(job)

    def wake(self) -> None:
        """Run the next round now (safe to call from the event loop thread only)."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="dispatcher")

    async def stop(self, timeout: float = 30.0) -> None:
        """Let the current round finish (deliveries are not cut in half), then stop."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def run_once(self) -> None:
        self.rounds += 1
        for job in self.jobs:
            try:
                await job()
            except Exception:
                log.exception("periodic channel job failed")
        if self.notifiers:
            try:
                report = await asyncio.to_thread(self.hotline.deliver_pending, self.notifiers)
            except Exception:
                log.exception("outbox delivery failed")
            else:
                if report.finals:
                    await asyncio.to_thread(
                        self.hotline.outbox.staff_notices, report.finals, self.staff_chat
                    )
                if report.sent or report.failed or report.gone:
                    log.info(
                        "outbox: %d sent, %d failed, %d unreachable",
                        report.sent,
                        report.failed,
                        report.gone,
                    )
        await self._prune()

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            await self.run_once()
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)

    async def _prune(self) -> None:
        if self.repository is None or time.monotonic() - self._last_prune < PRUNE_EVERY:
            return
        self._last_prune = time.monotonic()
        cutoff = datetime.now(UTC) - KEEP_UPDATES
        try:
            count = await asyncio.to_thread(self.repository.prune_updates, cutoff)
        except Exception:
            log.exception("pruning inbound updates failed")
            return
        if count:
            log.info("forgot %d processed inbound update(s) older than two days", count)
