"""What citizens read around the hotline, on a real database (SQLite and PostgreSQL): the 👎
reply on channels without buttons, survey replies, and the wording of a new ticket."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from cchc_bot import texts
from cchc_bot.channels.capabilities import CONSOLE, ZALO_BOT, ZALO_OA, Capabilities
from cchc_bot.channels.render import numbered, plain_parts
from cchc_bot.engine import Engine
from cchc_bot.kb_service import KnowledgeService
from cchc_bot.messages import Incoming, Reply
from cchc_bot.storage import Database, Repository

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 09:00 in Vietnam
ANSWERED = "cấp bản sao bằng tốt nghiệp cần giấy tờ gì"


@pytest.fixture
def engine(database: Database, small_service: KnowledgeService) -> Engine:
    database.upgrade()
    return Engine(
        small_service, Repository(database, clock=lambda: NOW), timezone=VN, clock=lambda: NOW
    )


def say(engine: Engine, text: str, chat: str = "100") -> Reply:
    return engine.handle(Incoming("console", chat, f"u{chat}", text))


# --- 👎 on a bot answer: the only choice is "send to staff" ---------------------------------


def test_a_reply_offering_only_the_hotline_is_numbered_zero() -> None:
    reply = Reply(texts.RATED_DOWN, choices=((texts.SEND_TO_STAFF_LABEL, "/hotline"),))
    shown = numbered(reply)
    assert shown.splitlines() == [
        texts.RATED_DOWN,
        "",
        f"0. {texts.SEND_TO_STAFF_LABEL}",
        "",
        texts.HOTLINE_ONLY_HINT,
    ]


@pytest.mark.parametrize("caps", [CONSOLE, ZALO_BOT, ZALO_OA], ids=lambda c: c.name)
def test_thumbs_down_renders_on_plain_channels_and_0_files_the_ticket(
    engine: Engine, caps: Capabilities
) -> None:
    answer = say(engine, ANSWERED)
    assert answer.decision == "answer"
    down = say(engine, "2")  # 1 👍, 2 👎
    assert down.decision == "rating"
    parts = plain_parts(down, caps)
    assert len(parts) == 1
    assert parts[0].startswith(texts.RATED_DOWN)
    assert f"0. {texts.SEND_TO_STAFF_LABEL}" in parts[0]
    assert parts[0].endswith(texts.HOTLINE_ONLY_HINT)
    assert "1." not in parts[0]
    ticket = say(engine, "0")
    assert ticket.decision == "ticket" and ticket.ticket_number
