"""The Zalo Bot Platform channel: webhook (production) or long polling (development).

Start-up: getMe (checks the token; the bot's names are how group members @mention it),
then setWebhook with the secret, or — for polling — removing a webhook left over, since
Zalo refuses getUpdates while one is set. The webhook route itself lives in `web/` and
refuses a missing or wrong `X-Bot-Api-Secret-Token` with 403 before reading the body.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from cchc_bot.channels.alerts import AlertThrottle, StaffAlerts
from cchc_bot.channels.capabilities import ZALO_BOT
from cchc_bot.channels.limits import FloodGuard, SendLimiter
from cchc_bot.channels.zalo.api import ZaloBotApi
from cchc_bot.channels.zalo.bot_sender import BotSender
from cchc_bot.channels.zalo.channel import ZaloChannel
from cchc_bot.channels.zalo.config import ZaloBotConfig
from cchc_bot.channels.zalo.conversation import Conversation
from cchc_bot.channels.zalo.delivery import OutboxGate
from cchc_bot.channels.zalo.events import (
    BOT_CHANNEL,
    ZaloEvent,
    bot_chat_of,
    bot_key,
    parse_bot_update,
    unwrap,
)
from cchc_bot.channels.zalo.poller import ZaloPoller
from cchc_bot.engine import Engine
from cchc_bot.hotline import HotlineService
from cchc_bot.storage import ChannelRepository, ZaloRepository

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"


class ZaloBotChannel(ZaloChannel):
    name = BOT_CHANNEL

    def __init__(
        self,
        config: ZaloBotConfig,
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
            unwrap=unwrap,
            key_of=bot_key,
            parse=parse_bot_update,
            chat_of=bot_chat_of,
            concurrency=config.concurrency,
            drain_timeout=config.drain_timeout,
        )
        self.config = config
        self.zalo = zalo
        self.api = ZaloBotApi(config.token, config.api_url)
        limiter = SendLimiter(config.max_rate, config.chat_rate)
        self.sender = BotSender(self.api, limiter, caps=ZALO_BOT)
        self.gate = OutboxGate(self.sender, hotline, zalo, staff_chat=config.staff_chat)
        self.alerts = StaffAlerts(hotline, config.staff_chat, alerts, wake=wake)
        self.sender.on_refused = self.gate.on_refused
        self.names: tuple[str, ...] = ()
        self.conversation = Conversation(
            engine,
            self.sender,
            FloodGuard(config.flood_limit),
            names=lambda: self.names,
            on_inbound=self._on_inbound,
            after_reply=self.gate.deliver_chat,
            on_ticket=wake,
            on_error=self._alert,
            typing_delay=config.typing_delay,
        )
        self.poller: ZaloPoller | None = None

    @property
    def webhook(self) -> bool:
        return bool(self.config.webhook_url)

    async def start(self) -> None:
        me = await self.api.get_me()
        self.names = tuple(
            str(me[k]) for k in ("account_name", "display_name", "name") if me.get(k)
        )
        log.info("Zalo bot %s (%s mode)", me.get("account_name") or me.get("id"), self.mode)
        if self.webhook:
            await self.api.set_webhook(self.config.webhook_url, self.config.webhook_secret)
        elif await self.api.get_webhook_info() is not None:
            await self.api.delete_webhook()  # Zalo refuses getUpdates while a webhook is set
        await self.start_inbox()
        if not self.webhook:
            self.poller = ZaloPoller(self.api, self.inbox, timeout=self.config.poll_timeout)
            self.poller.start()

    @property
    def mode(self) -> str:
        return "webhook" if self.webhook else "polling"

    async def stop(self) -> bool:
        if self.poller is not None:
            await self.poller.stop()
        return await super().stop()

    async def close(self) -> None:
        await self.api.close()

    async def _on_inbound(self, event: ZaloEvent) -> None:
        """The citizen wrote: a chat Zalo had refused is open again (for held messages, see
        `OutboxGate.deliver_chat`; nothing is written here, the common case stays cheap)."""
        self.gate.answering(event.chat_id)
