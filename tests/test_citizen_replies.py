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


# --- the satisfaction survey: what it cannot read is never a new question -----------------

UNKNOWN = "Vé xe buýt Vietjet đi Erasmus giá bao nhiêu"


def surveyed(engine: Engine, chat: str = "100") -> str:
    """A ticket of this chat answered and closed: its survey waits for the citizen."""
    number = say(engine, UNKNOWN, chat).ticket_number
    assert number and engine.desk is not None
    hotline = engine.desk.hotline
    hotline.answer(number, "Sở không bán vé xe.", "Lan")
    hotline.close(number, "Lan")
    assert hotline.outbox.pending_survey("console", chat) is not None
    return number


def tickets_of(engine: Engine) -> list[str]:
    assert engine.repository is not None
    return [t.number for t in engine.repository.list_tickets()]


@pytest.mark.parametrize("text", ["6 7", "3,2,1", "9", "5 5 5", "10 10 10 10", "0"])
def test_unreadable_scores_get_the_survey_help_not_an_answer(engine: Engine, text: str) -> None:
    surveyed(engine)
    before = tickets_of(engine)
    reply = say(engine, text)
    assert (reply.decision, reply.text) == ("survey", texts.SURVEY_INVALID)
    assert tickets_of(engine) == before
    assert engine.desk is not None
    assert engine.desk.hotline.outbox.pending_survey("console", "100") is not None  # still asked


@pytest.mark.parametrize("text", ["bỏ qua", "Bo qua", "/boqua"])
def test_a_skip_word_skips_the_survey(engine: Engine, text: str) -> None:
    surveyed(engine)
    before = tickets_of(engine)
    reply = say(engine, text)
    assert (reply.decision, reply.text) == ("survey", texts.SURVEY_SKIPPED)
    assert tickets_of(engine) == before
    assert engine.desk is not None
    assert engine.desk.hotline.outbox.pending_survey("console", "100") is None


def test_four_scores_and_a_comment_answer_the_survey(engine: Engine) -> None:
    surveyed(engine)
    assert say(engine, "5, 4, 5, 5 cán bộ nhiệt tình").text == texts.SURVEY_THANKS
    assert engine.desk is not None
    assert engine.desk.hotline.outbox.pending_survey("console", "100") is None


def test_a_real_question_is_answered_while_the_survey_waits(engine: Engine) -> None:
    surveyed(engine)
    reply = say(engine, ANSWERED)
    assert reply.decision == "answer" and reply.entry_id == "ban-sao-van-bang"
    assert engine.desk is not None
    assert engine.desk.hotline.outbox.pending_survey("console", "100") is not None


def test_a_lone_number_still_picks_what_was_offered(engine: Engine) -> None:
    surveyed(engine)
    say(engine, ANSWERED)
    assert say(engine, "1").decision == "rating"  # 👍 on the answer, not a bad survey


def test_no_survey_pending_scores_are_handled_as_before(engine: Engine) -> None:
    reply = say(engine, "bỏ qua")
    assert reply.decision != "survey"


# --- wording of a new ticket, ratings ----------------------------------------------------------


def test_unknown_question_says_the_bot_had_no_sure_answer(engine: Engine) -> None:
    reply = say(engine, UNKNOWN)
    assert reply.text.startswith(texts.TICKET_CREATED.split("\n")[0])


@pytest.mark.parametrize(
    "steps",
    [
        [ANSWERED, "2", "0"],  # 👎, then "send to staff"
        [ANSWERED, "cho tôi gặp cán bộ"],  # after an answer
        ["/hotline con tôi muốn học trường quốc tế"],  # straight to staff with their words
    ],
)
def test_asking_for_staff_is_not_told_the_bot_was_unsure(engine: Engine, steps: list[str]) -> None:
    for text in steps:
        reply = say(engine, text)
    assert reply.decision == "ticket"
    assert reply.text.startswith(texts.TICKET_REQUESTED.split("\n")[0])
    assert "chưa có câu trả lời chắc chắn" not in reply.text


