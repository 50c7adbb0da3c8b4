"""Subscriptions in the conversation, the same on every channel: /dangky shows the state,
topics by buttons (Telegram) or numbers (Zalo), /huy and typed words, the welcome offers
the notices once, and a chat that blocked the bot is unsubscribed."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from cchc_bot import texts
from cchc_bot.broadcast import SubscriptionDesk
from cchc_bot.engine import Engine
from cchc_bot.kb_service import KnowledgeService
from cchc_bot.messages import Incoming, Reply
from cchc_bot.storage import (
    ChannelRepository,
    Database,
    Repository,
    SubscriptionRepository,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def subscriptions(repository: Repository, database: Database) -> SubscriptionRepository:
    return SubscriptionRepository(database)


@pytest.fixture
def engine(
    small_service: KnowledgeService, repository: Repository, subscriptions: SubscriptionRepository
) -> Engine:
    return Engine(
        small_service, repository, timezone=VN, subscriptions=SubscriptionDesk(subscriptions)
    )


def say(engine: Engine, text: str, channel: str = "telegram", chat: str = "42") -> Reply:
    return engine.handle(Incoming(channel, chat, chat, text, None, "Lan"))


def test_dangky_subscribes_to_everything_then_shows_the_state(
    engine: Engine, subscriptions: SubscriptionRepository
) -> None:
    first = say(engine, "/dangky")
    assert first.text.startswith("✅ Đã đăng ký") and texts.SUB_ALL_TOPICS in first.text
    codes = [code for _, code in first.choices]
    assert codes[:5] == [
        "/dangky cchc",
        "/dangky dich-vu-cong",
        "/dangky tuyen-sinh",
        "/dangky thi-cu",
        "/dangky van-bang",
    ]
    assert codes[5:] == ["/dangky tatca", "/huy"]
    assert all(len(code.encode()) <= 64 for code in codes)  # Telegram callback data
    record = subscriptions.get("telegram", "42")
    assert record is not None and record.active and record.topics == ()
    again = say(engine, "/dangky")
    assert again.text.startswith("Anh/chị đang nhận bản tin")


def test_topics_toggle_by_button_codes(
    engine: Engine, subscriptions: SubscriptionRepository
) -> None:
    say(engine, "/dangky")
    say(engine, "/dangky thi-cu")  # from every topic to only this one
    reply = say(engine, "/dangky van-bang")
    assert subscriptions.get("telegram", "42").topics == ("thi-cu", "van-bang")  # type: ignore[union-attr]
    assert "Thi cử, Văn bằng, chứng chỉ" in reply.text
    ticked = [label for label, _ in reply.choices if label.startswith("✅")]
    assert len(ticked) == 2
    say(engine, "/dangky thi-cu")
    say(engine, "/dangky van-bang")  # none left: every topic again
    assert subscriptions.get("telegram", "42").topics == ()  # type: ignore[union-attr]
    assert "Không có chủ đề" in say(engine, "/dangky hoc-phi").text


def test_zalo_uses_typed_words_and_numbers(
    engine: Engine, subscriptions: SubscriptionRepository
) -> None:
    reply = say(engine, "Đăng ký", channel="zalo", chat="u-7")
    assert reply.decision == "subscribe"
    say(engine, "4", channel="zalo", chat="u-7")  # the 4th choice: thi-cu
    assert subscriptions.get("zalo", "u-7").topics == ("thi-cu",)  # type: ignore[union-attr]
    say(engine, "huy dang ky", channel="zalo", chat="u-7")
    record = subscriptions.get("zalo", "u-7")
    assert record is not None and not record.active and record.reason == "user"
    assert say(engine, "hủy", channel="zalo", chat="u-7").text == texts.UNSUB_NONE


def test_the_welcome_offers_the_notices_once(
    engine: Engine, subscriptions: SubscriptionRepository
) -> None:
    first = say(engine, "/start", channel="zalo", chat="u-9")
    assert texts.SUB_OFFER in first.text and first.choices == ((texts.SUB_OFFER_LABEL, "/dangky"),)
    assert subscriptions.get("zalo", "u-9").status == "offered"  # type: ignore[union-attr]
    second = say(engine, "xin chào", channel="zalo", chat="u-9")
    assert texts.SUB_OFFER not in second.text and not second.choices
    assert say(engine, "/start", channel="zalo", chat="u-9").choices == ()
    assert subscriptions.get("zalo", "u-9").status == "offered"  # type: ignore[union-attr]


def test_the_offer_is_taken_with_its_number(
    engine: Engine, subscriptions: SubscriptionRepository
) -> None:
    say(engine, "/start", channel="zalo", chat="u-10")
    reply = say(engine, "1", channel="zalo", chat="u-10")
    assert reply.decision == "subscribe"
    assert subscriptions.get("zalo", "u-10").active  # type: ignore[union-attr]


def test_a_chat_that_blocked_the_bot_is_unsubscribed(
    engine: Engine, database: Database, subscriptions: SubscriptionRepository
) -> None:
    say(engine, "/dangky")
    ChannelRepository(database).mark_unreachable("telegram", "42")
    record = subscriptions.get("telegram", "42")
    assert record is not None and record.status == "inactive" and record.reason == "blocked"
    assert say(engine, "/dangky").text.startswith("✅ Đã đăng ký")  # they may come back
