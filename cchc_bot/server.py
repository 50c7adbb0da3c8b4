"""`cchc-bot run`: the channels, the HTTP server and the dispatcher in one asyncio loop.

Start-up: database and knowledge (`build_app`), the HTTP server (webhook routes and
`/healthz`), each enabled channel (Telegram: getMe, command menu, setWebhook or polling,
then the updates stored but not handled before; Zalo Bot: getMe, setWebhook or polling;
Zalo OA: its stored tokens), the dispatcher (staff-chat posts and the hotline outbox) and
the broadcast scheduler (monthly notices to subscribers, `server_broadcast`).
SIGTERM or SIGINT stops taking updates, finishes those in hand, lets the dispatcher end its
round, closes the API clients and the database, and exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cchc_bot import texts
from cchc_bot.app import App, build_app
from cchc_bot.channels.alerts import AlertThrottle
from cchc_bot.channels.dispatch import Dispatcher
from cchc_bot.channels.telegram import TelegramChannel, TelegramConfig
from cchc_bot.channels.zalo import (
    SECRET_HEADER,
    ZaloBotChannel,
    ZaloBotConfig,
    ZaloOaChannel,
    ZaloOaConfig,
)
from cchc_bot.server_broadcast import BroadcastRuntime
from cchc_bot.settings import Settings
from cchc_bot.storage import ChannelRepository, ZaloRepository
from cchc_bot.web import Health, HttpServer, Webhook, create_app, loop_factory

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_NO_CHANNEL = 2


class RedactSecrets(logging.Filter):
    """Replaces secrets (bot token, webhook secret) in every log record a handler emits."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(s in message for s in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, None
        return True


