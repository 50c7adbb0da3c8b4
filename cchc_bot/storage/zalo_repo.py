"""What the Zalo channels store: the OA token pair, chat windows, outbox messages held back.

Token rotation (`rotate_oa_token`) runs the refresh call *inside* the transaction that holds
the token row locked (``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite)
and writes the new pair before committing, so two workers never spend the same single-use
refresh token and a new pair is never used before it is stored. The refresh token is spent
once Zalo answers, so the pair it gave is never thrown away: a retried transaction writes
that same pair instead of refreshing again, and if the write fails for good the pair comes
back in `UnsavedGrant` (the caller keeps it and stores it later with `save_oa_grant`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from cchc_bot.storage.db import Database
from cchc_bot.storage.errors import StorageError
from cchc_bot.storage.models import Outbox, Ticket
from cchc_bot.storage.repository import _aware, _upsert, utc_now
from cchc_bot.storage.zalo_models import ZaloContact, ZaloDeferral, ZaloToken


@dataclass(frozen=True)
class OaToken:
    app_id: str
    access_token: str
    refresh_token: str
    expires_at: datetime | None
    version: int

    def __repr__(self) -> str:  # the tokens never appear in logs
        return f"OaToken(app_id={self.app_id!r}, version={self.version})"


@dataclass(frozen=True)
class TokenGrant:
    """What the token endpoint answered: the new pair and its lifetime in seconds."""

    access_token: str
    refresh_token: str
    expires_in: float | None = None

    def __repr__(self) -> str:
        return f"TokenGrant(expires_in={self.expires_in!r})"


class UnsavedGrant(StorageError):
    """Zalo gave a new pair (the stored refresh token is spent) but it could not be stored.

    `spent` is the refresh token the stored row still holds: `save_oa_grant(app_id, spent,
    grant)` writes the pair later, unless the row changed meanwhile.
    """

    def __init__(self, app_id: str, spent: str, grant: TokenGrant) -> None:
        super().__init__(f"the new Zalo OA token pair of app {app_id} could not be stored")
        self.app_id = app_id
        self.spent = spent
        self.grant = grant


@dataclass(frozen=True)
class ContactRecord:
    channel: str
    chat_id: str
    last_inbound_at: datetime | None
    last_message_id: str | None
    replies: int
    closed_at: datetime | None
    closed_reason: str | None
    reopen_at: datetime | None


@dataclass(frozen=True)
class HeldMessage:
    """A pending outbox message of a Zalo channel, with the ticket it belongs to."""

    outbox_id: int
    chat_id: str
    kind: str
    ticket_number: str | None


class ZaloRepository:
    def __init__(self, database: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = database
        self._clock = clock

    def _now(self) -> datetime:
        return _aware(self._clock(), "clock()")

    # -- OA tokens -------------------------------------------------------------------------

    def seed_oa_token(self, app_id: str, access: str, refresh: str, seed_hash: str) -> OaToken:
        """The stored pair; the settings' pair when none is stored or the seed changed."""
        now = self._now()

        def work(session: Session) -> OaToken:
            row = session.get(ZaloToken, app_id, with_for_update=True)
            if row is None:
                row = ZaloToken(app_id=app_id, version=0)
                session.add(row)
            elif row.seed_hash == seed_hash:
                return _token(row)
            row.access_token, row.refresh_token = access, refresh
            row.expires_at, row.seed_hash = None, seed_hash
            row.version, row.updated_at = row.version + 1, now
            session.flush()
            return _token(row)

        return self._db.run(work, write=True)

    def oa_token(self, app_id: str) -> OaToken | None:
        def work(session: Session) -> OaToken | None:
            row = session.get(ZaloToken, app_id)
            return _token(row) if row else None

        return self._db.run(work)

    def rotate_oa_token(
        self, app_id: str, stale_access: str, refresh: Callable[[str], TokenGrant]
    ) -> OaToken:
        """Refresh the pair unless another worker already replaced `stale_access`.

        `refresh(refresh_token)` runs with the row locked; its new pair is written in the
        same transaction. If it raises, nothing changes and the error propagates. Once it
        answered, its pair is kept: a retried transaction writes the same pair (the refresh
        token is not spent twice), and a write that fails for good raises `UnsavedGrant`.
        """
        obtained: list[tuple[str, TokenGrant]] = []  # (refresh token spent, the new pair)

        def work(session: Session) -> OaToken:
            row = session.get(ZaloToken, app_id, with_for_update=True, populate_existing=True)
            if row is None:
                raise StorageError(f"no Zalo OA token stored for app {app_id}")
            if row.access_token != stale_access:
                return _token(row)  # someone refreshed meanwhile (or our pair was committed)
            if not obtained:
                obtained.append((row.refresh_token, refresh(row.refresh_token)))
            _store_grant(row, obtained[0][1], self._now())
            session.flush()
            return _token(row)

        try:
            return self._db.run(work, write=True)
        except StorageError as exc:
            if not obtained:
                raise
            raise UnsavedGrant(app_id, obtained[0][0], obtained[0][1]) from exc

    def save_oa_grant(self, app_id: str, spent: str, grant: TokenGrant) -> OaToken:
        """Store a pair `UnsavedGrant` left over, if the row still holds `spent`.

        Returns the stored pair: ours, or what the row holds when it changed meanwhile
        (our pair already written, or new tokens seeded from the settings).
        """

        def work(session: Session) -> OaToken:
            row = session.get(ZaloToken, app_id, with_for_update=True, populate_existing=True)
            if row is None:
                raise StorageError(f"no Zalo OA token stored for app {app_id}")
            if row.refresh_token == spent:
                _store_grant(row, grant, self._now())
                session.flush()
            return _token(row)

        return self._db.run(work, write=True)

    # -- chat windows ----------------------------------------------------------------------

    def touch_inbound(self, channel: str, seen: Sequence[tuple[str, str | None]]) -> None:
        """The citizens of these (chat, message id) just wrote: window open, count reset."""
        if not seen:
            return
        now = self._now()
        latest = dict(seen)
        rows = [
            {"channel": channel, "chat_id": chat, "last_inbound_at": now,
             "last_message_id": mid, "replies": 0}
            for chat, mid in latest.items()
        ]  # fmt: skip

        def work(session: Session) -> None:
            stmt = _upsert(session, ZaloContact).values(rows)
            session.execute(
                stmt.on_conflict_do_update(
                    index_elements=[ZaloContact.channel, ZaloContact.chat_id],
                    set_={
                        "last_inbound_at": stmt.excluded.last_inbound_at,
                        "last_message_id": stmt.excluded.last_message_id,
                        "replies": 0,
                        "closed_at": None,
                        "closed_reason": None,
                        "reopen_at": None,
                    },
                )
            )

        self._db.run(work, write=True)

    def count_replies(self, channel: str, counts: Mapping[str, int]) -> None:
        """Add messages sent to each chat since its citizen's last message."""
        if not counts:
            return
        table = ZaloContact.__table__
        stmt = (
            update(table)
            .where(table.c.channel == channel, table.c.chat_id == bindparam("chat"))
            .values(replies=table.c.replies + bindparam("n"))
        )
        params = [{"chat": chat, "n": n} for chat, n in counts.items()]
        self._db.run(lambda s: s.connection().execute(stmt, params), write=True)

    def close_chat(
        self, channel: str, chat_id: str, reason: str, reopen_at: datetime | None = None
    ) -> None:
        """Zalo refused a send: hold messages for the chat until the citizen writes again."""
        now = self._now()
        values = {"closed_at": now, "closed_reason": reason[:500], "reopen_at": reopen_at}

        def work(session: Session) -> None:
            stmt = _upsert(session, ZaloContact).values(
                channel=channel, chat_id=chat_id, replies=0, **values
            )
            session.execute(
                stmt.on_conflict_do_update(
                    index_elements=[ZaloContact.channel, ZaloContact.chat_id], set_=values
                )
            )

        self._db.run(work, write=True)

    def reopen_chat(self, channel: str, chat_id: str, wrote_at: datetime) -> bool:
        """The citizen wrote at `wrote_at`: a refusal from before then no longer holds."""
        stmt = (
            update(ZaloContact)
            .where(
                ZaloContact.channel == channel,
                ZaloContact.chat_id == chat_id,
                ZaloContact.closed_at < _aware(wrote_at, "wrote_at"),
            )
            .values(closed_at=None, closed_reason=None, reopen_at=None)
        )
        return bool(self._db.run(lambda s: s.execute(stmt).rowcount, write=True))

    def contacts(self, channel: str, chat_ids: Sequence[str]) -> dict[str, ContactRecord]:
        if not chat_ids:
            return {}
        stmt = select(ZaloContact).where(
            ZaloContact.channel == channel, ZaloContact.chat_id.in_(list(chat_ids))
        )
        return self._db.run(lambda s: {r.chat_id: _contact(r) for r in s.scalars(stmt)})

    def closed_chats(self, channel: str) -> set[str]:
        stmt = select(ZaloContact.chat_id).where(
            ZaloContact.channel == channel, ZaloContact.closed_at.is_not(None)
        )
        return self._db.run(lambda s: set(s.scalars(stmt)))

    # -- the outbox of a Zalo channel -------------------------------------------------------

    def held_outbox(
        self, channel: str, chat_id: str | None = None, limit: int = 500
    ) -> list[HeldMessage]:
        """Pending outbox messages of the channel (or one chat), oldest first, with tickets."""
        stmt = (
            select(Outbox.id, Outbox.chat_id, Outbox.kind, Ticket.number)
            .outerjoin(Ticket, Ticket.id == Outbox.ticket_id)
            .where(Outbox.status == "pending", Outbox.channel == channel)
            .order_by(Outbox.created_at, Outbox.id)
            .limit(limit)
        )
        if chat_id is not None:
            stmt = stmt.where(Outbox.chat_id == chat_id)
        return self._db.run(lambda s: [HeldMessage(*row) for row in s.execute(stmt)])

    def record_deferrals(self, items: Sequence[tuple[int, str]]) -> set[int]:
        """Note (outbox id, reason) pairs; returns the ids noted for the first time."""
        if not items:
            return set()
        now = self._now()
        rows = [
            {"outbox_id": i, "reason": r[:200], "created_at": now} for i, r in dict(items).items()
        ]

        def work(session: Session) -> set[int]:
            stmt = _upsert(session, ZaloDeferral).values(rows)
            stmt = stmt.on_conflict_do_nothing(index_elements=[ZaloDeferral.outbox_id])
            return set(session.scalars(stmt.returning(ZaloDeferral.outbox_id)))

        return self._db.run(work, write=True)


def _store_grant(row: ZaloToken, grant: TokenGrant, now: datetime) -> None:
    row.access_token, row.refresh_token = grant.access_token, grant.refresh_token
    row.expires_at = now + timedelta(seconds=grant.expires_in) if grant.expires_in else None
    row.version, row.updated_at = row.version + 1, now


def _token(row: ZaloToken) -> OaToken:
    return OaToken(row.app_id, row.access_token, row.refresh_token, row.expires_at, row.version)


def _contact(row: ZaloContact) -> ContactRecord:
    return ContactRecord(
        channel=row.channel,
        chat_id=row.chat_id,
        last_inbound_at=row.last_inbound_at,
        last_message_id=row.last_message_id,
        replies=row.replies,
        closed_at=row.closed_at,
        closed_reason=row.closed_reason,
        reopen_at=row.reopen_at,
    )
