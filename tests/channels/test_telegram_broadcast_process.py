"""`cchc-bot run` processes broadcasting against the fake Bot API: a SIGKILL halfway and a
restart deliver every notice exactly once, and two servers on one PostgreSQL database
share a due notice without sending anything twice (asserted on the fake server's record)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cchc_bot.broadcast_notices import NoticeService
from cchc_bot.storage import (
    Database,
    DeliveryRepository,
    NoticeRepository,
    SubscriptionRepository,
)
from tests.broadcast_helpers import notice_folder
from tests.fakes.telegram_server import TOKEN, FakeTelegram

pytestmark = pytest.mark.slow
NOTICE = "cchc-2027-01"


@pytest.fixture
def knowledge(tmp_path: Path, knowledge_small_dir: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_small_dir, folder)
    return notice_folder(folder)


def prepare(url: str, knowledge: Path, chats: list[int]) -> None:
    """Subscribers, and the notice approved and due now."""
    with Database(url) as database:
        database.upgrade()
        SubscriptionRepository(database).add_active([("telegram", str(c), ()) for c in chats])
        service = NoticeService(
            NoticeRepository(database),
            DeliveryRepository(database),
            knowledge,
            ZoneInfo("Asia/Ho_Chi_Minh"),
        )
        service.sync()
        service.approve(NOTICE, "Trưởng phòng")
        service.send_soon(NOTICE, "Trưởng phòng")


def status(url: str) -> str:
    with Database(url) as database:
        notice = NoticeRepository(database).get(NOTICE)
        return notice.status if notice else "?"


def server(cwd: Path, url: str, knowledge: Path, fake: FakeTelegram, rate: int) -> subprocess.Popen:
    cwd.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env.update(
        CCHC_DATABASE_URL=url,
        CCHC_KNOWLEDGE_DIR=str(knowledge),
        CCHC_TELEGRAM_TOKEN=TOKEN,
        CCHC_TELEGRAM_API_URL=fake.base_url,
        CCHC_HTTP_PORT="0",
        CCHC_BROADCAST_TELEGRAM_RATE=str(rate),
        CCHC_BROADCAST_INTERVAL="0.2",
        CCHC_BROADCAST_JOURNAL_DIR=str(cwd / "journal"),
        CCHC_LOG_LEVEL="INFO",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "cchc_bot.cli", "run"],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def delivered(fake: FakeTelegram) -> Counter[int | None]:
    """Messages the fake server accepted, per chat (its record, not our tables)."""
    return Counter(c.chat_id for c in fake.sent() if c.result is not None)


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err[-3000:]
    return err


def test_sigkill_halfway_then_restart_sends_each_exactly_once(
    tmp_path: Path, knowledge: Path, fake: FakeTelegram, processes: list[subprocess.Popen]
) -> None:
    url = f"sqlite:///{tmp_path / 'cchc.db'}"
    chats = list(range(10_000, 10_400))
    prepare(url, knowledge, chats)
    first = server(tmp_path, url, knowledge, fake, rate=150)
    processes.append(first)
    fake.wait_for(lambda: len(fake.sent()) >= len(chats) // 2, timeout=60)
    first.kill()  # SIGKILL: no clean shutdown, requests in flight
    first.wait(timeout=30)
    assert 0 < len(delivered(fake)) < len(chats)
    assert status(url) == "sending"

    second = server(tmp_path, url, knowledge, fake, rate=150)
    processes.append(second)
    fake.wait_for(lambda: status(url) == "sent", timeout=90)
    err = stop(second)
    counts = delivered(fake)
    assert set(counts) == set(chats), f"missed: {sorted(set(chats) - set(counts))[:10]}"
    assert [c for c, n in counts.items() if n > 1] == [], "duplicates"
    assert "recovered" in err
    assert not list((tmp_path / "journal").glob("*.log"))


@pytest.mark.postgres
@pytest.mark.parametrize("db_target", ["postgresql"], indirect=True)
def test_two_servers_on_postgresql_send_each_delivery_once(
    tmp_path: Path,
    database_url: str,
    knowledge: Path,
    fake: FakeTelegram,
    processes: list[subprocess.Popen],
) -> None:
    chats = list(range(20_000, 20_300))
    servers = [server(tmp_path / f"s{i}", database_url, knowledge, fake, 150) for i in (0, 1)]
    processes.extend(servers)
    fake.wait_for(lambda: len(fake.calls_to("getupdates")) >= 2, timeout=60)
    prepare(database_url, knowledge, chats)  # due while both are running
    fake.wait_for(lambda: status(database_url) == "sent", timeout=90)
    for process in servers:
        stop(process)
    counts = delivered(fake)
    assert set(counts) == set(chats) and set(counts.values()) == {1}
