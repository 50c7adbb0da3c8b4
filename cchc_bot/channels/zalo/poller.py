"""Zalo Bot long polling (getUpdates), for development only.

Zalo's getUpdates returns one update per call, has no offset and no acknowledgement, and
answers HTTP 408 when the long poll ends idle (normal, not an error). Delivery is at most
once: an update is Zalo's to forget as soon as it is returned, messages sent while nothing
polls are reported lost, and two pollers split the updates between them (channels.md C.6).
Production uses the webhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from cchc_bot.channels.inbox import Inbox
from cchc_bot.channels.zalo.api import ZaloApiError, ZaloBotApi, ZaloNetworkError
from cchc_bot.channels.zalo.events import bot_key, unwrap
from cchc_bot.storage import StorageError

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
WARNING = (
    "Zalo long polling is for development only: Zalo keeps no backlog and takes no "
    "acknowledgement, so messages sent while the bot is not polling (or while two bots poll) "
    "are lost. Set CCHC_ZALO_BOT_WEBHOOK_URL in production."
)


class ZaloPoller:
    def __init__(self, api: ZaloBotApi, inbox: Inbox, *, timeout: int = 30) -> None:
        self.api = api
        self.inbox = inbox
        self.timeout = timeout
        self.polls = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        log.warning(WARNING)
        self._task = asyncio.create_task(self._loop(), name="zalo-poller")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _loop(self) -> None:
        backoff = 1.0
        while True:
            try:
                updates = await self.api.get_updates(self.timeout)
                self.polls += 1
                batch = []
                for raw in updates:
                    update = unwrap(raw)
                    key = bot_key(update) if update is not None else None
                    if update is not None and key is not None:
                        batch.append((key, update))
                if batch:
                    await self.inbox.accept_many(batch)
                backoff = 1.0
            except ZaloApiError as exc:
                if exc.auth:
                    log.critical("Zalo refused the bot token (CCHC_ZALO_BOT_TOKEN): polling stops")
                    return
                log.warning("Zalo polling failed (%s); retrying in %.0f s", exc.status, backoff)
                await asyncio.sleep(backoff)
                backoff = min(MAX_BACKOFF, backoff * 2)
            except StorageError as exc:
                log.error("Zalo update received but not stored (%s): it is lost", exc)
                await asyncio.sleep(backoff)
                backoff = min(MAX_BACKOFF, backoff * 2)
            except ZaloNetworkError as exc:
                log.warning("Zalo polling failed (%s); retrying in %.0f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(MAX_BACKOFF, backoff * 2)
            except Exception:
                log.exception("Zalo polling failed; retrying in %.0f s", backoff)
                await asyncio.sleep(backoff)
                backoff = min(MAX_BACKOFF, backoff * 2)
