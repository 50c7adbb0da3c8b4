"""HotlineRepository: ticket changes with audit and outbox, groups (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from cchc_bot.storage import (
    Database,
    HotlineRepository,
    NewOutbox,
    NewTicket,
    Repository,
    StorageError,
    TicketNotFound,
    TicketRecord,
    TicketStateConflict,
)
from tests.storage._hotline import T0, Clock, ticket, to_citizen

# -- update_ticket ---------------------------------------------------------------------------


def test_update_ticket_changes_audits_and_queues_in_one_go(
    repository: Repository, hotline: HotlineRepository, clock: Clock
) -> None:
    t = ticket(repository)
    later = clock.tick(hours=1)
    updated = hotline.update_ticket(
        t.number.lower(),
        expected=("open",),
        changes={"status": "assigned", "assignee": "Lan"},
        actor="admin",
        action="assign",
        detail="phân công",
        outbox=[NewOutbox("telegram", "c1", "notice", "Đã có cán bộ tiếp nhận", t.id)],
    )
    assert (updated.status, updated.assignee, updated.updated_at) == ("assigned", "Lan", later)
    assert updated.created_at == T0
    assert repository.get_ticket(t.number) == updated
    (audit,) = hotline.audit_trail(t.number)
    assert (audit.actor, audit.action, audit.ticket_number) == ("admin", "assign", t.number)
    assert audit.detail == "open → assigned; assignee=Lan; phân công"
    assert audit.created_at == later
    (queued,) = hotline.pending_outbox()
    assert (queued.kind, queued.ticket_id, queued.status, queued.attempts) == (
        "notice",
        t.id,
        "pending",
        0,
    )


def test_answer_text_is_named_not_copied_into_the_audit(
    repository: Repository, hotline: HotlineRepository, clock: Clock
) -> None:
    t = ticket(repository)
    hotline.update_ticket(
        t.number,
        expected=["open"],
        changes={"status": "answered", "answer": "Số 0912345678", "answered_at": clock.now},
        actor="Lan",
        action="answer",
    )
    (audit,) = hotline.audit_trail(t.number)
    assert audit.detail == "open → answered; answer; answered_at=2026-10-05T02:00+00:00"
    assert "0912345678" not in audit.detail


def test_unknown_ticket_and_wrong_status_write_nothing(
    repository: Repository, hotline: HotlineRepository
) -> None:
    t = ticket(repository)
    with pytest.raises(TicketNotFound, match="HD-2026-09999"):
        hotline.update_ticket(
            "HD-2026-09999",
            expected=["open"],
            changes={"status": "assigned"},
            actor="a",
            action="x",
        )
    with pytest.raises(TicketStateConflict) as caught:
        hotline.update_ticket(
            t.number,
            expected=["answered"],
            changes={"status": "closed"},
            actor="a",
            action="close",
            outbox=[to_citizen(t)],
        )
    assert caught.value.current_status == "open"
    assert caught.value.expected == ("answered",)
    assert isinstance(caught.value, StorageError)
    assert repository.get_ticket(t.number) == t
    assert hotline.audit_trail() == []
    assert hotline.pending_outbox() == []


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"text": "sửa lời công dân"}, ValueError),
        ({"status": "done"}, ValueError),
        ({"closed_at": datetime(2026, 10, 5)}, ValueError),  # naive
        ({"due_at": "mai"}, TypeError),
    ],
)
def test_bad_changes_are_refused(
    repository: Repository, hotline: HotlineRepository, changes: dict, error: type
) -> None:
    t = ticket(repository)
    with pytest.raises(error):
        hotline.update_ticket(t.number, expected=["open"], changes=changes, actor="a", action="x")
    assert hotline.audit_trail() == []


def test_concurrent_updates_one_wins_the_others_conflict(
    repository: Repository, hotline: HotlineRepository, database_url: str
) -> None:
    t = ticket(repository)
    writers = 6
    barrier = threading.Barrier(writers)
    handles = [Database(database_url) for _ in range(writers)]

    def work(i: int) -> str:
        other = HotlineRepository(handles[i])
        barrier.wait(timeout=10)
        try:
            other.update_ticket(
                t.number,
                expected=["open"],
                changes={"status": "assigned", "assignee": f"staff{i}"},
                actor=f"staff{i}",
                action="assign",
            )
        except TicketStateConflict as exc:
            return f"conflict:{exc.current_status}"
        return "ok"

    try:
        with ThreadPoolExecutor(writers) as pool:
            outcomes = sorted(pool.map(work, range(writers)))
    finally:
        for handle in handles:
            handle.close()
    assert outcomes == ["conflict:assigned"] * (writers - 1) + ["ok"]
    (audit,) = hotline.audit_trail(t.number)
    stored = repository.get_ticket(t.number)
    assert stored is not None and stored.assignee == audit.actor


# -- groups ---------------------------------------------------------------------------------


def grouped(repository: Repository, hotline: HotlineRepository) -> list[TicketRecord]:
    lead = ticket(repository, "lead")
    members = [ticket(repository, f"m{i}", at=T0 + timedelta(minutes=i + 1)) for i in range(3)]
    for member in members:
        hotline.update_ticket(
            member.number,
            expected=["open"],
            changes={"group_id": lead.id},
            actor="bot",
            action="group",
        )
    return [lead, *members]


def test_grouping_and_queries_for_it(repository: Repository, hotline: HotlineRepository) -> None:
    lead, *members = grouped(repository, hotline)
    ticket(repository, "complaint", kind="complaint")
    old = ticket(repository, "old", at=T0 - timedelta(days=40))
    closed = ticket(repository, "closed")
    hotline.update_ticket(
        closed.number, expected=["open"], changes={"status": "rejected"}, actor="a", action="x"
    )
    assert [m.id for m in hotline.group_members(lead.id)] == [m.id for m in members]
    assert all(m.group_id == lead.id for m in hotline.group_members(lead.id))
    assert hotline.group_members(members[0].id) == []
    # leads and members alike (a member asking again is recognised), newest first
    found = hotline.open_questions_for_grouping(T0 - timedelta(days=30))
    assert [t.number for t in found] == [m.number for m in reversed(members)] + [lead.number]
    assert old.number in [t.number for t in hotline.open_questions_for_grouping(T0 - timedelta(90))]
    assert hotline.ticket_by_id(lead.id) == repository.get_ticket(lead.number)
    assert hotline.ticket_by_id(10_000) is None


def test_groups_are_one_level_deep(repository: Repository, hotline: HotlineRepository) -> None:
    lead, member, *_ = grouped(repository, hotline)
    loner = ticket(repository, "loner")

    def join(number: str, group_id: int) -> None:
        hotline.update_ticket(
            number, expected=["open"], changes={"group_id": group_id}, actor="a", action="group"
        )

    for number, target in [
        (loner.number, member.id),  # a member cannot lead
        (lead.number, loner.id),  # a lead with members cannot join
        (loner.number, loner.id),  # not itself
        (loner.number, 99_999),  # missing
    ]:
        with pytest.raises(StorageError, match="group"):
            join(number, target)
    assert repository.get_ticket(loner.number).group_id is None  # type: ignore[union-attr]


def test_open_ticket_numbers_audits_and_joins_a_leading_ticket(
    repository: Repository, hotline: HotlineRepository
) -> None:
    lead = ticket(repository, "lead")
    new = NewTicket("zalo", "c2", "u-c2", "Hỏi lại về bản sao bằng tốt nghiệp?")
    record, joined = hotline.open_ticket(
        new, now=T0, actor="bot", detail="question, zalo", lead_number=lead.number.lower(),
        group_detail="gộp với phiếu " + lead.number,
    )  # fmt: skip
    assert joined and record.group_id == lead.id and record.seq == lead.seq + 1
    assert repository.get_ticket(record.number) == record
    trail = [(a.action, a.detail) for a in hotline.audit_trail(record.number)]
    assert sorted(trail) == sorted(
        [("open", "question, zalo"), ("group", f"group_id={lead.id}; gộp với phiếu {lead.number}")]
    )
    alone, joined = hotline.open_ticket(new, now=T0, actor="bot", detail="question, zalo")
    assert not joined and alone.group_id is None
    assert [a.action for a in hotline.audit_trail(alone.number)] == ["open"]


def test_open_ticket_stays_alone_when_the_lead_no_longer_leads(
    repository: Repository, hotline: HotlineRepository
) -> None:
    lead, member, *others = grouped(repository, hotline)
    answered = ticket(repository, "answered")
    hotline.update_ticket(
        answered.number, expected=["open"], changes={"status": "answered"}, actor="a", action="x"
    )
    new = NewTicket("telegram", "c9", "u-c9", "Câu hỏi mới")
    for gone in (member.number, answered.number, "HD-2026-99999"):
        record, joined = hotline.open_ticket(
            new, now=T0, actor="bot", detail="question", lead_number=gone
        )
        assert not joined and record.group_id is None
        assert [a.action for a in hotline.audit_trail(record.number)] == ["open"]
    assert [m.id for m in hotline.group_members(lead.id)] == [member.id] + [o.id for o in others]


def test_answer_group_answers_lead_and_open_members_together(
    repository: Repository, hotline: HotlineRepository, clock: Clock
) -> None:
    lead, first, second, done = grouped(repository, hotline)
    hotline.update_ticket(
        done.number, expected=["open"], changes={"status": "rejected"}, actor="a", action="reject"
    )
    hotline.update_ticket(
        second.number,
        expected=["open"],
        changes={"status": "assigned", "assignee": "Lan"},
        actor="a",
        action="assign",
    )
    answered_at = clock.tick(hours=5)
    answered = hotline.answer_group(
        lead.number, answer="Mang theo CCCD.", actor="Lan", outbox_for=to_citizen
    )
    assert [t.number for t in answered] == [lead.number, first.number, second.number]
    for t in answered:
        assert (t.status, t.answer, t.answered_by, t.answered_at) == (
            "answered",
            "Mang theo CCCD.",
            "Lan",
            answered_at,
        )
    assert repository.get_ticket(done.number).status == "rejected"  # type: ignore[union-attr]
    queued = hotline.pending_outbox()
    assert [q.chat_id for q in queued] == ["lead", "m0", "m1"]
    answers = [a for a in hotline.audit_trail() if a.action == "answer"]
    assert [a.ticket_number for a in answers] == [lead.number, first.number, second.number]
    assert "nhóm/group " + lead.number in answers[1].detail

    # A correction: re-answering keeps the time of the first answer.
    clock.tick(hours=1)
    again = hotline.answer_group(
        lead.number, answer="Mang theo CCCD bản gốc.", actor="Hà", expected=["answered"]
    )
    assert {t.answered_at for t in again} == {answered_at}
    assert {(t.answer, t.answered_by) for t in again} == {("Mang theo CCCD bản gốc.", "Hà")}


def test_group_answer_is_all_or_nothing(repository: Repository, hotline: HotlineRepository) -> None:
    lead, first, second, _ = grouped(repository, hotline)
    audit_before = hotline.audit_trail()

    def failing(t: TicketRecord) -> NewOutbox:
        if t.id == second.id:
            raise RuntimeError("template broke")
        return to_citizen(t)

    with pytest.raises(RuntimeError):
        hotline.answer_group(lead.number, answer="x", actor="Lan", outbox_for=failing)
    for t in (lead, first, second):
        assert repository.get_ticket(t.number).status == "open"  # type: ignore[union-attr]
    assert hotline.pending_outbox() == []
    assert hotline.audit_trail() == audit_before

    hotline.update_ticket(
        lead.number, expected=["open"], changes={"status": "rejected"}, actor="a", action="x"
    )
    with pytest.raises(TicketStateConflict):
        hotline.answer_group(lead.number, answer="x", actor="Lan", outbox_for=to_citizen)
    assert repository.get_ticket(first.number).status == "open"  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="group"):
        hotline.update_group(
            lead.number, expected=["open"], changes={"group_id": 1}, actor="a", action="x"
        )


# -- closing with the survey, leaving a group (one transaction each) --------------------------


def _answer_all(hotline: HotlineRepository, lead: TicketRecord) -> None:
    hotline.answer_group(lead.number, answer="Mang theo CCCD.", actor="Lan")


def test_close_group_closes_and_asks_the_survey_in_one_transaction(
    repository: Repository, hotline: HotlineRepository, clock: Clock
) -> None:
    lead, *members = grouped(repository, hotline)
    _answer_all(hotline, lead)
    closed_at = clock.tick(hours=2)
    closed = hotline.close_group(lead.number, actor="Lan", outbox_for=to_citizen)
    assert [t.number for t in closed] == [lead.number] + [m.number for m in members]
    assert {(t.status, t.closed_at) for t in closed} == {("closed", closed_at)}
    for t in closed:
        survey = hotline.pending_survey(t.channel, t.chat_id)
        assert survey is not None and survey.ticket_id == t.id and survey.asked_at == closed_at
    assert len(hotline.pending_outbox()) == len(closed)


def test_close_group_writes_nothing_when_a_message_fails(
    repository: Repository, hotline: HotlineRepository
) -> None:
    lead, first, *_ = grouped(repository, hotline)
    _answer_all(hotline, lead)

    def failing(t: TicketRecord) -> NewOutbox:
        if t.id == first.id:
            raise RuntimeError("template broke")
        return to_citizen(t)

    with pytest.raises(RuntimeError):
        hotline.close_group(lead.number, actor="Lan", outbox_for=failing)
    assert repository.get_ticket(lead.number).status == "answered"  # type: ignore[union-attr]
    assert hotline.pending_survey(lead.channel, lead.chat_id) is None
    assert hotline.pending_outbox() == []
    with pytest.raises(TicketStateConflict):  # an open ticket cannot be closed
        hotline.close_group(ticket(repository, "new").number, actor="Lan")


def test_a_rejected_lead_hands_its_group_to_the_first_open_member(
    repository: Repository, hotline: HotlineRepository
) -> None:
    lead, first, second, third = grouped(repository, hotline)
    hotline.update_ticket(
        first.number, expected=["open"], changes={"status": "rejected"}, actor="a", action="x"
    )
    rejected = hotline.update_ticket(
        lead.number,
        expected=["open"],
        changes={"status": "rejected"},
        actor="Lan",
        action="reject",
        leave_group=True,
    )
    assert rejected.group_id is None
    assert repository.get_ticket(first.number).group_id is None  # type: ignore[union-attr]
    assert repository.get_ticket(second.number).group_id is None  # type: ignore[union-attr]
    assert [m.number for m in hotline.group_members(second.id)] == [third.number]
    assert hotline.group_members(lead.id) == []
    trail = {a.ticket_number: a.action for a in hotline.audit_trail() if a.actor == "Lan"}
    assert trail[second.number] == "regroup" and trail[third.number] == "regroup"
    assert trail[first.number] == "ungroup"


def test_ungroup_a_member_a_lead_and_a_loner(
    repository: Repository, hotline: HotlineRepository
) -> None:
    lead, first, second, third = grouped(repository, hotline)
    assert [t.number for t in hotline.ungroup(third.number, actor="Lan")] == [third.number]
    changed = hotline.ungroup(lead.number.lower(), actor="Lan")
    assert [t.number for t in changed] == [lead.number, first.number, second.number]
    assert changed[1].group_id is None and changed[2].group_id == first.id
    assert hotline.ungroup(lead.number, actor="Lan") == []
    assert [a.action for a in hotline.audit_trail(lead.number)][-1] == "ungroup"
    with pytest.raises(TicketNotFound):
        hotline.ungroup("HD-2026-99999", actor="Lan")
