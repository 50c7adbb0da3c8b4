"""Inbound updates: stored before they are acknowledged, handled once, in order per chat.

The webhook route (or the poller) calls `accept`: the update is written to the database
(deduplicated by its key, e.g. Telegram's `update_id`) and only then acknowledged; a second
delivery of the same key is dropped. Handling runs in the background, one update at a time
per chat (chat memory must not race) and up to `concurrency` chats at once. An update that
was stored but not handled when the process stopped is handled at the next `start`.

Writes are group-committed: concurrent `accept`s share one transaction, as do the
"processed" marks, so a busy webhook costs one commit per batch, not one per update.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

from cchc_bot.storage import ChannelRepository, StoredUpdate

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
Handler = Callable[[dict[str, Any]], Awaitable[None]]
ChatOf = Callable[[dict[str, Any]], str | None]


class Batcher(Generic[T, R]):
    """Group commit: items submitted while a flush runs go together into the next flush."""

    def __init__(self, flush: Callable[[list[T]], Awaitable[R]], max_batch: int = 500) -> None:
        self._flush = flush
        self._max = max_batch
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._runner: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._runner is None:
            self._runner = asyncio.create_task(self._run())
        return await future

    async def idle(self) -> None:
        """Wait until nothing is pending or being written."""
        while self._runner is not None:
            await asyncio.shield(self._runner)

    async def _run(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending[: self._max], self._pending[self._max :]
                try:
                    result = await self._flush([item for item, _ in batch])
                except Exception as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for _, future in batch:
                    if not future.done():
                        future.set_result(result)
        finally:
            self._runner = None


class Inbox:
    def __init__(
        self,
        repository: ChannelRepository,
        channel: str,
        handle: Handler,
        chat_of: ChatOf,
        *,
        concurrency: int = 64,
    ) -> None:
        self.repository = repository
        self.channel = channel
        self._handle = handle
        self._chat_of = chat_of
        self._slots = asyncio.Semaphore(concurrency)
        self._store = Batcher(self._store_batch)
        self._done = Batcher(self._mark_batch)
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}
        self._scheduled: set[str] = set()
        self._deferred: list[tuple[str, dict[str, Any]]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self.started = False
        self.closed = False

    # -- accepting -------------------------------------------------------------------------

    async def accept(self, key: str, payload: str, data: dict[str, Any]) -> bool:
        """Store one update (raises StorageError if it cannot); True when it is new."""
        fresh = await self._store.submit(StoredUpdate(key, payload))
        if key not in fresh:
            return False
        fresh.discard(key)  # the batch's set is shared: a same-batch duplicate finds it gone
        self._schedule_or_defer(key, data)
        return True

    async def accept_many(self, updates: Sequence[tuple[str, dict[str, Any]]]) -> int:
        """Store a batch (from polling) in one transaction; returns how many were new."""
        stored = [StoredUpdate(key, json.dumps(data, ensure_ascii=False)) for key, data in updates]
        new = await asyncio.to_thread(self.repository.store_updates, self.channel, stored)
        for key, data in updates:
            if key in new:
                self._schedule_or_defer(key, data)
        return len(new)

    def _schedule_or_defer(self, key: str, data: dict[str, Any]) -> None:
        if self.started and not self.closed:
            self._schedule(key, data)
        else:  # `start` (or the next process) picks it up from the database
            self._deferred.append((key, data))

    async def start(self) -> int:
        """Handle what was stored but never handled (a crash, a stop mid-work); then go live."""
        stored = await asyncio.to_thread(self.repository.unprocessed_updates, self.channel)
        self.started = True
        backlog = [(u.key, json.loads(u.payload)) for u in stored]
        for key, data in [*backlog, *self._deferred]:
            self._schedule(key, data)
        self._deferred.clear()
        if backlog:
            log.info(
                "%s: handling %d stored update(s) left from before", self.channel, len(backlog)
            )
        return len(backlog)

    # -- handling --------------------------------------------------------------------------

    def _schedule(self, key: str, data: dict[str, Any]) -> None:
        if key in self._scheduled:
            return
        self._scheduled.add(key)
        task = asyncio.create_task(self._run(key, data))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, key: str, data: dict[str, Any]) -> None:
        chat = self._chat_of(data) or f"update:{key}"
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._waiting[chat] = self._waiting.get(chat, 0) + 1
        try:
            async with lock, self._slots:
                try:
                    await self._handle(data)
                except Exception:
                    log.exception("%s update %s: unhandled error", self.channel, key)
                await self._done.submit(key)
        except Exception:
            log.exception("%s update %s: could not record it as handled", self.channel, key)
        finally:
            self._scheduled.discard(key)
            self._waiting[chat] -= 1
            if not self._waiting[chat]:
                del self._waiting[chat]
                self._locks.pop(chat, None)

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float) -> bool:
        """Stop accepting new work and wait for the updates in hand; False on timeout."""
        self.closed = True
        tasks = set(self._tasks)
        if tasks:
            log.info("%s: finishing %d update(s) in hand", self.channel, len(tasks))
            _, pending = await asyncio.wait(tasks, timeout=timeout)
            if pending:
                log.warning(
                    "%s: %d update(s) unfinished; they run again at the next start",
                    self.channel,
                    len(pending),
                )
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
                return False
        await self._done.idle()
        return True

    # -- storage ---------------------------------------------------------------------------

    async def _store_batch(self, updates: list[StoredUpdate]) -> set[str]:
        return await asyncio.to_thread(self.repository.store_updates, self.channel, updates)

    async def _mark_batch(self, keys: list[str]) -> None:
        await asyncio.to_thread(self.repository.mark_processed, self.channel, keys)
