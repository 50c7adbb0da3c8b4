"""Broadcasts wired from the settings: senders per channel, the notice service, the
broadcaster, the scheduler of `cchc-bot run`, and the SQLite single-server lock.

Shared by `cchc-bot run` (the scheduler) and `cchc-bot notices send --now` (the CLI sends
itself): both claim notices and deliveries in the same tables, so a notice is never sent
twice whoever sends it.

The send journals (`journal_folder`): `CCHC_BROADCAST_JOURNAL_DIR` when set to anything but
its default; left at the default with a SQLite file, next to the database
(`<database folder>/broadcast-journal`: the server and a `send --now` started from another
directory find each other's journals); otherwise the default under the working directory.
Either way it is made absolute once and logged when the server starts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from cchc_bot.broadcast import Sender
from cchc_bot.broadcast_notices import NoticeService
from cchc_bot.broadcast_quota import QuotaGuard
from cchc_bot.broadcast_scheduler import ProcessLock, Scheduler
from cchc_bot.broadcast_sending import Broadcaster
from cchc_bot.settings import Settings
from cchc_bot.settings_specs import SPECS
from cchc_bot.storage import Database, DeliveryRepository, NoticeRepository

log = logging.getLogger(__name__)


def build_senders(
    settings: Settings, database: Database, deliveries: DeliveryRepository
) -> dict[str, Sender]:
    """A `Sender` for each configured channel that can push notices."""
    senders: dict[str, Sender] = {}
    if settings.telegram_token:
        from cchc_bot.channels.telegram.broadcaster import TelegramBroadcastSender

        senders["telegram"] = TelegramBroadcastSender(
            settings.telegram_token, settings.telegram_api_url
        )
    if settings.zalo_bot_token:
        from cchc_bot.channels.zalo.api import ZaloBotApi
        from cchc_bot.channels.zalo_broadcast import ZaloBotBroadcastSender

        zalo = ZaloBotBroadcastSender(
            ZaloBotApi(settings.zalo_bot_token, settings.zalo_bot_api_url)
        )
        senders[zalo.channel] = QuotaGuard(
            zalo,
            monthly_quota=zalo_monthly_quota(settings),
            used=lambda: deliveries.channel_usage(zalo.channel, month_start(settings)),
        )
    if settings.zalo_oa_app_id:
        from cchc_bot.channels.zalo.events import OA_CHANNEL

        senders[OA_CHANNEL] = _oa_sender(settings, database)
    return senders


def zalo_monthly_quota(settings: Settings) -> int | None:
    """CCHC_BROADCAST_ZALO_QUOTA when set, else the plan quota of the Zalo Bot channel's
    capabilities (None: no fixed quota)."""
    from cchc_bot.channels.capabilities import ZALO_BOT

    return settings.broadcast_zalo_quota or ZALO_BOT.broadcast_quota


def _oa_sender(settings: Settings, database: Database) -> Sender:
    """The OA's sender: tokens rotated in the database, the follower window as a quota."""
    from dataclasses import replace

    from cchc_bot.channels.capabilities import ZALO_OA
    from cchc_bot.channels.zalo.config import ZaloOaConfig
    from cchc_bot.channels.zalo.oa_api import OaApi
    from cchc_bot.channels.zalo.oa_tokens import OaTokens
    from cchc_bot.channels.zalo_oa_broadcast import ZaloOaBroadcastSender, follower_windows
    from cchc_bot.storage import ZaloRepository

    config = ZaloOaConfig.from_settings(settings)
    zalo = ZaloRepository(database)
    api = OaApi(config.api_url, config.oauth_url, config.app_id, config.secret)
    tokens = OaTokens(zalo, config.app_id, config.access_token, config.refresh_token, api.refresh)
    caps = replace(
        ZALO_OA, reply_window_hours=config.window_hours, window_replies=config.window_replies
    )
    oa = ZaloOaBroadcastSender(api, tokens, zalo, caps=caps, paid_route=config.paid_route)
    if not oa.applies_window:
        return oa
    return QuotaGuard(
        oa,
        window_hours=config.window_hours,
        window_messages=config.window_replies,
        windows=lambda chats: follower_windows(zalo, chats),
    )


def month_start(settings: Settings) -> datetime:
    """Midnight on the 1st of this month in the agency's time zone, as UTC."""
    local = datetime.now(UTC).astimezone(settings.timezone)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return first.astimezone(UTC)


def sqlite_file(database: Database) -> Path | None:
    """The file of a SQLite database (None for PostgreSQL or in-memory)."""
    if database.backend != "sqlite":
        return None
    path = database.masked_url.partition(":///")[2].partition("?")[0]
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return Path(path)


def sqlite_lock(database: Database) -> ProcessLock | None:
    """The lock file next to a SQLite database (None for PostgreSQL or in-memory)."""
    path = sqlite_file(database)
    return None if path is None else ProcessLock(Path(f"{path}.server.lock"))


_DEFAULT_JOURNAL_DIR = Path(next(s.default for s in SPECS if s.field == "broadcast_journal_dir"))


def journal_folder(settings: Settings, database: Database) -> Path:
    """Where the send journals live (see the module's docstring), as an absolute path."""
    folder = Path(settings.broadcast_journal_dir).expanduser()
    database_file = sqlite_file(database)
    if folder == _DEFAULT_JOURNAL_DIR and database_file is not None:
        folder = database_file.parent / "broadcast-journal"
    return folder.resolve()


def splitters() -> dict[str, Callable[[str], list[str]]]:
    """How each channel splits a notice (for rows of channels without a sender here)."""
    from cchc_bot.channels.capabilities import TELEGRAM, ZALO_BOT, ZALO_OA
    from cchc_bot.channels.render import notice_parts

    return {caps.name: partial(notice_parts, caps=caps) for caps in (TELEGRAM, ZALO_BOT, ZALO_OA)}


class BroadcastRuntime:
    def __init__(
        self, settings: Settings, database: Database, senders: dict[str, Sender] | None = None
    ) -> None:
        self.settings = settings
        notices, deliveries = NoticeRepository(database), DeliveryRepository(database)
        self.service = NoticeService(notices, deliveries, settings.knowledge_dir, settings.timezone)
        self.senders = build_senders(settings, database, deliveries) if senders is None else senders
        rates = {"telegram": settings.broadcast_telegram_rate}
        rates |= {ch: settings.broadcast_zalo_rate for ch in self.senders if ch != "telegram"}
        self.broadcaster = Broadcaster(
            notices,
            deliveries,
            self.senders,
            journal_dir=journal_folder(settings, database),
            rates=rates,
            chat_rate=settings.broadcast_chat_rate,
            splitters=splitters(),
        )
        self.scheduler = Scheduler(
            self.service,
            self.broadcaster,
            interval=settings.broadcast_interval,
            catchup=timedelta(days=settings.broadcast_catchup_days),
        )
        self.lock = sqlite_lock(database)

    async def start(self) -> None:
        """Take the SQLite lock (AlreadyRunning if another server has it), then schedule."""
        if self.lock is not None:
            self.lock.acquire()
        log.info("broadcast send journals in %s", self.broadcaster.journal_dir)
        self.scheduler.start()

    async def stop(self) -> None:
        await self.scheduler.stop()
        await self.close()
        if self.lock is not None:
            self.lock.release()

    async def close(self) -> None:
        for sender in self.senders.values():
            try:
                await sender.close()
            except Exception as exc:  # closing is best effort
                log.debug("closing the %s sender: %s", sender.channel, type(exc).__name__)