def protect_logs(settings: Settings) -> None:
    """httpx logs every request URL (the token is in it) at INFO: keep it quiet, and redact."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    redact = RedactSecrets(
        [
            settings.telegram_token,
            settings.telegram_webhook_secret,
            settings.zalo_bot_token,
            settings.zalo_bot_webhook_secret,
            settings.zalo_oa_secret,
            settings.zalo_oa_webhook_secret,
            settings.zalo_oa_access_token,
            settings.zalo_oa_refresh_token,
        ]
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)


def channels_configured(settings: Settings) -> bool:
    return bool(settings.telegram_token or settings.zalo_bot_token or settings.zalo_oa_app_id)


class Server:
    def __init__(
        self,
        settings: Settings,
        app: App,
        *,
        dispatch_interval: float = 3.0,
        telegram_options: dict[str, Any] | None = None,
        zalo_options: dict[str, Any] | None = None,
        zalo_oa_options: dict[str, Any] | None = None,
    ) -> None:
        self.settings = settings
        self.app = app
        self.repository = ChannelRepository(app.database)
        staff = settings.staff_chat_id if settings.telegram_token else None
        self.dispatcher = Dispatcher(
            app.hotline, self.repository, interval=dispatch_interval, staff_chat=staff or None
        )
        self.dispatcher.add(job=app.watch_knowledge)  # reload on knowledge edits (app.py)
        self.telegram: TelegramChannel | None = None
        alerts = AlertThrottle()  # at most one error alert a minute, from all channels
        webhooks: list[Webhook] = []
        if settings.telegram_token:
            config = TelegramConfig.from_settings(settings, **(telegram_options or {}))
            self.telegram = TelegramChannel(
                config,
                app.engine,
                app.hotline,
                self.repository,
                wake=self.dispatcher.wake,
                alerts=alerts,
            )
            if config.webhook_url:
                webhooks.append(
                    Webhook(
                        config.webhook_path, config.webhook_secret, self.telegram.accept_webhook
                    )
                )
        self.zalo: ZaloBotChannel | None = None
        self.zalo_oa: ZaloOaChannel | None = None
        zalo = ZaloRepository(app.database)
        wake = self.dispatcher.wake
        if settings.zalo_bot_token:
            bot = ZaloBotConfig.from_settings(settings, **(zalo_options or {}))
            self.zalo = ZaloBotChannel(
                bot, app.engine, app.hotline, self.repository, zalo, wake=wake, alerts=alerts
            )
            if bot.webhook_url:
                webhooks.append(
                    Webhook(
                        bot.webhook_path,
                        bot.webhook_secret,
                        self.zalo.accept_webhook,
                        header=SECRET_HEADER,
                    )
                )
        if settings.zalo_oa_app_id:
            oa = ZaloOaConfig.from_settings(settings, **(zalo_oa_options or {}))
            self.zalo_oa = ZaloOaChannel(
                oa, app.engine, app.hotline, self.repository, zalo, wake=wake, alerts=alerts
            )
            webhooks.append(
                Webhook(
                    oa.webhook_path, "", self.zalo_oa.accept_webhook, verify=self.zalo_oa.verify
                )
            )
        self.http = HttpServer(
            create_app(self.health, webhooks), settings.http_host, settings.http_port
        )
        self.broadcast = BroadcastRuntime(settings, app.database)  # notices to subscribers
        self.stopping = asyncio.Event()

    async def health(self) -> Health:
        database = await asyncio.to_thread(self.app.database.ping)
        entries = len(self.app.knowledge.current.knowledge.entries)
        details: dict[str, object] = {
            "database": "ok" if database else "unreachable",
            "knowledge_entries": entries,
        }
        if self.telegram is not None:
            details["telegram"] = "webhook" if self.telegram.webhook else "polling"
            details["updates_in_flight"] = self.telegram.inbox.in_flight
        for channel in self.zalo_channels:
            details[channel.name] = channel.mode
            details[f"{channel.name}_in_flight"] = channel.inbox.in_flight
        return Health(database and entries > 0, details)

    @property
    def zalo_channels(self) -> list[ZaloBotChannel | ZaloOaChannel]:
        return [c for c in (self.zalo, self.zalo_oa) if c is not None]

    async def start(self) -> None:
        await self.broadcast.start()  # first: on SQLite it refuses a second server
        await self.http.start()  # first: Telegram may post as soon as setWebhook returns
        if self.telegram is not None:
            await self.telegram.start()
            loop = asyncio.get_running_loop()
            self.dispatcher.add(self.telegram.notifier(loop), self.telegram.periodic)
        for channel in self.zalo_channels:
            await channel.start()
            self.dispatcher.add(job=channel.periodic)  # the channel gates its own outbox
        self.dispatcher.start()

    async def stop(self) -> bool:
        """Graceful: no new updates, finish those in hand, last dispatcher round, close."""
        clean = True
        with contextlib.suppress(Exception):
            await self.http.stop()
        await self.broadcast.stop()  # the parts in flight finish, the notice is released
        if self.telegram is not None:
            clean = await self.telegram.stop()
        for channel in self.zalo_channels:
            clean = await channel.stop() and clean
        await self.dispatcher.stop()
        if self.telegram is not None:
            await self.telegram.close()
        for channel in self.zalo_channels:
            with contextlib.suppress(Exception):
                await channel.close()
        return clean

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        # Blocking work (answers, database calls) runs on a few threads: matching holds the
        # GIL, so more threads only take turns (benchmarks/telegram_load.py: asyncio's default
        # of 6 on 2 cores cost 2–4 % more CPU and often a longer p99 than 3).
        loop.set_default_executor(
            ThreadPoolExecutor(self.settings.threads, thread_name_prefix="cchc-worker")
        )
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.stopping.set)
        try:
            await self.start()
        except Exception as exc:
            log.error("start-up failed: %s: %s", type(exc).__name__, exc)
            await self.stop()
            return EXIT_FAILED
        log.info("cchc-bot is running; SIGTERM or Ctrl-C stops it")
        await self.stopping.wait()
        log.info("stopping: finishing the updates in hand")
        await self.stop()
        log.info("stopped")
        return EXIT_OK


def run(settings: Settings) -> int:
    """The `cchc-bot run` command."""
    if not channels_configured(settings):
        print(texts.NO_CHANNELS, file=sys.stderr)
        return EXIT_NO_CHANNEL
    protect_logs(settings)
    app = build_app(settings)
    try:
        with asyncio.Runner(loop_factory=loop_factory()) as runner:
            return runner.run(Server(settings, app).run())
    finally:
        app.close()
