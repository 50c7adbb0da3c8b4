"""Retention (``cchc-bot db prune``): blank what people wrote, keep what statistics count.

Older than the cut-off, in one transaction:

- messages: the citizen's text and the bot's reply;
- tickets closed or rejected before the cut-off: the citizen's text (an empty string, the
  column is NOT NULL), the display name, the staff answer and the reason of a rejection, and
  the internal notes on them;
- outbox messages no longer waiting (sent, failed, unreachable): their text;
- survey comments (the 1–5 scores stay).

Numbers, statuses, kinds, categories, times, entry ids, scores, ratings and survey scores
stay, so the monthly reports of past months do not change. Audited as action ``prune``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from cchc_bot.storage.models import Message, Outbox, Survey, Ticket, TicketNote
from cchc_bot.storage.ticket_changes import add_audit

FINAL_TICKETS = ("closed", "rejected")
FINAL_OUTBOX = ("sent", "failed", "gone")


@dataclass(frozen=True)
class PruneReport:
    """How many rows had texts blanked, per table."""

    messages: int = 0
    tickets: int = 0
    notes: int = 0
    outbox: int = 0
    comments: int = 0

    @property
    def total(self) -> int:
        return self.messages + self.tickets + self.notes + self.outbox + self.comments


def _changed(session: Session, stmt) -> int:
    result = session.execute(stmt.execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def prune(session: Session, cut: datetime, now: datetime, actor: str) -> PruneReport:
    """Blank the texts described in the module docstring; ``cut`` and ``now`` are UTC."""
    messages = _changed(
        session,
        update(Message)
        .where(
            Message.created_at < cut,
            or_(Message.text.is_not(None), Message.reply_text.is_not(None)),
        )
        .values(text=None, reply_text=None),
    )
    done_before = and_(
        Ticket.status.in_(FINAL_TICKETS),
        func.coalesce(Ticket.closed_at, Ticket.updated_at) < cut,
    )
    old_tickets = select(Ticket.id).where(done_before).scalar_subquery()
    notes = _changed(
        session,
        update(TicketNote)
        .where(TicketNote.ticket_id.in_(old_tickets), TicketNote.text != "")
        .values(text=""),
    )
    tickets = _changed(
        session,
        update(Ticket)
        .where(
            done_before,
            or_(
                Ticket.text != "",
                Ticket.display_name.is_not(None),
                Ticket.answer.is_not(None),
                Ticket.reject_reason.is_not(None),
            ),
        )
        .values(text="", display_name=None, answer=None, reject_reason=None),
    )
    outbox = _changed(
        session,
        update(Outbox)
        .where(Outbox.status.in_(FINAL_OUTBOX), Outbox.created_at < cut, Outbox.text != "")
        .values(text=""),
    )
    comments = _changed(
        session,
        update(Survey)
        .where(
            func.coalesce(Survey.answered_at, Survey.asked_at) < cut, Survey.comment.is_not(None)
        )
        .values(comment=None),
    )
    report = PruneReport(messages, tickets, notes, outbox, comments)
    detail = (
        f"{messages} messages, {tickets} tickets, {notes} notes, {outbox} outbox messages, "
        f"{comments} survey comments before {cut.isoformat(timespec='seconds')}"
    )
    add_audit(session, now, actor, "prune", None, detail)
    return report
