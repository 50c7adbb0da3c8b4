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
from tests.storage._hotline import T0, Clock, ticket

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
    repository: Repository, hotline: HotlineRepository, database: Database
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
    assert hotline.prune_messages(T0 - timedelta(days=90), actor="Lan") == 2
    assert hotline.prune_messages(T0 - timedelta(days=90)) == 0
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
    assert first.detail.startswith("2 messages before 2026-07-07")
    assert second.detail.startswith("0 messages")
