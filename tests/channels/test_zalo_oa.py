"""The Zalo OA channel end to end against the fake OA: signatures, token rotation (restarts,
two workers), the free-reply window (held answers, staff told, delivery on the next
message) and the paid route."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from cchc_bot.channels.zalo.oa_tokens import OaTokens
from cchc_bot.storage import Database, SubscriptionRepository, ZaloRepository
from tests.fakes import zalo_updates as zu
from tests.fakes.telegram_server import TOKEN as TG_TOKEN
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.zalo_harness import (
    ZaloRunning,
    stop,
    until,
)
from tests.fakes.zalo_oa_server import APP_ID, FIRST_ACCESS, FIRST_REFRESH, FakeZaloOa

USER = "oa-user-1"
NUMBER = re.compile(r"HD-\d{4}-\d{5}")


def _stored(bot: ZaloRunning) -> int:
    query = text("SELECT count(*) FROM inbound_updates WHERE channel = 'zalo_oa'")
    return int(bot.app.database.run(lambda s: s.execute(query).scalar_one()))


async def _say(bot: ZaloRunning, words: str, user: str = USER, mid: str = "", **kw) -> int:
    event = zu.oa_text(user, words, mid or bot.mid())
    return await asyncio.to_thread(bot.oa.push, bot.oa_url, event, **kw)


async def test_replies_name_the_citizens_message_so_zalo_counts_them_as_replies(
    start_zalo,
) -> None:
    bot = await start_zalo(bot=False, oa=True)
    first = bot.mid()
    assert await _say(bot, "/hotline Vé xe buýt đi Phú Quốc giá bao nhiêu", mid=first) == 200
    (reply,) = await bot.oa_replies(USER)
    number = NUMBER.search(reply).group(0)  # type: ignore[union-attr]
    assert bot.oa.sent[0].body["recipient"] == {"message_id": first}
    later = bot.mid()
    assert await _say(bot, "/help", mid=later) == 200
    await bot.oa_replies(USER, 2)
    await bot.settle()
    await stop(bot)
    bot = await start_zalo(bot=False, oa=True)  # it knows the message id from the database
    # a staff answer inside the window names the last message the citizen sent
    await asyncio.to_thread(bot.app.hotline.answer, number, "Xin hỏi Sở GTVT.", "Lan")
    answer = (await bot.oa_replies(USER, 3))[2]
    assert answer.startswith(f"Trả lời phiếu {number}")
    assert bot.oa.sent[-1].body["recipient"] == {"message_id": later}
    assert [(s.via, s.proactive) for s in bot.oa.sent] == [("message_id", False)] * 3


async def test_a_signed_event_is_answered_with_a_consultation_message(start_zalo) -> None:
    bot = await start_zalo(bot=False, oa=True)
    assert await _say(bot, "/help") == 200
    (reply,) = await bot.oa_replies(USER)
    assert "Cách dùng" in reply and bot.oa.sent[0].access_token == FIRST_ACCESS
    assert (await bot.server.health()).details["zalo_oa"] == "webhook"


async def test_tampered_stale_unsigned_or_foreign_events_get_403(start_zalo) -> None:
    bot = await start_zalo(bot=False, oa=True)
    oa = bot.oa
    event = zu.oa_text(USER, "/help", bot.mid())
    assert await asyncio.to_thread(oa.push, bot.oa_url, event, tamper=True) == 403
    foreign = oa.sign(b"{}", str(event["timestamp"]), secret="another-secret")
    assert await asyncio.to_thread(oa.push, bot.oa_url, event, signature=foreign) == 403
    assert await asyncio.to_thread(oa.push, bot.oa_url, event, signature="mac=") == 403
    stale = {**event, "timestamp": str(int((time.time() - 3600) * 1000))}
    assert await asyncio.to_thread(oa.push, bot.oa_url, stale) == 403  # rightly signed, old
    await asyncio.sleep(0.2)
    assert _stored(bot) == 0 and oa.sent == []
    assert await asyncio.to_thread(oa.push, bot.oa_url, event) == 200
    await bot.oa_replies(USER)


async def test_echoes_and_receipts_are_acknowledged_images_answered_politely(
    start_zalo,
) -> None:
    bot = await start_zalo(bot=False, oa=True)
    for name in ("oa_send_text", "user_seen_message", "follow"):
        event = zu.oa_event(USER, name, bot.mid(), text="…")
        assert await asyncio.to_thread(bot.oa.push, bot.oa_url, event) == 200
    image = zu.oa_event(USER, "user_send_image", bot.mid(), attachments=[])
    assert await asyncio.to_thread(bot.oa.push, bot.oa_url, image) == 200
    (reply,) = await bot.oa_replies(USER)
    assert "chỉ đọc được tin nhắn chữ" in reply
    await bot.settle()
    assert _stored(bot) == 1


async def test_a_follower_who_unfollows_is_unsubscribed(start_zalo) -> None:
    bot = await start_zalo(bot=False, oa=True)
    subscriptions = SubscriptionRepository(bot.app.database)
    subscriptions.add_active([("zalo_oa", USER, ()), ("zalo_oa", "stays", ())])
    unfollow = zu.oa_unfollow(USER)
    assert await asyncio.to_thread(bot.oa.push, bot.oa_url, unfollow) == 200
    record = subscriptions.get("zalo_oa", USER)
    assert record is not None and (record.status, record.reason) == ("inactive", "blocked")
    assert subscriptions.get("zalo_oa", "stays").active  # type: ignore[union-attr]
    assert _stored(bot) == 0 and bot.oa.sent == []  # nothing to answer


async def test_token_refresh_rotates_and_the_new_pair_survives_a_restart(
    start_zalo, database_url: str, zalo_oa: FakeZaloOa
) -> None:
    bot = await start_zalo(database_url=database_url, bot=False, oa=True)
    zalo_oa.expire()  # Zalo now answers -216 to at-0
    assert await _say(bot, "/help") == 200
    await bot.oa_replies(USER)
    assert zalo_oa.refreshes == [FIRST_REFRESH] and zalo_oa.sent[-1].access_token == "at-1"
    await stop(bot)

    again = await start_zalo(database_url=database_url, bot=False, oa=True)  # same settings
    zalo_oa.expire()
    assert await _say(again, "/start") == 200
    await again.oa_replies(USER, 2)
    assert zalo_oa.refreshes == [FIRST_REFRESH, "rt-1"]  # the stored token, not the seed
    assert zalo_oa.reused == [] and zalo_oa.sent[-1].access_token == "at-2"


async def test_two_workers_never_spend_the_same_refresh_token(
    database_url: str, zalo_oa: FakeZaloOa
) -> None:
    from cchc_bot.channels.zalo.oa_api import OaApi

    databases = [Database(database_url) for _ in range(2)]
    databases[0].upgrade()
    try:
        api = OaApi(zalo_oa.base_url, zalo_oa.oauth_url, APP_ID, zalo_oa.secret)
        workers = [
            OaTokens(ZaloRepository(db), APP_ID, FIRST_ACCESS, FIRST_REFRESH, api.refresh)
            for db in databases
        ]
        for worker in workers:
            await worker.start()
        zalo_oa.refresh_delay = 0.3  # both find the token stale while the first refreshes
        tokens = await asyncio.gather(*(w.refresh(FIRST_ACCESS) for w in workers))
        assert tokens == ["at-1", "at-1"]
        assert zalo_oa.refreshes == [FIRST_REFRESH] and zalo_oa.reused == []
        await api.close()
    finally:
        for db in databases:
            db.close()


def _age_window(bot: ZaloRunning, hours: float) -> None:
    """Move the citizen's last message `hours` into the past."""
    when = datetime.now(UTC) - timedelta(hours=hours)
    query = text("UPDATE zalo_contacts SET last_inbound_at = :when WHERE chat_id = :chat")
    bot.app.database.run(lambda s: s.execute(query, {"when": when, "chat": USER}), write=True)


