"""The repository: every read and write the bot does, as plain synchronous methods.

Each method opens and closes its own `Session` (through :meth:`Database.run`) and returns
frozen records from :mod:`cchc_bot.storage.records`, never live ORM objects.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cchc_bot.storage import exchange_sql
from cchc_bot.storage.db import Database
from cchc_bot.storage.models import ChatStateRow, Message, Ticket, TicketCounter, User
from cchc_bot.storage.records import (
    Candidate,
    ChatState,
    MessageRecord,
    NewMessage,
    NewTicket,
    TicketKind,
    TicketRecord,
    TicketStatus,
    UserRecord,
)

log = logging.getLogger(__name__)

TICKET_PREFIX = "HD"


def vietnam_tz() -> tzinfo:
    """Asia/Ho_Chi_Minh (UTC+7, no daylight saving), even where the tz database is missing."""
    try:
        return ZoneInfo("Asia/Ho_Chi_Minh")
    except ZoneInfoNotFoundError:  # pragma: no cover - minimal containers without tzdata
        return timezone(timedelta(hours=7), "ICT")


def ticket_number(year: int, seq: int) -> str:
    """``HD-2026-00042``."""
    return f"{TICKET_PREFIX}-{year}-{seq:05d}"


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(UTC)


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")
    return value.astimezone(UTC)


def _upsert(session: Session, model: type[Any]) -> Any:
    """A dialect-specific INSERT that supports ``on_conflict_do_update`` and RETURNING."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def insert_ticket(
    session: Session, ticket: NewTicket, created_at: datetime, group_id: int | None = None
) -> Ticket:
    """Insert a ticket with the next number of its Vietnam-time year (no commit)."""
    due_at = _aware(ticket.due_at, "due_at") if ticket.due_at else None
    year = created_at.astimezone(vietnam_tz()).year
    counter = _upsert(session, TicketCounter).values(year=year, last_seq=1)
    counter = counter.on_conflict_do_update(
        index_elements=[TicketCounter.year],
        set_={"last_seq": TicketCounter.last_seq + 1},
    ).returning(TicketCounter.last_seq)
    seq = int(session.execute(counter).scalar_one())
    row = Ticket(
        number=ticket_number(year, seq),
        year=year,
        seq=seq,
        channel=ticket.channel,
        chat_id=ticket.chat_id,
        user_id=ticket.user_id,
        display_name=ticket.display_name,
        text=ticket.text,
        candidates=[
            {"entry_id": c.entry_id, "title": c.title, "score": c.score} for c in ticket.candidates
        ],
        kind=ticket.kind,
        category=ticket.category,
        status="open",
        group_id=group_id,
        created_at=created_at,
        updated_at=created_at,
        due_at=due_at,
    )
    session.add(row)
    session.flush()
    return row


class Repository:
    """Users, message log, hotline tickets and per-chat state."""

    def __init__(self, database: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = database
        self._clock = clock

    @property
    def database(self) -> Database:
        return self._db

    def _now(self) -> datetime:
        return _aware(self._clock(), "clock()")

    # -- users -----------------------------------------------------------------------------

    def touch_user(
        self, channel: str, user_id: str, chat_id: str, display_name: str | None = None
    ) -> UserRecord:
        """Insert or update a user seen just now; a user who writes to us is reachable again.

        A ``None`` display name keeps the one already stored.
        """
        now = self._now()
        return self._db.run(
            lambda s: _touch(s, channel, user_id, chat_id, display_name, now), write=True
        )

    # -- one exchange, in two transactions -------------------------------------------------

    def begin_exchange(
        self, channel: str, user_id: str, chat_id: str, display_name: str | None = None
    ) -> ChatState | None:
        """`touch_user` and `get_chat_state` in one transaction (the start of every message)."""
        now = self._now()
        return exchange_sql.begin(self._db, channel, user_id, chat_id, display_name, now)

    def finish_exchange(self, message: NewMessage, state: ChatState | None) -> int:
        """`save_chat_state` (when given) and `log_message` in one transaction."""
        now = self._now()
        created_at = _aware(message.created_at, "created_at") if message.created_at else now
        return exchange_sql.finish(self._db, message, created_at, state, now)

    # -- message log -----------------------------------------------------------------------

    def log_message(self, message: NewMessage) -> int:
        """Store one exchange and return its id."""
        created_at = _aware(message.created_at, "created_at") if message.created_at else self._now()
        return self._db.run(lambda s: _log(s, message, created_at), write=True)

    def recent_messages(self, limit: int = 50) -> list[MessageRecord]:
        """The newest ``limit`` logged exchanges, newest first."""
        stmt = select(Message).order_by(Message.created_at.desc(), Message.id.desc()).limit(limit)
        return self._db.run(lambda s: [_message_record(m) for m in s.scalars(stmt)])

    # -- tickets ---------------------------------------------------------------------------

    def create_ticket(self, ticket: NewTicket, *, now: datetime | None = None) -> TicketRecord:
        """Store a ticket with the next number of its year, ``HD-{year}-{seq:05d}``.

        The year is the Vietnam-time year of ``now`` (default: the clock). The number is
        allocated and the ticket inserted in one transaction, so numbers are unique and
        gap-free even with several threads or processes writing at once; a failed insert
        rolls the counter back with it.
        """
        created_at = _aware(now, "now") if now is not None else self._now()

        def work(session: Session) -> TicketRecord:
            return _ticket_record(insert_ticket(session, ticket, created_at))

        record = self._db.run(work, write=True)
        log.info("Ticket %s created (%s, %s)", record.number, record.kind, record.channel)
        return record

    def get_ticket(self, number: str) -> TicketRecord | None:
        """The ticket with this number (case and surrounding spaces ignored), or None."""
        stmt = select(Ticket).where(Ticket.number == number.strip().upper())

        def work(session: Session) -> TicketRecord | None:
            row = session.scalars(stmt).one_or_none()
            return _ticket_record(row) if row else None

        return self._db.run(work)

    def list_tickets(
        self, status: TicketStatus | None = None, limit: int = 100
    ) -> list[TicketRecord]:
        """Tickets, newest first, optionally only those with ``status``."""
        stmt = select(Ticket).order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)
        if status is not None:
            stmt = stmt.where(Ticket.status == status)
        return self._db.run(lambda s: [_ticket_record(t) for t in s.scalars(stmt)])

    def tickets_for_chat(self, channel: str, chat_id: str) -> list[TicketRecord]:
        """Every ticket raised from one chat, newest first."""
        stmt = (
            select(Ticket)
            .where(Ticket.channel == channel, Ticket.chat_id == chat_id)
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        )
        return self._db.run(lambda s: [_ticket_record(t) for t in s.scalars(stmt)])

    # -- chat state ------------------------------------------------------------------------

    def get_chat_state(self, channel: str, chat_id: str) -> ChatState | None:
        """The stored state of one chat, or None when nothing was saved yet."""

        def work(session: Session) -> ChatState | None:
            row = session.get(ChatStateRow, (channel, chat_id))
            return _chat_state(row) if row else None

        return self._db.run(work)

    def save_chat_state(self, state: ChatState) -> ChatState:
        """Insert or replace the state of one chat; returns it stamped with ``updated_at``."""
        now = self._now()
        self._db.run(lambda s: _save_state(s, state, now), write=True)
        return ChatState(
            channel=state.channel,
            chat_id=state.chat_id,
            pending_choices=state.pending_choices,
            last_entry_id=state.last_entry_id,
            pending_question=state.pending_question,
            updated_at=now,
        )


