"""The Zalo Official Account channel: signed webhook events in, consultation messages out.

- every event's `X-ZEvent-Signature` is checked on the raw bytes before the body is parsed
  (`verify`, used by the web route: a wrong or stale one gets 403 and nothing is stored);
- the access token is refreshed, and the rotated pair kept in the database (`OaTokens`);
- each citizen message opens the free-reply window (its time and message id are stored,
  the reply count reset) and each consultation message sent counts against it; staff
  answers outside it are held (`OutboxGate`), or sent by the paid route if configured.
The webhook URL is set in Zalo for Developers (there is no setWebhook call for an OA).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import replace

from cchc_bot.channels.alerts import AlertThrottle, StaffAlerts
from cchc_bot.channels.capabilities import ZALO_OA
from cchc_bot.channels.inbox import Batcher
from cchc_bot.channels.limits import FloodGuard, SendLimiter
from cchc_bot.channels.zalo import signature
from cchc_bot.channels.zalo.channel import ZaloChannel
from cchc_bot.channels.zalo.config import ZaloOaConfig
from cchc_bot.channels.zalo.conversation import Conversation
from cchc_bot.channels.zalo.delivery import OutboxGate
from cchc_bot.channels.zalo.events import (
    OA_CHANNEL,
    ZaloEvent,
    oa_chat_of,
    oa_key,
    oa_left_chat,
    parse_oa_event,
)
from cchc_bot.channels.zalo.oa_api import OaApi
from cchc_bot.channels.zalo.oa_sender import OaSender, PaidSender
from cchc_bot.channels.zalo.oa_tokens import OaTokens
from cchc_bot.engine import Engine
from cchc_bot.hotline import HotlineService
from cchc_bot.storage import ChannelRepository, ZaloRepository

log = logging.getLogger(__name__)


def _flat(data: object) -> dict | None:
    return data if isinstance(data, dict) else None


class ZaloOaChannel(ZaloChannel):
    name = OA_CHANNEL

    def __init__(
        self,
        config: ZaloOaConfig,
        engine: Engine,
        hotline: HotlineService,
        repository: ChannelRepository,
        zalo: ZaloRepository,
        *,
        wake: Callable[[], None] = lambda: None,
        alerts: AlertThrottle | None = None,
    ) -> None:
        super().__init__(
            repository,
            unwrap=_flat,
            key_of=oa_key,
            parse=parse_oa_event,
            chat_of=oa_chat_of,
            left=oa_left_chat,
            concurrency=config.concurrency,
            drain_timeout=config.drain_timeout,
        )
        self.config = config
        self.zalo = zalo
        self.caps = replace(
            ZALO_OA, reply_window_hours=config.window_hours, window_replies=config.window_replies
        )
        self.api = OaApi(config.api_url, config.oauth_url, config.app_id, config.secret)
        self.tokens = OaTokens(
            zalo, config.app_id, config.access_token, config.refresh_token, self.api.refresh
        )
        limiter = SendLimiter(config.max_rate, config.chat_rate)
        self._touched: Batcher[tuple[str, str | None], None] = Batcher(self._touch_batch)
        self._counted: Batcher[str, None] = Batcher(self._count_batch)
        self.sender = OaSender(self.api, self.tokens, limiter, self.caps, on_sent=self._count)
        paid = None
        if config.paid_route != "off":
            paid = PaidSender(self.api, self.tokens, limiter, self.caps, kind=config.paid_route)
        self.gate = OutboxGate(
            self.sender,
            hotline,
            zalo,
            paid=paid,
            staff_chat=config.staff_chat,
            on_contact=lambda c: self.sender.remember(c.chat_id, c.last_message_id),
        )
        self.alerts = StaffAlerts(hotline, config.staff_chat, alerts, wake=wake)
        self.sender.on_refused = self.gate.on_refused
        if paid is not None:
            paid.on_refused = self.gate.on_refused
        self.conversation = Conversation(
            engine,
            self.sender,
            FloodGuard(config.flood_limit),
            on_inbound=self._on_inbound,
            after_reply=self.gate.deliver_chat,
            on_ticket=wake,
            on_error=self._alert,
        )

    mode = "webhook"

    def verify(self, headers: Mapping[str, str], body: bytes) -> bool:
        """The web route's check: a right and fresh `X-ZEvent-Signature` (before parsing)."""
        ok = signature.verify(
            headers,
            body,
            app_id=self.config.app_id,
            keys=self.config.signature_keys,
            now=time.time(),
            max_age=self.config.max_age,
        )
        if not ok:
            log.warning("Zalo OA webhook: event with a wrong, missing or stale signature refused")
        return ok

    async def start(self) -> None:
        await self.tokens.start()
        log.info("Zalo OA app %s (webhook on %s)", self.config.app_id, self.config.webhook_path)
        await self.start_inbox()

    async def close(self) -> None:
        await self.api.close()

    # -- the message window ----------------------------------------------------------------

    async def _on_inbound(self, event: ZaloEvent) -> None:
        """The citizen wrote: the free-reply window opens again (and its count resets)."""
        self.gate.answering(event.chat_id)
        self.sender.remember(event.chat_id, event.message_id)  # the replies name it
        await self._touched.submit((event.chat_id, event.message_id))

    async def _count(self, chat_id: str) -> None:
        await self._counted.submit(chat_id)

    async def _touch_batch(self, seen: list[tuple[str, str | None]]) -> None:
        await asyncio.to_thread(self.zalo.touch_inbound, self.name, seen)

    async def _count_batch(self, chats: list[str]) -> None:
        await asyncio.to_thread(self.zalo.count_replies, self.name, Counter(chats))
