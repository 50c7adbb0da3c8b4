"""Deliveries: one row per (notice, channel, chat), claimed before a send, resolved after.

- `materialize` snapshots the active subscribers of a notice's topics into pending rows (the
  UNIQUE key makes it idempotent: a resumed run adds only newcomers);
- `claim` moves a batch pending → sending under the caller's owner id (``FOR UPDATE SKIP
  LOCKED`` on PostgreSQL), skipping chats that unsubscribed meanwhile;
- `record` writes a batch of outcomes in one transaction (``executemany``), only for rows
  the caller still holds; a blocked chat is unsubscribed and flagged unreachable there too;
- `stale` lists rows left in sending by other owners, for the journal-based recovery;
  `cancelled_with_stale` the cancelled notices that still have such rows;
- `counts` gives the report's figures: rows by status, skipped and failed rows by reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, func, literal, or_, select, update
from sqlalchemy.orm import Session

from cchc_bot.storage.broadcast_models import Delivery, NoticeRow, Subscription
from cchc_bot.storage.db import Database
from cchc_bot.storage.models import Message, Outbox, User, UTCDateTime
from cchc_bot.storage.repository import _aware, _upsert, utc_now


@dataclass(frozen=True)
class ClaimedDelivery:
    id: int
    channel: str
    chat_id: str
    parts_sent: int = 0
    attempts: int = 1


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one claimed row; `extra_attempts` are tries beyond the claim's one."""

    id: int
    status: str  # pending (given back) | sent | failed | blocked | skipped
    error: str | None = None
    parts_sent: int = 0
    confirmed: bool = False
    extra_attempts: int = 0
    sent_at: datetime | None = None
    channel: str = ""
    chat_id: str = ""


@dataclass(frozen=True)
class DeliveryCounts:
    notice_id: str
    by_status: dict[str, int] = field(default_factory=dict)
    skipped_reasons: dict[str, int] = field(default_factory=dict)  # skipped rows by reason
    failed_reasons: dict[str, int] = field(default_factory=dict)  # failed rows by reason
    unconfirmed: int = 0
    first_sent: datetime | None = None
    last_sent: datetime | None = None

    @property
    def recipients(self) -> int:
        return sum(self.by_status.values())

    def __getitem__(self, status: str) -> int:
        return self.by_status.get(status, 0)


