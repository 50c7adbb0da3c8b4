"""The conversation engine on a real database (SQLite, and PostgreSQL when one answers) with
the small fixture knowledge base: one `Incoming` in, one `Reply` out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from cchc_bot import texts
from cchc_bot.engine import MAX_MESSAGE_CHARS, Engine
from cchc_bot.kb_service import KnowledgeService
from cchc_bot.messages import Incoming, Reply
from cchc_bot.storage import Database, Repository

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AGENCY_NAME = "Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm"
HOTLINE = "0292 3000 111"
# The promised period comes from the policy (3 working days by default, the one the due time
# is computed from), never from agency.yaml's wording ("trong 02 ngày làm việc" there).
RESPONSE_TIME = "trong 03 ngày làm việc"
CHANNEL = "test"
# 18:00 UTC on 31 December is already 01:00 on 1 January in Vietnam: tickets are numbered
# by the Vietnamese year.
NEW_YEAR_EVE_UTC = datetime(2026, 12, 31, 18, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NEW_YEAR_EVE_UTC)


@pytest.fixture
def store(database: Database, clock: Clock) -> Repository:
    """A migrated repository (each backend) whose clock the test controls."""
    database.upgrade()
    return Repository(database, clock=clock)


@pytest.fixture
def engine(small_service: KnowledgeService, store: Repository, clock: Clock) -> Engine:
    return Engine(small_service, store, timezone=VN, clock=clock)


class Chat:
    """One citizen's chat with the engine."""

    def __init__(self, engine: Engine, chat_id: str = "100", name: str | None = "Lan") -> None:
        self.engine = engine
        self.chat_id = chat_id
        self.name = name

    def say(self, text: str) -> Reply:
        incoming = Incoming(CHANNEL, self.chat_id, f"u{self.chat_id}", text, display_name=self.name)
        return self.engine.handle(incoming)


@pytest.fixture
def chat(engine: Engine) -> Chat:
    return Chat(engine)


def codes(reply: Reply) -> list[str]:
    return [code for _, code in reply.choices]


def labels(reply: Reply) -> list[str]:
    return [label for label, _ in reply.choices]


# --- greeting, help, menu -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["xin chào", "Xin chào!", "/start", "chào bạn"])
def test_greeting_names_the_agency(chat: Chat, text: str) -> None:
    reply = chat.say(text)
    assert reply.decision == "greeting"
    assert AGENCY_NAME in reply.text
    assert "Lan" in reply.text
    assert reply.entry_id is None


def test_greeting_without_a_display_name(engine: Engine) -> None:
    reply = Chat(engine, name=None).say("/start")
    assert AGENCY_NAME in reply.text and "anh/chị" in reply.text


def test_help_shows_commands_and_hotline(chat: Chat) -> None:
    reply = chat.say("/help")
    assert reply.decision == "help"
    assert "/menu" in reply.text and "/tracuu" in reply.text and "/hotline" in reply.text
    assert HOTLINE in reply.text
    assert chat.say("/lenhla").decision == "help"  # unknown commands get the help


def test_menu_then_topic_then_entry(chat: Chat, small_service: KnowledgeService) -> None:
    menu = chat.say("/menu")
    topics = small_service.current.knowledge.topics
    assert menu.decision == "menu"
    assert labels(menu) == [t.title for t in topics]
    assert all(code.startswith("/t ") for code in codes(menu))

    position = labels(menu).index("Văn bằng, chứng chỉ") + 1
    topic = chat.say(str(position))
    assert topic.decision == "menu"
    assert "Văn bằng, chứng chỉ" in topic.text
    assert labels(topic) == [
        "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
        "Chỉnh sửa nội dung văn bằng, chứng chỉ",
    ]

    answer = chat.say("1")
    assert answer.entry_id == "ban-sao-van-bang"
    assert answer.text.startswith("Cấp bản sao văn bằng, chứng chỉ từ sổ gốc")
    assert "Hồ sơ cần chuẩn bị" in answer.text


