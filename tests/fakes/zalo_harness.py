"""Fixtures of the Zalo channel tests: the fake servers and the real `cchc-bot run` server.

Test modules import the fixtures they use (`from tests.fakes.zalo_harness import …`).
`start_zalo(...)` builds `Server` from real settings pointing at the fakes — the Zalo Bot
(`CCHC_ZALO_BOT_API_URL`) and/or the OA (`CCHC_ZALO_OA_API_URL`, `…_OAUTH_URL`) — with a
SQLite file by default (`database_url=` for PostgreSQL), and the small knowledge folder.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cchc_bot.app import App, build_app
from cchc_bot.server import Server
from cchc_bot.settings import Settings
from tests.fakes.telegram_server import TOKEN as TG_TOKEN
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.zalo_oa_server import APP_ID, FIRST_ACCESS, FIRST_REFRESH, SECRET, FakeZaloOa
from tests.fakes.zalo_server import TOKEN, FakeZaloBot

STAFF_CHAT = -100500
HOOK_PATH = "/zalo/hook"
HOOK_SECRET = "zalo_Webhook-secret-42"
OA_PATH = "/zalo/oa/webhook"
_IDS = itertools.count(1)  # message ids unique across restarts (a repeat would be deduplicated)


async def until(predicate: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Wait (without blocking the loop) until `predicate()` is truthy; returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.01)


@dataclass
class ZaloRunning:
    server: Server
    app: App
    bot: FakeZaloBot
    oa: FakeZaloOa
    ids: Iterator[int]

    def mid(self) -> str:
        return f"msg-{next(self.ids)}"

    @property
    def hook_url(self) -> str:
        return f"http://127.0.0.1:{self.server.http.port}{HOOK_PATH}"

    @property
    def oa_url(self) -> str:
        return f"http://127.0.0.1:{self.server.http.port}{OA_PATH}"

    async def replies(self, chat: str, count: int = 1, timeout: float = 20.0) -> list[str]:
        """Wait until the Zalo Bot chat received `count` messages; returns their texts."""
        await until(lambda: len(self.bot.texts(chat)) >= count, timeout)
        return self.bot.texts(chat)

    async def oa_replies(self, user: str, count: int = 1, kind: str = "cs") -> list[str]:
        await until(lambda: len(self.oa.texts(user, kind)) >= count)
        return self.oa.texts(user, kind)

    async def settle(self) -> None:
        """Wait until every stored event was handled."""
        for channel in self.server.zalo_channels:
            await until(lambda c=channel: c.inbox.in_flight == 0)


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    """A fake Telegram for the staff group (`staff_env(telegram)` puts it in the settings)."""
    fake = FakeTelegram()
    fake.max_poll_wait = 0.2
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def staff_env(telegram: FakeTelegram) -> dict[str, str]:
    """Settings for a Telegram staff group (`STAFF_CHAT`) next to the Zalo channels."""
    return {
        "CCHC_TELEGRAM_TOKEN": TG_TOKEN,
        "CCHC_TELEGRAM_API_URL": telegram.base_url,
        "CCHC_STAFF_CHAT_ID": str(STAFF_CHAT),
        "CCHC_TELEGRAM_MAX_RATE": "0",
        "CCHC_TELEGRAM_CHAT_RATE": "0",
    }


@pytest.fixture
def zalo_bot() -> Iterator[FakeZaloBot]:
    server = FakeZaloBot()
    server.max_poll_wait = 0.2
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def zalo_oa() -> Iterator[FakeZaloOa]:
    server = FakeZaloOa().start()
    try:
        yield server
    finally:
        server.stop()


def zalo_settings(
    database_url: str,
    knowledge: Path,
    fake_bot: FakeZaloBot,
    fake_oa: FakeZaloOa,
    *,
    bot: bool = True,
    webhook: bool = True,
    oa: bool = False,
    **env: str,
) -> Settings:
    values = {
        "CCHC_DATABASE_URL": database_url,
        "CCHC_KNOWLEDGE_DIR": str(knowledge),
        "CCHC_HTTP_PORT": "0",
        "CCHC_ZALO_MAX_RATE": "0",
        "CCHC_ZALO_CHAT_RATE": "0",
    }
    if bot:
        values |= {"CCHC_ZALO_BOT_TOKEN": TOKEN, "CCHC_ZALO_BOT_API_URL": fake_bot.base_url}
        if webhook:
            values["CCHC_ZALO_BOT_WEBHOOK_URL"] = f"https://bot.example.vn{HOOK_PATH}"
            values["CCHC_ZALO_BOT_WEBHOOK_SECRET"] = HOOK_SECRET
    if oa:
        values |= {
            "CCHC_ZALO_OA_APP_ID": APP_ID,
            "CCHC_ZALO_OA_SECRET": SECRET,
            "CCHC_ZALO_OA_ACCESS_TOKEN": FIRST_ACCESS,
            "CCHC_ZALO_OA_REFRESH_TOKEN": FIRST_REFRESH,
            "CCHC_ZALO_OA_API_URL": fake_oa.base_url,
            "CCHC_ZALO_OA_OAUTH_URL": fake_oa.oauth_url,
            "CCHC_ZALO_OA_WEBHOOK_PATH": OA_PATH,
        }
    return Settings.load({**values, **env}, env_file=None)


@pytest.fixture
async def start_zalo(
    tmp_path: Path, knowledge_small_dir: Path, zalo_bot: FakeZaloBot, zalo_oa: FakeZaloOa
) -> AsyncIterator[Callable[..., Any]]:
    """`await start_zalo(bot=True, webhook=True, oa=False, database_url=None, **env)`."""
    running: list[ZaloRunning] = []

    async def start(database_url: str | None = None, **env: Any) -> ZaloRunning:
        url = database_url or f"sqlite:///{tmp_path / 'zalo.db'}"
        settings = zalo_settings(url, knowledge_small_dir, zalo_bot, zalo_oa, **env)
        app = build_app(settings)
        options = {"typing_delay": 0.0, "poll_timeout": 1, "drain_timeout": 10.0}
        server = Server(
            settings,
            app,
            dispatch_interval=0.1,
            zalo_options=options,
            zalo_oa_options={"drain_timeout": 10.0},
        )
        bot = ZaloRunning(server, app, zalo_bot, zalo_oa, _IDS)
        running.append(bot)
        await server.start()
        zalo_bot.webhook_target = bot.hook_url
        return bot

    yield start
    for bot in running:
        await bot.server.stop()
        bot.app.close()


async def stop(running: ZaloRunning) -> None:
    """Stop a bot before the test ends (a restart); the fixture skips stopped ones."""
    await running.server.stop()
    running.app.close()
    running.server.zalo = running.server.zalo_oa = None
    running.server.telegram = None
