"""What the channel edge stores: inbound updates, unreachable users, staff posts, button codes.

Every method is one short transaction; batch methods take many rows at once so that a busy
webhook costs one commit per batch, not one per update.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    String,
    Text,
    and_,
    bindparam,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cchc_bot.storage.broadcast_models import Subscription
from cchc_bot.storage.channel_models import CallbackCode, InboundUpdate, StaffPost
from cchc_bot.storage.db import Database
from cchc_bot.storage.models import Ticket, User
from cchc_bot.storage.records import TicketRecord
from cchc_bot.storage.repository import _aware, _ticket_record, _upsert, utc_now

OPEN_TICKET_STATUSES = ("open", "assigned")


@dataclass(frozen=True)
class StoredUpdate:
    """An inbound update as stored: its dedup key and the raw payload (JSON text)."""

    key: str
    payload: str


_UPDATES = InboundUpdate.__table__.c
_MARK_PROCESSED = (
    update(InboundUpdate)
    .where(
        _UPDATES.channel == bindparam("b_channel"),
        _UPDATES.update_key.in_(bindparam("b_keys", expanding=True)),
    )
    .values(processed_at=bindparam("b_now", type_=_UPDATES.processed_at.type))
)


_KEYS = postgresql.ARRAY(String)
_PG_MARK_PROCESSED = (
    update(InboundUpdate)
    .where(
        _UPDATES.channel == bindparam("b_channel"),
        _UPDATES.update_key == func.any(bindparam("b_keys", type_=_KEYS)),
    )
    .values(processed_at=bindparam("b_now", type_=_UPDATES.processed_at.type))
)


def _pg_insert_updates() -> Any:
    """PostgreSQL: a whole batch as one statement over two arrays (`Database.run_single`)."""
    rows = (
        func.unnest(bindparam("keys", type_=_KEYS), bindparam("payloads", type_=ARRAY(Text)))
        .table_valued("k", "p")
        .render_derived()
    )
    channel, now, owner = (
        bindparam("channel", type_=String),
        bindparam("now", type_=_UPDATES.created_at.type),
        bindparam("owner", type_=String),
    )
    claimed_at = bindparam("claimed_at", type_=_UPDATES.claimed_at.type)
    return (
        postgresql.insert(InboundUpdate)
        .from_select(
            ["channel", "update_key", "payload", "created_at", "claimed_by", "claimed_at"],
            select(channel, rows.c.k, rows.c.p, now, owner, claimed_at).select_from(rows),
        )
        .on_conflict_do_nothing(index_elements=[InboundUpdate.channel, InboundUpdate.update_key])
        .returning(InboundUpdate.update_key)
    )


_PG_INSERT_UPDATES = _pg_insert_updates()


@cache
def _insert_updates(dialect: str) -> Any:
    """INSERT … ON CONFLICT DO NOTHING RETURNING update_key (built once per dialect)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(InboundUpdate)
        .on_conflict_do_nothing(index_elements=[InboundUpdate.channel, InboundUpdate.update_key])
        .returning(InboundUpdate.update_key)
    )


def _unhandled(channel: str) -> tuple[Any, ...]:
    return (InboundUpdate.channel == channel, InboundUpdate.processed_at.is_(None))


