"""HotlineRepository: notes, audit trail, ticket lists and message pruning."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cchc_bot.storage import (
    Database,
    HotlineRepository,
    NewMessage,
    Repository,
    TicketNotFound,
)
from tests.storage._hotline import T0, Clock, ticket, to_citizen

# -- notes and audit ------------------------------------------------------------------------


def test_notes_and_audit_trail(
    repository: Repository, hotline: HotlineRepository, clock: Clock
) -> None:
    t, other = ticket(repository), ticket(repository, "c2")
    first = hotline.add_note(t.number, "Lan", "Đã gọi lại cho công dân.")
    clock.tick(minutes=5)
    second = hotline.add_note(t.number, "Hà", "Chờ phòng Khảo thí.")
    hotline.add_note(other.number, "Lan", "khác")
    assert hotline.notes(t.number) == [first, second]
    assert (first.ticket_id, first.author, first.created_at) == (t.id, "Lan", T0)
    with pytest.raises(TicketNotFound):
        hotline.add_note("HD-2026-00999", "Lan", "x")
    with pytest.raises(TicketNotFound):
        hotline.notes("HD-2026-00999")

    clock.tick(minutes=5)
    hotline.record_audit("Lan", "export", None, "csv 2026-10")
    hotline.record_audit("Lan", "promote", t.number.lower(), "entry cap-ban-sao")
    trail = hotline.audit_trail(t.number)
    assert [(a.action, a.actor) for a in trail] == [
        ("note", "Lan"),
        ("note", "Hà"),
        ("promote", "Lan"),
    ]
    assert trail[0].detail == f"note {first.id}"
    everything = hotline.audit_trail()
    assert len(everything) == 5
    assert [a.created_at for a in everything] == sorted(a.created_at for a in everything)
    assert [a.action for a in hotline.audit_trail(limit=2)] == ["export", "promote"]


# -- listing --------------------------------------------------------------------------------


def test_list_tickets_filters(
    repository: Repository, hotline: HotlineRepository, clock: Clock
) -> None:
    due = T0 + timedelta(days=3)
    a = ticket(repository, "a", due=due)
    b = ticket(repository, "b", at=T0 + timedelta(hours=1), due=due, kind="complaint")
    c = ticket(repository, "c", at=T0 + timedelta(hours=2), due=due + timedelta(days=5))
    d = ticket(repository, "d", at=T0 + timedelta(hours=3), due=due)
    hotline.update_ticket(
        b.number,
        expected=["open"],
        changes={"status": "assigned", "assignee": "Lan"},
        actor="a",
        action="assign",
    )
    hotline.update_ticket(
        d.number, expected=["open"], changes={"status": "answered"}, actor="a", action="answer"
    )

    def numbers(**filters: object) -> list[str]:
        return [t.number for t in hotline.list_tickets(**filters)]  # type: ignore[arg-type]

    assert numbers() == [d.number, c.number, b.number, a.number]
    assert numbers(status="open") == [c.number, a.number]
    assert numbers(status=["assigned", "answered"]) == [d.number, b.number]
    assert numbers(kind="complaint") == [b.number]
    assert numbers(assignee="Lan") == [b.number]
    assert numbers(overdue_at=due + timedelta(seconds=1)) == [b.number, a.number]
    assert numbers(overdue_at=due) == []
    assert numbers(created_from=T0 + timedelta(hours=1), created_to=T0 + timedelta(hours=3)) == [
        c.number,
        b.number,
    ]
    assert numbers(limit=2, offset=1) == [c.number, b.number]
    with pytest.raises(ValueError):
        hotline.list_tickets(status="nope")
    # The original repository method keeps working.
    assert [t.number for t in repository.list_tickets("open", 1)] == [c.number]


# -- retention ------------------------------------------------------------------------------


def test_prune_blanks_old_texts_and_keeps_statistics(
    repository: Repository, hotline: HotlineRepository, database: Database, clock: Clock
) -> None:
    for days, decision in [(100, "answer"), (95, "ticket"), (10, "answer")]:
        repository.log_message(
            NewMessage(
                "zalo",
                "c",
                "u",
                "Số tôi 0912345678",
                decision,
                5.0,
                entry_id="e1" if decision == "answer" else None,
                score=0.9,
                reply_text="Trả lời",
                created_at=T0 - timedelta(days=days),
            )
        )
    before = repository.recent_messages(10)
    assert hotline.prune(T0 - timedelta(days=90), actor="Lan").messages == 2
    assert hotline.prune(T0 - timedelta(days=90)).total == 0
    after = repository.recent_messages(10)
    assert len(after) == len(before) == 3
    for old, new in zip(before, after, strict=True):
        assert (new.decision, new.entry_id, new.score, new.created_at) == (
            old.decision,
            old.entry_id,
            old.score,
            old.created_at,
        )
    assert [(m.text, m.reply_text) for m in after] == [
        ("Số tôi 0912345678", "Trả lời"),
        (None, None),
        (None, None),
    ]
    first, second = hotline.audit_trail()
    assert (first.action, first.actor, first.ticket_number) == ("prune", "Lan", None)
    assert first.detail.startswith("2 messages, 0 tickets")
    assert "before 2026-07-07" in first.detail
    assert second.detail.startswith("0 messages")


def _close(hotline: HotlineRepository, number: str) -> None:
    hotline.answer_group(number, answer="Gọi lại 0912345678", actor="Lan")
    hotline.add_note(number, "Lan", "Đã gọi 0912345678")
    hotline.close_group(number, actor="Lan", outbox_for=to_citizen)


def test_prune_blanks_old_closed_tickets_outbox_notes_and_comments(
    repository: Repository, hotline: HotlineRepository, clock: Clock
) -> None:
    old = ticket(repository, "old", text="Tôi là An, 0912345678", at=T0)
    _close(hotline, old.number)
    rejected = ticket(repository, "rej", at=T0)
    hotline.update_ticket(
        rejected.number,
        expected=["open"],
        changes={"status": "rejected", "reject_reason": "gọi 0912345678", "closed_at": T0},
        actor="Lan",
        action="reject",
    )
    still_open = ticket(repository, "open", text="Vẫn chờ 0912345678", at=T0)
    hotline.add_note(still_open.number, "Lan", "Chưa gọi được")
    for item in hotline.pending_outbox():
        hotline.mark_sent(item.id)
    (survey,) = [hotline.pending_survey("telegram", "old")]
    assert survey is not None
    hotline.answer_survey(survey.id, 5, 4, 5, 5, "Gọi tôi 0912345678")
    clock.tick(days=1)
    recent = ticket(repository, "new", text="Mới 0912345678", at=clock.now)
    _close(hotline, recent.number)  # closed after the cut: kept
    waiting = hotline.pending_outbox()  # the recent ticket's survey: not sent yet
    assert len(waiting) == 1

    clock.tick(days=400)
    report = hotline.prune(T0 + timedelta(hours=12), actor="Lan")
    assert (report.tickets, report.notes, report.comments) == (2, 1, 1)
    assert report.outbox == 1  # the old survey message, sent; the pending one stays
    gone = repository.get_ticket(old.number)
    assert gone is not None
    assert (gone.text, gone.answer, gone.display_name) == ("", None, None)
    assert (gone.status, gone.kind, gone.closed_at, gone.answered_at) == (
        "closed",
        old.kind,
        T0,
        T0,
    )
    assert repository.get_ticket(rejected.number).reject_reason is None  # type: ignore[union-attr]
    assert repository.get_ticket(still_open.number).text == "Vẫn chờ 0912345678"  # type: ignore[union-attr]
    assert repository.get_ticket(recent.number).text == "Mới 0912345678"  # type: ignore[union-attr]
    assert [n.text for n in hotline.notes(old.number)] == [""]
    assert [n.text for n in hotline.notes(still_open.number)] == ["Chưa gọi được"]
    assert [n.text for n in hotline.notes(recent.number)] == ["Đã gọi 0912345678"]
    assert [o.text for o in hotline.pending_outbox()] == [o.text for o in waiting]
    assert hotline.prune(T0 + timedelta(hours=12)).total == 0


def _survey_scores(database: Database) -> list[tuple]:
    from sqlalchemy import text

    return database.run(
        lambda s: list(s.execute(text("SELECT ease, speed, comment FROM surveys ORDER BY id")))
    )


def test_prune_keeps_survey_scores(
    repository: Repository, hotline: HotlineRepository, database: Database, clock: Clock
) -> None:
    t = ticket(repository, "old", at=T0)
    _close(hotline, t.number)
    survey = hotline.pending_survey("telegram", "old")
    assert survey is not None
    hotline.answer_survey(survey.id, 5, 4, 5, 5, "Rất tốt")
    clock.tick(days=400)
    hotline.prune(clock.now - timedelta(days=365))
    assert [tuple(r) for r in _survey_scores(database)] == [(5, 4, None)]
