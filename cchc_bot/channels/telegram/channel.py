"""The Telegram channel: python-telegram-bot's `Application` wired to the engine and hotline.

The `Application` is built with `.updater(None)` in both modes: updates come in through
`accept_webhook` (the Starlette route) or through `Poller` (getUpdates), are stored by the
`Inbox` before they are acknowledged, and reach PTB's handlers via `process_update`.
PTB's own `Updater` is not used because it confirms a polled update to Telegram before the
bot has stored it, so a crash at the wrong moment would lose the message.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from cchc_bot import texts
from cchc_bot.channels.alerts import AlertThrottle
from cchc_bot.channels.http_client import proxied
from cchc_bot.channels.inbox import Inbox, dropped
from cchc_bot.channels.limits import FloodGuard, SendLimiter
from cchc_bot.channels.telegram.citizen import CallbackCodes, CitizenHandlers
from cchc_bot.channels.telegram.errors import ErrorReporter
from cchc_bot.channels.telegram.lean_request import LeanRequest
from cchc_bot.channels.telegram.poller import Poller
from cchc_bot.channels.telegram.sender import TelegramNotifier, TelegramSender
from cchc_bot.channels.telegram.staff import StaffDesk
from cchc_bot.channels.telegram.updates import ALLOWED_UPDATES, CHANNEL, chat_of
from cchc_bot.engine import Engine
from cchc_bot.hotline import HotlineService
from cchc_bot.settings import Settings
from cchc_bot.storage import ChannelRepository, StorageError

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org/bot"
GROUP_BUDGET = (20, 60.0)  # messages per seconds in one group chat (the staff group)


@dataclass(frozen=True)
class TelegramConfig:
    token: str
    api_url: str = DEFAULT_API_URL
    webhook_url: str = ""
    webhook_secret: str = ""
    staff_chat_id: int | None = None
    staff_ids: frozenset[int] = frozenset()
    flood_limit: int = 20
    max_rate: float = 30.0
    chat_rate: float = 1.0
    typing_delay: float = 0.5  # show "typing…" only when an answer takes longer than this
    poll_timeout: int = 10
    drain_timeout: float = 25.0
    concurrency: int = 64

    def __repr__(self) -> str:  # the token and secret never appear
        return f"TelegramConfig(api_url={self.api_url!r}, webhook_url={self.webhook_url!r})"

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> TelegramConfig:
        values: dict[str, Any] = {
            "token": settings.telegram_token,
            "api_url": settings.telegram_api_url,
            "webhook_url": settings.telegram_webhook_url,
            "webhook_secret": settings.telegram_webhook_secret,
            "staff_chat_id": int(settings.staff_chat_id) if settings.staff_chat_id else None,
            "staff_ids": frozenset(settings.staff_telegram_ids),
            "flood_limit": settings.flood_limit,
            "max_rate": settings.telegram_max_rate,
            "chat_rate": settings.telegram_chat_rate,
        }
        return cls(**(values | overrides))

    @property
    def webhook_path(self) -> str:
        """The route the HTTP server serves: the path of the public webhook URL."""
        return urlsplit(self.webhook_url).path or "/"


def file_url(api_url: str) -> str:
    """`…/bot` → `…/file/bot` (where the Bot API serves files)."""
    if api_url.endswith("/bot"):
        return api_url[: -len("bot")] + "file/bot"
    return api_url


def build_application(config: TelegramConfig) -> Application:
    # Opt in to PTB's timedelta durations (RetryAfter.retry_after …): the int form is
    # deprecated and PTB warns each time it builds a RetryAfter. `retry_seconds` reads both.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    # httpcore scans its whole pool on every request: a small pool is cheaper and enough
    # (a Bot API call takes milliseconds; waiting for a free connection is rare)
    httpx_request = HTTPXRequest(
        connection_pool_size=8,
        connect_timeout=10.0,
        read_timeout=15.0,
        write_timeout=15.0,
        pool_timeout=15.0,
    )
    # Bot API calls over the lean client (uploads and downloads stay on httpx); behind a
    # proxy, httpx for everything (the lean client speaks no proxy).
    request = httpx_request if proxied(config.api_url) else LeanRequest(fallback=httpx_request)
    return (
        Application.builder()
        .token(config.token)
        .base_url(config.api_url)
        .base_file_url(file_url(config.api_url))
        .updater(None)
        .get_updates_read_timeout(10.0)  # before .request(): PTB refuses it after
        .request(request)
        .build()
    )


class TelegramChannel:
    name = CHANNEL

    def __init__(
        self,
        config: TelegramConfig,
        engine: Engine,
        hotline: HotlineService,
        repository: ChannelRepository,
        *,
        wake: Callable[[], None] = lambda: None,
        alerts: AlertThrottle | None = None,
    ) -> None:
        self.config = config
        self.alerts = alerts or AlertThrottle()  # one alert a minute, shared with Zalo
        self.repository = repository
        self.application = build_application(config)
        bot = self.application.bot
        limiter = SendLimiter(config.max_rate, config.chat_rate, group=GROUP_BUDGET)
        self.sender = TelegramSender(bot, limiter, on_gone=self._mark_gone)
        self.staff = StaffDesk(
            hotline,
            repository,
            self.sender,
            chat_id=config.staff_chat_id,
            staff_ids=config.staff_ids,
            wake=wake,
        )
        self.citizen = CitizenHandlers(
            engine,
            self.sender,
            CallbackCodes(repository),
            FloodGuard(config.flood_limit),
            staff_chat_id=config.staff_chat_id,
            staff_ids=config.staff_ids,
            on_ticket=wake,
            on_gone=self._mark_gone,
            typing_delay=config.typing_delay,
        )
        self.inbox = Inbox(
            repository, CHANNEL, self._process, chat_of, concurrency=config.concurrency
        )
        self.poller: Poller | None = None
        self._initialized = False
        self._register()

    @property
    def webhook(self) -> bool:
        return bool(self.config.webhook_url)

    def _register(self) -> None:
        app, staff, citizen = self.application, self.staff, self.citizen
        app.add_handler(CallbackQueryHandler(staff.on_callback, pattern=r"^st:"))
        app.add_handler(CommandHandler("tl", staff.on_answer_command))
        app.add_handler(CommandHandler("hangdoi", staff.on_queue_command))
        if self.config.staff_chat_id is not None:
            staff_chat = filters.Chat(self.config.staff_chat_id)
            app.add_handler(
                MessageHandler(staff_chat & filters.REPLY & filters.TEXT, staff.on_reply)
            )
            app.add_handler(MessageHandler(staff_chat, _ignore))  # staff talk among themselves
        app.add_handler(CommandHandler(["dangky", "huy"], citizen.on_subscribe))
        app.add_handler(CallbackQueryHandler(citizen.on_callback))
        app.add_handler(MessageHandler(filters.TEXT, citizen.on_message))
        app.add_handler(MessageHandler(filters.ATTACHMENT, citizen.on_other))
        app.add_handler(ChatMemberHandler(citizen.on_member, ChatMemberHandler.MY_CHAT_MEMBER))
        reporter = ErrorReporter(self.sender, self.config.staff_chat_id, throttle=self.alerts)
        app.add_error_handler(reporter)

    # -- life cycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """getMe, the command menu, webhook or polling, then the stored backlog."""
        await self.application.initialize()
        self._initialized = True
        bot = self.application.bot
        log.info(
            "Telegram bot @%s (%s mode)", bot.username, "webhook" if self.webhook else "polling"
        )
        try:
            await bot.set_my_commands([BotCommand(c, d) for c, d in texts.TG_COMMANDS])
        except Exception as exc:  # a missing menu is no reason not to serve
            log.warning("setMyCommands failed: %s", type(exc).__name__)
        if self.webhook:
            await bot.set_webhook(
                self.config.webhook_url,
                secret_token=self.config.webhook_secret,
                allowed_updates=list(ALLOWED_UPDATES),
                max_connections=40,
            )
        else:
            await bot.delete_webhook()
        await self.inbox.start()
        if not self.webhook:
            self.poller = Poller(bot, self.inbox, timeout=self.config.poll_timeout)
            self.poller.start()

    async def stop(self) -> bool:
        """Stop taking updates and finish those in hand; False if some had to be cut off."""
        if self.poller is not None:
            await self.poller.stop()
        return await self.inbox.drain(self.config.drain_timeout)

    async def close(self) -> None:
        """Close the Bot API client (after the dispatcher's last delivery)."""
        if self._initialized:
            self._initialized = False
            await self.application.shutdown()

    # -- updates ---------------------------------------------------------------------------

    async def accept_webhook(self, body: bytes) -> int:
        """Store one webhook update, then acknowledge: 200, or 503 when it is not stored.

        A body that passed the secret but is no update (not JSON, no integer `update_id`)
        is logged (its size, never its text) and dropped with 200: Telegram would retry
        the same bytes for a day, holding the chat's later updates behind them.
        """
        try:
            data = json.loads(body)
        except ValueError:
            return dropped(CHANNEL, body, "not JSON")
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return dropped(CHANNEL, body, "no integer update_id")
        try:
            await self.inbox.accept(str(data["update_id"]), body.decode("utf-8"), data)
        except StorageError as exc:
            log.error("could not store Telegram update %s: %s", data["update_id"], exc)
            return 503  # Telegram will deliver it again
        return 200

    async def _process(self, data: dict[str, Any]) -> None:
        update = Update.de_json(data, self.application.bot)
        await self.application.process_update(update)

    # -- for the dispatcher ----------------------------------------------------------------

    def notifier(self, loop: asyncio.AbstractEventLoop) -> TelegramNotifier:
        return TelegramNotifier(self.sender, loop)

    async def periodic(self) -> None:
        """Post new tickets to the staff chat (run by the dispatcher)."""
        await self.staff.post_new_tickets()

    async def _mark_gone(self, chat_id: str) -> None:
        await asyncio.to_thread(self.repository.mark_unreachable, CHANNEL, chat_id)


async def _ignore(update: Update, context: Any) -> None:
    return None