def test_a_topic_lists_only_entries_valid_today(chat: Chat) -> None:
    menu = chat.say("/menu")
    position = labels(menu).index("Liên hệ và dịch vụ công") + 1
    topic = chat.say(str(position))
    assert codes(topic) == ["/a duong-day-nong", "/a dich-vu-cong-truc-tuyen"]
    assert "diem-tiep-nhan-phu-loi" not in " ".join(codes(topic))
    assert chat.say("/a diem-tiep-nhan-phu-loi").entry_id is None


def test_unknown_topic_and_entry(chat: Chat) -> None:
    assert chat.say("/t khong-co").text == texts.UNKNOWN_TOPIC
    assert chat.say("/a khong-co").text == texts.UNKNOWN_ENTRY


# --- questions --------------------------------------------------------------------------------


def test_a_question_is_answered(chat: Chat) -> None:
    reply = chat.say("chỉnh sửa văn bằng")
    assert reply.decision == "answer"
    assert reply.entry_id == "chinh-sua-van-bang"
    assert reply.aspect is None
    assert reply.score is not None and 0 < reply.score <= 1
    assert reply.text.startswith("Chỉnh sửa nội dung văn bằng, chứng chỉ")
    assert "Mã thủ tục: 2.001914" in reply.text
    assert [code for _, code in reply.choices] == [
        f"/danhgia e:{reply.entry_id} up",
        f"/danhgia e:{reply.entry_id} down",
    ]


def test_an_aspect_question_puts_the_aspect_first(chat: Chat) -> None:
    reply = chat.say("lệ phí cấp bản sao văn bằng")
    assert (reply.decision, reply.entry_id, reply.aspect) == ("answer", "ban-sao-van-bang", "fee")
    title, first, *_ = reply.text.split("\n\n")
    assert title == "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc"
    assert first.startswith("Phí, lệ phí")
    assert "3.000 đồng/bản sao" in first
    assert "Hồ sơ cần chuẩn bị" not in reply.text  # only the aspect asked
    assert codes(reply)[-1] == "/a ban-sao-van-bang"  # after 👍 / 👎

    full = chat.say("3")  # 1 👍, 2 👎, 3 "Xem toàn bộ thủ tục"
    assert full.entry_id == "ban-sao-van-bang"
    assert full.aspect is None
    assert "Hồ sơ cần chuẩn bị" in full.text and "Phí, lệ phí" in full.text


def test_choices_are_remembered_and_a_number_picks_one(chat: Chat, store: Repository) -> None:
    reply = chat.say("chuyển trường")
    assert reply.decision == "choices"
    assert reply.entry_id is None
    offered = [code for code in codes(reply) if code != "/hotline"]
    assert sorted(offered) == ["/a chuyen-truong-thcs", "/a chuyen-truong-thpt"]
    assert codes(reply)[-1] == "/hotline"
    assert {c[0] for c in reply.candidates} == {"chuyen-truong-thcs", "chuyen-truong-thpt"}

    state = store.get_chat_state(CHANNEL, chat.chat_id)
    assert state is not None
    assert state.pending_choices == tuple(offered)
    assert state.pending_question == "chuyển trường"

    second = chat.say("2")
    assert second.entry_id == offered[1].removeprefix("/a ")
    assert second.text.startswith(reply.choices[1][0])


def test_zero_sends_the_original_question_to_the_hotline(chat: Chat, store: Repository) -> None:
    chat.say("chuyển trường")
    reply = chat.say("0")
    assert reply.decision == "ticket"
    assert reply.ticket_number == "HD-2027-00001"
    ticket = store.get_ticket("HD-2027-00001")
    assert ticket is not None
    assert ticket.text == "chuyển trường"
    assert (ticket.channel, ticket.chat_id) == (CHANNEL, chat.chat_id)
    assert {c.entry_id for c in ticket.candidates} == {"chuyen-truong-thcs", "chuyen-truong-thpt"}
    state = store.get_chat_state(CHANNEL, chat.chat_id)
    assert state is not None and state.pending_choices == () and state.pending_question is None


