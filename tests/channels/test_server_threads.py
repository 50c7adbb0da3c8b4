"""`cchc-bot run` does its blocking work (answers, database calls) on CCHC_THREADS threads."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from cchc_bot.app import build_app
from cchc_bot.server import Server
from tests.channels.conftest import make_settings, until
from tests.fakes import telegram_updates as tg
from tests.fakes.telegram_server import FakeTelegram

pytestmark = pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)
CHAT = 333


def _pause_and_name() -> str:
    time.sleep(0.05)
    return threading.current_thread().name


async def test_run_works_on_its_few_threads_and_still_answers(
    database_url: str, knowledge_small_dir: Path, fake: FakeTelegram
) -> None:
    settings = make_settings(database_url, knowledge_small_dir, fake, CCHC_THREADS="2")
    assert settings.threads == 2
    app = build_app(settings)
    server = Server(settings, app, dispatch_interval=0.1, telegram_options={"poll_timeout": 1})
    running = asyncio.create_task(server.run())
    try:
        await until(lambda: server.telegram is not None and server.telegram.poller is not None)
        names = await asyncio.gather(*(asyncio.to_thread(_pause_and_name) for _ in range(6)))
        assert len(set(names)) == 2 and all(n.startswith("cchc-worker") for n in names)
        fake.push(tg.text_update(1, CHAT, "/start"))
        await until(lambda: fake.texts(CHAT))
        assert "Xin chào" in fake.texts(CHAT)[0]
    finally:
        server.stopping.set()
        assert await asyncio.wait_for(running, 30) == 0
        app.close()