def _touch(
    session: Session,
    channel: str,
    user_id: str,
    chat_id: str,
    display_name: str | None,
    now: datetime,
) -> UserRecord:
    stmt = _upsert(session, User).values(
        channel=channel,
        user_id=user_id,
        chat_id=chat_id,
        display_name=display_name,
        created_at=now,
        last_seen_at=now,
        unreachable=False,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[User.channel, User.user_id],
        set_={
            "chat_id": stmt.excluded.chat_id,
            "display_name": func.coalesce(stmt.excluded.display_name, User.display_name),
            "last_seen_at": stmt.excluded.last_seen_at,
            "unreachable": False,
        },
    ).returning(User)
    return _user_record(session.scalars(stmt).one())


def _log(session: Session, message: NewMessage, created_at: datetime) -> int:
    row = Message(
        created_at=created_at,
        channel=message.channel,
        chat_id=message.chat_id,
        user_id=message.user_id,
        text=message.text,
        decision=message.decision,
        entry_id=message.entry_id,
        score=message.score,
        aspect=message.aspect,
        latency_ms=message.latency_ms,
        reply_text=message.reply_text,
    )
    session.add(row)
    session.flush()
    return row.id


def _save_state(session: Session, state: ChatState, now: datetime) -> None:
    values = {
        "pending_choices": list(state.pending_choices) or None,
        "last_entry_id": state.last_entry_id,
        "pending_question": state.pending_question,
        "updated_at": now,
    }
    stmt = _upsert(session, ChatStateRow).values(
        channel=state.channel, chat_id=state.chat_id, **values
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[ChatStateRow.channel, ChatStateRow.chat_id], set_=values
    )
    session.execute(stmt)


def _user_record(row: User) -> UserRecord:
    return UserRecord(
        id=row.id,
        channel=row.channel,
        user_id=row.user_id,
        chat_id=row.chat_id,
        display_name=row.display_name,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        unreachable=row.unreachable,
    )


def _message_record(row: Message) -> MessageRecord:
    return MessageRecord(
        id=row.id,
        created_at=row.created_at,
        channel=row.channel,
        chat_id=row.chat_id,
        user_id=row.user_id,
        text=row.text,
        decision=row.decision,
        entry_id=row.entry_id,
        score=row.score,
        aspect=row.aspect,
        latency_ms=row.latency_ms,
        reply_text=row.reply_text,
    )


def _ticket_record(row: Ticket) -> TicketRecord:
    return TicketRecord(
        id=row.id,
        number=row.number,
        year=row.year,
        seq=row.seq,
        channel=row.channel,
        chat_id=row.chat_id,
        user_id=row.user_id,
        display_name=row.display_name,
        text=row.text,
        candidates=tuple(
            Candidate(entry_id=c["entry_id"], title=c["title"], score=float(c["score"]))
            for c in row.candidates or ()
        ),
        kind=cast(TicketKind, row.kind),
        category=row.category,
        status=cast(TicketStatus, row.status),
        assignee=row.assignee,
        answer=row.answer,
        reject_reason=row.reject_reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
        due_at=row.due_at,
        answered_at=row.answered_at,
        closed_at=row.closed_at,
        group_id=row.group_id,
        answered_by=row.answered_by,
    )


def _chat_state(row: ChatStateRow) -> ChatState:
    return ChatState(
        channel=row.channel,
        chat_id=row.chat_id,
        pending_choices=tuple(row.pending_choices or ()),
        last_entry_id=row.last_entry_id,
        pending_question=row.pending_question,
        updated_at=row.updated_at,
    )
