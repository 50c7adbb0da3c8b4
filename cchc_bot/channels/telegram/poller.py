"""Long polling (getUpdates): store each batch, then move the offset past it.

An update is confirmed to Telegram (by the next call's `offset`) only after the `Inbox` has
stored it, so stopping or crashing at any moment loses nothing; a batch fetched twice is
deduplicated by `update_id`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot
from telegram.error import Conflict, InvalidToken, NetworkError

from cchc_bot.channels.inbox import Inbox
from cchc_bot.channels.telegram.updates import ALLOWED_UPDATES
from cchc_bot.storage import StorageError

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0


class Poller:
    def __init__(self, bot: Bot, inbox: Inbox, *, timeout: int = 10) -> None:
        self.bot = bot
        self.inbox = inbox
        self.timeout = timeout
        self.offset: int | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="telegram-poller")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        if self.offset is not None:  # confirm what we stored, as PTB's Updater does
            with contextlib.suppress(Exception):
                await self.bot.get_updates(offset=self.offset, timeout=0, limit=1)

    async def _loop(self) -> None:
        backoff = 1.0
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=self.offset,
                    timeout=self.timeout,
                    allowed_updates=list(ALLOWED_UPDATES),
                )
                if updates:
                    await self.inbox.accept_many([(str(u.update_id), u.to_dict()) for u in updates])
                    self.offset = max(u.update_id for u in updates) + 1
                backoff = 1.0
            except InvalidToken:
                log.critical("Telegram refused the token (CCHC_TELEGRAM_TOKEN): polling stops")
                return
            except (Conflict, NetworkError, StorageError) as exc:
                log.warning("polling failed (%s); retrying in %.0f s", type(exc).__name__, backoff)
                await asyncio.sleep(backoff)
                backoff = min(MAX_BACKOFF, backoff * 2)
            except Exception:
                log.exception("polling failed; retrying in %.0f s", backoff)
                await asyncio.sleep(backoff)
                backoff = min(MAX_BACKOFF, backoff * 2)
