"""Staff answers reaching Zalo Bot citizens: delivery, splitting, chats Zalo refuses, restart."""

from __future__ import annotations

import asyncio
import json
import logging
import re

import pytest

from cchc_bot.storage import ChannelRepository, Database, StoredUpdate
from tests.fakes import zalo_updates as zu
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.zalo_harness import (
    STAFF_CHAT,
    ZaloRunning,
    staff_env,
    until,
)

CHAT = "u-888"
NUMBER = re.compile(r"HD-\d{4}-\d{5}")


async def _ticket(bot: ZaloRunning, chat: str = CHAT) -> str:
    bot.bot.push(zu.text(chat, "/hotline Vé xe buýt đi Phú Quốc giá bao nhiêu", bot.mid()))
    (reply,) = await bot.replies(chat)
    found = NUMBER.search(reply)
    assert found, reply
    return found.group(0)


async def _answer(bot: ZaloRunning, number: str, answer: str) -> None:
    await asyncio.to_thread(bot.app.hotline.answer, number, answer, "Lan")
    bot.server.dispatcher.wake()


def _outbox(bot: ZaloRunning, number: str) -> list[tuple[str, int]]:
    ticket = bot.app.hotline.show(number).ticket
    rows = bot.app.hotline.tickets.pending_outbox(channel="zalo")
    held = [(r.status, r.attempts) for r in rows if r.ticket_id == ticket.id]
    return held


async def test_a_ticket_answered_by_staff_reaches_the_zalo_citizen(start_zalo) -> None:
    bot = await start_zalo()
    number = await _ticket(bot)
    await _answer(bot, number, "Sở GDĐT không quản lý vé xe buýt; xin hỏi Sở GTVT.")
    answer = (await bot.replies(CHAT, 2))[1]
    assert answer.startswith(f"Trả lời phiếu {number}") and "Sở GTVT" in answer
    assert "Trả lời 1 (👍 có) hoặc 2 (👎 chưa)" in answer
    await until(lambda: _outbox(bot, number) == [])  # sent, and the rating offered
    bot.bot.push(zu.text(CHAT, "1", bot.mid()))
    assert "Cảm ơn anh/chị đã đánh giá" in (await bot.replies(CHAT, 3))[2]


async def test_a_2500_character_answer_arrives_in_two_parts_split_at_paragraphs(
    start_zalo,
) -> None:
    bot = await start_zalo()
    number = await _ticket(bot)
    paragraphs = [f"Đoạn {i}: " + "thông tin hướng dẫn chi tiết " * 17 for i in range(1, 6)]
    long_answer = "\n\n".join(p.strip() for p in paragraphs)
    assert 2400 <= len(long_answer) <= 2600
    await _answer(bot, number, long_answer)
    first, second = (await bot.replies(CHAT, 3))[1:]
    await bot.settle()
    assert len(bot.bot.texts(CHAT)) == 3
    assert all(len(part) <= 2000 for part in (first, second))
    assert first.startswith(f"Trả lời phiếu {number}") and "Trả lời 1 (👍" in second
    joined = f"{first}\n\n{second}"
    assert all(p.strip() in joined for p in paragraphs)  # cut between paragraphs only


async def test_a_chat_zalo_refuses_is_held_and_served_when_the_citizen_writes(
    start_zalo,
) -> None:
    bot = await start_zalo()
    number = await _ticket(bot)
    bot.bot.fail("sendMessage", 403, "Forbidden: user is not reachable", chat_id=CHAT)
    await _answer(bot, number, "Câu trả lời của cán bộ.")
    trail = lambda: [a for a in bot.app.hotline.show(number).audit if a.action == "held"]  # noqa: E731
    (held,) = await until(trail)
    assert held.actor == "zalo" and "Zalo từ chối" in held.detail
    rounds = bot.server.dispatcher.rounds
    await until(lambda: bot.server.dispatcher.rounds > rounds + 8)  # more than 5 rounds
    assert _outbox(bot, number) == [("pending", 0)]  # held: no attempt counted, not failed
    assert len(bot.bot.calls_to("sendmessage", CHAT)) == 2  # the ticket reply + the refusal
    assert len(trail()) == 1  # staff are told once

    bot.bot.push(zu.text(CHAT, "/help", bot.mid()))
    replies = await bot.replies(CHAT, 3)
    assert "Cách dùng" in replies[1] and replies[2].startswith(f"Trả lời phiếu {number}")
    await until(lambda: _outbox(bot, number) == [])


async def test_a_stored_but_unanswered_event_is_answered_at_start(
    start_zalo, tmp_path, zalo_bot
) -> None:
    """As after a crash between the 200 and the answer: stored, never handled."""
    database = Database(f"sqlite:///{tmp_path / 'zalo.db'}")
    try:
        database.upgrade()
        update = zu.text(CHAT, "/help", "msg-crash")
        ChannelRepository(database).store_updates(
            "zalo", [StoredUpdate("message.text.received:msg-crash", json.dumps(update))]
        )
    finally:
        database.close()
    bot = await start_zalo()
    (reply,) = await bot.replies(CHAT)
    assert "Cách dùng" in reply
    repository = ChannelRepository(bot.app.database)
    await until(lambda: repository.is_processed("zalo", "message.text.received:msg-crash"))


async def test_a_failure_is_apologised_for_and_staff_alerted_once_a_minute(
    start_zalo, telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await start_zalo(**staff_env(telegram))

    def broken(incoming):
        raise RuntimeError(f"boom with the citizen's words: {incoming.text}")

    bot.app.engine.handle = broken  # type: ignore[method-assign]
    first, second = bot.mid(), bot.mid()
    with caplog.at_level(logging.INFO):
        bot.bot.push(zu.text(CHAT, "bí mật của tôi", first))
        bot.bot.push(zu.text("u-999", "bí mật nữa", second))
        await bot.replies(CHAT)
        assert "hệ thống gặp sự cố" in (await bot.replies("u-999"))[0]
        (alert,) = await until(lambda: telegram.texts(STAFF_CHAT))
    assert f"message.text.received:{first}" in alert and CHAT in alert
    assert "Zalo (bot)" in alert and "RuntimeError" in alert and "bí mật" not in alert
    assert "bí mật" not in caplog.text and "RuntimeError" in caplog.text
    await bot.settle()
    await asyncio.sleep(0.3)  # dispatcher rounds: the second failure was counted, not sent
    assert len(telegram.texts(STAFF_CHAT)) == 1


async def test_a_message_that_fails_for_good_is_in_the_history_and_told_to_staff(
    start_zalo, telegram: FakeTelegram
) -> None:
    bot = await start_zalo(**staff_env(telegram))
    number = await _ticket(bot)
    bot.bot.fail("sendMessage", 401, "Unauthorized", chat_id=CHAT, times=5)  # every round
    await _answer(bot, number, "Câu trả lời của cán bộ.")
    (failed,) = await until(
        lambda: [a for a in bot.app.hotline.show(number).audit if a.action == "failed"]
    )
    assert failed.actor == "zalo" and "5 lần" in failed.detail
    (notice,) = await until(lambda: [t for t in telegram.texts(STAFF_CHAT) if "❌" in t])
    assert number in notice and "Zalo (bot)" in notice and "liên hệ trực tiếp" in notice
    assert not bot.app.hotline.tickets.pending_outbox(channel="zalo")  # failed: not retried
