"""The Zalo Bot Platform channel end to end: our httpx client and the real server against the
fake Zalo Bot API — webhook secret, envelopes, photo fields, dedup, splitting, numbered
choices, groups, flood limit, long polling with idle 408s."""

from __future__ import annotations

import asyncio
import json

import httpx
from sqlalchemy import text

from tests.fakes import zalo_updates as zu
from tests.fakes.zalo_harness import (
    HOOK_SECRET,
    ZaloRunning,
    until,
)

CHAT = "u-777"
HEADER = "X-Bot-Api-Secret-Token"


async def _post(bot: ZaloRunning, body: object, secret: str | None = HOOK_SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[HEADER] = secret
    async with httpx.AsyncClient() as client:
        response = await client.post(bot.hook_url, content=json.dumps(body), headers=headers)
    return response.status_code


def _stored(bot: ZaloRunning) -> int:
    query = text("SELECT count(*) FROM inbound_updates WHERE channel = 'zalo'")
    return int(bot.app.database.run(lambda s: s.execute(query).scalar_one()))


async def test_start_up_sets_the_webhook_with_the_secret(start_zalo) -> None:
    bot = await start_zalo()
    assert [c.method for c in bot.bot.calls[:2]] == ["getme", "setwebhook"]
    (call,) = bot.bot.calls_to("setwebhook")
    assert call.params == {"url": "https://bot.example.vn/zalo/hook", "secret_token": HOOK_SECRET}
    assert call.content_type.startswith("application/json")
    assert bot.server.zalo is not None and bot.server.zalo.names[0] == "bot.SoGDTest"


async def test_a_wrong_or_missing_secret_gets_403_and_nothing_is_processed(start_zalo) -> None:
    bot = await start_zalo()
    update = zu.text(CHAT, "/help", bot.mid())
    assert await _post(bot, update, secret=None) == 403
    assert await _post(bot, update, secret="wrong-secret-123") == 403
    assert await _post(bot, update, secret=HOOK_SECRET[:-1]) == 403
    await asyncio.sleep(0.2)
    assert _stored(bot) == 0 and bot.bot.texts(CHAT) == []
    assert await _post(bot, update) == 200
    (reply,) = await bot.replies(CHAT)
    assert "Cách dùng" in reply


async def test_flat_and_wrapped_envelopes_are_both_answered(start_zalo) -> None:
    bot = await start_zalo()
    bot.bot.push(zu.text(CHAT, "/start", bot.mid()), envelope="flat")
    await bot.replies(CHAT, 1)
    bot.bot.push(zu.text(CHAT, "/help", bot.mid()), envelope="wrapped")
    greeting, help_text = await bot.replies(CHAT, 2)
    assert "Xin chào Lan" in greeting and "Cách dùng" in help_text
    assert bot.bot.webhook_responses == [200, 200]
    # a body that is no event is dropped with 200 (a retry would repeat the same bytes)
    assert await _post(bot, {"ok": True, "result": {"event_name": "x"}}) == 200
    assert await _post(bot, None) == 200
    await bot.settle()
    assert bot.bot.webhook_responses == [200, 200] and len(bot.bot.texts(CHAT)) == 2


async def test_photos_under_either_field_name_stickers_and_unsupported_get_a_polite_reply(
    start_zalo,
) -> None:
    bot = await start_zalo()
    bot.bot.push(zu.image(CHAT, bot.mid(), field="photo_url"))
    bot.bot.push(zu.image(CHAT, bot.mid(), field="photo"))
    bot.bot.push(zu.other(CHAT, bot.mid(), "message.sticker.received"))
    bot.bot.push(zu.other(CHAT, bot.mid(), "message.unsupported.received"))
    replies = await bot.replies(CHAT, 4)
    assert all("chỉ đọc được tin nhắn chữ" in r for r in replies[:3])
    assert "không đọc được nội dung" in replies[3]


async def test_a_duplicate_message_id_is_answered_once(start_zalo, database_url: str) -> None:
    bot = await start_zalo(database_url=database_url)
    update = zu.text(CHAT, "/help", "msg-dup")
    statuses = await asyncio.gather(*(_post(bot, update) for _ in range(3)))
    assert statuses == [200, 200, 200]
    await bot.replies(CHAT)
    await bot.settle()
    bot.bot.push(update, envelope="wrapped")  # Zalo retrying later, in the other envelope
    await until(lambda: len(bot.bot.webhook_responses) == 1)
    await bot.settle()
    await asyncio.sleep(0.1)
    assert len(bot.bot.texts(CHAT)) == 1 and _stored(bot) == 1


async def test_a_choice_is_picked_by_typing_its_number(start_zalo) -> None:
    bot = await start_zalo()
    bot.bot.push(zu.text(CHAT, "/menu", bot.mid()))
    (menu,) = await bot.replies(CHAT)
    lines = menu.splitlines()
    number = next(line.split(".")[0] for line in lines if line.endswith("Văn bằng, chứng chỉ"))
    assert "Trả lời 1, 2" in menu and "hoặc" in menu
    bot.bot.push(zu.text(CHAT, number, bot.mid()))
    topic = (await bot.replies(CHAT, 2))[1]
    pick = next(line.split(".")[0] for line in topic.splitlines() if "bản sao" in line.lower())
    bot.bot.push(zu.text(CHAT, f" {pick} ", bot.mid()))
    answer = (await bot.replies(CHAT, 3))[2]
    assert answer.startswith("Cấp bản sao văn bằng")
    assert "1. 👍 Hữu ích" in answer and "2. 👎 Chưa đúng ý" in answer
    bot.bot.push(zu.text(CHAT, "1", bot.mid()))
    assert "Cảm ơn anh/chị đã đánh giá" in (await bot.replies(CHAT, 4))[3]


async def test_group_messages_are_answered_only_when_the_bot_is_mentioned(start_zalo) -> None:
    bot = await start_zalo()
    group = "g-1"
    bot.bot.push(zu.text(group, "/help", bot.mid(), user="u-1", group=True))
    bot.bot.push(zu.text(group, "@bot.SoGDTest /help", bot.mid(), user="u-1", group=True))
    (reply,) = await bot.replies(group)
    assert "Cách dùng" in reply
    await bot.settle()
    assert len(bot.bot.texts(group)) == 1


async def test_the_flood_limit_gives_one_notice_then_silence(start_zalo) -> None:
    bot = await start_zalo(CCHC_FLOOD_LIMIT="2")
    for _ in range(5):
        bot.bot.push(zu.text(CHAT, "/help", bot.mid()))
    replies = await bot.replies(CHAT, 3)
    await bot.settle()
    await asyncio.sleep(0.1)
    assert len(bot.bot.texts(CHAT)) == 3 and "quá nhanh" in replies[2]


async def test_long_polling_survives_idle_408s_and_answers(start_zalo, caplog) -> None:
    bot = await start_zalo(webhook=False)
    fake = bot.bot
    await until(lambda: len(fake.calls_to("getupdates")) >= 3)  # idle polls: 408 each
    assert not fake.calls_to("setwebhook") and not fake.calls_to("deletewebhook")
    assert fake.calls_to("getwebhookinfo")  # 404: no webhook to remove
    assert "messages sent while the bot is not polling" in caplog.text
    fake.push(zu.text(CHAT, "/start", bot.mid()), zu.text(CHAT, "/help", bot.mid()))
    greeting, help_text = await bot.replies(CHAT, 2)
    assert "Xin chào" in greeting and "Cách dùng" in help_text
    health = await bot.server.health()
    assert health.details["zalo"] == "polling"
