"""Notices: what may be sent, when, and by which process (the sending lease).

Every method is one short transaction. Notice status changes are conditional updates
(``WHERE status IN expected``), so two staff members or a staff member and the scheduler
never both win the same change; the sending lease is claimed with ``SELECT … FOR UPDATE
SKIP LOCKED`` on PostgreSQL (SQLite serialises writers with ``BEGIN IMMEDIATE``).

One notice is sent at a time per database: a claim is refused while another notice is
held under a live lease (claims take turns on a PostgreSQL advisory lock), so however many
servers or `send --now` commands run, a channel's broadcast rate is one sender's rate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select, text, update
from sqlalchemy.orm import Session

from cchc_bot import storage_texts as texts
from cchc_bot.storage.broadcast_models import NoticeEvent, NoticeRow
from cchc_bot.storage.db import Database
from cchc_bot.storage.errors import StorageError
from cchc_bot.storage.repository import _aware, utc_now
from cchc_bot.storage.subscription_repo import pack_topics, unpack_topics


@dataclass(frozen=True)
class NoticeRecord:
    id: str
    title: str
    text: str
    topics: tuple[str, ...]
    source: str
    content_hash: str
    planned_at: datetime | None
    status: str
    approved_by: str | None
    approved_at: datetime | None
    scheduled_at: datetime | None
    note: str | None
    lease_owner: str | None
    lease_until: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class NoticeEventRecord:
    created_at: datetime
    actor: str
    action: str
    detail: str


class NoticeNotFound(StorageError):
    def __init__(self, notice_id: str) -> None:
        super().__init__(texts.NOTICE_NOT_FOUND.format(notice_id=notice_id))
        self.notice_id = notice_id


class NoticeConflict(StorageError):
    """The notice is not in a status the change expects (someone changed it first)."""

    def __init__(self, notice: NoticeRecord, expected: Sequence[str]) -> None:
        super().__init__(f"notice {notice.id} is {notice.status!r}, expected {list(expected)}")
        self.notice = notice
        self.expected = tuple(expected)


class NoticeBusy(NoticeConflict):
    """Another notice (`busy`) is being sent under a live lease: notices take turns."""

    def __init__(self, notice: NoticeRecord, busy: NoticeRecord) -> None:
        super().__init__(notice, SENDABLE)
        self.busy = busy


SENDABLE = ("approved", "scheduled", "missed")  # what a claim may start sending
_CLAIM_LOCK = 4_242_001_705  # PostgreSQL advisory lock: claims of the sending lease take turns


def _notice(row: NoticeRow) -> NoticeRecord:
    return NoticeRecord(
        id=row.id,
        title=row.title,
        text=row.text,
        topics=unpack_topics(row.topics),
        source=row.source,
        content_hash=row.content_hash,
        planned_at=row.planned_at,
        status=row.status,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        scheduled_at=row.scheduled_at,
        note=row.note,
        lease_owner=row.lease_owner,
        lease_until=row.lease_until,
        started_at=row.started_at,
        finished_at=row.finished_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class NoticeRepository:
    def __init__(self, database: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = database
        self._clock = clock

    @property
    def database(self) -> Database:
        return self._db

    def now(self) -> datetime:
        return _aware(self._clock(), "clock()")

    def get(self, notice_id: str) -> NoticeRecord | None:
        def work(session: Session) -> NoticeRecord | None:
            row = session.get(NoticeRow, notice_id, populate_existing=True)
            return _notice(row) if row else None

        return self._db.run(work)

    def all_notices(self) -> list[NoticeRecord]:
        stmt = select(NoticeRow).order_by(
            NoticeRow.scheduled_at.is_(None),
            NoticeRow.scheduled_at,
            NoticeRow.planned_at,
            NoticeRow.id,
        )
        return self._db.run(lambda s: [_notice(r) for r in s.scalars(stmt)])

    def events(self, notice_id: str) -> list[NoticeEventRecord]:
        stmt = (
            select(NoticeEvent)
            .where(NoticeEvent.notice_id == notice_id)
            .order_by(NoticeEvent.created_at, NoticeEvent.id)
        )

        def work(session: Session) -> list[NoticeEventRecord]:
            return [
                NoticeEventRecord(e.created_at, e.actor, e.action, e.detail)
                for e in session.scalars(stmt)
            ]

        return self._db.run(work)

    def create(self, values: Mapping[str, Any], actor: str, detail: str = "") -> NoticeRecord:
        """A new notice (status in `values`, normally draft)."""
        now = self.now()

        def work(session: Session) -> NoticeRecord:
            row = NoticeRow(**_columns(values), created_at=now, updated_at=now)
            session.add(row)
            session.flush()
            session.add(
                NoticeEvent(
                    notice_id=row.id, created_at=now, actor=actor, action="create", detail=detail
                )
            )
            return _notice(row)

        return self._db.run(work, write=True)

    def update(
        self,
        notice_id: str,
        expected: Sequence[str] | None,
        changes: Mapping[str, Any],
        actor: str,
        action: str,
        detail: str = "",
    ) -> NoticeRecord:
        """Apply `changes` if the status is one of `expected` (None: any); audit it."""
        now = self.now()

        def work(session: Session) -> NoticeRecord:
            row = session.get(NoticeRow, notice_id, with_for_update=True, populate_existing=True)
            if row is None:
                raise NoticeNotFound(notice_id)
            if expected is not None and row.status not in expected:
                raise NoticeConflict(_notice(row), expected)
            for key, value in _columns(changes).items():
                setattr(row, key, value)
            row.updated_at = now
            session.add(
                NoticeEvent(
                    notice_id=notice_id, created_at=now, actor=actor, action=action, detail=detail
                )
            )
            session.flush()
            return _notice(row)

        return self._db.run(work, write=True)

    # -- the sending lease -------------------------------------------------------------------

    def claim_due(
        self, owner: str, window: timedelta, lease: timedelta, *, exclude: Sequence[str] = ()
    ) -> NoticeRecord | None:
        """Take the next notice due within `window` (or left by an expired lease) to send,
        but none while another notice is sent under a live lease; `exclude`: ids to pass."""
        now = self.now()
        due = (
            (NoticeRow.status == "scheduled")
            & (NoticeRow.scheduled_at <= now)
            & (NoticeRow.scheduled_at >= now - window)
        )
        orphaned = (NoticeRow.status == "sending") & (
            NoticeRow.lease_until.is_(None) | (NoticeRow.lease_until < now)
        )
        stmt = (
            select(NoticeRow)
            .where(or_(due, orphaned), NoticeRow.id.not_in(list(exclude)))
            .order_by(NoticeRow.scheduled_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )

        def work(session: Session) -> NoticeRecord | None:
            if _busy(session, now, (owner,)) is not None:
                return None
            row = session.scalars(stmt).first()
            if row is None:
                return None
            return _take(session, row, owner, now, lease, "scheduler")

        return self._db.run(work, write=True)

    def claim(
        self, notice_id: str, owner: str, lease: timedelta, *, dead: Sequence[str] = ()
    ) -> NoticeRecord:
        """Take one notice to send now (approved, scheduled, missed, or sending without a
        live owner).

        Raises NoticeConflict when its status does not allow it or another owner holds a
        live lease (`dead`: owners known to have died, whose leases need not expire), and
        NoticeBusy when another notice is being sent.
        """
        now = self.now()

        def work(session: Session) -> NoticeRecord:
            row = session.get(NoticeRow, notice_id, with_for_update=True, populate_existing=True)
            if row is None:
                raise NoticeNotFound(notice_id)
            free = (
                row.lease_owner in (None, owner, *dead)
                or row.lease_until is None
                or row.lease_until < now
            )
            if row.status not in (*SENDABLE, "sending") or not free:
                raise NoticeConflict(_notice(row), SENDABLE)
            busy = _busy(session, now, (owner, *dead), besides=notice_id)
            if busy is not None:
                raise NoticeBusy(_notice(row), _notice(busy))
            return _take(session, row, owner, now, lease, owner)

        return self._db.run(work, write=True)

    def renew(self, notice_id: str, owner: str, lease: timedelta) -> bool:
        """Extend the lease; False when the notice is no longer ours to send (or cancelled)."""
        now = self.now()
        stmt = (
            update(NoticeRow)
            .where(
                NoticeRow.id == notice_id,
                NoticeRow.lease_owner == owner,
                NoticeRow.status == "sending",
            )
            .values(lease_until=now + lease)
        )
        return bool(self._db.run(lambda s: s.execute(stmt).rowcount, write=True))

    def release(self, notice_id: str, owner: str) -> None:
        """Give the lease up (clean stop): another process may continue at once."""
        stmt = (
            update(NoticeRow)
            .where(NoticeRow.id == notice_id, NoticeRow.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        )
        self._db.run(lambda s: s.execute(stmt), write=True)

    def finish(self, notice_id: str, owner: str, detail: str) -> bool:
        """sending → sent, if we still hold it."""
        now = self.now()

        def work(session: Session) -> bool:
            row = session.get(NoticeRow, notice_id, with_for_update=True, populate_existing=True)
            if row is None or row.status != "sending" or row.lease_owner != owner:
                return False
            row.status, row.finished_at, row.updated_at = "sent", now, now
            row.lease_owner = row.lease_until = None
            session.add(
                NoticeEvent(
                    notice_id=notice_id, created_at=now, actor=owner, action="sent", detail=detail
                )
            )
            return True

        return self._db.run(work, write=True)

    def mark_missed(self, window: timedelta, note: str) -> list[NoticeRecord]:
        """Scheduled notices due before the catch-up window: missed (staff may reschedule)."""
        now = self.now()
        stmt = (
            select(NoticeRow)
            .where(NoticeRow.status == "scheduled", NoticeRow.scheduled_at < now - window)
            .with_for_update(skip_locked=True)
        )

        def work(session: Session) -> list[NoticeRecord]:
            out = []
            for row in session.scalars(stmt):
                row.status, row.note, row.updated_at = "missed", note, now
                session.add(
                    NoticeEvent(
                        notice_id=row.id,
                        created_at=now,
                        actor="scheduler",
                        action="missed",
                        detail=note,
                    )
                )
                out.append(_notice(row))
            return out

        return self._db.run(work, write=True)

    def in_period(self, start: datetime, end: datetime) -> list[NoticeRecord]:
        """Notices whose sending started in [start, end), or due then and missed/cancelled."""
        first, last = _aware(start, "start"), _aware(end, "end")
        started = (NoticeRow.started_at >= first) & (NoticeRow.started_at < last)
        unsent = (
            NoticeRow.status.in_(("missed", "cancelled"))
            & NoticeRow.started_at.is_(None)
            & (NoticeRow.scheduled_at >= first)
            & (NoticeRow.scheduled_at < last)
        )
        stmt = (
            select(NoticeRow)
            .where(or_(started, unsent))
            .order_by(NoticeRow.started_at, NoticeRow.scheduled_at, NoticeRow.id)
        )
        return self._db.run(lambda s: [_notice(r) for r in s.scalars(stmt)])

    def sending(self) -> list[NoticeRecord]:
        stmt = select(NoticeRow).where(NoticeRow.status == "sending")
        return self._db.run(lambda s: [_notice(r) for r in s.scalars(stmt)])


def _busy(
    session: Session, now: datetime, mine: Sequence[str], besides: str | None = None
) -> NoticeRow | None:
    """Another notice sent under a live lease by an owner not in `mine` (after taking the
    claim lock on PostgreSQL, so two claims never both see none)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CLAIM_LOCK})
    where: list[ColumnElement[bool]] = [
        NoticeRow.status == "sending",
        NoticeRow.lease_owner.is_not(None),
        NoticeRow.lease_owner.not_in(list(mine)),
        NoticeRow.lease_until >= now,
    ]
    if besides is not None:
        where.append(NoticeRow.id != besides)
    return session.scalars(select(NoticeRow).where(*where).limit(1)).first()


def _take(
    session: Session, row: NoticeRow, owner: str, now: datetime, lease: timedelta, actor: str
) -> NoticeRecord:
    previous = row.lease_owner if row.status == "sending" else None
    row.status, row.lease_owner, row.lease_until = "sending", owner, now + lease
    row.started_at = row.started_at or now
    row.updated_at = now
    detail = f"owner {owner}" + (f", taking over from {previous}" if previous else "")
    session.add(
        NoticeEvent(notice_id=row.id, created_at=now, actor=actor, action="claim", detail=detail)
    )
    session.flush()
    return _notice(row)


def _columns(values: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "topics" in out and not isinstance(out["topics"], str):
        out["topics"] = pack_topics(out["topics"])
    return out
