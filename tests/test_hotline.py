"""The hotline workflow end to end: tickets, staff actions, delivery, feedback, surveys.

Runs on SQLite and PostgreSQL (the `database` fixture), with an injected clock.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cchc_bot import texts
from cchc_bot.channels.recording import RecordingNotifier
from cchc_bot.engine import Engine
from cchc_bot.hotline import HotlineService, Policy, TransitionError
from cchc_bot.kb_service import KnowledgeService
from cchc_bot.matching import Thresholds
from cchc_bot.messages import Incoming, Reply
from cchc_bot.storage import Database, HotlineRepository, Repository
from cchc_bot.workcalendar import WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UNKNOWN = "Vé xe buýt Vietjet đi Erasmus giá bao nhiêu"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 09:00 in Vietnam

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def knowledge(tmp_path: Path, knowledge_small_dir: Path) -> KnowledgeService:
    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_small_dir, folder)
    return KnowledgeService(folder, Thresholds())


@pytest.fixture
def hotline(database: Database, knowledge: KnowledgeService, clock: Clock) -> HotlineService:
    database.upgrade()
    calendar = WorkCalendar.build(VN)
    return HotlineService(
        Repository(database, clock=clock),
        HotlineRepository(database, clock=clock),
        knowledge,
        calendar,
        Policy(question_due_days=3, complaint_due_days=10),
        clock=clock,
    )


@pytest.fixture
def engine(hotline: HotlineService, clock: Clock) -> Engine:
    return Engine(hotline.knowledge, hotline.repository, timezone=VN, hotline=hotline, clock=clock)


def say(engine: Engine, text: str, chat: str = "100", channel: str = "console") -> Reply:
    return engine.handle(Incoming(channel, chat, chat, text, display_name="Lan"))


def ask_unknown(engine: Engine, chat: str = "100", text: str = UNKNOWN) -> str:
    reply = say(engine, text, chat)
    assert reply.decision == "ticket", reply
    assert reply.ticket_number
    return reply.ticket_number


# --- opening tickets -------------------------------------------------------------------------


def test_ticket_reply_gives_number_phone_and_due(engine: Engine, hotline: HotlineService) -> None:
    reply = say(engine, UNKNOWN)
    agency = hotline.knowledge.current.knowledge.agency
    assert reply.ticket_number == "HD-2026-00001"
    assert agency.hotline in reply.text
    # Tuesday 09:00 + 3 working days (24 h) = Friday 09:00.
    assert "09:00 ngày 27/11/2026" in reply.text
    ticket = hotline.repository.get_ticket("HD-2026-00001")
    assert ticket.due_at.astimezone(VN) == datetime(2026, 11, 27, 9, 0, tzinfo=VN)
    assert ticket.kind == "question" and ticket.status == "open"


def test_complaint_is_recognised_and_gets_the_complaint_due(
    engine: Engine, hotline: HotlineService
) -> None:
    reply = say(engine, "Tôi muốn phản ánh cán bộ tiếp nhận hồ sơ gây khó dễ, bắt đi lại nhiều lần")
    assert reply.decision == "complaint"
    ticket = hotline.repository.get_ticket(reply.ticket_number)
    assert ticket.kind == "complaint"
    # 10 working days from Tuesday 09:00 = Tuesday two weeks later, 09:00.
    assert ticket.due_at.astimezone(VN) == datetime(2026, 12, 8, 9, 0, tzinfo=VN)


def test_same_citizen_asking_twice_gets_the_same_ticket(engine: Engine) -> None:
    first = ask_unknown(engine)
    again = say(engine, UNKNOWN.lower() + " ạ")
    assert again.ticket_number == first
    assert "đã gửi" in again.text


def test_near_identical_questions_are_grouped(engine: Engine, hotline: HotlineService) -> None:
    lead = ask_unknown(engine, "100")
    other = ask_unknown(engine, "200", "ve xe buyt vietjet di erasmus gia bao nhieu a")
    distinct = ask_unknown(engine, "300", "Bao giờ có lương hưu tháng 12")
    lead_ticket = hotline.repository.get_ticket(lead)
    assert hotline.repository.get_ticket(other).group_id == lead_ticket.id
    assert hotline.repository.get_ticket(distinct).group_id is None
    members = {t.number for t in hotline.show(lead).members}
    assert other in members


# --- staff transitions -----------------------------------------------------------------------


def test_full_lifecycle_with_audit(engine: Engine, hotline: HotlineService, clock: Clock) -> None:
    number = ask_unknown(engine)
    hotline.assign(number, "Lan", actor="truong-phong")
    hotline.note(number, "Cần hỏi phòng Khảo thí", actor="Lan")
    clock.now += timedelta(hours=3)
    hotline.answer(number, "Sở không cấp học bổng Erasmus; xem trang của EU.", actor="Lan")
    ticket = hotline.repository.get_ticket(number)
    assert ticket.status == "answered" and ticket.answered_by == "Lan"
    assert ticket.answered_at == clock.now
    hotline.close(number, actor="Lan")
    view = hotline.show(number)
    assert view.ticket.status == "closed"
    assert [n.text for n in view.notes] == ["Cần hỏi phòng Khảo thí"]
    actions = [a.action for a in view.audit]
    for action in ("assign", "answer", "close"):
        assert action in actions
    assert {a.actor for a in view.audit} >= {"truong-phong", "Lan"}


@pytest.mark.parametrize(
    ("prepare", "action", "message"),
    [
        ([], lambda h, n: h.close(n, "Lan"), "đóng"),
        ([("answer",)], lambda h, n: h.reject(n, "trùng", "Lan"), "từ chối"),
        ([("answer",), ("close",)], lambda h, n: h.answer(n, "x", "Lan"), "trả lời"),
        ([("reject",)], lambda h, n: h.assign(n, "Lan", "Lan"), "giao"),
    ],
)
def test_forbidden_transitions_are_refused_clearly(
    engine: Engine, hotline: HotlineService, prepare, action, message
) -> None:
    number = ask_unknown(engine)
    for (step,) in prepare:
        if step == "answer":
            hotline.answer(number, "Trả lời", "Lan")
        elif step == "close":
            hotline.close(number, "Lan")
        elif step == "reject":
            hotline.reject(number, "Không thuộc thẩm quyền", "Lan")
    before = hotline.repository.get_ticket(number)
    with pytest.raises(TransitionError, match=message) as error:
        action(hotline, number)
    assert number in str(error.value)
    assert hotline.repository.get_ticket(number).status == before.status


def test_reject_needs_a_reason_and_unknown_tickets_are_explained(
    engine: Engine, hotline: HotlineService
) -> None:
    number = ask_unknown(engine)
    with pytest.raises(TransitionError, match="lý do"):
        hotline.reject(number, "  ", "Lan")
    with pytest.raises(TransitionError, match="HD-2026-09999"):
        hotline.answer("HD-2026-09999", "x", "Lan")


# --- delivery and feedback -------------------------------------------------------------------


def test_answer_reaches_the_citizen_in_the_same_channel(
    engine: Engine, hotline: HotlineService
) -> None:
    number = ask_unknown(engine, "100")
    hotline.answer(number, "Sở không cấp học bổng Erasmus.", "Lan")
    console = RecordingNotifier("console")
    other = RecordingNotifier("telegram")
    report = hotline.deliver_pending({"console": console, "telegram": other})
    assert report.sent == 1
    assert console.sent and console.sent[0][0] == "100"
    assert "Sở không cấp học bổng Erasmus." in console.sent[0][1]
    assert number in console.sent[0][1]
    assert other.sent == []
    assert hotline.deliver_pending({"console": console}).sent == 0  # exactly once


def test_group_answer_reaches_everyone(engine: Engine, hotline: HotlineService) -> None:
    lead = ask_unknown(engine, "100")
    ask_unknown(engine, "200", "ve xe buyt vietjet di erasmus gia bao nhieu a")
    answered = hotline.answer(lead, "Sở không cấp học bổng Erasmus.", "Lan")
    assert len(answered) == 2
    console = RecordingNotifier("console")
    hotline.deliver_pending({"console": console})
    assert sorted(chat for chat, _ in console.sent) == ["100", "200"]


def test_blocked_citizen_is_marked_gone(engine: Engine, hotline: HotlineService) -> None:
    number = ask_unknown(engine, "100")
    hotline.answer(number, "Trả lời", "Lan")
    console = RecordingNotifier("console", gone={"100"})
    report = hotline.deliver_pending({"console": console})
    assert report.gone == 1 and report.sent == 0
    assert hotline.deliver_pending({"console": RecordingNotifier("console")}).sent == 0


def test_rating_the_staff_answer_with_1_or_2(engine: Engine, hotline: HotlineService) -> None:
    number = ask_unknown(engine, "100")
    hotline.answer(number, "Trả lời", "Lan")
    hotline.deliver_pending({"console": RecordingNotifier("console")})
    reply = say(engine, "1", "100")
    assert reply.decision == "rating"


def test_thumbs_down_on_a_bot_answer_offers_the_hotline(
    engine: Engine, hotline: HotlineService
) -> None:
    answer = say(engine, "phúc khảo bài thi tốt nghiệp THPT")
    assert answer.decision == "answer"
    codes = [code for _, code in answer.choices]
    assert codes[:2] == [f"/danhgia e:{answer.entry_id} up", f"/danhgia e:{answer.entry_id} down"]
    down = say(engine, "2")
    assert down.decision == "rating" and down.choices
    ticket = say(engine, "0")
    assert ticket.decision == "ticket"
    assert "phúc khảo" in hotline.repository.get_ticket(ticket.ticket_number).text


def test_survey_after_close(engine: Engine, hotline: HotlineService) -> None:
    number = ask_unknown(engine, "100")
    hotline.answer(number, "Trả lời", "Lan")
    hotline.close(number, "Lan")
    console = RecordingNotifier("console")
    hotline.deliver_pending({"console": console})
    assert any("1–5" in text for _, text in console.sent)
    reply = say(engine, "5 4 5 3 cán bộ nhiệt tình", "100")
    assert reply.decision == "survey"
    assert hotline.outbox.pending_survey("console", "100") is None


def test_tracking_is_for_the_owner_only(engine: Engine) -> None:
    number = ask_unknown(engine, "100")
    mine = say(engine, f"/tracuu {number}", "100")
    assert number in mine.text and "Hạn trả lời" in mine.text
    theirs = say(engine, f"hỏi lại {number}", "999")
    assert "Không tìm thấy" in theirs.text


def test_personal_data_is_masked_in_the_message_log(
    engine: Engine, hotline: HotlineService
) -> None:
    reply = say(engine, f"/hotline {UNKNOWN}, số em 0912345678")
    logged = hotline.repository.recent_messages(1)[0]
    assert "0912345678" not in (logged.text or "")
    ticket = hotline.repository.get_ticket(reply.ticket_number)
    assert "0912345678" in ticket.text  # staff who must call back still see it


@pytest.mark.parametrize(
    "text",
    [
        "Kiến nghị Sở cho nộp hồ sơ chuyển trường online",
        "Tôi kiến nghị về việc trả kết quả chậm",
    ],
)
def test_a_recommendation_to_the_department_is_a_complaint(engine: Engine, text: str) -> None:
    reply = say(engine, text)
    assert reply.decision == "complaint", reply
    assert engine.desk is not None
    ticket = engine.desk.hotline.repository.get_ticket(reply.ticket_number or "")
    assert ticket is not None and ticket.kind == "complaint"


def test_asking_where_to_send_a_recommendation_is_no_complaint(engine: Engine) -> None:
    assert say(engine, "gửi kiến nghị ở đâu").decision != "complaint"


# --- groups: rejected leads, closing, ungrouping, asking again, what may be grouped ----------

SIMILAR = "ve xe buyt vietjet di erasmus gia bao nhieu a"


def group_of_three(engine: Engine, hotline: HotlineService) -> tuple[str, str, str]:
    lead = ask_unknown(engine, "100")
    first = ask_unknown(engine, "200", SIMILAR)
    second = ask_unknown(engine, "300", UNKNOWN + " vậy")
    assert {m.number for m in hotline.show(lead).members} == {first, second}
    return lead, first, second


def sent_to(hotline: HotlineService) -> list[str]:
    console = RecordingNotifier("console")
    hotline.deliver_pending({"console": console})
    return sorted(chat for chat, _ in console.sent)


def test_a_rejected_lead_hands_its_members_on(engine: Engine, hotline: HotlineService) -> None:
    lead, first, second = group_of_three(engine, hotline)
    hotline.reject(lead, "Không thuộc thẩm quyền của Sở", "Lan")
    assert sent_to(hotline) == ["100"]  # the refusal
    new_lead = hotline.repository.get_ticket(first)
    assert new_lead is not None and new_lead.group_id is None
    assert [m.number for m in hotline.show(first).members] == [second]
    assert hotline.show(lead).members == ()
    answered = hotline.answer(second, "Sở không bán vé xe; hỏi hãng xe.", "Hà")  # via a member
    assert [t.number for t in answered] == [first, second]
    assert sent_to(hotline) == ["200", "300"]
    actions = {a.action for a in hotline.show(first).audit}
    assert "regroup" in actions
    assert hotline.repository.get_ticket(lead).status == "rejected"  # type: ignore[union-attr]


def test_rejecting_a_member_takes_it_out_of_the_group(
    engine: Engine, hotline: HotlineService
) -> None:
    lead, first, second = group_of_three(engine, hotline)
    hotline.reject(first, "Trùng nội dung", "Lan")
    assert [m.number for m in hotline.show(lead).members] == [second]
    assert [t.number for t in hotline.answer(lead, "Trả lời", "Lan")] == [lead, second]


def test_closing_a_lead_closes_and_surveys_every_member(
    engine: Engine, hotline: HotlineService
) -> None:
    lead, first, second = group_of_three(engine, hotline)
    hotline.answer(lead, "Sở không bán vé xe.", "Lan")
    sent_to(hotline)
    closed = hotline.close(lead, "Lan")
    assert [t.number for t in closed] == [lead, first, second]
    for number in (lead, first, second):
        ticket = hotline.repository.get_ticket(number)
        assert ticket is not None and ticket.status == "closed" and ticket.closed_at is not None
        assert "close" in [a.action for a in hotline.show(number).audit]
    for chat in ("100", "200", "300"):
        assert hotline.outbox.pending_survey("console", chat) is not None
    console = RecordingNotifier("console")
    hotline.deliver_pending({"console": console})
    assert sorted(chat for chat, text in console.sent if "1–5" in text) == ["100", "200", "300"]


def test_ungroup_a_member_or_a_lead(engine: Engine, hotline: HotlineService) -> None:
    lead, first, second = group_of_three(engine, hotline)
    changed = hotline.ungroup(second.lower(), "Lan")
    assert [t.number for t in changed] == [second] and changed[0].group_id is None
    assert [a.action for a in hotline.show(second).audit][-1] == "ungroup"
    changed = hotline.ungroup(lead, "Lan")  # the lead leaves: the first member leads the rest
    assert [t.number for t in changed] == [lead, first]
    assert hotline.show(lead).members == () and hotline.show(first).members == ()
    with pytest.raises(TransitionError, match="không thuộc nhóm"):
        hotline.ungroup(second, "Lan")
    assert [t.number for t in hotline.answer(lead, "Trả lời", "Lan")] == [lead]


def test_a_grouped_citizen_asking_again_keeps_their_ticket_and_one_answer(
    engine: Engine, hotline: HotlineService
) -> None:
    lead = ask_unknown(engine, "100")
    member = ask_unknown(engine, "200", SIMILAR)
    again = say(engine, UNKNOWN, "200")
    assert again.ticket_number == member and "đã gửi" in again.text
    assert len(hotline.list()) == 2
    hotline.answer(lead, "Sở không bán vé xe.", "Lan")
    assert sent_to(hotline) == ["100", "200"]  # once each


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "Con tôi học lớp 6 muốn chuyển trường về quận khác thì làm thế nào",
            "Con tôi học lớp 9 muốn chuyển trường về quận khác thì làm thế nào",
        ),
        (
            "Hồ sơ của tôi số HD123 nộp ngày 5/11 đến nay chưa có kết quả",
            "Hồ sơ của tôi số HD456 nộp ngày 7/11 đến nay chưa có kết quả",
        ),
        (  # the same words, but about one person's own case
            "Hồ sơ của tôi số HD123 nộp ngày 5/11 đến nay chưa có kết quả",
            "Hồ sơ của tôi số HD123 nộp ngày 5/11 đến nay chưa có kết quả",
        ),
        (
            "Tôi nộp hồ sơ chưa thấy trả lời, số điện thoại 0912345678",
            "Tôi nộp hồ sơ chưa thấy trả lời, số điện thoại 0987654321",
        ),
    ],
)
def test_different_or_personal_questions_are_never_grouped(
    hotline: HotlineService, first: str, second: str
) -> None:
    def open_(chat: str, text: str):
        return hotline.open_ticket(channel="console", chat_id=chat, user_id=chat, text=text)

    one, two = open_("100", first), open_("200", second)
    assert not one.existing and not two.existing
    assert two.ticket.group_id is None and hotline.show(one.ticket.number).members == ()


def test_the_same_citizen_with_other_numbers_gets_a_second_ticket(hotline: HotlineService) -> None:
    text = "Con tôi học lớp {n} muốn chuyển trường về quận khác thì làm thế nào"
    one = hotline.open_ticket(channel="console", chat_id="1", user_id="1", text=text.format(n=6))
    two = hotline.open_ticket(channel="console", chat_id="1", user_id="1", text=text.format(n=9))
    assert not two.existing and two.ticket.number != one.ticket.number


def test_staff_may_type_short_ticket_numbers(engine: Engine, hotline: HotlineService) -> None:
    number = ask_unknown(engine)
    assert number == "HD-2026-00001"
    for typed in ("hd-2026-1", "HD 2026 00001", " hd2026-1 "):
        assert hotline.show(typed).ticket.number == number
    hotline.assign("hd-2026-1", "Lan", "Lan")
    assert hotline.show(number).ticket.assignee == "Lan"


# --- every forbidden move, refused with nothing written --------------------------------------

_STEPS = {
    "assigned": [lambda h, n: h.assign(n, "Lan", "Lan")],
    "answered": [lambda h, n: h.answer(n, "Trả lời", "Lan")],
    "closed": [lambda h, n: h.answer(n, "Trả lời", "Lan"), lambda h, n: h.close(n, "Lan")],
    "rejected": [lambda h, n: h.reject(n, "Không thuộc thẩm quyền", "Lan")],
}
_ACTIONS = {
    "assign": lambda h, n: h.assign(n, "Hà", "Hà"),
    "answer": lambda h, n: h.answer(n, "Trả lời khác", "Hà"),
    "close": lambda h, n: h.close(n, "Hà"),
    "reject": lambda h, n: h.reject(n, "Lý do khác", "Hà"),
}
_FORBIDDEN = [
    ("open", "close"),
    ("assigned", "close"),
    ("answered", "assign"),
    ("answered", "reject"),
    ("closed", "assign"),
    ("closed", "answer"),
    ("closed", "close"),
    ("closed", "reject"),
    ("rejected", "assign"),
    ("rejected", "answer"),
    ("rejected", "close"),
    ("rejected", "reject"),
]


@pytest.mark.parametrize(("status", "action"), _FORBIDDEN)
def test_every_forbidden_transition_is_refused_and_writes_nothing(
    engine: Engine, hotline: HotlineService, status: str, action: str
) -> None:
    number = ask_unknown(engine)
    for step in _STEPS.get(status, []):
        step(hotline, number)
    before = hotline.show(number)
    assert before.ticket.status == status
    outbox = hotline.tickets.pending_outbox()
    with pytest.raises(TransitionError) as error:
        _ACTIONS[action](hotline, number)
    message = str(error.value)
    assert number in message and texts.TICKET_STATUS_NAMES[status] in message
    assert hotline.show(number) == before  # status, audit trail and notes unchanged
    assert hotline.tickets.pending_outbox() == outbox
