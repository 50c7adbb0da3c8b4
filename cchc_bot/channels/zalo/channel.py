"""What the two Zalo channels share: store-then-acknowledge webhooks, the inbox, the outbox.

A webhook body is decoded, reduced to the event, deduplicated by its key (event name +
message id: Zalo has no update id) and stored by the `Inbox` before the 200 goes back;
handling runs in the background, in order within a chat. A retried delivery is stored once
and answered once; one stored but not answered when the process stopped is answered at the
next start. A body that is no event at all gets 200 and is dropped (logged). Events that
are not a citizen's message are acknowledged and dropped, except a follower leaving (OA
`unfollow`), which ends their broadcast subscription at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from cchc_bot.channels.alerts import StaffAlerts
from cchc_bot.channels.inbox import Inbox, dropped
from cchc_bot.channels.zalo.conversation import Conversation
from cchc_bot.channels.zalo.delivery import OutboxGate
from cchc_bot.channels.zalo.events import ZaloEvent
from cchc_bot.storage import ChannelRepository, StorageError

log = logging.getLogger(__name__)

Unwrap = Callable[[Any], dict[str, Any] | None]
KeyOf = Callable[[dict[str, Any]], str | None]
Parse = Callable[[dict[str, Any]], ZaloEvent | None]
ChatOf = Callable[[dict[str, Any]], str | None]


class ZaloChannel:
    """Base of `ZaloBotChannel` and `ZaloOaChannel` (set `conversation` and `gate`)."""

    name: str
    conversation: Conversation
    gate: OutboxGate
    alerts: StaffAlerts

    def __init__(
        self,
        repository: ChannelRepository,
        *,
        unwrap: Unwrap,
        key_of: KeyOf,
        parse: Parse,
        chat_of: ChatOf,
        left: ChatOf = lambda _update: None,
        concurrency: int = 64,
        drain_timeout: float = 25.0,
    ) -> None:
        self.repository = repository
        self._unwrap = unwrap
        self._key_of = key_of
        self._parse = parse
        self._left = left
        self.drain_timeout = drain_timeout
        self.inbox = Inbox(repository, self.name, self._process, chat_of, concurrency=concurrency)

    async def accept_webhook(self, body: bytes) -> int:
        """Store one event, then acknowledge: 200, or 503 when it could not be stored.

        A body that is no event (not JSON, no message) is logged and dropped with 200
        (`inbox.dropped`): a retry would repeat the same bytes.
        """
        try:
            data = json.loads(body)
        except ValueError:
            return dropped(self.name, body, "not JSON")
        update = self._unwrap(data)
        if update is None:
            return dropped(self.name, body, "no event")
        key = self._key_of(update)
        if key is None:  # not a citizen's message (a receipt, a follow …)
            return await self._on_other(update)
        payload = body.decode("utf-8") if update is data else json.dumps(update)
        try:
            await self.inbox.accept(key, payload, update)
        except StorageError as exc:
            log.error("could not store %s event %s: %s", self.name, key, type(exc).__name__)
            return 503  # Zalo may deliver it again
        return 200

    async def _on_other(self, update: dict[str, Any]) -> int:
        """A follower who left is marked unreachable (subscription ended); the rest is dropped."""
        chat = self._left(update)
        if chat is None:
            return 200
        try:
            await asyncio.to_thread(self.repository.mark_unreachable, self.name, chat)
        except StorageError as exc:
            log.error("could not record that a %s follower left: %s", self.name, type(exc).__name__)
            return 503  # Zalo may deliver it again
        log.info("%s: a follower left; their subscription ended", self.name)
        return 200

    async def _alert(self, event: ZaloEvent, error: BaseException) -> None:
        """Handling a citizen's event failed: tell the staff group (throttled)."""
        await self.alerts.failed(self.name, event.dedup_key, event.chat_id, error)

    async def _process(self, data: dict[str, Any]) -> None:
        event = self._parse(data)
        if event is not None:
            await self.conversation.handle(event)

    async def start_inbox(self) -> None:
        """Go live: bind the outbox to this loop, then handle what was stored before."""
        self.gate.attach(asyncio.get_running_loop())
        await self.inbox.start()

    async def periodic(self) -> None:
        """The dispatcher's job: deliver (or hold) the hotline outbox of this channel."""
        await self.gate.run()

    async def stop(self) -> bool:
        """Stop taking events and finish those in hand; False if some had to be cut off."""
        return await self.inbox.drain(self.drain_timeout)