async def _ticket(bot: ZaloRunning) -> str:
    assert await _say(bot, "/hotline Vé xe buýt đi Phú Quốc giá bao nhiêu") == 200
    (reply,) = await bot.oa_replies(USER)
    found = NUMBER.search(reply)
    assert found, reply
    return found.group(0)


def _use_replies(bot: ZaloRunning, replies: int) -> None:
    """As if `replies` free replies had gone out since the citizen's last message."""
    query = text("UPDATE zalo_contacts SET replies = :n WHERE chat_id = :chat")
    bot.app.database.run(lambda s: s.execute(query, {"n": replies, "chat": USER}), write=True)


def _held(bot: ZaloRunning, number: str) -> list[str]:
    return [a.detail for a in bot.app.hotline.show(number).audit if a.action == "held"]


async def test_the_eight_replies_are_counted_per_message_and_part(start_zalo) -> None:
    bot = await start_zalo(bot=False, oa=True)
    numbers = []
    for i, topic in enumerate(("xe buýt", "máy bay", "tàu hỏa")):
        assert await _say(bot, f"/hotline Vé {topic} đi Phú Quốc giá bao nhiêu") == 200
        found = NUMBER.search((await bot.oa_replies(USER, i + 1))[i])
        assert found
        numbers.append(found.group(0))
    assert len(set(numbers)) == 3
    await bot.settle()
    _use_replies(bot, 7)  # one free reply left, three answers to send
    sent = len(bot.oa.texts(USER))
    for number in numbers:
        await asyncio.to_thread(bot.app.hotline.answer, number, "Xin hỏi Sở GTVT.", "Lan")
    await until(lambda: sum(len(_held(bot, n)) for n in numbers) == 2)
    rounds = bot.server.dispatcher.rounds
    await until(lambda: bot.server.dispatcher.rounds > rounds + 3)
    assert len(bot.oa.texts(USER)) == sent + 1  # the 8th reply, and no 9th or 10th
    held = [d for n in numbers for d in _held(bot, n)]
    assert len(held) == 2 and all("đủ 8 tin" in d for d in held)
    pending = bot.app.hotline.tickets.pending_outbox(channel="zalo_oa")
    assert len(pending) == 2 and all(p.attempts == 0 for p in pending)


