"""Building blocks of ticket changes inside one transaction (used by the hotline repository).

Row locking, the optimistic status check, group rules, and the audit rows that go with every
change. Functions take the caller's `Session`; none of them commits.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.orm import Session

from cchc_bot.storage.errors import StorageError, TicketNotFound, TicketStateConflict
from cchc_bot.storage.hotline_records import TICKET_CHANGE_KEYS, AuditRecord, NoteRecord
from cchc_bot.storage.models import AuditLog, Ticket, TicketNote
from cchc_bot.storage.records import TICKET_STATUSES, TicketRecord
from cchc_bot.storage.repository import _aware, _ticket_record

OPEN_STATUSES: tuple[str, ...] = ("open", "assigned")
_DATETIME_KEYS = frozenset({"answered_at", "closed_at", "due_at"})
_TEXT_KEYS = frozenset({"answer", "reject_reason"})  # long: named in the audit, not copied


def normalise_number(number: str) -> str:
    return number.strip().upper()


def check_statuses(value: str | Collection[str]) -> tuple[str, ...]:
    statuses = (value,) if isinstance(value, str) else tuple(value)
    unknown = [s for s in statuses if s not in TICKET_STATUSES]
    if unknown or not statuses:
        raise ValueError(f"unknown ticket status(es) {unknown or statuses!r}")
    return statuses


def checked_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - TICKET_CHANGE_KEYS
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}; allowed: {sorted(TICKET_CHANGE_KEYS)}")
    values = dict(changes)
    for key in _DATETIME_KEYS & values.keys():
        if isinstance(values[key], datetime):
            values[key] = _aware(values[key], key)
        elif values[key] is not None and not isinstance(values[key], ColumnElement):
            raise TypeError(f"{key} must be a datetime or None, got {values[key]!r}")
    if "status" in values:
        check_statuses(values["status"])
    return values


def describe(old_status: str, values: Mapping[str, Any], detail: str) -> str:
    """A short 'what changed' for the audit row: ``open → assigned; assignee=An; …``."""
    parts: list[str] = []
    for key in sorted(values):
        value = values[key]
        if key == "status":
            parts.insert(0, f"{old_status} → {value}")
        elif key in _TEXT_KEYS or isinstance(value, ColumnElement):
            parts.append(key)
        elif isinstance(value, datetime):
            parts.append(f"{key}={value.isoformat(timespec='minutes')}")
        elif key != "updated_at":
            parts.append(f"{key}={value}")
    return "; ".join(p for p in ("; ".join(parts), detail) if p)


class Row(NamedTuple):
    id: int
    status: str
    number: str


def locked(session: Session, number: str) -> Row:
    """A ticket's id, status and number, row-locked until the end of the transaction."""
    found = session.execute(
        select(Ticket.id, Ticket.status, Ticket.number)
        .where(Ticket.number == number)
        .with_for_update()
    ).one_or_none()
    if found is None:
        raise TicketNotFound(number)
    return Row(*found)


def ticket_id_of(session: Session, number: str) -> int:
    ticket_id = session.scalars(select(Ticket.id).where(Ticket.number == number)).one_or_none()
    if ticket_id is None:
        raise TicketNotFound(number)
    return ticket_id


def check_group(session: Session, row: Row, lead_id: int) -> None:
    lead = session.get(Ticket, lead_id)
    if lead is None or lead.id == row.id or lead.group_id is not None:
        raise StorageError(f"ticket {lead_id} cannot lead a group (missing, itself or a member)")
    has_members = session.scalar(select(exists().where(Ticket.group_id == row.id)))
    if has_members:
        raise StorageError("a ticket that leads a group cannot join another group")


def apply_change(
    session: Session,
    row: Row,
    statuses: tuple[str, ...],
    values: Mapping[str, Any],
    now: datetime,
) -> TicketRecord:
    if row.status not in statuses:
        raise TicketStateConflict(row.number, row.status, statuses)
    stmt = (
        update(Ticket)
        .where(Ticket.id == row.id, Ticket.status.in_(statuses))
        .values(**values, updated_at=now)
        .returning(Ticket.id)
        .execution_options(synchronize_session=False)
    )
    if session.execute(stmt).scalar_one_or_none() is None:  # pragma: no cover - row is locked
        current = session.scalar(select(Ticket.status).where(Ticket.id == row.id)) or "?"
        raise TicketStateConflict(row.number, current, statuses)
    return _ticket_record(session.get_one(Ticket, row.id, populate_existing=True))


def add_audit(
    session: Session, now: datetime, actor: str, action: str, number: str | None, detail: str
) -> AuditLog:
    row = AuditLog(created_at=now, actor=actor, action=action, ticket_number=number, detail=detail)
    session.add(row)
    session.flush()
    return row


def audit_record(row: AuditLog) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        created_at=row.created_at,
        actor=row.actor,
        action=row.action,
        ticket_number=row.ticket_number,
        detail=row.detail,
    )


def note_record(row: TicketNote) -> NoteRecord:
    return NoteRecord(
        id=row.id,
        ticket_id=row.ticket_id,
        author=row.author,
        text=row.text,
        created_at=row.created_at,
    )
