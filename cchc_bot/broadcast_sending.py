"""Sending one notice to its recipients: resumable, paced, each delivery exactly once.

The caller holds the notice's lease (`NoticeRepository.claim…`) under a fresh owner id.
`Broadcaster.run` then:

1. resolves rows a crashed owner left in `sending`, from that owner's journal;
2. snapshots the recipients (pending rows; the UNIQUE key makes it idempotent);
3. per channel: claims small batches (pending → sending), asks the channel which chats a
   quota excludes, and hands the rest to workers that wait for the channel's pacer, send
   each part (journal line before the request leaves, another when it is answered) and
   classify the outcome: sent; 429 → pause the channel, same part again; gone → blocked and
   unsubscribed; rejected → failed; anything else → retried with backoff, unless the
   request had left (then it counts as sent, unconfirmed: never sent twice);
4. writes outcomes in batches, renews the lease, and marks the notice sent when no row
   is pending or sending; on stop it finishes the parts in flight, records them, gives
   the untried rows back (pending) and releases the lease so another process resumes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cchc_bot import broadcast_journal as journal
from cchc_bot.broadcast import (
    ChannelDown,
    RecipientGone,
    Rejected,
    RetryLater,
    Sender,
    Transient,
)
from cchc_bot.broadcast_pacing import Pacer
from cchc_bot.broadcast_progress import FINAL, Progress, RunResult
from cchc_bot.storage import (
    ClaimedDelivery,
    DeliveryRepository,
    DeliveryResult,
    NoticeRecord,
    NoticeRepository,
)

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_TRIES = 5  # transient failures of one part before the row fails
MAX_PAUSE = 3600.0  # a longer retry_after fails the part instead of waiting


@dataclass
class ChannelPlan:
    sender: Sender
    rate: float
    workers: int


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

    async def run(
        self,
        notice: NoticeRecord,
        owner: str,
        *,
        stop: asyncio.Event | None = None,
        progress: Callable[[Progress], None] | None = None,
    ) -> RunResult:
        return await _Run(self, notice, owner, stop or asyncio.Event(), progress).go()


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
        self.results: list[DeliveryResult] = []
        self.why: str | None = None
        self.journal = journal.Journal(b.journal_dir, owner)
        self.flushed = asyncio.Event()
        self.parts = {ch: s.parts(notice.text) for ch, s in b.senders.items()}

    async def go(self) -> RunResult:
        started = time.monotonic()
        await self._recover()
        total = await asyncio.to_thread(
            self.b.deliveries.materialize, self.notice.id, self.notice.topics
        )
        for channel in await asyncio.to_thread(self.b.deliveries.channels, self.notice.id):
            if channel not in self.b.senders:
                await asyncio.to_thread(
                    self.b.deliveries.skip_pending, self.notice.id, "no_channel", channel
                )
        await self._refresh(total)
        heartbeat = asyncio.create_task(self._heartbeat())
        flusher = asyncio.create_task(self._flusher())
        try:
            channels = await asyncio.to_thread(self.b.deliveries.channels, self.notice.id)
            await asyncio.gather(*(self._channel(ch) for ch in channels if ch in self.b.senders))
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
            self.flushed.set()  # never cancel a write in progress: let the flusher end
            await flusher
            await self._flush()
        finished = await self._finish()
        await self._refresh(total)
        return RunResult(
            self.notice.id,
            finished,
            self.why,
            dict(self.progress.counts),
            time.monotonic() - started,
        )

    @property
    def stopping(self) -> bool:
        return self.stop.is_set() or self.why is not None

    # -- one channel -----------------------------------------------------------------------

    async def _channel(self, channel: str) -> None:
        sender = self.b.senders[channel]
        rate = self.b.rates.get(channel, 0.0)
        pacer = Pacer(rate)
        workers = max(2, min(128, int(rate * 0.02) + 2)) if rate else 32
        batch = max(workers * 2, int(rate * 0.5)) if rate else 256
        queue: asyncio.Queue[ClaimedDelivery | None] = asyncio.Queue(maxsize=batch)
        tasks = [
            asyncio.create_task(self._worker(queue, sender, pacer, self.parts[channel]))
            for _ in range(workers)
        ]
        try:
            while not self.stopping:
                rows = await asyncio.to_thread(
                    self.b.deliveries.claim, self.notice.id, channel, self.owner, batch
                )
                if not rows:
                    break
                fresh = [r.chat_id for r in rows if r.parts_sent == 0]
                skip = await sender.admit(fresh, len(self.parts[channel])) if fresh else {}
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
            if self.stopping:
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
            if self.stopping:
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
                log.error("%s: %s; the broadcast stops and is retried later", sender.channel, exc)
                self.why = "channel_down"
                self._result(row, "pending", None, part, tries)
                return
            except Rejected as exc:
                self.journal.done(row.id, part, journal.REJECTED)
                self._result(row, "failed", f"rejected: {exc}"[:300], part, tries)
                return
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}"[:300]
                if wired and not isinstance(exc, Transient):
                    # the platform may have it: count it as sent, never send it again
                    self.journal.done(row.id, part, journal.UNKNOWN)
                    log.warning("chat %s: no answer after sending (%s)", row.chat_id, reason)
                    confirmed, part, last = False, part + 1, time.monotonic()
                    continue
                self.journal.done(row.id, part, journal.ERROR)
                if tries >= MAX_TRIES:
                    self._result(row, "failed", f"transient: {reason}", part, tries)
                    return
                await asyncio.sleep(min(8.0, self.b.backoff * 2 ** (tries - 1)))
                continue
            self.journal.done(row.id, part, journal.OK)
            self.progress.sent_now += 1
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
        sent_at = datetime.now(UTC) if status == "sent" else None
        self.results.append(
            DeliveryResult(
                row.id,
                status,
                error,
                parts,
                confirmed,
                max(tries, 1) - 1,
                sent_at,
                row.channel,
                row.chat_id,
            )
        )
        if status in FINAL:
            self.progress.counts[status] = self.progress.counts.get(status, 0) + 1

    # -- bookkeeping -----------------------------------------------------------------------

    async def _flush(self) -> None:
        batch, self.results = self.results, []
        if batch:
            await asyncio.to_thread(self.b.deliveries.record, batch, self.owner)

    async def _flusher(self) -> None:
        while not self.flushed.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.flushed.wait(), self.b.flush_every)
            await self._flush()
            if self.on_progress is not None:
                self.on_progress(self.progress)

    async def _heartbeat(self) -> None:
        every = max(0.05, self.b.lease.total_seconds() / 4)
        while True:
            await asyncio.sleep(every)
            ok = await asyncio.to_thread(
                self.b.notices.renew, self.notice.id, self.owner, self.b.lease
            )
            if not ok:
                current = await asyncio.to_thread(self.b.notices.get, self.notice.id)
                cancelled = current is not None and current.status == "cancelled"
                self.why = "cancelled" if cancelled else "lease_lost"
                log.warning("notice %s: stopping (%s)", self.notice.id, self.why)
                return

    async def _finish(self) -> bool:
        deliveries, notice_id = self.b.deliveries, self.notice.id
        released = await asyncio.to_thread(deliveries.release, notice_id, self.owner)
        if self.why == "cancelled":
            await asyncio.to_thread(deliveries.skip_pending, notice_id, "cancelled")
        held = await asyncio.to_thread(deliveries.held_by, self.owner)
        self.journal.close(remove=held == 0)
        counts = (await asyncio.to_thread(deliveries.counts, [notice_id]))[notice_id]
        if self.stop.is_set() and self.why is None:
            self.why = "stop"
        if counts["pending"] or counts["sending"] or self.why is not None:
            await asyncio.to_thread(self.b.notices.release, notice_id, self.owner)
            log.info("notice %s: paused (%s), %d given back", notice_id, self.why, released)
            return False
        detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.by_status.items()))
        return await asyncio.to_thread(self.b.notices.finish, notice_id, self.owner, detail)

    async def _refresh(self, total: int) -> None:
        counts = (await asyncio.to_thread(self.b.deliveries.counts, [self.notice.id]))[
            self.notice.id
        ]
        self.progress.total = total or counts.recipients
        self.progress.counts = {s: n for s, n in counts.by_status.items() if s in FINAL}
        if self.on_progress is not None:
            self.on_progress(self.progress)

    async def _recover(self) -> None:
        """Rows a crashed owner left in sending: settle them from its journal."""
        stale = await asyncio.to_thread(self.b.deliveries.stale, self.notice.id, self.owner)
        for dead, rows in stale.items():
            logged = journal.read_journal(self.b.journal_dir, dead)
            if logged is not None and journal.is_local(dead) and not journal.owner_dead(dead):
                log.warning("notice %s: owner %s is alive; its rows wait", self.notice.id, dead)
                continue
            results = [
                journal.resolve(r, logged.get(r.id), len(self.parts.get(r.channel, [""])))
                if logged is not None
                else journal.unknown(r, dead)
                for r in rows
            ]
            await asyncio.to_thread(self.b.deliveries.record, results, dead)
            summary = {s: sum(1 for r in results if r.status == s) for s in {"sent", "pending"}}
            log.info(
                "notice %s: recovered %d rows of %s %s", self.notice.id, len(rows), dead, summary
            )
            if await asyncio.to_thread(self.b.deliveries.held_by, dead) == 0:
                journal.journal_path(self.b.journal_dir, dead).unlink(missing_ok=True)
