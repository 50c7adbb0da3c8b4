"""Sending one notice to its recipients: resumable, paced, each delivery exactly once.

The caller holds the notice's lease (`NoticeRepository.claim…`) under a fresh owner id.
`Broadcaster.run` then:

1. settles rows other owners left in `sending`, from their journals (`journal.settle`);
2. snapshots the recipients (pending rows; the UNIQUE key makes it idempotent);
3. per channel: claims rows just in time (a batch about as large as the channel's worker
   count, so few rows are ever claimed and not yet sent), asks the channel which chats a
   quota excludes, and hands the rest to workers that wait for the channel's pacer (one per
   channel in the process: `broadcast_pacing.shared`), send each part (journal line before
   the request leaves, another when it is answered) and classify the outcome: sent; 429 →
   pause the channel, same part again; gone → blocked and unsubscribed; rejected → failed;
   channel down (a refused token) → only that channel stops (rows back to pending);
   anything else → retried with backoff, unless the request had left (then it counts as
   sent, unconfirmed: never sent twice);
4. writes outcomes in batches, renews the lease, and marks the notice sent when no row
   is pending or sending; on stop it finishes the parts in flight, records them, gives
   the untried rows back (pending) and releases the lease so another process resumes.

A database failure is waited out (`broadcast_ledger`: outcomes kept and written again,
calls tried again); past its patience the run stops with `storage`, and its closed (so
unlocked) journal lets the next round of any process sharing the folder settle its rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cchc_bot import broadcast_journal as journal
from cchc_bot import broadcast_ledger as ledger
from cchc_bot.broadcast import (
    ChannelDown,
    RecipientGone,
    Rejected,
    RetryLater,
    Sender,
    Transient,
)
from cchc_bot.broadcast_pacing import Pacer, plan_sizes, shared
from cchc_bot.broadcast_progress import FINAL, Progress, RunResult
from cchc_bot.storage import (
    ClaimedDelivery,
    DeliveryRepository,
    DeliveryResult,
    NoticeRecord,
    NoticeRepository,
    StorageError,
)

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_TRIES = 5  # transient failures of one part before the row fails
MAX_PAUSE = 3600.0  # a longer retry_after fails the part instead of waiting


class Broadcaster:
    def __init__(
        self,
        notices: NoticeRepository,
        deliveries: DeliveryRepository,
        senders: Mapping[str, Sender],
        *,
        journal_dir: str | Path,
        rates: Mapping[str, float],
        chat_rate: float = 1.0,
        lease: timedelta = LEASE,
        flush_every: float = 0.2,
        backoff: float = 0.25,
        patience: float = ledger.PATIENCE,
        splitters: Mapping[str, Callable[[str], list[str]]] | None = None,
    ) -> None:
        self.notices = notices
        self.deliveries = deliveries
        self.senders = dict(senders)
        self.journal_dir = Path(journal_dir)
        self.rates = dict(rates)
        self.chat_gap = 1.0 / chat_rate if chat_rate > 0 else 0.0
        self.lease = lease
        self.flush_every = flush_every
        self.backoff = backoff  # seconds before the 1st retry of a transient failure, doubling
        self.patience = patience
        # how each channel splits a notice, for channels without a sender here (settling)
        self.splitters = dict(splitters or {})

    def pacer(self, channel: str) -> Pacer:
        return shared(channel, self.rates.get(channel, 0.0))

    def part_count(self, text: str, channel: str) -> int | None:
        """How many parts the notice is on `channel` (None: no sender or splitter knows)."""
        sender = self.senders.get(channel)
        split = sender.parts if sender is not None else self.splitters.get(channel)
        return len(split(text)) if split is not None else None

    async def run(
        self,
        notice: NoticeRecord,
        owner: str,
        *,
        stop: asyncio.Event | None = None,
        progress: Callable[[Progress], None] | None = None,
    ) -> RunResult:
        return await _Run(self, notice, owner, stop or asyncio.Event(), progress).go()

    async def settle(self, notice: NoticeRecord, owner: str = "") -> int:
        """Rows other owners left in sending, settled (`broadcast_ledger.settle`)."""
        count = lambda channel: self.part_count(notice.text, channel)  # noqa: E731
        return await ledger.settle(self.deliveries, self.journal_dir, notice, count, owner)

    async def settle_cancelled(self) -> int:
        """Stale rows of cancelled notices, settled (`broadcast_ledger.settle_cancelled`)."""
        return await ledger.settle_cancelled(
            self.notices, self.deliveries, self.journal_dir, self.part_count
        )


class _Run:
    def __init__(
        self,
        b: Broadcaster,
        notice: NoticeRecord,
        owner: str,
        stop: asyncio.Event,
        progress: Callable[[Progress], None] | None,
    ) -> None:
        self.b, self.notice, self.owner, self.stop = b, notice, owner, stop
        self.on_progress = progress
        self.progress = Progress(notice.id)
        self.why: str | None = None  # why the whole run stops
        self.down: dict[str, str] = {}  # channels that refuse us → why
        self.ledger = ledger.Ledger(
            b.deliveries,
            owner,
            notice.id,
            every=b.flush_every,
            patience=b.patience,
            stopping=self.stopping,
        )
        self.journal = journal.Journal(b.journal_dir, owner)
        self.flushed = asyncio.Event()
        self.parts = {ch: s.parts(notice.text) for ch, s in b.senders.items()}

    async def go(self) -> RunResult:
        started, finished = time.monotonic(), False
        try:
            await self.b.settle(self.notice, self.owner)
            total = await asyncio.to_thread(
                self.b.deliveries.materialize, self.notice.id, self.notice.topics
            )
            for channel in await asyncio.to_thread(self.b.deliveries.channels, self.notice.id):
                if channel not in self.b.senders:
                    await asyncio.to_thread(
                        self.b.deliveries.skip_pending, self.notice.id, "no_channel", channel
                    )
            await self._refresh(total)
            await self._send()
            if self.ledger.results:  # the database refused them all along: the journal has
                self.why = "storage"
            else:
                finished = await self._finish()
                await self._refresh(total)
        except StorageError as exc:
            self.why = "storage"
            log.error("notice %s: database error, the run stops: %s", self.notice.id, exc)
        finally:
            await self._close()
        counts, seconds = dict(self.progress.counts), time.monotonic() - started
        return RunResult(self.notice.id, finished, self.why, counts, seconds, dict(self.down))

    def stopping(self, channel: str | None = None) -> bool:
        return self.stop.is_set() or self.why is not None or channel in self.down

    async def _patiently(self, what: str, call: Callable[[], Any]) -> Any:
        out = await self.ledger.patiently(what, call)
        if self.ledger.broken:
            self.why = self.why or "storage"
        return out

    async def _send(self) -> None:
        heartbeat = asyncio.create_task(self._heartbeat())
        flusher = asyncio.create_task(self._flusher())
        try:
            notice_id = self.notice.id
            channels = await self._patiently(
                "list channels", lambda: asyncio.to_thread(self.b.deliveries.channels, notice_id)
            )
            mine = [ch for ch in channels or () if ch in self.b.senders]
            await asyncio.gather(*(self._channel(ch) for ch in mine))
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
            self.flushed.set()  # never cancel a write in progress: let the flusher end
            await flusher
            await self.ledger.drain()
            if self.ledger.broken:
                self.why = self.why or "storage"

    # -- one channel -----------------------------------------------------------------------

    async def _channel(self, channel: str) -> None:
        sender, pacer = self.b.senders[channel], self.b.pacer(channel)
        workers, batch = plan_sizes(self.b.rates.get(channel, 0.0))
        queue: asyncio.Queue[ClaimedDelivery | None] = asyncio.Queue(maxsize=batch)
        tasks = [
            asyncio.create_task(self._worker(queue, sender, pacer, self.parts[channel]))
            for _ in range(workers)
        ]
        try:
            while not self.stopping(channel):
                rows = await self._patiently(
                    "claim",
                    lambda: asyncio.to_thread(
                        self.b.deliveries.claim, self.notice.id, channel, self.owner, batch
                    ),
                )
                if not rows:
                    break  # done (or the database is gone: rows claimed stay with the journal)
                fresh = [r.chat_id for r in rows if r.parts_sent == 0]
                count = len(self.parts[channel])
                skip = (
                    await self._patiently("admit", lambda c=fresh, n=count: sender.admit(c, n))
                    if fresh
                    else {}
                )
                if skip is None:
                    break  # claimed rows stay in sending: given back (release) at the end
                for row in rows:
                    if row.chat_id in skip and row.parts_sent == 0:
                        self._result(row, "skipped", skip[row.chat_id], 0)
                    else:
                        await queue.put(row)
        finally:
            for _ in tasks:
                await queue.put(None)
            await asyncio.gather(*tasks)

    async def _worker(
        self,
        queue: asyncio.Queue[ClaimedDelivery | None],
        sender: Sender,
        pacer: Pacer,
        parts: list[str],
    ) -> None:
        while (row := await queue.get()) is not None:
            if self.stopping(row.channel):
                continue  # left in sending: given back to pending after the last flush
            await self._deliver(row, sender, pacer, parts)

    async def _deliver(
        self, row: ClaimedDelivery, sender: Sender, pacer: Pacer, parts: list[str]
    ) -> None:
        part, tries, confirmed, last = row.parts_sent, 0, True, 0.0
        while part < len(parts):
            if part > row.parts_sent and self.b.chat_gap:
                await asyncio.sleep(max(0.0, last + self.b.chat_gap - time.monotonic()))
            slot = await pacer.acquire()
            if self.stopping(row.channel):
                pacer.done(slot)
                self._result(row, "pending", None, part, tries)
                return
            tries += 1
            wired = False

            def on_wire(row_id: int = row.id, index: int = part) -> None:
                nonlocal wired
                wired = True
                self.journal.wire(row_id, index)

            try:
                try:
                    await sender.send(row.chat_id, parts[part], on_wire)
                finally:
                    pacer.done(slot)
            except RetryLater as exc:
                self.journal.done(row.id, part, journal.RETRY)
                pacer.pause(exc.seconds)
                log.warning("%s asks to wait %.1f s: pausing", sender.channel, exc.seconds)
                if exc.seconds > MAX_PAUSE or tries >= MAX_TRIES * 4:
                    self._result(row, "failed", f"rate_limited: {exc}", part, tries)
                    return
                continue
            except RecipientGone as exc:
                self.journal.done(row.id, part, journal.GONE)
                self._result(row, "blocked", f"gone: {exc}"[:300], part, tries)
                return
            except ChannelDown as exc:
                self.journal.done(row.id, part, journal.ERROR)
                if row.channel not in self.down:
                    log.error("%s: %s; sending on it stops, retried later", sender.channel, exc)
                self.down.setdefault(row.channel, str(exc)[:300])
                self._result(row, "pending", None, part, tries)
                return
            except Rejected as exc:
                self.journal.done(row.id, part, journal.REJECTED)
                self._result(row, "failed", f"{exc.reason}: {exc}"[:300], part, tries)
                return
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}"[:300]
                if wired and not isinstance(exc, Transient):
                    # the platform may have it: count it as sent, never send it again
                    self.journal.done(row.id, part, journal.UNKNOWN)
                    log.warning("chat %s: no answer after sending (%s)", row.chat_id, reason)
                    confirmed, part, last = False, part + 1, time.monotonic()
                    self.progress.parts_now += 1
                    continue
                self.journal.done(row.id, part, journal.ERROR)
                if tries >= MAX_TRIES:
                    self._result(row, "failed", f"transient: {reason}", part, tries)
                    return
                await asyncio.sleep(min(8.0, self.b.backoff * 2 ** (tries - 1)))
                continue
            self.journal.done(row.id, part, journal.OK)
            self.progress.parts_now += 1
            part, last = part + 1, time.monotonic()
        error = None if confirmed else "unconfirmed: no answer after the request left"
        self._result(row, "sent", error, part, tries, confirmed)

    def _result(
        self,
        row: ClaimedDelivery,
        status: str,
        error: str | None,
        parts: int,
        tries: int = 0,
        confirmed: bool = False,
    ) -> None:
        sent_at, extra = datetime.now(UTC) if status == "sent" else None, max(tries, 1) - 1
        self.ledger.add(
            DeliveryResult(
                row.id, status, error, parts, confirmed, extra, sent_at, row.channel, row.chat_id
            )
        )
        if status in FINAL:
            self.progress.counts[status] = self.progress.counts.get(status, 0) + 1
            self.progress.rows_now += 1

    async def _flusher(self) -> None:
        while not self.flushed.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.flushed.wait(), self.ledger.wait)
            await self.ledger.flush()
            if self.on_progress is not None:
                self.on_progress(self.progress)

    async def _heartbeat(self) -> None:
        why = await ledger.keep_lease(self.b.notices, self.notice.id, self.owner, self.b.lease)
        self.why = self.why or why
        log.warning("notice %s: stopping (%s)", self.notice.id, why)

    async def _finish(self) -> bool:
        deliveries, notice_id = self.b.deliveries, self.notice.id
        released = await asyncio.to_thread(deliveries.release, notice_id, self.owner)
        if self.why == "cancelled":
            await asyncio.to_thread(deliveries.skip_pending, notice_id, "cancelled")
        held = await asyncio.to_thread(deliveries.held_by, self.owner)
        self.journal.close(remove=held == 0)
        if self.why == "cancelled":
            await self.b.settle_cancelled()  # rows a crashed sender left, if any
        counts = (await asyncio.to_thread(deliveries.counts, [notice_id]))[notice_id]
        if self.stop.is_set() and self.why is None:
            self.why = "stop"
        if self.down and self.why is None:
            self.why = "channel_down"
        if counts["pending"] or counts["sending"] or self.why is not None:
            await asyncio.to_thread(self.b.notices.release, notice_id, self.owner)
            log.info("notice %s: paused (%s), %d given back", notice_id, self.why, released)
            return False
        detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.by_status.items()))
        if await asyncio.to_thread(self.b.notices.finish, notice_id, self.owner, detail):
            return True
        current = await asyncio.to_thread(self.b.notices.get, notice_id)
        self.why = "cancelled" if current and current.status == "cancelled" else "lease_lost"
        return False

    async def _close(self) -> None:
        """After a failure: close the journal and give the lease up (`ledger.close_run`)."""
        if self.journal.open:
            await ledger.close_run(self.journal, self.b.deliveries, self.b.notices, self.notice.id)

    async def _refresh(self, total: int) -> None:
        counts = (await asyncio.to_thread(self.b.deliveries.counts, [self.notice.id])).popitem()[1]
        self.progress.total = total or counts.recipients
        self.progress.counts = {s: n for s, n in counts.by_status.items() if s in FINAL}
        if self.on_progress is not None:
            self.on_progress(self.progress)