async def test_an_answer_in_two_parts_does_not_fit_one_reply_left(start_zalo) -> None:
    bot = await start_zalo(bot=False, oa=True, CCHC_ZALO_OA_PAID_ROUTE="transaction")
    number = await _ticket(bot)
    await bot.settle()
    _use_replies(bot, 7)
    long_answer = "\n\n".join(f"Đoạn {i}: " + "hướng dẫn chi tiết " * 30 for i in range(5))
    assert 2000 < len(long_answer) < 3800
    sent = len(bot.oa.texts(USER))
    await asyncio.to_thread(bot.app.hotline.answer, number, long_answer, "Lan")
    paid = await bot.oa_replies(USER, 2, kind="transaction")  # both parts by the paid route
    assert paid[0].startswith(f"Trả lời phiếu {number}")
    assert len(bot.oa.texts(USER)) == sent and not _held(bot, number)  # no free part spent


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    fake.max_poll_wait = 0.2
    fake.start()
    yield fake
    fake.stop()


async def test_an_answer_outside_the_window_is_held_staff_told_then_delivered(
    start_zalo, telegram: FakeTelegram, database_url: str
) -> None:
    staff = -100500
    bot = await start_zalo(
        database_url=database_url,
        bot=False,
        oa=True,
        CCHC_TELEGRAM_TOKEN=TG_TOKEN,
        CCHC_TELEGRAM_API_URL=telegram.base_url,
        CCHC_STAFF_CHAT_ID=str(staff),
        CCHC_TELEGRAM_MAX_RATE="0",
        CCHC_TELEGRAM_CHAT_RATE="0",
    )
    number = await _ticket(bot)
    _age_window(bot, 49)
    await asyncio.to_thread(bot.app.hotline.answer, number, "Xin hỏi Sở GTVT.", "Lan")
    notice = await until(lambda: [t for t in telegram.texts(staff) if "⏳" in t])
    assert number in notice[0] and "48 giờ" in notice[0] and "nhắn lại" in notice[0]
    (held,) = [a for a in bot.app.hotline.show(number).audit if a.action == "held"]
    assert held.actor == "zalo_oa" and "48 giờ" in held.detail
    (pending,) = bot.app.hotline.tickets.pending_outbox(channel="zalo_oa")
    assert pending.attempts == 0 and len(bot.oa.texts(USER)) == 1  # nothing sent or spent

    assert await _say(bot, "/help") == 200
    replies = await bot.oa_replies(USER, 3)
    assert "Cách dùng" in replies[1] and replies[2].startswith(f"Trả lời phiếu {number}")
    await until(lambda: not bot.app.hotline.tickets.pending_outbox(channel="zalo_oa"))


async def test_a_window_refusal_from_zalo_holds_the_answer_too(start_zalo) -> None:
    bot = await start_zalo(bot=False, oa=True)
    number = await _ticket(bot)
    bot.oa.refuse(USER, -230)  # "no recent interaction", whatever our own clock says
    await asyncio.to_thread(bot.app.hotline.answer, number, "Trả lời.", "Lan")
    await until(lambda: [a for a in bot.app.hotline.show(number).audit if a.action == "held"])
    assert await _say(bot, "/help") == 200
    replies = await bot.oa_replies(USER, 3)
    assert replies[2].startswith(f"Trả lời phiếu {number}")


async def test_the_paid_route_sends_answers_outside_the_window(start_zalo) -> None:
    bot = await start_zalo(bot=False, oa=True, CCHC_ZALO_OA_PAID_ROUTE="transaction")
    number = await _ticket(bot)
    _age_window(bot, 49)
    await asyncio.to_thread(bot.app.hotline.answer, number, "Xin hỏi Sở GTVT.", "Lan")
    (paid,) = await bot.oa_replies(USER, 1, kind="transaction")
    assert paid.startswith(f"Trả lời phiếu {number}")
    assert bot.oa.sent[-1].body["recipient"] == {"user_id": USER}  # the paid route: user id
    body = bot.oa.sent[-1].body["message"]["attachment"]["payload"]
    assert body["template_type"] == "transaction_education"
    assert not [a for a in bot.app.hotline.show(number).audit if a.action == "held"]
