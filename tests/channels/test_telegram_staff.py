"""Staff in the Telegram group: ticket posts, answers by reply or /tl, /hangdoi, buttons,
and refusals for everyone not in CCHC_STAFF_TELEGRAM_IDS."""

from __future__ import annotations

from cchc_bot.storage import ChannelRepository
from tests.channels.conftest import STAFF_CHAT, STAFF_USER, Running, until
from tests.fakes import telegram_updates as tg

CITIZEN = 111
STRANGER = 999


async def _ticket(bot: Running, text: str = "Vé xe buýt đi Phú Quốc giá bao nhiêu") -> str:
    """File a ticket as the citizen; returns the staff post's message id once posted."""
    bot.fake.push(tg.text_update(bot.next_id(), CITIZEN, f"/hotline {text}"))
    await bot.replies(CITIZEN)
    posts = await bot.replies(STAFF_CHAT)
    return posts[-1]


def _post(bot: Running, index: int = 0):
    return bot.fake.sent(STAFF_CHAT)[index]


async def test_a_new_ticket_is_posted_to_the_staff_chat(bot: Running) -> None:
    post = await _ticket(bot)
    citizen_reply = bot.fake.texts(CITIZEN)[0]
    number = citizen_reply.split("Số phiếu của anh/chị: ")[1].split()[0]
    assert f"Phiếu {number}</b>" in post and "câu hỏi" in post and "Hạn trả lời" in post
    assert "Vé xe buýt đi Phú Quốc" in post and "Gợi ý của bot" in post
    buttons = _post(bot).params["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in buttons] == [f"st:as:{number}", f"st:cl:{number}"]
    await bot.settle()
    assert len(bot.fake.sent(STAFF_CHAT)) == 1  # posted once


async def test_a_staff_reply_to_the_post_reaches_the_citizen(bot: Running) -> None:
    await _ticket(bot)
    message_id = await _post_message_id(bot)
    reply_to = tg.bot_message(STAFF_CHAT, message_id)
    answer = "Sở GDĐT không quản lý giá vé xe buýt; anh/chị liên hệ Sở Xây dựng."
    bot.fake.push(
        tg.text_update(bot.next_id(), STAFF_CHAT, answer, user_id=STAFF_USER, reply_to=reply_to)
    )
    texts = await bot.replies(CITIZEN, 2)
    assert "Trả lời phiếu HD-" in texts[1] and "Sở Xây dựng" in texts[1]
    confirmations = await bot.replies(STAFF_CHAT, 2)
    assert "Đã trả lời phiếu" in confirmations[1] and f"tg:{STAFF_USER}" in confirmations[1]


async def test_tl_answers_a_ticket_and_hangdoi_lists_the_queue(bot: Running) -> None:
    await _ticket(bot)
    number = bot.fake.texts(CITIZEN)[0].split("Số phiếu của anh/chị: ")[1].split()[0]
    bot.fake.push(tg.text_update(bot.next_id(), STAFF_CHAT, "/hangdoi", user_id=STAFF_USER))
    listing = (await bot.replies(STAFF_CHAT, 2))[1]
    assert "1 phiếu đang mở" in listing and number in listing
    bot.fake.push(tg.text_update(bot.next_id(), STAFF_USER, f"/tl {number} Xin gọi Sở Xây dựng."))
    texts = await bot.replies(CITIZEN, 2)
    assert "Xin gọi Sở Xây dựng." in texts[1]
    assert "Đã trả lời phiếu" in (await bot.replies(STAFF_USER))[0]


async def test_assign_and_close_buttons(bot: Running) -> None:
    await _ticket(bot)
    number = bot.fake.texts(CITIZEN)[0].split("Số phiếu của anh/chị: ")[1].split()[0]
    message_id = await _post_message_id(bot)
    press = tg.callback_update
    bot.fake.push(
        press(
            bot.next_id(), STAFF_CHAT, f"st:cl:{number}", user_id=STAFF_USER, message_id=message_id
        )
    )
    await until(lambda: bot.fake.calls_to("answercallbackquery"))
    refusal = bot.fake.calls_to("answercallbackquery")[0].params
    assert refusal.get("show_alert") and "không thể đóng" in refusal["text"].lower()

    bot.fake.push(
        press(
            bot.next_id(), STAFF_CHAT, f"st:as:{number}", user_id=STAFF_USER, message_id=message_id
        )
    )
    done = (await bot.replies(STAFF_CHAT, 2))[1]
    assert f"Đã giao phiếu {number}" in done
    ticket = bot.app.hotline.show(number).ticket
    assert ticket.status == "assigned" and ticket.assignee == f"Lan (tg:{STAFF_USER})"


async def test_non_staff_are_refused_and_nothing_changes(bot: Running) -> None:
    await _ticket(bot)
    number = bot.fake.texts(CITIZEN)[0].split("Số phiếu của anh/chị: ")[1].split()[0]
    message_id = await _post_message_id(bot)
    fake = bot.fake
    fake.push(tg.text_update(bot.next_id(), STRANGER, f"/tl {number} trả lời bậy"))
    fake.push(tg.text_update(bot.next_id(), STRANGER, "/hangdoi"))
    reply_to = tg.bot_message(STAFF_CHAT, message_id)
    fake.push(
        tg.text_update(
            bot.next_id(), STAFF_CHAT, "tôi trả lời", user_id=STRANGER, reply_to=reply_to
        )
    )
    fake.push(
        tg.callback_update(
            bot.next_id(), STAFF_CHAT, f"st:as:{number}", user_id=STRANGER, message_id=message_id
        )
    )
    refusals = await bot.replies(STRANGER, 2)
    assert all("không có quyền" in r for r in refusals)
    await until(lambda: len(fake.texts(STAFF_CHAT)) >= 2)
    assert "không có quyền" in fake.texts(STAFF_CHAT)[1]
    await until(lambda: fake.calls_to("answercallbackquery"))
    assert "không có quyền" in fake.calls_to("answercallbackquery")[0].params["text"]
    await bot.settle()
    view = bot.app.hotline.show(number)
    assert view.ticket.status == "open" and view.ticket.answer is None
    assert [a.action for a in view.audit] == ["open"]
    assert len(fake.texts(CITIZEN)) == 1  # the citizen got nothing more


async def test_chatter_in_the_staff_chat_is_ignored(bot: Running) -> None:
    bot.fake.push(tg.text_update(bot.next_id(), STAFF_CHAT, "ăn trưa chưa?", user_id=STAFF_USER))
    bot.fake.push(tg.text_update(bot.next_id(), STAFF_CHAT, "/start", user_id=STAFF_USER))
    await bot.settle()
    assert bot.fake.sent(STAFF_CHAT) == []


async def _post_message_id(bot: Running) -> int:
    """The message id of the bot's (first) ticket post in the staff chat, once the bot has
    recorded which ticket it belongs to (a reply before that is not tied to any ticket)."""
    await until(lambda: _post(bot).result)
    message_id = int(_post(bot).result["message_id"])
    lookup = ChannelRepository(bot.app.database)

    def recorded() -> bool:
        found = lookup.ticket_for_staff_post("telegram", str(STAFF_CHAT), str(message_id))
        return found is not None

    await until(recorded)
    return message_id
