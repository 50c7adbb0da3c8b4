"""Broadcasts on Telegram against the fake Bot API: `cchc-bot notices …` sends to every
subscriber once (asserted on the fake server's record), a 403 unsubscribes, a 429 pauses
and resumes, a draft is refused; the server's scheduler sends what is due; /dangky shows
topic buttons; a block (my_chat_member) unsubscribes."""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cchc_bot.cli import main
from cchc_bot.server_broadcast import BroadcastRuntime
from cchc_bot.settings import Settings
from cchc_bot.storage import Database, SubscriptionRepository
from tests.broadcast_helpers import notice_folder
from tests.channels.conftest import Running, until
from tests.fakes import telegram_updates as tg
from tests.fakes.telegram_server import TOKEN, FakeTelegram

NOTICE = "cchc-2027-01"


@pytest.fixture
def knowledge(tmp_path: Path, knowledge_small_dir: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_small_dir, folder)
    return notice_folder(folder)


@pytest.fixture
def cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, knowledge: Path, fake: FakeTelegram
) -> Callable[..., tuple[int, str, str]]:
    """`cli("notices", "list")` → (exit code, stdout, stderr), on a SQLite file."""
    monkeypatch.chdir(tmp_path)
    env = {
        "CCHC_DATABASE_URL": f"sqlite:///{tmp_path / 'cchc.db'}",
        "CCHC_KNOWLEDGE_DIR": str(knowledge),
        "CCHC_TELEGRAM_TOKEN": TOKEN,
        "CCHC_TELEGRAM_API_URL": fake.base_url,
        "CCHC_BROADCAST_TELEGRAM_RATE": "200",
        "CCHC_BROADCAST_JOURNAL_DIR": str(tmp_path / "journal"),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    def run(*argv: str, capsys: pytest.CaptureFixture[str] | None = None) -> tuple[int, str, str]:
        code = main(list(argv))
        out = capsys.readouterr() if capsys else None
        return code, out.out if out else "", out.err if out else ""

    return run


def seed(url: str, chats: list[int], topics: tuple[str, ...] = ()) -> None:
    with Database(url) as database:
        database.upgrade()
        SubscriptionRepository(database).add_active([("telegram", str(c), topics) for c in chats])


def subscription(url: str, chat: int) -> Any:
    with Database(url) as database:
        return SubscriptionRepository(database).get("telegram", str(chat))


def test_approve_then_send_reaches_every_subscriber_once(
    cli: Callable[..., tuple[int, str, str]],
    fake: FakeTelegram,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"sqlite:///{tmp_path / 'cchc.db'}"
    chats = list(range(5000, 5060))
    seed(url, chats)
    seed(url, [6000], ("thi-cu",))  # another topic: not a recipient
    blocked, limited = chats[3], chats[7]
    fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=blocked)
    fake.fail(
        "sendMessage", 429, "Too Many Requests: retry after 1", chat_id=limited, retry_after=1
    )
    code, _, err = cli("notices", "send", NOTICE, "--now", capsys=capsys)
    assert code == 1 and "nháp" in err  # a draft is refused
    assert fake.sent() == []

    assert cli("notices", "approve", NOTICE, "--by", "Trưởng phòng", capsys=capsys)[0] == 0
    started = time.monotonic()
    code, out, err = cli("notices", "send", NOTICE, "--now", capsys=capsys)
    assert code == 0, err
    assert "Đã gửi xong" in out and "chặn 1" in err  # the plain progress line (no TTY)
    delivered = Counter(c.chat_id for c in fake.sent() if c.result is not None)
    assert set(delivered) == set(chats) - {blocked} and set(delivered.values()) == {1}
    refused_429 = [c for c in fake.sent(limited) if c.result is None]
    assert len(refused_429) == 1 and time.monotonic() - started >= 1.0  # waited it out
    assert subscription(url, blocked).reason == "blocked"
    text = fake.texts(chats[0])[0]
    assert (
        text.startswith("CẢI CÁCH HÀNH CHÍNH NĂM 2027")
        and "parse_mode" not in fake.sent(chats[0])[0].params
    )

    code, out, _ = cli("notices", "report", NOTICE, "--json", capsys=capsys)
    figures = json.loads(out)
    assert (figures["recipients"], figures["sent"], figures["blocked"]) == (60, 59, 1)
    assert figures["status"] == "sent" and figures["rate"] > 0
    code, _, err = cli("notices", "send", NOTICE, "--now", capsys=capsys)
    assert code == 1 and "đã gửi" in err  # sent once, never again
    assert sum(delivered.values()) == len([c for c in fake.sent() if c.result is not None])


def test_list_json_and_preview(
    cli: Callable[..., tuple[int, str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli("notices", "list", "--json", capsys=capsys)
    listed = json.loads(out)
    assert code == 0 and [n["id"] for n in listed] == [NOTICE, "thi-cu-2027-06"]
    assert set(listed[0]) >= {"id", "title", "status", "scheduled_at"}
    assert listed[0]["status"] == "draft" and listed[0]["scheduled_at"] is None
    code, out, _ = cli("notices", "preview", "thi-cu-2027-06", capsys=capsys)
    assert "── telegram: 1 tin nhắn" in out and "── zalo: 1 tin nhắn" in out
    assert "── zalo_oa: 1 tin nhắn" in out
    assert "Cổng dịch vụ công: https://dichvucong.gov.vn" in out


async def test_the_server_sends_what_is_due_and_a_block_unsubscribes(
    start_bot: Callable[..., Any], database_url: str, knowledge: Path, fake: FakeTelegram
) -> None:
    bot: Running = await start_bot(
        CCHC_KNOWLEDGE_DIR=str(knowledge),
        CCHC_BROADCAST_INTERVAL="0.1",
        CCHC_BROADCAST_TELEGRAM_RATE="0",
        CCHC_BROADCAST_JOURNAL_DIR=str(knowledge.parent / "journal"),
    )
    fake.push(tg.text_update(bot.next_id(), 7001, "/dangky"))
    (reply,) = await bot.replies(7001)
    buttons = fake.sent(7001)[0].params["reply_markup"]["inline_keyboard"]
    assert "Đã đăng ký" in reply and buttons[-1][0]["callback_data"] == "/huy"
    fake.push(tg.text_update(bot.next_id(), 7002, "/dangky"))
    await bot.replies(7002)
    fake.push(tg.blocked_update(bot.next_id(), 7002))
    await bot.settle()
    runtime: BroadcastRuntime = bot.server.broadcast
    await until(lambda: runtime.service.notices.get(NOTICE) is not None)
    runtime.service.approve(NOTICE, "Trưởng phòng")
    runtime.service.send_soon(NOTICE, "Trưởng phòng")
    await until(lambda: runtime.service.get(NOTICE).status == "sent", timeout=20)
    assert len(fake.texts(7001)) == 2 and fake.texts(7001)[1].startswith("CẢI CÁCH")
    assert len(fake.texts(7002)) == 1  # unsubscribed by the block: no notice


def test_a_second_server_on_one_sqlite_database_is_refused(tmp_path: Path) -> None:
    settings = Settings.load({"CCHC_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}, env_file=None)
    with Database(settings.database_url) as database:
        first, second = BroadcastRuntime(settings, database), BroadcastRuntime(settings, database)
        assert first.lock is not None and second.lock is not None
        first.lock.acquire()
        try:
            with pytest.raises(Exception, match="SQLite chỉ hỗ trợ một máy chủ"):
                second.lock.acquire()
        finally:
            first.lock.release()
        second.lock.acquire()
        second.lock.release()
