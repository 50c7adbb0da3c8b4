"""`cchc-bot run` as a real process against the fake Bot API (polling mode)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cchc_bot.storage import ChannelRepository, Database
from tests.fakes import telegram_updates as tg
from tests.fakes.telegram_server import TOKEN, FakeTelegram

pytestmark = pytest.mark.slow
CHAT = 444


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram()
    server.max_poll_wait = 0.2
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _start(tmp_path: Path, knowledge: Path, fake: FakeTelegram, db_url: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env.update(
        CCHC_DATABASE_URL=db_url,
        CCHC_KNOWLEDGE_DIR=str(knowledge),
        CCHC_TELEGRAM_TOKEN=TOKEN,
        CCHC_TELEGRAM_API_URL=fake.base_url,
        CCHC_HTTP_PORT="0",
        CCHC_LOG_LEVEL="INFO",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "cchc_bot.cli", "run"],
        cwd=tmp_path,  # no stray .env
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _processed(db_url: str, key: str) -> bool | None:
    with Database(db_url) as database:
        return ChannelRepository(database).is_processed("telegram", key)


def test_sigterm_while_an_update_is_in_flight_finishes_it_and_exits_0(
    tmp_path: Path, knowledge_small_dir: Path, fake: FakeTelegram
) -> None:
    db_url = f"sqlite:///{tmp_path / 'cchc.db'}"
    fake.delay("sendMessage", 1.5, chat_id=CHAT)  # the reply is still on its way at SIGTERM
    process = _start(tmp_path, knowledge_small_dir, fake, db_url)
    try:
        fake.wait_for(lambda: fake.calls_to("getupdates"), timeout=30)
        fake.push(tg.text_update(7001, CHAT, "/help"))
        fake.wait_for(lambda: fake.calls_to("sendmessage", CHAT), timeout=30)
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    _, err = process.communicate()
    assert code == 0, err
    (reply,) = fake.calls_to("sendmessage", CHAT)
    assert reply.result is not None  # the answer went out before the process ended
    assert _processed(db_url, "7001") is True
    assert "stopping" in err and TOKEN not in err and TOKEN.split(":")[1] not in err


def test_an_update_cut_off_by_a_crash_is_answered_after_the_restart(
    tmp_path: Path, knowledge_small_dir: Path, fake: FakeTelegram
) -> None:
    db_url = f"sqlite:///{tmp_path / 'cchc.db'}"
    fake.delay("sendMessage", 5.0, chat_id=CHAT)
    process = _start(tmp_path, knowledge_small_dir, fake, db_url)
    try:
        fake.wait_for(lambda: fake.calls_to("getupdates"), timeout=30)
        fake.push(tg.text_update(7002, CHAT, "/a ban-sao-van-bang"))
        fake.wait_for(lambda: fake.calls_to("sendmessage", CHAT), timeout=30)
        process.kill()  # SIGKILL: no clean shutdown
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    process.communicate()
    assert _processed(db_url, "7002") is False  # stored (acknowledged), not handled

    fake.delays.clear()
    restarted = _start(tmp_path, knowledge_small_dir, fake, db_url)
    try:
        fake.wait_for(lambda: len(fake.texts(CHAT)) >= 1, timeout=30)
        restarted.send_signal(signal.SIGTERM)
        assert restarted.wait(timeout=30) == 0
    finally:
        if restarted.poll() is None:
            restarted.kill()
    restarted.communicate()
    assert fake.texts(CHAT)[0].startswith("Cấp bản sao văn bằng")
    assert _processed(db_url, "7002") is True
