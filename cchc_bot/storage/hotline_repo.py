"""The hotline workflow in storage: ticket changes with their audit rows, groups, notes, lists.

Every change is one transaction that also writes its ``audit_log`` row and any ``outbox``
messages, so a status change, its audit trail and the answer sent to the citizen are stored
together or not at all.

Concurrency: a change locks the ticket row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
writers already hold the database write lock from ``BEGIN IMMEDIATE``), checks that its status
is one the caller expected, and updates it with ``UPDATE … WHERE id = :id AND status IN
(:expected)``. Of two staff acting on the same ticket at once, the second gets
:class:`TicketStateConflict` naming the status the first one left behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from cchc_bot import storage_texts as texts
from cchc_bot.storage.feedback_repo import FeedbackRepository, add_outbox
from cchc_bot.storage.hotline_records import AuditRecord, NewOutbox, NoteRecord
from cchc_bot.storage.models import AuditLog, Survey, Ticket, TicketNote, UTCDateTime
from cchc_bot.storage.records import NewTicket, TicketRecord
from cchc_bot.storage.repository import _aware, _ticket_record, _upsert, insert_ticket
from cchc_bot.storage.retention import PruneReport, prune
from cchc_bot.storage.ticket_changes import (
    OPEN_STATUSES,
    Row,
    add_audit,
    apply_change,
    audit_record,
    check_group,
    check_statuses,
    checked_changes,
    describe,
    locked,
    normalise_number,
    note_record,
    ticket_id_of,
)
from cchc_bot.storage.ticket_groups import leading_id, leave, locked_group_row

OutboxFor = Callable[[TicketRecord], NewOutbox | None]
log = logging.getLogger(__name__)


class HotlineRepository(FeedbackRepository):
    """Staff-side ticket storage plus (inherited) ratings, surveys and the outbox."""

    # -- a new ticket ------------------------------------------------------------------------

    def open_ticket(
        self,
        ticket: NewTicket,
        *,
        now: datetime,
        actor: str,
        detail: str,
        lead_number: str | None = None,
        group_detail: str = "",
    ) -> tuple[TicketRecord, bool]:
        """Number and store a new ticket with its ``open`` audit row, in one transaction.

        With ``lead_number``, the ticket joins that ticket's group (audited as ``group``) if the
        lead still leads: open or assigned and not itself a member. The lead row is locked
        first, so staff answering the group at the same moment either see the new member or
        have already moved the lead on (the ticket then stays on its own). Returns the record
        and whether it joined.
        """
        created_at = _aware(now, "now")

        def work(session: Session) -> tuple[TicketRecord, bool]:
            group_id = None
            if lead_number is not None:
                group_id = leading_id(session, normalise_number(lead_number))
            row = insert_ticket(session, ticket, created_at, group_id)
            audits = [AuditLog(created_at=created_at, actor=actor, action="open",
                               ticket_number=row.number, detail=detail)]  # fmt: skip
            if group_id is not None:
                note = describe("open", {"group_id": group_id}, group_detail)
                audits.append(AuditLog(created_at=created_at, actor=actor, action="group",
                                       ticket_number=row.number, detail=note))  # fmt: skip
            session.add_all(audits)
            return _ticket_record(row), group_id is not None

        record, joined = self._db.run(work, write=True)
        log.info("Ticket %s created (%s, %s)", record.number, record.kind, record.channel)
        return record, joined

    # -- changes ---------------------------------------------------------------------------

    def update_ticket(
        self,
        number: str,
        *,
        expected: Collection[str],
        changes: Mapping[str, Any],
        actor: str,
        action: str,
        detail: str = "",
        outbox: Sequence[NewOutbox] = (),
        leave_group: bool = False,
    ) -> TicketRecord:
        """Apply ``changes`` if the ticket's status is in ``expected``; audit and queue too.

        Raises :class:`TicketNotFound` or :class:`TicketStateConflict`; nothing is written then.
        Keys of ``changes``: see ``TICKET_CHANGE_KEYS``. Setting ``group_id`` puts the ticket in
        the group led by that ticket (groups are one level deep: a lead is never a member).
        ``leave_group`` (a rejection): the ticket also leaves its group, and a lead hands its
        open members on to the first of them (see :mod:`cchc_bot.storage.ticket_groups`).
        """
        wanted, statuses = normalise_number(number), check_statuses(expected)
        values, now = checked_changes(changes), self._now()

        def work(session: Session) -> TicketRecord:
            grouped = locked_group_row(session, wanted)
            row = Row(grouped.id, grouped.status, grouped.number)
            if "group_id" in values and values["group_id"] is not None:
                check_group(session, row, values["group_id"])
            record = apply_change(session, row, statuses, values, now)
            add_audit(session, now, actor, action, row.number, describe(row.status, values, detail))
            for message in outbox:
                add_outbox(session, message, now)
            if leave_group and leave(session, grouped, now, actor, "ungroup"):
                record = _ticket_record(session.get_one(Ticket, row.id, populate_existing=True))
            return record

        return self._db.run(work, write=True)

    def update_group(
        self,
        lead_number: str,
        *,
        expected: Collection[str],
        changes: Mapping[str, Any],
        actor: str,
        action: str,
        detail: str = "",
        outbox_for: OutboxFor | None = None,
        survey: bool = False,
    ) -> list[TicketRecord]:
        """Apply ``changes`` to a lead ticket and every member whose status is in ``expected``.

        One transaction: the lead (which must be in ``expected``, else
        :class:`TicketStateConflict`), then each member, one audit row per ticket, and
        ``outbox_for(ticket)`` queued for each (with ``survey``, each ticket's satisfaction
        survey is stored too). Members in other states are left alone. If anything fails,
        nothing is written. Returns the lead first, then members by id.
        """
        wanted, statuses = normalise_number(lead_number), check_statuses(expected)
        values, now = checked_changes(changes), self._now()
        if "group_id" in values:
            raise ValueError("update_group cannot move tickets between groups")

        def work(session: Session) -> list[TicketRecord]:
            lead_row = locked(session, wanted)
            done = [apply_change(session, lead_row, statuses, values, now)]
            add_audit(
                session, now, actor, action, wanted, describe(lead_row.status, values, detail)
            )
            members = session.execute(
                select(Ticket.id, Ticket.status, Ticket.number)
                .where(Ticket.group_id == lead_row.id, Ticket.status.in_(statuses))
                .order_by(Ticket.id)
                .with_for_update()
            ).all()
            note = texts.GROUP_CHANGE.format(lead=wanted) + (f"; {detail}" if detail else "")
            for member in members:
                row = Row(*member)
                done.append(apply_change(session, row, statuses, values, now))
                add_audit(
                    session, now, actor, action, row.number, describe(row.status, values, note)
                )
            for record in done:
                message = outbox_for(record) if outbox_for else None
                if message is not None:
                    add_outbox(session, message, now)
                if survey:
                    _add_survey(session, record, now)
            return done

        return self._db.run(work, write=True)

    def answer_group(
        self,
        lead_number: str,
        *,
        answer: str,
        actor: str,
        now: datetime | None = None,
        expected: Collection[str] = OPEN_STATUSES,
        outbox_for: OutboxFor | None = None,
        action: str = "answer",
        detail: str = "",
    ) -> list[TicketRecord]:
        """Answer a lead and its open members at once (see :meth:`update_group`).

        Sets status ``answered``, ``answer``, ``answered_by``; ``answered_at`` keeps the time of
        the first answer when a ticket is answered again (a correction), so reports measure the
        real time to answer.
        """
        when = _aware(now, "now") if now is not None else self._now()
        changes = {
            "status": "answered",
            "answer": answer,
            "answered_by": actor,
            "answered_at": func.coalesce(Ticket.answered_at, literal(when, UTCDateTime())),
        }
        return self.update_group(
            lead_number,
            expected=expected,
            changes=changes,
            actor=actor,
            action=action,
            detail=detail,
            outbox_for=outbox_for,
        )

    def close_group(
        self, lead_number: str, *, actor: str, outbox_for: OutboxFor | None = None
    ) -> list[TicketRecord]:
        """Close an answered ticket and its answered members, each with its survey, at once."""
        return self.update_group(
            lead_number,
            expected=("answered",),
            changes={"status": "closed", "closed_at": self._now()},
            actor=actor,
            action="close",
            outbox_for=outbox_for,
            survey=True,
        )

    def ungroup(self, number: str, *, actor: str) -> list[TicketRecord]:
        """Take a ticket out of its group (audited ``ungroup``); a lead hands its members on.

        Returns the tickets changed (this one first), empty when it was in no group.
        """
        wanted, now = normalise_number(number), self._now()

        def work(session: Session) -> list[TicketRecord]:
            changed = leave(session, locked_group_row(session, wanted), now, actor, "ungroup")
            rows = session.scalars(select(Ticket).where(Ticket.number.in_(changed))).all()
            by_number = {r.number: r for r in rows}
            return [_ticket_record(by_number[n]) for n in changed]

        return self._db.run(work, write=True)

    def record_audit(
        self, actor: str, action: str, ticket_number: str | None = None, detail: str = ""
    ) -> AuditRecord:
        """Record an action that changes no ticket row (ticket opened, promote, export …)."""
        now = self._now()
        number = normalise_number(ticket_number) if ticket_number else None
        return self._db.run(
            lambda s: audit_record(add_audit(s, now, actor, action, number, detail)), write=True
        )

    # -- notes and audit trail ---------------------------------------------------------------

    def add_note(self, number: str, author: str, text: str) -> NoteRecord:
        """An internal note on a ticket (audited as action ``note``)."""
        wanted, now = normalise_number(number), self._now()

        def work(session: Session) -> NoteRecord:
            ticket_id = ticket_id_of(session, wanted)
            row = TicketNote(ticket_id=ticket_id, author=author, text=text, created_at=now)
            session.add(row)
            session.flush()
            add_audit(session, now, author, "note", wanted, f"note {row.id}")
            return note_record(row)

        return self._db.run(work, write=True)

    def notes(self, number: str) -> list[NoteRecord]:
        """A ticket's notes, oldest first; :class:`TicketNotFound` for an unknown number."""
        wanted = normalise_number(number)

        def work(session: Session) -> list[NoteRecord]:
            ticket_id = ticket_id_of(session, wanted)
            stmt = (
                select(TicketNote)
                .where(TicketNote.ticket_id == ticket_id)
                .order_by(TicketNote.created_at, TicketNote.id)
            )
            return [note_record(row) for row in session.scalars(stmt)]

        return self._db.run(work)

    def audit_trail(self, number: str | None = None, limit: int = 200) -> list[AuditRecord]:
        """The newest ``limit`` audit rows (of one ticket, or all), in chronological order."""
        stmt = select(AuditLog).order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
        if number is not None:
            stmt = stmt.where(AuditLog.ticket_number == normalise_number(number))
        stmt = stmt.limit(limit)
        return self._db.run(lambda s: [audit_record(r) for r in s.scalars(stmt)][::-1])

    # -- reading tickets ---------------------------------------------------------------------

    def ticket_by_id(self, ticket_id: int) -> TicketRecord | None:
        """The ticket with this database id, or None."""

        def work(session: Session) -> TicketRecord | None:
            row = session.get(Ticket, ticket_id)
            return _ticket_record(row) if row else None

        return self._db.run(work)

    def list_tickets(
        self,
        *,
        status: str | Collection[str] | None = None,
        kind: str | None = None,
        assignee: str | None = None,
        overdue_at: datetime | None = None,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[TicketRecord]:
        """Tickets, newest first, filtered.

        ``overdue_at``: only open/assigned tickets due before that moment.
        ``created_from`` is inclusive, ``created_to`` exclusive.
        """
        stmt = select(Ticket)
        if status is not None:
            stmt = stmt.where(Ticket.status.in_(check_statuses(status)))
        if kind is not None:
            stmt = stmt.where(Ticket.kind == kind)
        if assignee is not None:
            stmt = stmt.where(Ticket.assignee == assignee)
        if overdue_at is not None:
            cut = _aware(overdue_at, "overdue_at")
            stmt = stmt.where(Ticket.status.in_(OPEN_STATUSES), Ticket.due_at < cut)
        if created_from is not None:
            stmt = stmt.where(Ticket.created_at >= _aware(created_from, "created_from"))
        if created_to is not None:
            stmt = stmt.where(Ticket.created_at < _aware(created_to, "created_to"))
        stmt = stmt.order_by(Ticket.created_at.desc(), Ticket.id.desc()).offset(offset).limit(limit)
        return self._db.run(lambda s: [_ticket_record(t) for t in s.scalars(stmt)])

    def open_questions_for_grouping(self, since: datetime, limit: int = 500) -> list[TicketRecord]:
        """Open/assigned questions created since ``since``, newest first: leads, tickets on
        their own and members (``group_id`` set), so a citizen asking again is recognised."""
        stmt = (
            select(Ticket)
            .where(
                Ticket.status.in_(OPEN_STATUSES),
                Ticket.kind == "question",
                Ticket.created_at >= _aware(since, "since"),
            )
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .limit(limit)
        )
        return self._db.run(lambda s: [_ticket_record(t) for t in s.scalars(stmt)])

    def group_members(self, ticket_id: int) -> list[TicketRecord]:
        """The tickets grouped under a lead (the lead itself not included), oldest first."""
        stmt = select(Ticket).where(Ticket.group_id == ticket_id).order_by(Ticket.id)
        return self._db.run(lambda s: [_ticket_record(t) for t in s.scalars(stmt)])

    # -- retention ---------------------------------------------------------------------------

    def prune(self, older_than: datetime, *, actor: str = "system") -> PruneReport:
        """Blank personal texts older than ``older_than``; see :func:`retention.prune`."""
        cut, now = _aware(older_than, "older_than"), self._now()
        return self._db.run(lambda s: prune(s, cut, now, actor), write=True)


def _add_survey(session: Session, ticket: TicketRecord, now: datetime) -> None:
    """The closed ticket's survey (asking again keeps the one already stored)."""
    stmt = _upsert(session, Survey).values(
        ticket_id=ticket.id, channel=ticket.channel, chat_id=ticket.chat_id, asked_at=now
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=[Survey.ticket_id]))
