"""The Telegram channel end to end: the real python-telegram-bot against the fake Bot API,
with the real server (`cchc_bot.server.Server`), database and the small knowledge folder."""

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
from tests.fakes.telegram_server import TOKEN, FakeTelegram
from tests.fakes.zalo_harness import (  # noqa: F401  (Zalo fixtures)
    start_zalo,
    telegram,
    zalo_bot,
    zalo_oa,
)

STAFF_CHAT = -100500
STAFF_USER = 777
WEBHOOK_PATH = "/tg/hook"
SECRET = "s3cret_Webhook-token"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram()
    server.max_poll_wait = 0.2
    server.start()
    try:
        yield server
    finally:
        server.stop()


def make_settings(database_url: str, knowledge: Path, fake: FakeTelegram, **env: str) -> Settings:
    values = {
        "CCHC_DATABASE_URL": database_url,
        "CCHC_KNOWLEDGE_DIR": str(knowledge),
        "CCHC_TELEGRAM_TOKEN": TOKEN,
        "CCHC_TELEGRAM_API_URL": fake.base_url,
        "CCHC_STAFF_CHAT_ID": str(STAFF_CHAT),
        "CCHC_STAFF_TELEGRAM_IDS": str(STAFF_USER),
        "CCHC_HTTP_PORT": "0",
        "CCHC_TELEGRAM_MAX_RATE": "0",
        "CCHC_TELEGRAM_CHAT_RATE": "0",
    }
    return Settings.load({**values, **env}, env_file=None)


async def until(predicate: Callable[[], Any], timeout: float = 30.0) -> Any:
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
class Running:
    fake: FakeTelegram
    server: Server
    app: App
    ids: Iterator[int]

    def next_id(self) -> int:
        return next(self.ids)

    async def replies(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[str]:
        """Wait until the chat received `count` messages; returns all their texts."""
        await until(lambda: len(self.fake.texts(chat_id)) >= count, timeout)
        return self.fake.texts(chat_id)

    async def settle(self) -> None:
        """Wait until the bot fetched everything queued (two more polls) and handled it."""
        assert self.server.telegram is not None
        inbox = self.server.telegram.inbox
        if not self.server.telegram.webhook:
            polls = len(self.fake.calls_to("getupdates"))
            await until(lambda: len(self.fake.calls_to("getupdates")) >= polls + 2)
        await until(lambda: inbox.in_flight == 0)


@pytest.fixture
async def start_bot(
    database_url: str, knowledge_small_dir: Path, fake: FakeTelegram
) -> AsyncIterator[Callable[..., Any]]:
    """`await start_bot(webhook=False, **env)` → a started `Running` bot (stopped after)."""
    running: list[Running] = []

    async def start(webhook: bool = False, options: dict[str, Any] | None = None, **env: str):
        if webhook:
            env.setdefault("CCHC_TELEGRAM_WEBHOOK_URL", f"https://bot.example.vn{WEBHOOK_PATH}")
            env.setdefault("CCHC_TELEGRAM_WEBHOOK_SECRET", SECRET)
        settings = make_settings(database_url, knowledge_small_dir, fake, **env)
        app = build_app(settings)
        opts = {"typing_delay": 0.0, "poll_timeout": 1, "drain_timeout": 10.0} | (options or {})
        server = Server(settings, app, dispatch_interval=0.1, telegram_options=opts)
        bot = Running(fake, server, app, itertools.count(1000))
        running.append(bot)
        await server.start()
        if webhook:
            fake.webhook_target = f"http://127.0.0.1:{server.http.port}{WEBHOOK_PATH}"
        return bot

    yield start
    for bot in running:
        await bot.server.stop()
        bot.app.close()


@pytest.fixture
async def bot(start_bot: Callable[..., Any]) -> Running:
    """A bot in polling mode."""
    return await start_bot()


@pytest.fixture
async def hook_bot(start_bot: Callable[..., Any]) -> Running:
    """A bot in webhook mode behind its uvicorn server."""
    return await start_bot(webhook=True)
