"""Citizens on Telegram, polling mode: greeting, answers, buttons, tickets, non-text, groups."""

from __future__ import annotations

import pytest

from tests.channels.conftest import Running
from tests.fakes import telegram_updates as tg

# About the channel, not the storage: SQLite is enough (staff, dedup and webhook run on both).
pytestmark = pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)
CHAT = 111


async def test_start_greets_and_registers_the_command_menu(bot: Running) -> None:
    fake = bot.fake
    bot.fake.push(tg.text_update(bot.next_id(), CHAT, "/start"))
    (greeting,) = await bot.replies(CHAT)
    assert "Xin chào Lan" in greeting and "Sở Giáo dục" in greeting
    (menu,) = fake.calls_to("setmycommands")
    commands = [c["command"] for c in menu.params["commands"]]
    assert commands == ["start", "menu", "thutuc", "hotline", "tracuu", "dangky", "huy", "help"]
    assert fake.calls_to("deletewebhook") and not fake.calls_to("setwebhook")
    assert fake.sent(CHAT)[0].params["parse_mode"] == "HTML"


def markup(call) -> list[list[tuple[str, str]]]:
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [[(b["text"], b["callback_data"]) for b in row] for row in rows]


async def test_a_question_is_answered_in_html_with_rating_buttons(bot: Running) -> None:
    bot.fake.push(tg.text_update(bot.next_id(), CHAT, "/a phuc-khao-thi-tot-nghiep"))
    (answer,) = await bot.replies(CHAT)
    assert answer.startswith("Phúc khảo bài thi tốt nghiệp")
    call = bot.fake.sent(CHAT)[0]
    assert call.params["parse_mode"] == "HTML"
    (ratings,) = markup(call)
    assert [code for _, code in ratings] == [
        "/danhgia e:phuc-khao-thi-tot-nghiep up",
        "/danhgia e:phuc-khao-thi-tot-nghiep down",
    ]
    assert bot.fake.calls_to("sendchataction", CHAT)[0].params["action"] == "typing"


async def test_a_question_in_everyday_words_gets_the_procedure(bot: Running) -> None:
    bot.fake.push(tg.text_update(bot.next_id(), CHAT, "phúc khảo bài thi tốt nghiệp THPT"))
    (reply,) = await bot.replies(CHAT)
    offered = [label for row in markup(bot.fake.sent(CHAT)[0]) for label, _ in row]
    assert "Phúc khảo" in reply or any("Phúc khảo" in label for label in offered)