class ChannelRepository:
    def __init__(self, database: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = database
        self._clock = clock

    @property
    def database(self) -> Database:
        return self._db

    def _now(self) -> datetime:
        return _aware(self._clock(), "clock()")

    # -- inbound updates -------------------------------------------------------------------

    def store_updates(
        self, channel: str, updates: Sequence[StoredUpdate], owner: str | None = None
    ) -> set[str]:
        """Insert the updates not seen before, claimed by `owner` (a server process) when
        given; returns the keys that are new."""
        if not updates:
            return set()
        now = self._now()
        first: dict[str, StoredUpdate] = {}
        for u in updates:
            first.setdefault(u.key, u)
        if self._db.backend == "postgresql":
            params = {
                "channel": channel,
                "keys": list(first),
                "payloads": [u.payload for u in first.values()],
                "now": now,
                "owner": owner,
                "claimed_at": now if owner else None,
            }
            return {key for (key,) in self._db.run_single(_PG_INSERT_UPDATES, params)}
        claim = {"claimed_by": owner, "claimed_at": now if owner else None}
        rows = [
            {"channel": channel, "update_key": u.key, "payload": u.payload, "created_at": now}
            | claim
            for u in first.values()
        ]

        def work(conn: Connection) -> set[str]:
            stmt = _insert_updates(conn.dialect.name)
            return set(conn.execute(stmt, rows).scalars())

        return self._db.run_core(work, write=True)

    def mark_processed(self, channel: str, keys: Sequence[str]) -> None:
        if not keys:
            return
        params = {"b_channel": channel, "b_keys": list(keys), "b_now": self._now()}
        if self._db.backend == "postgresql":
            self._db.run_single(_PG_MARK_PROCESSED, params)
            return
        self._db.run_core(lambda conn: conn.execute(_MARK_PROCESSED, params), write=True)

    def unprocessed_updates(self, channel: str, limit: int = 1000) -> list[StoredUpdate]:
        """Updates stored (so acknowledged) but never handled, oldest first."""
        stmt = (
            select(InboundUpdate.update_key, InboundUpdate.payload)
            .where(InboundUpdate.channel == channel, InboundUpdate.processed_at.is_(None))
            .order_by(InboundUpdate.id)
            .limit(limit)
        )
        return self._db.run(lambda s: [StoredUpdate(k, p) for k, p in s.execute(stmt)])

    # -- claims: which server process handles an update (several workers, one database) ----

    def renew_claims(self, channel: str, owner: str) -> int:
        """Mark `owner`'s unhandled updates as still in hand; returns how many."""
        stmt = (
            update(InboundUpdate)
            .where(*_unhandled(channel), InboundUpdate.claimed_by == owner)
            .values(claimed_at=self._now())
        )
        return self._db.run_core(lambda conn: conn.execute(stmt).rowcount, write=True)

    def release_claims(self, channel: str, owner: str) -> int:
        """Give `owner`'s unhandled updates up (a stopping server): the next one takes them."""
        stmt = (
            update(InboundUpdate)
            .where(*_unhandled(channel), InboundUpdate.claimed_by == owner)
            .values(claimed_by=None, claimed_at=None)
        )
        return self._db.run_core(lambda conn: conn.execute(stmt).rowcount, write=True)

    def live_claimants(self, channel: str, stale_after: float) -> set[str]:
        """The owners of claims on unhandled updates renewed in the last `stale_after` s."""
        since = self._now() - timedelta(seconds=stale_after)
        stmt = (
            select(InboundUpdate.claimed_by)
            .distinct()
            .where(*_unhandled(channel), InboundUpdate.claimed_at >= since)
        )
        return self._db.run(lambda s: {owner for (owner,) in s.execute(stmt) if owner})

    def take_over(
        self, channel: str, owner: str, stale_after: float, also_from: Collection[str] = ()
    ) -> list[StoredUpdate]:
        """Claim for `owner` the unhandled updates nobody holds: never claimed, released, not
        renewed for `stale_after` seconds, or held by one of `also_from` (owners known dead).
        Oldest first. Two servers taking over at once never get the same update."""
        now = self._now()
        stale = now - timedelta(seconds=stale_after)
        free = or_(
            InboundUpdate.claimed_at.is_(None),
            InboundUpdate.claimed_at < stale,
            InboundUpdate.claimed_by.in_(list(also_from)),
        )
        stmt = (
            update(InboundUpdate)
            .where(*_unhandled(channel), free)
            .values(claimed_by=owner, claimed_at=now)
            .returning(InboundUpdate.id, InboundUpdate.update_key, InboundUpdate.payload)
        )
        rows = self._db.run_core(lambda conn: conn.execute(stmt).all(), write=True)
        return [StoredUpdate(key, payload) for _, key, payload in sorted(rows)]

    def is_processed(self, channel: str, key: str) -> bool | None:
        """True / False for a stored update, None when it was never stored."""
        stmt = select(InboundUpdate.processed_at).where(
            InboundUpdate.channel == channel, InboundUpdate.update_key == key
        )

        def work(session: Session) -> bool | None:
            row = session.execute(stmt).one_or_none()
            return None if row is None else row[0] is not None

        return self._db.run(work)

    def prune_updates(self, older_than: datetime) -> int:
        """Forget processed updates received before ``older_than`` (keep ≥ 24 h for dedup)."""
        cutoff = _aware(older_than, "older_than")
        stmt = delete(InboundUpdate).where(
            InboundUpdate.processed_at.is_not(None), InboundUpdate.created_at < cutoff
        )
        return self._db.run(lambda s: s.execute(stmt).rowcount or 0, write=True)

    # -- users -----------------------------------------------------------------------------

    def mark_unreachable(self, channel: str, chat_id: str) -> int:
        """The chat blocked the bot or is gone: flag its users (writing again clears it) and
        end its broadcast subscription (that one stays ended until /dangky)."""
        stmt = (
            update(User)
            .where(User.channel == channel, User.chat_id == chat_id)
            .values(unreachable=True)
        )
        unsubscribe = (
            update(Subscription)
            .where(
                Subscription.channel == channel,
                Subscription.chat_id == chat_id,
                Subscription.status == "active",
            )
            .values(status="inactive", reason="blocked", updated_at=self._now())
        )

        def work(session: Session) -> int:
            session.execute(unsubscribe)
            return session.execute(stmt).rowcount or 0

        return self._db.run(work, write=True)

    # -- staff posts -----------------------------------------------------------------------

    def record_staff_post(
        self, channel: str, chat_id: str, message_id: str, ticket_number: str
    ) -> None:
        row = {
            "channel": channel,
            "chat_id": chat_id,
            "message_id": message_id,
            "ticket_number": ticket_number,
            "created_at": self._now(),
        }

        def work(session: Session) -> None:
            stmt = _upsert(session, StaffPost).values(**row)
            session.execute(
                stmt.on_conflict_do_nothing(
                    index_elements=[StaffPost.channel, StaffPost.chat_id, StaffPost.message_id]
                )
            )

        self._db.run(work, write=True)

    def ticket_for_staff_post(self, channel: str, chat_id: str, message_id: str) -> str | None:
        stmt = select(StaffPost.ticket_number).where(
            StaffPost.channel == channel,
            StaffPost.chat_id == chat_id,
            StaffPost.message_id == message_id,
        )
        return self._db.run(lambda s: s.scalars(stmt).first())

    def unposted_tickets(
        self, channel: str, chat_id: str, since: datetime, limit: int = 20
    ) -> list[TicketRecord]:
        """Open tickets created since ``since`` that were never posted to this staff chat."""
        posted = exists().where(
            and_(
                StaffPost.channel == channel,
                StaffPost.chat_id == chat_id,
                StaffPost.ticket_number == Ticket.number,
            )
        )
        stmt = (
            select(Ticket)
            .where(
                Ticket.status.in_(OPEN_TICKET_STATUSES),
                Ticket.created_at >= _aware(since, "since"),
                ~posted,
            )
            .order_by(Ticket.created_at, Ticket.id)
            .limit(limit)
        )
        return self._db.run(lambda s: [_ticket_record(t) for t in s.scalars(stmt)])

    # -- button codes ----------------------------------------------------------------------

    def save_callback_code(self, token: str, code: str) -> None:
        row = {"token": token, "code": code, "created_at": self._now()}

        def work(session: Session) -> None:
            stmt = _upsert(session, CallbackCode).values(**row)
            session.execute(stmt.on_conflict_do_nothing(index_elements=[CallbackCode.token]))

        self._db.run(work, write=True)

    def callback_code(self, token: str) -> str | None:
        stmt = select(CallbackCode.code).where(CallbackCode.token == token)
        return self._db.run(lambda s: s.scalars(stmt).first())
