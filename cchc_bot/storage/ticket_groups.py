"""Groups of tickets inside one transaction: leaving a group, a lead handing its group on.

A group is one level deep: a lead (``group_id`` NULL) and members (``group_id`` = the lead's
id). Staff answer the lead and every open member receives the answer. When a lead leaves
(rejected, or ungrouped by staff) its open members must stay answerable, so the first open
member becomes the new lead of the others; members in any other status simply leave.
Functions take the caller's `Session`; none of them commits. Every change writes its audit row.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cchc_bot import storage_texts as texts
from cchc_bot.storage.errors import TicketNotFound
from cchc_bot.storage.models import Ticket
from cchc_bot.storage.ticket_changes import OPEN_STATUSES, add_audit


class GroupRow(NamedTuple):
    id: int
    status: str
    number: str
    group_id: int | None


def locked_group_row(session: Session, number: str) -> GroupRow:
    """A ticket's id, status, number and group, row-locked until the end of the transaction."""
    found = session.execute(
        select(Ticket.id, Ticket.status, Ticket.number, Ticket.group_id)
        .where(Ticket.number == number)
        .with_for_update()
    ).one_or_none()
    if found is None:
        raise TicketNotFound(number)
    return GroupRow(*found)


def leading_id(session: Session, number: str) -> int | None:
    """The id of ticket ``number`` if it can take a new member (row-locked), else None."""
    found = session.execute(
        select(Ticket.id, Ticket.status, Ticket.group_id)
        .where(Ticket.number == number)
        .with_for_update()
    ).one_or_none()
    if found is None or found.status not in OPEN_STATUSES or found.group_id is not None:
        return None
    return int(found.id)


def _set_group(session: Session, ticket_id: int, group_id: int | None, now: datetime) -> None:
    session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id)
        .values(group_id=group_id, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def _members(session: Session, lead_id: int) -> list[GroupRow]:
    rows = session.execute(
        select(Ticket.id, Ticket.status, Ticket.number, Ticket.group_id)
        .where(Ticket.group_id == lead_id)
        .order_by(Ticket.id)
        .with_for_update()
    ).all()
    return [GroupRow(*row) for row in rows]


def hand_on(session: Session, lead: GroupRow, now: datetime, actor: str) -> list[str]:
    """``lead`` stops leading: its first open member leads the other open members, members
    in other statuses leave the group. Returns the numbers of the tickets changed."""
    members = _members(session, lead.id)
    still_open = [m for m in members if m.status in OPEN_STATUSES]
    changed: list[str] = []
    if still_open:
        successor, *rest = still_open
        _set_group(session, successor.id, None, now)
        note = texts.GROUP_NEW_LEAD.format(old=lead.number)
        add_audit(session, now, actor, "regroup", successor.number, note)
        changed.append(successor.number)
        for member in rest:
            _set_group(session, member.id, successor.id, now)
            note = texts.GROUP_MOVED.format(lead=successor.number, old=lead.number)
            add_audit(session, now, actor, "regroup", member.number, note)
            changed.append(member.number)
    for member in members:
        if member.status not in OPEN_STATUSES:
            _set_group(session, member.id, None, now)
            note = texts.GROUP_LEFT.format(lead=lead.number)
            add_audit(session, now, actor, "ungroup", member.number, note)
            changed.append(member.number)
    return changed


def leave(session: Session, row: GroupRow, now: datetime, actor: str, action: str) -> list[str]:
    """``row`` leaves its group: a member leaves its lead, a lead hands its group on.

    Returns the numbers of every ticket changed (``row`` first), empty when it was alone.
    """
    if row.group_id is not None:
        lead = session.get(Ticket, row.group_id)
        _set_group(session, row.id, None, now)
        note = texts.GROUP_LEFT.format(lead=lead.number if lead else row.group_id)
        add_audit(session, now, actor, action, row.number, note)
        return [row.number]
    others = hand_on(session, row, now, actor)
    if others:
        note = texts.GROUP_HANDED_ON.format(numbers=", ".join(others))
        add_audit(session, now, actor, action, row.number, note)
        return [row.number, *others]
    return []