async def test_topics_are_browsed_and_picked_with_buttons(bot: Running) -> None:
    fake = bot.fake
    fake.push(tg.text_update(bot.next_id(), CHAT, "/menu"))
    await bot.replies(CHAT)
    topics = dict(row[0] for row in markup(fake.sent(CHAT)[0]))
    assert topics["Văn bằng, chứng chỉ"] == "/t procedures/van-bang"

    fake.push(tg.callback_update(bot.next_id(), CHAT, "/t procedures/van-bang"))
    await bot.replies(CHAT, 2)
    (answered,) = fake.calls_to("answercallbackquery")
    assert answered.params["callback_query_id"].startswith("cbq-")
    entries = [row[0] for row in markup(fake.sent(CHAT)[1])]
    assert ("Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "/a ban-sao-van-bang") in entries

    fake.push(tg.callback_update(bot.next_id(), CHAT, "/a ban-sao-van-bang"))
    texts = await bot.replies(CHAT, 3)
    assert texts[2].startswith("Cấp bản sao văn bằng")
    assert len(fake.calls_to("answercallbackquery")) == 2


async def test_a_rating_button_is_answered_and_its_buttons_removed(bot: Running) -> None:
    fake = bot.fake
    fake.push(tg.callback_update(bot.next_id(), CHAT, "/danhgia e:ban-sao-van-bang up"))
    (thanks,) = await bot.replies(CHAT)
    assert "Cảm ơn" in thanks
    assert fake.calls_to("answercallbackquery")
    (edit,) = fake.calls_to("editmessagereplymarkup", CHAT)
    assert edit.params["message_id"] == 10 and not edit.params.get("reply_markup")


async def test_a_picked_choice_is_shown_in_its_message_and_the_keyboard_removed(
    bot: Running,
) -> None:
    fake = bot.fake
    fake.push(tg.text_update(bot.next_id(), CHAT, "/menu"))
    await bot.replies(CHAT)
    keyboard = markup(fake.sent(CHAT)[0])
    bold = [{"type": "bold", "offset": 0, "length": 4}]
    shown = tg.bot_message(CHAT, 42, "Chọn chủ đề <1>", keyboard=keyboard, entities=bold)
    press = tg.callback_update(bot.next_id(), CHAT, "/t procedures/van-bang", message=shown)
    fake.push(press)
    await bot.replies(CHAT, 2)
    (edit,) = fake.calls_to("editmessagetext", CHAT)
    assert edit.params["message_id"] == 42 and edit.params["parse_mode"] == "HTML"
    assert edit.params["text"] == "<b>Chọn</b> chủ đề &lt;1&gt;\n\nĐã chọn: Văn bằng, chứng chỉ"
    assert not edit.params.get("reply_markup") and edit.result is not None
    assert fake.calls_to("answercallbackquery")
    # a second tap on a message whose keyboard is gone: answered, nothing edited again
    again = tg.callback_update(bot.next_id(), CHAT, "/t procedures/van-bang", message_id=42)
    fake.push(again)
    await bot.replies(CHAT, 3)
    assert len(fake.calls_to("editmessagetext")) == 1
    assert not fake.calls_to("editmessagereplymarkup")


async def test_a_choice_code_longer_than_64_bytes_travels_as_a_token(bot: Running) -> None:
    assert bot.server.telegram is not None
    codes = bot.server.telegram.citizen.codes
    long_code = "/a " + "mot-muc-co-ma-rat-dai-" * 4
    token = await codes.data_for(long_code)
    assert token.startswith("~") and len(token.encode()) <= 64
    assert await codes.data_for("/a ban-sao-van-bang") == "/a ban-sao-van-bang"
    codes._known.clear()  # as after a restart: the token is found in the database
    bot.fake.push(tg.callback_update(bot.next_id(), CHAT, token))
    (reply,) = await bot.replies(CHAT)
    assert "không còn trong cơ sở tri thức" in reply  # the engine received the long code


async def test_hotline_files_a_ticket_with_its_number(bot: Running) -> None:
    bot.fake.push(
        tg.text_update(bot.next_id(), CHAT, "/hotline Vé xe buýt đi Phú Quốc giá bao nhiêu")
    )
    (reply,) = await bot.replies(CHAT)
    assert "HD-" in reply and "Hạn trả lời" in reply


async def test_photos_stickers_and_locations_get_a_polite_explanation(bot: Running) -> None:
    fake = bot.fake
    fake.push(tg.photo_update(bot.next_id(), CHAT))
    fake.push(tg.sticker_update(bot.next_id(), CHAT))
    fake.push(tg.location_update(bot.next_id(), CHAT))
    texts = await bot.replies(CHAT, 3)
    assert all("chỉ đọc được tin nhắn chữ" in t for t in texts)


async def test_dangky_and_huy_reach_the_subscription_desk(bot: Running) -> None:
    bot.fake.push(tg.text_update(bot.next_id(), CHAT, "/dangky"))
    bot.fake.push(tg.text_update(bot.next_id(), CHAT, "/huy"))
    texts = await bot.replies(CHAT, 2)
    assert "Đã đăng ký nhận bản tin" in texts[0] and "Đã hủy nhận bản tin" in texts[1]


async def test_in_a_group_the_bot_answers_only_when_addressed(bot: Running) -> None:
    fake, group = bot.fake, -4242
    fake.push(tg.text_update(bot.next_id(), group, "chào cả nhà", user_id=5))
    fake.push(tg.text_update(bot.next_id(), group, "/start@other_bot", user_id=5))
    mention = [{"type": "mention", "offset": 0, "length": 10}]
    fake.push(tg.text_update(bot.next_id(), group, "@so_gd_bot /help", user_id=5, entities=mention))
    await bot.replies(group)
    await bot.settle()
    fake.push(tg.text_update(bot.next_id(), group, "/start@so_gd_bot", user_id=5))
    replied = tg.bot_message(group, 55)
    fake.push(tg.text_update(bot.next_id(), group, "/a ban-sao-van-bang x", user_id=6))
    fake.push(tg.text_update(bot.next_id(), group, "cảm ơn", user_id=7, reply_to=replied))
    fake.push(tg.photo_update(bot.next_id(), group))  # not addressed: ignored
    texts = await bot.replies(group, 4)
    await bot.settle()
    assert len(fake.texts(group)) == 4
    assert texts[0].startswith("Cách dùng")  # the mention was removed, /help remained
    assert "Xin chào" in texts[1]
