"""Reliability at the edge (polling mode): dedup, 429, 403, too long, bad HTML, flood."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from cchc_bot.messages import Reply
from tests.channels.conftest import STAFF_CHAT, Running, until
from tests.fakes import telegram_updates as tg
from tests.fakes.telegram_server import check_html

CHAT = 222
sqlite_only = pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)
LONG_ENTRY = "huong-dan-rat-dai"


def _unreachable(bot: Running, chat_id: int) -> bool:
    query = text("SELECT unreachable FROM users WHERE channel = 'telegram' AND chat_id = :c")
    return bool(bot.app.database.run(lambda s: s.execute(query, {"c": str(chat_id)}).scalar()))


async def test_the_same_update_twice_is_answered_once(bot: Running) -> None:
    update = tg.text_update(bot.next_id(), CHAT, "/a ban-sao-van-bang")
    bot.fake.push(update, update)  # Telegram may repeat an update (same update_id)
    await bot.replies(CHAT)
    await bot.settle()
    assert len(bot.fake.sent(CHAT)) == 1


async def test_an_update_handled_before_a_restart_is_not_answered_again(start_bot, fake) -> None:
    first = await start_bot()
    update = tg.text_update(first.next_id(), CHAT, "/a ban-sao-van-bang")
    fake.push(update)
    await first.replies(CHAT)
    await first.server.stop()

    second = await start_bot()
    fake.push(update)  # delivered again after the restart
    fake.push(tg.text_update(first.next_id(), CHAT, "/help"))
    texts = await second.replies(CHAT, 2)
    await second.settle()
    assert len(fake.sent(CHAT)) == 2 and texts[1].startswith("Cách dùng")


@sqlite_only
async def test_a_flood_limit_429_is_waited_out_and_the_reply_arrives(bot: Running) -> None:
    bot.fake.fail(
        "sendMessage", 429, "Too Many Requests: retry after 1", chat_id=CHAT, retry_after=1
    )
    bot.fake.push(tg.text_update(bot.next_id(), CHAT, "/help"))
    (reply,) = await bot.replies(CHAT)
    first, second = bot.fake.calls_to("sendmessage", CHAT)
    assert second.at - first.at >= 0.95
    assert second.result is not None and reply.startswith("Cách dùng")


async def test_a_user_who_blocked_the_bot_is_marked_unreachable(bot: Running) -> None:
    bot.fake.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=CHAT)
    bot.fake.push(tg.text_update(bot.next_id(), CHAT, "/help"))
    await until(lambda: _unreachable(bot, CHAT))
    await bot.settle()
    assert bot.fake.texts(STAFF_CHAT) == []  # a blocked user is no error to alert about

    bot.fake.push(tg.text_update(bot.next_id(), CHAT, "/help"))  # unblocked and writing again
    await bot.replies(CHAT)
    assert not _unreachable(bot, CHAT)
    bot.fake.push(tg.blocked_update(bot.next_id(), CHAT))
    await until(lambda: _unreachable(bot, CHAT))


@sqlite_only
async def test_an_html_parse_error_falls_back_to_plain_text(bot: Running) -> None:
    bot.fake.fail(
        "sendMessage", 400, "Bad Request: can't parse entities: unsupported start tag", chat_id=CHAT
    )
    bot.fake.push(tg.text_update(bot.next_id(), CHAT, "/a ban-sao-van-bang"))
    await until(lambda: len(bot.fake.sent(CHAT)) == 2 and bot.fake.sent(CHAT)[1].result)
    html_try, plain = bot.fake.sent(CHAT)
    assert html_try.params["parse_mode"] == "HTML" and "parse_mode" not in plain.params
    assert plain.params["text"].startswith("Cấp bản sao văn bằng")
    assert plain.params["reply_markup"]["inline_keyboard"]  # the buttons survive


@sqlite_only
async def test_a_text_telegram_finds_too_long_is_split_and_sent(bot: Running) -> None:
    assert bot.server.telegram is not None
    sender = bot.server.telegram.sender
    from cchc_bot.channels.telegram.render import Part

    body = "\n".join(f"Dòng {i}: " + "nội dung " * 10 for i in range(60))  # ~5,500 chars
    sent = await sender.send_part(CHAT, Part(body, None, body))
    calls = bot.fake.sent(CHAT)
    assert calls[0].result is None  # refused as too long, then sent in parts
    assert len(sent) == len(calls) - 1 >= 2 and all(c.result for c in calls[1:])
    assert "".join(c.params["text"] for c in calls[1:]).replace("\n", "") == body.replace("\n", "")


@sqlite_only
async def test_a_flood_of_messages_gets_one_notice(start_bot) -> None:
    bot = await start_bot(CCHC_FLOOD_LIMIT="5")
    for _ in range(12):
        bot.fake.push(tg.text_update(bot.next_id(), CHAT, "/help"))
    texts = await bot.replies(CHAT, 6)
    await bot.settle()
    assert len(bot.fake.texts(CHAT)) == 6
    assert sum("nhiều tin nhắn quá nhanh" in t for t in texts) == 1
    assert texts[5] == texts[-1] and "nhiều tin nhắn quá nhanh" in texts[5]


@pytest.fixture
def long_knowledge(tmp_path: Path, knowledge_small_dir: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_small_dir, folder)
    paragraphs = "\n\n".join(
        f"      Bước {i}: " + "chuẩn bị hồ sơ & nộp tại bộ phận một cửa <Sở> " * 8
        for i in range(1, 31)
    )
    entry = (
        f"\n  - id: {LONG_ENTRY}\n"
        '    questions:\n      - "Hướng dẫn rất dài về mọi thủ tục của Sở"\n'
        f"    answer: |\n{paragraphs}\n"
    )
    faq = folder / "faq" / "lien-he.yaml"
    faq.write_text(faq.read_text(encoding="utf-8") + entry, encoding="utf-8")
    return folder


@sqlite_only
async def test_a_long_answer_is_split_on_paragraphs_with_buttons_last(
    start_bot, long_knowledge: Path
) -> None:
    bot = await start_bot(CCHC_KNOWLEDGE_DIR=str(long_knowledge))
    bot.fake.push(tg.text_update(bot.next_id(), CHAT, f"/a {LONG_ENTRY}"))
    await until(lambda: len(bot.fake.sent(CHAT)) >= 3)
    await bot.settle()
    calls = bot.fake.sent(CHAT)
    assert all(c.result is not None for c in calls)  # Telegram accepted every part
    assert all(len(check_html(c.params["text"])) <= 4096 for c in calls)
    assert "&amp;" in calls[0].params["text"] and "&lt;Sở&gt;" in calls[0].params["text"]
    assert [bool(c.params.get("reply_markup")) for c in calls] == [False] * (len(calls) - 1) + [
        True
    ]
    for call in calls[:-1]:  # cut between paragraphs, never inside one
        assert call.params["text"].rstrip().endswith("&lt;Sở&gt;")


@sqlite_only
async def test_replies_keep_to_one_message_per_second_in_a_chat(start_bot) -> None:
    bot = await start_bot(CCHC_TELEGRAM_CHAT_RATE="1")
    assert bot.server.telegram is not None
    citizen = bot.server.telegram.citizen
    for i in range(5):
        await citizen.send_reply(CHAT, Reply(f"tin {i}"))
    calls = bot.fake.sent(CHAT)
    # a burst of 3 is tolerated, then one per second
    assert calls[4].at - calls[0].at >= 1.9


@sqlite_only
async def test_an_error_is_logged_without_text_and_reported_to_staff(
    bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(incoming):
        raise RuntimeError(f"boom with the citizen's words: {incoming.text}")

    bot.app.engine.handle = broken  # type: ignore[method-assign]
    update_id = bot.next_id()
    bot.fake.push(tg.text_update(update_id, CHAT, "bí mật của tôi"))
    (sorry,) = await bot.replies(CHAT)
    (alert,) = await bot.replies(STAFF_CHAT)
    assert "hệ thống gặp sự cố" in sorry
    assert str(update_id) in alert and str(CHAT) in alert and "RuntimeError" in alert
    assert "bí mật" not in alert and "bí mật" not in caplog.text
    assert f"Telegram update {update_id} (chat {CHAT}) failed: RuntimeError" in caplog.text