class DeliveryRepository:
    def __init__(self, database: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = database
        self._clock = clock

    def _now(self) -> datetime:
        return _aware(self._clock(), "clock()")

    def materialize(self, notice_id: str, topics: Sequence[str]) -> int:
        """Pending rows for every active subscriber of these topics; returns the row count."""
        now = self._now()
        wanted = or_(
            Subscription.topics == "", *(Subscription.topics.like(f"%,{t},%") for t in topics)
        )
        source = select(
            literal(notice_id),
            Subscription.channel,
            Subscription.chat_id,
            literal("pending"),
            literal(now, UTCDateTime()),
        ).where(Subscription.status == "active", wanted if topics else True)
        columns = ["notice_id", "channel", "chat_id", "status", "created_at"]

        def work(session: Session) -> int:
            stmt = _upsert(session, Delivery).from_select(columns, source)
            session.execute(
                stmt.on_conflict_do_nothing(
                    index_elements=[Delivery.notice_id, Delivery.channel, Delivery.chat_id]
                )
            )
            count = select(func.count()).where(Delivery.notice_id == notice_id)
            return int(session.scalar(count) or 0)

        return self._db.run(work, write=True)

    def channels(self, notice_id: str, status: str = "pending") -> list[str]:
        stmt = (
            select(Delivery.channel)
            .where(Delivery.notice_id == notice_id, Delivery.status == status)
            .distinct()
        )
        return self._db.run(lambda s: sorted(s.scalars(stmt)))

    def claim(self, notice_id: str, channel: str, owner: str, limit: int) -> list[ClaimedDelivery]:
        """Up to `limit` pending rows → sending for `owner`; unsubscribed chats → skipped."""
        now = self._now()
        stmt = (
            select(
                Delivery.id,
                Delivery.chat_id,
                Delivery.parts_sent,
                Delivery.attempts,
                Subscription.status,
            )
            .outerjoin(
                Subscription,
                and_(
                    Subscription.channel == Delivery.channel,
                    Subscription.chat_id == Delivery.chat_id,
                ),
            )
            .where(
                Delivery.notice_id == notice_id,
                Delivery.channel == channel,
                Delivery.status == "pending",
            )
            .order_by(Delivery.id)
            .limit(limit)
            .with_for_update(of=Delivery, skip_locked=True)
        )

        def work(session: Session) -> list[ClaimedDelivery]:
            rows = session.execute(stmt).all()
            left = [r.id for r in rows if r.status != "active"]
            claimed = [
                ClaimedDelivery(r.id, channel, r.chat_id, r.parts_sent, r.attempts + 1)
                for r in rows
                if r.status == "active"
            ]
            if left:
                session.execute(
                    update(Delivery)
                    .where(Delivery.id.in_(left))
                    .values(status="skipped", error="unsubscribed")
                )
            if claimed:
                session.execute(
                    update(Delivery)
                    .where(Delivery.id.in_([c.id for c in claimed]))
                    .values(
                        status="sending",
                        attempts=Delivery.attempts + 1,
                        claimed_by=owner,
                        claimed_at=now,
                    )
                )
            return claimed

        return self._db.run(work, write=True)

    def record(self, results: Sequence[DeliveryResult], owner: str) -> int:
        """Write outcomes of rows `owner` holds (in one transaction); returns rows changed."""
        if not results:
            return 0
        table = Delivery.__table__
        stmt = (
            update(table)
            .where(
                table.c.id == bindparam("b_id"),
                table.c.claimed_by == bindparam("b_owner"),
                table.c.status == "sending",
            )
            .values(
                status=bindparam("b_status"),
                error=bindparam("b_error"),
                parts_sent=bindparam("b_parts"),
                confirmed=bindparam("b_confirmed"),
                attempts=table.c.attempts + bindparam("b_extra"),
                sent_at=bindparam("b_sent_at", type_=UTCDateTime()),
            )
        )
        params = [
            {
                "b_id": r.id,
                "b_owner": owner,
                "b_status": r.status,
                "b_error": r.error,
                "b_parts": r.parts_sent,
                "b_confirmed": r.confirmed,
                "b_extra": r.extra_attempts,
                "b_sent_at": r.sent_at,
            }
            for r in results
        ]
        gone = sorted({(r.channel, r.chat_id) for r in results if r.status == "blocked"})
        now = self._now()

        def work(session: Session) -> int:
            changed = session.connection().execute(stmt, params).rowcount or 0
            if gone:
                _unsubscribe(session, gone, now)
            return changed

        return self._db.run(work, write=True)

    def release(self, notice_id: str, owner: str) -> int:
        """Rows `owner` claimed but never tried go back to pending (a clean stop)."""
        stmt = (
            update(Delivery)
            .where(
                Delivery.notice_id == notice_id,
                Delivery.claimed_by == owner,
                Delivery.status == "sending",
            )
            .values(status="pending", attempts=Delivery.attempts - 1)
        )
        return self._db.run(lambda s: s.execute(stmt).rowcount or 0, write=True)

    def skip_pending(self, notice_id: str, reason: str, channel: str | None = None) -> int:
        """Pending rows (of one channel, or all) → skipped with `reason`."""
        where = [Delivery.notice_id == notice_id, Delivery.status == "pending"]
        if channel is not None:
            where.append(Delivery.channel == channel)
        stmt = update(Delivery).where(*where).values(status="skipped", error=reason)
        return self._db.run(lambda s: s.execute(stmt).rowcount or 0, write=True)

    def stale(self, notice_id: str, owner: str) -> dict[str, list[ClaimedDelivery]]:
        """Rows left in sending by other owners (crashed processes), by owner."""
        stmt = select(Delivery).where(
            Delivery.notice_id == notice_id,
            Delivery.status == "sending",
            Delivery.claimed_by != owner,
        )

        def work(session: Session) -> dict[str, list[ClaimedDelivery]]:
            out: dict[str, list[ClaimedDelivery]] = defaultdict(list)
            for row in session.scalars(stmt):
                out[row.claimed_by or ""].append(
                    ClaimedDelivery(row.id, row.channel, row.chat_id, row.parts_sent, row.attempts)
                )
            return dict(out)

        return self._db.run(work)

    def cancelled_with_stale(self) -> list[str]:
        """Cancelled notices that still have rows in sending (their sender stopped or died)."""
        stmt = (
            select(Delivery.notice_id)
            .join(NoticeRow, NoticeRow.id == Delivery.notice_id)
            .where(NoticeRow.status == "cancelled", Delivery.status == "sending")
            .distinct()
        )
        return self._db.run(lambda s: sorted(s.scalars(stmt)))

    def held_by(self, owner: str) -> int:
        stmt = select(func.count()).where(
            Delivery.claimed_by == owner, Delivery.status == "sending"
        )
        return self._db.run(lambda s: int(s.scalar(stmt) or 0))

    def channel_usage(self, channel: str, since: datetime) -> int:
        """Messages of a channel since `since`, both directions: each logged exchange (the
        citizen's message and the reply), hotline messages sent, broadcast parts sent."""
        start = _aware(since, "since")
        exchanges = select(func.count()).where(
            Message.channel == channel, Message.created_at >= start
        )
        outbox = select(func.count()).where(
            Outbox.channel == channel, Outbox.status == "sent", Outbox.sent_at >= start
        )
        parts = select(func.coalesce(func.sum(Delivery.parts_sent), 0)).where(
            Delivery.channel == channel, Delivery.sent_at >= start
        )

        def work(session: Session) -> int:
            total = 2 * int(session.scalar(exchanges) or 0) + int(session.scalar(outbox) or 0)
            return total + int(session.scalar(parts) or 0)

        return self._db.run(work)

    def counts(self, notice_ids: Sequence[str]) -> dict[str, DeliveryCounts]:
        """Figures per notice: rows by status, skipped and failed rows by reason, unconfirmed,
        first and last send."""
        if not notice_ids:
            return {}
        ids = list(notice_ids)
        by_status = (
            select(
                Delivery.notice_id,
                Delivery.status,
                Delivery.error,
                Delivery.confirmed,
                func.count(),
            )
            .where(Delivery.notice_id.in_(ids))
            .group_by(Delivery.notice_id, Delivery.status, Delivery.error, Delivery.confirmed)
        )
        times = (
            select(Delivery.notice_id, func.min(Delivery.sent_at), func.max(Delivery.sent_at))
            .where(Delivery.notice_id.in_(ids), Delivery.status == "sent")
            .group_by(Delivery.notice_id)
        )

        def work(session: Session) -> dict[str, DeliveryCounts]:
            status: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            reasons: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
            unconfirmed: dict[str, int] = defaultdict(int)
            for notice_id, state, error, confirmed, n in session.execute(by_status):
                status[notice_id][state] += n
                if state in ("skipped", "failed"):
                    reasons[(notice_id, state)][_reason(error)] += n
                if state == "sent" and not confirmed:
                    unconfirmed[notice_id] += n
            spans = {n: (a, b) for n, a, b in session.execute(times)}
            return {
                n: DeliveryCounts(
                    n,
                    dict(status.get(n, {})),
                    dict(sorted(reasons.get((n, "skipped"), {}).items())),
                    dict(sorted(reasons.get((n, "failed"), {}).items())),
                    unconfirmed.get(n, 0),
                    *(_utc(t) for t in spans.get(n, (None, None))),
                )
                for n in ids
            }

        return self._db.run(work)


def _unsubscribe(session: Session, chats: Sequence[tuple[str, str]], now: datetime) -> None:
    subs, users = Subscription.__table__, User.__table__
    params = [{"b_channel": c, "b_chat": chat} for c, chat in chats]
    conn = session.connection()
    conn.execute(
        update(subs)
        .where(
            subs.c.channel == bindparam("b_channel"),
            subs.c.chat_id == bindparam("b_chat"),
            subs.c.status == "active",
        )
        .values(status="inactive", reason="blocked", updated_at=literal(now, UTCDateTime())),
        params,
    )
    conn.execute(
        update(users)
        .where(users.c.channel == bindparam("b_channel"), users.c.chat_id == bindparam("b_chat"))
        .values(unreachable=True),
        params,
    )


def _reason(error: str | None) -> str:
    """The reason code of a skipped or failed row (the text before the first ':')."""
    return (error or "unknown").split(":", 1)[0].strip() or "unknown"


def _utc(value: datetime | None) -> datetime | None:
    """Aggregates lose the column type on some backends: naive values are UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
