"""The broadcast scheduler inside `cchc-bot run`: wake every minute, send what is due.

Each wake-up (`tick`): bring the notice files into the database (an edited approved notice
goes back to draft), mark scheduled notices older than the catch-up window as missed (and
say so in the log: the server was down too long), settle the rows a cancelled notice's
dead sender left in sending, then claim due notices one at a time and send them. A notice
left `sending` by a run that is over (its journal is here and unlocked: the process died,
or an earlier run of this one stopped on a database error) is resumed at once; one whose
run is elsewhere when its lease expires. A notice paused because a channel refuses us is
tried again at the next wake-up, after the other due notices had their turn.

Several processes may run on one PostgreSQL database: a notice is claimed with ``SELECT …
FOR UPDATE SKIP LOCKED`` and sent under a lease, deliveries are claimed the same way, so no
delivery is made twice. SQLite supports one server: `ProcessLock` refuses a second one.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from cchc_bot import cli_texts
from cchc_bot.broadcast_journal import new_owner, owner_dead
from cchc_bot.broadcast_notices import NoticeService
from cchc_bot.broadcast_progress import RunResult
from cchc_bot.broadcast_sending import LEASE, Broadcaster
from cchc_bot.knowledge import KnowledgeError
from cchc_bot.storage import NoticeConflict, NoticeRecord, StorageError

log = logging.getLogger(__name__)


class AlreadyRunning(Exception):
    """Another process holds the lock (SQLite: only one server per database)."""


class ProcessLock:
    """An exclusive `flock` on a file next to the SQLite database (freed when we die)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise AlreadyRunning(
                cli_texts.BROADCAST_LOCKED.format(path=self.path, pid=holder)
            ) from exc
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing frees the lock
            self._fd = None


@dataclass
class TickReport:
    synced: int = 0
    missed: list[str] = field(default_factory=list)
    runs: list[RunResult] = field(default_factory=list)


class Scheduler:
    def __init__(
        self,
        service: NoticeService,
        broadcaster: Broadcaster,
        *,
        interval: float = 60.0,
        catchup: timedelta = timedelta(days=3),
        lease: timedelta = LEASE,
    ) -> None:
        self.service = service
        self.broadcaster = broadcaster
        self.interval = interval
        self.catchup = catchup
        self.lease = lease
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="broadcast-scheduler")

    async def stop(self) -> None:
        """Stop claiming; a notice being sent finishes its parts in flight and is released."""
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("broadcast scheduler round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.interval)

    async def tick(self) -> TickReport:
        report = TickReport()
        try:
            report.synced = len(await asyncio.to_thread(self.service.sync))
        except KnowledgeError as exc:
            log.error("notice files have errors; sending what was approved before:\n%s", exc)
        note = cli_texts.NOTICE_MISSED_NOTE.format(days=self.catchup.days)
        missed = await asyncio.to_thread(self.service.notices.mark_missed, self.catchup, note)
        for notice in missed:
            report.missed.append(notice.id)
            log.warning(
                "notice %s was due %s, more than %s ago: skipped (missed); reschedule it with "
                "`cchc-bot notices schedule %s --at …`",
                notice.id,
                self.service.local(notice.scheduled_at),
                self.catchup,
                notice.id,
            )
        try:
            await self.broadcaster.settle_cancelled()
        except StorageError as exc:
            log.error("settling cancelled notices failed: %s", exc)
        tried: list[str] = []
        while not self._stop.is_set():
            owner = new_owner()
            notice = await self._claim(owner, tried)
            if notice is None:
                break
            tried.append(notice.id)
            log.info("sending notice %s (%s)", notice.id, owner)
            result = await self.broadcaster.run(notice, owner, stop=self._stop)
            report.runs.append(result)
            log.info(
                "notice %s: %s in %.1f s %s",
                notice.id,
                "sent" if result.finished else f"paused ({result.stopped})",
                result.seconds,
                result.counts,
            )
            if result.stopped in ("stop", "storage", "lease_lost"):
                break  # asked to stop, the database fails, or another process took over
        return report

    async def _claim(self, owner: str, tried: list[str]) -> NoticeRecord | None:
        notices, folder = self.service.notices, self.broadcaster.journal_dir
        notice = await asyncio.to_thread(
            notices.claim_due, owner, self.catchup, self.lease, exclude=tried
        )
        if notice is not None:
            return notice
        for stuck in await asyncio.to_thread(notices.sending):
            if stuck.id in tried:
                continue
            if stuck.lease_owner and owner_dead(folder, stuck.lease_owner):
                with contextlib.suppress(NoticeConflict, StorageError):
                    return await asyncio.to_thread(
                        notices.claim, stuck.id, owner, self.lease, dead=[stuck.lease_owner]
                    )
        return None