def test_a_repeated_zero_does_not_file_a_second_ticket(chat: Chat, store: Repository) -> None:
    chat.say("chuyển trường")
    assert chat.say("0").decision == "ticket"
    again = chat.say("0")
    assert again.decision != "ticket"
    assert [t.text for t in store.list_tickets()] == ["chuyển trường"]


def test_a_number_out_of_range_is_explained(chat: Chat) -> None:
    chat.say("chuyển trường")
    reply = chat.say("7")
    assert reply.text == texts.NO_PENDING_CHOICE.format(number=7)


# --- hotline tickets ----------------------------------------------------------------------


def test_unknown_question_becomes_a_numbered_ticket(
    chat: Chat, store: Repository, clock: Clock
) -> None:
    reply = chat.say("asdfgh qwerty")
    assert reply.decision == "ticket"
    assert reply.ticket_number == "HD-2027-00001"  # the Vietnamese year, not UTC's 2026
    assert "HD-2027-00001" in reply.text
    assert HOTLINE in reply.text
    assert RESPONSE_TIME in reply.text and "02 ngày" not in reply.text
    ticket = store.get_ticket("HD-2027-00001")
    assert ticket is not None and ticket.text == "asdfgh qwerty" and ticket.status == "open"
    assert ticket.user_id == f"u{chat.chat_id}" and ticket.display_name == "Lan"

    clock.now = datetime(2027, 1, 2, 9, 0, tzinfo=UTC)
    assert chat.say("zxcvb poiuy").ticket_number == "HD-2027-00002"


def test_hotline_command(chat: Chat, store: Repository) -> None:
    ask = chat.say("/hotline")
    assert ask.decision == "hotline" and HOTLINE in ask.text
    assert store.list_tickets() == []
    reply = chat.say("/hotline con tôi muốn học trường quốc tế")
    assert reply.decision == "ticket"
    (ticket,) = store.list_tickets()
    assert ticket.text == "con tôi muốn học trường quốc tế"


def test_asking_for_a_person_offers_the_hotline(chat: Chat) -> None:
    assert chat.say("cho em gặp cán bộ").decision == "hotline"


def test_tracking_a_ticket_only_from_its_own_chat(engine: Engine) -> None:
    owner, stranger = Chat(engine, "100"), Chat(engine, "200")
    number = owner.say("asdfgh qwerty").ticket_number
    assert number == "HD-2027-00001"

    mine = owner.say(f"/tracuu {number}")
    assert mine.decision == "track"
    assert number in mine.text
    assert texts.TICKET_STATUS_NAMES["open"] in mine.text
    assert "01/01/2027 01:00" in mine.text  # shown in Vietnamese time

    assert owner.say("hd 2027 1").ticket_number == number  # sloppy spelling, same ticket

    theirs = stranger.say(f"/tracuu {number}")
    assert theirs.text == texts.TRACK_NOT_FOUND.format(number=number)
    assert "không tìm thấy" in theirs.text.lower()
    assert texts.TICKET_STATUS_NAMES["open"] not in theirs.text

    assert owner.say("/tracuu").text == texts.TRACK_USAGE
    missing = owner.say("/tracuu HD-2099-00042")
    assert missing.text == texts.TRACK_NOT_FOUND.format(number="HD-2099-00042")


# --- odd input ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_message_gets_a_polite_reply(chat: Chat, text: str) -> None:
    reply = chat.say(text)
    assert (reply.decision, reply.text) == ("empty", texts.EMPTY)


def test_very_long_message_gets_a_polite_reply(chat: Chat, store: Repository) -> None:
    text = ("phúc khảo " * 500).strip() + "?"
    assert len(text) == 5000
    reply = chat.say(text)
    assert reply.decision == "too_long"
    assert str(MAX_MESSAGE_CHARS) in reply.text and "5000" in reply.text
    assert store.list_tickets() == []


@pytest.mark.parametrize("text", ["😀", "???", "ạ", "x" * MAX_MESSAGE_CHARS, "/", "0"])
def test_odd_messages_never_crash(chat: Chat, text: str) -> None:
    reply = chat.say(text)
    assert isinstance(reply, Reply) and reply.text


