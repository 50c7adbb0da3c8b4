"""Getting a broadcast's outcomes into the database, whatever the database does meanwhile.

- `Ledger` keeps a run's outcomes until they are written: a batch the database refuses (a
  restart, a network cut, a lock) is kept and written again with the next one, never
  dropped; `patiently` tries any other database call again the same way. After `patience`
  seconds (less once the run is asked to stop) it gives up: the run stops, and its journal
  (which has every part that left) lets the next run settle its rows.
- `keep_lease` renews a run's lease on its notice until it is lost, cancelled, or cannot
  be renewed in time (then the lease may have run out: the run stops before another
  process could take the notice over and send beside it);
- `settle` gives rows other runs left in `sending` their outcome (`journal.settle`): for a
  notice being resumed, and `settle_cancelled` for cancelled notices whose sender died, so
  a cancelled notice never keeps rows "still waiting" forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from cchc_bot import broadcast_journal as journal
from cchc_bot.storage import (
    DeliveryRepository,
    DeliveryResult,
    NoticeRecord,
    NoticeRepository,
    StorageError,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
PATIENCE = 120.0  # seconds a failing database is waited for before the run stops
STOPPING_PATIENCE = 10.0  # … once asked to stop (the journal covers the rest)
MAX_WAIT = 5.0  # longest pause between two tries


class Ledger:
    """A run's outcomes not in the database yet, and its patient database calls."""

    def __init__(
        self,
        deliveries: DeliveryRepository,
        owner: str,
        notice_id: str,
        *,
        every: float,
        patience: float,
        stopping: Callable[[], bool],
    ) -> None:
        self.deliveries = deliveries
        self.owner = owner
        self.notice_id = notice_id
        self.every = every
        self._patience = patience
        self.stopping = stopping
        self.results: list[DeliveryResult] = []
        self.failing = 0  # writes failed in a row
        self.broken = False  # gave up: the database failed for longer than the patience

    @property
    def patience(self) -> float:
        return min(self._patience, STOPPING_PATIENCE) if self.stopping() else self._patience

    @property
    def wait(self) -> float:
        """Seconds until the next write: `every`, doubling while writes fail."""
        return min(MAX_WAIT, self.every * 2**self.failing)

    def add(self, result: DeliveryResult) -> None:
        self.results.append(result)

    async def flush(self) -> bool:
        """Write the outcomes so far; if the database refuses, keep them for the next try."""
        batch, self.results = self.results, []
        if not batch:
            return True
        try:
            await asyncio.to_thread(self.deliveries.record, batch, self.owner)
        except Exception as exc:  # kept, never dropped: written at the next try
            self.results = batch + self.results
            self.failing += 1
            log.warning(
                "notice %s: %d outcomes not written yet (%s: %s)",
                self.notice_id,
                len(batch),
                type(exc).__name__,
                exc,
            )
            return False
        self.failing = 0
        return True

    async def drain(self) -> bool:
        """The last outcomes: written (True), or kept after `patience` (the journal has them)."""
        since = time.monotonic()
        while not await self.flush():
            if time.monotonic() - since > self.patience:
                self.broken = True
                log.error(
                    "notice %s: %d outcomes could not be written; the journal keeps them",
                    self.notice_id,
                    len(self.results),
                )
                return False
            await asyncio.sleep(self.wait)
        return True

    async def patiently(self, what: str, call: Callable[[], Awaitable[T]]) -> T | None:
        """`call()`, tried again while the database fails; None once the run stops or the
        database failed for longer than `patience` (then `broken`)."""
        since, tries = time.monotonic(), 0
        while True:
            try:
                return await call()
            except StorageError as exc:
                tries += 1
                waited = time.monotonic() - since
                if self.stopping() or waited > self.patience:
                    self.broken = self.broken or waited > self.patience
                    log.error(
                        "notice %s: %s failed (%.0f s): %s", self.notice_id, what, waited, exc
                    )
                    return None
                log.warning("notice %s: %s failed (%s), trying again", self.notice_id, what, exc)
                await asyncio.sleep(min(MAX_WAIT, self.every * 2**tries))


async def keep_lease(
    notices: NoticeRepository, notice_id: str, owner: str, lease: timedelta
) -> str:
    """Renew the lease every quarter of it; returns why it stopped: `cancelled`,
    `lease_lost` (another owner has it) or `storage` (not renewed for a whole lease)."""
    every = max(0.05, lease.total_seconds() / 4)
    renewed = time.monotonic()
    while True:
        await asyncio.sleep(every)
        try:
            if await asyncio.to_thread(notices.renew, notice_id, owner, lease):
                renewed = time.monotonic()
                continue
            current = await asyncio.to_thread(notices.get, notice_id)
        except Exception as exc:
            log.warning("notice %s: lease not renewed (%s)", notice_id, exc)
            if time.monotonic() - renewed > lease.total_seconds():
                return "storage"
            continue
        return (
            "cancelled" if current is not None and current.status == "cancelled" else "lease_lost"
        )


async def settle(
    deliveries: DeliveryRepository,
    folder: Path,
    notice: NoticeRecord,
    part_count: Callable[[str], int | None],
    owner: str = "",
) -> int:
    """Rows owners other than `owner` left in sending: outcomes from their journals (or
    `unknown` once their lease is over), written in the database; returns how many.

    `owner` is the run that holds the notice now (so every other lease is over); empty for
    a cancelled notice, where the notice's lease says whether its last sender may still run.
    """
    stale = await asyncio.to_thread(deliveries.stale, notice.id, owner)
    if not stale:
        return 0
    now = datetime.now(UTC)
    live = notice.lease_until is not None and notice.lease_until > now

    def elsewhere_over(dead: str) -> bool:
        return owner != "" or notice.lease_owner != dead or not live

    settled = journal.settle(folder, stale, part_count, elsewhere_over=elsewhere_over)
    for dead, results in settled.items():
        await asyncio.to_thread(deliveries.record, results, dead)
        summary = {s: sum(1 for r in results if r.status == s) for s in ("sent", "pending")}
        log.info("notice %s: recovered %d rows of %s %s", notice.id, len(results), dead, summary)
        if await asyncio.to_thread(deliveries.held_by, dead) == 0:
            journal.forget(folder, dead)
    return sum(len(r) for r in settled.values())


async def settle_cancelled(
    notices: NoticeRepository,
    deliveries: DeliveryRepository,
    folder: Path,
    part_count: Callable[[str, str], int | None],
) -> int:
    """Cancelled notices whose sender stopped or died with rows in sending: those rows
    settled (from the journal when it is here), what stays unsent skipped as cancelled."""
    total = 0
    for notice_id in await asyncio.to_thread(deliveries.cancelled_with_stale):
        notice = await asyncio.to_thread(notices.get, notice_id)
        if notice is None:
            continue
        text = notice.text
        total += await settle(deliveries, folder, notice, lambda ch, t=text: part_count(t, ch))
        await asyncio.to_thread(deliveries.skip_pending, notice_id, "cancelled")
    return total


async def close_run(
    run_journal: journal.Journal,
    deliveries: DeliveryRepository,
    notices: NoticeRepository,
    notice_id: str,
) -> None:
    """A run that failed: close its journal (its lock freed, the rows it covers can be
    settled at once) and give the lease up when no row is left with it."""
    owner, held = run_journal.owner, None
    with contextlib.suppress(Exception):
        held = await asyncio.to_thread(deliveries.held_by, owner)
    run_journal.close(remove=held == 0)  # unknown (None): kept, the rows settle from it
    if held == 0:
        with contextlib.suppress(Exception):
            await asyncio.to_thread(notices.release, notice_id, owner)
