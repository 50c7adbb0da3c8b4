"""Inbound updates: stored before they are acknowledged, handled once, in order per chat.

The webhook route (or the poller) calls `accept`: the update is written to the database
(deduplicated by its key, e.g. Telegram's `update_id`) and only then acknowledged; a second
delivery of the same key is dropped. Handling runs in the background, one update at a time
per chat (chat memory must not race) and up to `concurrency` chats at once. An update that
was stored but not handled when the process stopped is handled at the next `start`.

Writes are group-committed: concurrent `accept`s share one transaction, as do the
"processed" marks, so a busy webhook costs one commit per batch, not one per update.

Several servers on one database: each claims the updates it stores (`claims`), so one that
starts while another works leaves that one's updates alone, and one that died has its
updates taken over by the others.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

from cchc_bot.channels import claims
from cchc_bot.channels.claims import dead_here
from cchc_bot.storage import ChannelRepository, StoredUpdate

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
Handler = Callable[[dict[str, Any]], Awaitable[None]]
ChatOf = Callable[[dict[str, Any]], str | None]
ACCEPTED = 200


def dropped(channel: str, body: bytes, why: str) -> int:
    """A webhook body that passed the secret but cannot be used: logged (its size and why,
    never its text) and acknowledged with 200, because the platform would only deliver the
    same bytes again (Telegram for up to a day, holding the chat's later updates behind it)
    and may disable a webhook that keeps failing."""
    log.warning("%s webhook: unusable body dropped (%d bytes, %s)", channel, len(body), why)
    return ACCEPTED


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
        owner: str | None = None,
        renew_every: float = claims.RENEW_EVERY,
        stale_after: float = claims.STALE_AFTER,
    ) -> None:
        self.repository = repository
        self.owner = owner or claims.new_owner()
        self._renew_every = renew_every
        self._stale_after = stale_after
        self._keeper: asyncio.Task[None] | None = None
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
        owner = None if self.closed else self.owner
        new = await asyncio.to_thread(self.repository.store_updates, self.channel, stored, owner)
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
        """Handle what was stored but is in nobody's hands (a crash, a stop mid-work; not
        what another running server is handling: `claims`); then go live."""
        stored = await asyncio.to_thread(self._take_over)
        self.started = True
        backlog = [(u.key, json.loads(u.payload)) for u in stored]
        for key, data in [*backlog, *self._deferred]:
            self._schedule(key, data)
        self._deferred.clear()
        if backlog:
            log.info(
                "%s: handling %d stored update(s) left from before", self.channel, len(backlog)
            )
        self._keeper = asyncio.create_task(self._keep_claims())
        return len(backlog)

    def _take_over(self) -> list[StoredUpdate]:
        repository, channel = self.repository, self.channel
        dead = {o for o in repository.live_claimants(channel, self._stale_after) if dead_here(o)}
        return repository.take_over(channel, self.owner, self._stale_after, dead)

    async def _keep_claims(self) -> None:
        """Renew this server's claims; take over what a dead server left (and handle it)."""
        while not self.closed:
            await asyncio.sleep(self._renew_every)
            try:
                await asyncio.to_thread(self.repository.renew_claims, self.channel, self.owner)
                orphans = await asyncio.to_thread(self._take_over)
            except Exception as exc:  # the database may be down for a while: try again later
                log.warning("%s: could not renew update claims: %s", self.channel, exc)
                continue
            if orphans and not self.closed:
                log.info("%s: taking over %d update(s) of a stopped server", self.channel,
                         len(orphans))  # fmt: skip
                for update in orphans:
                    self._schedule(update.key, json.loads(update.payload))

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
        """Stop accepting new work and wait for the updates in hand; False on timeout.
        What is left unhandled is released for the next server to start."""
        self.closed = True
        if self._keeper is not None:
            self._keeper.cancel()
            await asyncio.gather(self._keeper, return_exceptions=True)
        clean = await self._finish(timeout)
        try:
            await asyncio.to_thread(self.repository.release_claims, self.channel, self.owner)
        except Exception as exc:
            log.warning("%s: could not release update claims: %s", self.channel, exc)
        return clean

    async def _finish(self, timeout: float) -> bool:
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
        owner = None if self.closed else self.owner  # after `drain`: for the next server
        return await asyncio.to_thread(self.repository.store_updates, self.channel, updates, owner)

    async def _mark_batch(self, keys: list[str]) -> None:
        await asyncio.to_thread(self.repository.mark_processed, self.channel, keys)