def test_vague_question_offers_topics(chat: Chat, store: Repository) -> None:
    reply = chat.say("thủ tục")
    assert reply.decision == "vague"
    assert all(code.startswith("/t ") for code in codes(reply))
    assert store.list_tickets() == []


def test_thanks(chat: Chat) -> None:
    assert chat.say("cảm ơn").text == texts.THANKS


# --- the message log ---------------------------------------------------------------------------


def test_every_exchange_is_logged(chat: Chat, store: Repository) -> None:
    said = ["xin chào", "lệ phí cấp bản sao văn bằng", "chuyển trường", "", "asdfgh qwerty"]
    replies = [chat.say(text) for text in said]
    logged = list(reversed(store.recent_messages(limit=10)))
    assert [m.text for m in logged] == said
    assert [m.decision for m in logged] == [r.decision for r in replies]
    for message, reply in zip(logged, replies, strict=True):
        assert message.channel == CHANNEL
        assert (message.chat_id, message.user_id) == (chat.chat_id, f"u{chat.chat_id}")
        assert message.reply_text == reply.text
        assert message.latency_ms >= 0
    answer = logged[1]
    assert (answer.entry_id, answer.aspect) == ("ban-sao-van-bang", "fee")
    assert answer.score == pytest.approx(replies[1].score)
    assert answer.latency_ms > 0
    assert logged[2].score == pytest.approx(replies[2].score)
    assert logged[0].entry_id is None and logged[0].score is None


def test_each_chat_is_logged_under_its_own_user(chat: Chat, engine: Engine) -> None:
    chat.say("xin chào")
    stranger = Chat(engine, "200", name="Minh")
    stranger.say("xin chào")
    assert {m.user_id for m in engine.repository.recent_messages()} == {"u100", "u200"}


# --- preview -----------------------------------------------------------------------------------


def test_preview_does_not_touch_storage(engine: Engine, store: Repository) -> None:
    match, reply = engine.preview("lệ phí cấp bản sao văn bằng")
    assert (match.status, reply.entry_id, reply.aspect) == ("answer", "ban-sao-van-bang", "fee")
    match, reply = engine.preview("chuyển trường")
    assert match.status == "choices" and reply.decision == "choices"
    match, reply = engine.preview("asdfgh qwerty")
    assert match.status == "unknown" and reply.text == texts.PREVIEW_UNKNOWN
    assert store.recent_messages() == []
    assert store.list_tickets() == []
    assert store.get_chat_state("console", "preview") is None


def test_preview_works_without_storage(small_service: KnowledgeService) -> None:
    engine = Engine(small_service, None, timezone=VN)
    match, reply = engine.preview("phúc khảo")
    assert match.status == "answer" and reply.entry_id == "phuc-khao-thi-tot-nghiep"


# --- a database that is down -----------------------------------------------------------------


@pytest.fixture
def engine_without_db(small_service: KnowledgeService) -> Iterator[Engine]:
    database = Database("postgresql+psycopg://cchc:secret@127.0.0.1:1/cchc?connect_timeout=2")
    try:
        yield Engine(small_service, Repository(database), timezone=VN)
    finally:
        database.close()


def test_questions_are_answered_while_the_database_is_down(engine_without_db: Engine) -> None:
    chat = Chat(engine_without_db)
    reply = chat.say("phúc khảo mất bao lâu")
    assert (reply.decision, reply.entry_id, reply.aspect) == (
        "answer",
        "phuc-khao-thi-tot-nghiep",
        "processing_time",
    )
    assert chat.say("xin chào").decision == "greeting"


def test_unknown_question_while_the_database_is_down(engine_without_db: Engine) -> None:
    chat = Chat(engine_without_db)
    reply = chat.say("asdfgh qwerty")
    assert reply.text == texts.TICKET_FAILED.format(hotline=HOTLINE)
    assert HOTLINE in reply.text
    assert reply.ticket_number is None
    tracked = chat.say("/tracuu HD-2026-00001")
    assert tracked.text == texts.TRACK_NOT_FOUND.format(number="HD-2026-00001")