def test_thumbs_down_on_a_staff_answer_is_acknowledged(engine: Engine) -> None:
    number = say(engine, UNKNOWN).ticket_number
    assert number and engine.desk is not None
    engine.desk.hotline.answer(number, "Sở không bán vé xe.", "Lan")
    from cchc_bot.channels.recording import RecordingNotifier

    engine.desk.hotline.deliver_pending({"console": RecordingNotifier("console")})
    reply = say(engine, "2")  # 👎 on the staff answer
    assert reply.decision == "rating"
    assert number in reply.text and "ghi nhận" in reply.text


def test_thumbs_down_without_a_question_is_acknowledged(engine: Engine) -> None:
    reply = say(engine, "/danhgia e:ban-sao-van-bang down")
    assert reply.text.startswith(texts.RATED_NOTED)


# --- the promised period is the policy's --------------------------------------------------------


def test_the_promised_period_matches_the_due_time(
    database: Database, small_service: KnowledgeService
) -> None:
    from cchc_bot.hotline import HotlineService, Policy
    from cchc_bot.storage import HotlineRepository
    from cchc_bot.workcalendar import WorkCalendar

    database.upgrade()
    repository = Repository(database, clock=lambda: NOW)
    hotline = HotlineService(
        repository,
        HotlineRepository(database, clock=lambda: NOW),
        small_service,
        WorkCalendar.build(VN),
        Policy(question_due_days=5, complaint_due_days=10),
        clock=lambda: NOW,
    )
    engine = Engine(small_service, repository, timezone=VN, hotline=hotline, clock=lambda: NOW)
    reply = say(engine, UNKNOWN)
    # Tuesday 24/11 09:00 + 5 working days = Tuesday 01/12 09:00
    assert "09:00 ngày 01/12/2026 (trong 05 ngày làm việc)" in reply.text
    assert "02 ngày" not in reply.text  # agency.yaml's own wording
    complaint = say(
        engine, "Tôi muốn phản ánh cán bộ tiếp nhận hồ sơ gây khó dễ, bắt đi lại nhiều lần", "200"
    )
    assert "(trong 10 ngày làm việc)" in complaint.text


# --- the message log counts each question once (the monthly report) ---------------------------


def test_follow_ups_are_logged_so_the_report_counts_each_question_once(
    engine: Engine, database: Database
) -> None:
    from cchc_bot.reports import monthly_report
    from cchc_bot.storage import ReportQueries

    assert say(engine, "chuyển trường", "1").decision == "choices"
    assert say(engine, "1", "1").entry_id  # a suggestion picked
    assert say(engine, "chuyển trường", "2").decision == "choices"
    assert say(engine, "0", "2").decision == "ticket"  # none fitted: to staff
    assert say(engine, "lệ phí cấp bản sao văn bằng", "3").aspect == "fee"
    assert say(engine, "3", "3").aspect is None  # the full procedure
    assert say(engine, "2", "3").decision == "rating"  # 👎
    assert say(engine, "0", "3").decision == "ticket"  # then to staff
    complaint = "Tôi muốn phản ánh cán bộ tiếp nhận hồ sơ gây khó dễ, bắt đi lại nhiều lần"
    assert say(engine, complaint, "4").decision == "complaint"
    assert engine.repository is not None
    logged = [m.decision for m in reversed(engine.repository.recent_messages(20))]
    assert logged == [
        "choices",
        "choice_pick",
        "choices",
        "handoff",
        "answer",
        "detail",
        "rating",
        "handoff",
        "complaint",
    ]
    h = monthly_report(ReportQueries(database), "2026-11", VN, now=NOW).headline
    # questions: two "chuyển trường", the fee question, the complaint
    assert (h.questions, h.answered_by_bot, h.handed_off) == (4, 2, 3)
    assert h.tickets_opened == 3
