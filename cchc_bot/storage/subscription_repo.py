"""Subscriptions: which chats receive the broadcasts, on which topics.

A row is created when the welcome offers the subscription (``offered``: never offered
again), becomes ``active`` on /dangky and ``inactive`` on /huy or when the chat blocked the
bot (``reason`` says which). ``topics`` is empty for every topic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from cchc_bot.storage.broadcast_models import Subscription
from cchc_bot.storage.db import Database
from cchc_bot.storage.repository import _aware, _upsert, utc_now


def pack_topics(topics: Iterable[str]) -> str:
    """``("cchc", "thi-cu")`` → ``",cchc,thi-cu,"``; no topics → ``""`` (every topic)."""
    items = sorted(set(topics))
    return f",{','.join(items)}," if items else ""


def unpack_topics(packed: str | None) -> tuple[str, ...]:
    return tuple(t for t in (packed or "").split(",") if t)


@dataclass(frozen=True)
class SubscriptionRecord:
    channel: str
    chat_id: str
    status: str  # offered | active | inactive
    topics: tuple[str, ...]  # empty: every topic
    reason: str | None
    subscribed_at: datetime | None

    @property
    def active(self) -> bool:
        return self.status == "active"


def _subscription(row: Subscription) -> SubscriptionRecord:
    return SubscriptionRecord(
        row.channel,
        row.chat_id,
        row.status,
        unpack_topics(row.topics),
        row.reason,
        row.subscribed_at,
    )


class SubscriptionRepository:
    def __init__(self, database: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = database
        self._clock = clock

    def _now(self) -> datetime:
        return _aware(self._clock(), "clock()")

    def get(self, channel: str, chat_id: str) -> SubscriptionRecord | None:
        def work(session: Session) -> SubscriptionRecord | None:
            row = session.get(Subscription, (channel, chat_id))
            return _subscription(row) if row else None

        return self._db.run(work)

    def offer(self, channel: str, chat_id: str, user_id: str | None) -> bool:
        """Record that the welcome offered a subscription; False when it was offered before."""
        now = self._now()
        row = {
            "channel": channel,
            "chat_id": chat_id,
            "user_id": user_id,
            "status": "offered",
            "topics": "",
            "offered_at": now,
            "updated_at": now,
        }

        def work(session: Session) -> bool:
            stmt = _upsert(session, Subscription).values(**row)
            stmt = stmt.on_conflict_do_nothing(
                index_elements=[Subscription.channel, Subscription.chat_id]
            ).returning(Subscription.chat_id)
            return session.scalars(stmt).first() is not None

        return self._db.run(work, write=True)

    def subscribe(
        self,
        channel: str,
        chat_id: str,
        user_id: str | None,
        topics: Sequence[str] | None = None,
    ) -> SubscriptionRecord:
        """Active from now; `topics` None keeps an active row's topics (a new one: all)."""
        now = self._now()

        def work(session: Session) -> SubscriptionRecord:
            row = session.get(Subscription, (channel, chat_id), with_for_update=True)
            if row is None:
                row = Subscription(channel=channel, chat_id=chat_id, topics="", offered_at=None)
                session.add(row)
            if topics is not None:
                row.topics = pack_topics(topics)
            elif row.status != "active":
                row.topics = ""
            if row.status != "active":
                row.subscribed_at = now
            row.user_id = user_id or row.user_id
            row.status, row.reason, row.updated_at = "active", None, now
            session.flush()
            return _subscription(row)

        return self._db.run(work, write=True)

    def unsubscribe(self, channel: str, chat_id: str, reason: str = "user") -> bool:
        """Inactive from now; False when it was not active."""
        stmt = (
            update(Subscription)
            .where(
                Subscription.channel == channel,
                Subscription.chat_id == chat_id,
                Subscription.status == "active",
            )
            .values(status="inactive", reason=reason, updated_at=self._now())
        )
        return bool(self._db.run(lambda s: s.execute(stmt).rowcount, write=True))

    def add_active(self, rows: Sequence[tuple[str, str, Sequence[str]]]) -> int:
        """Many active subscribers at once: (channel, chat_id, topics) (imports, benchmarks)."""
        now = self._now()
        values = [
            {
                "channel": c,
                "chat_id": chat,
                "user_id": chat,
                "status": "active",
                "topics": pack_topics(t),
                "subscribed_at": now,
                "updated_at": now,
            }
            for c, chat, t in rows
        ]
        if not values:
            return 0
        self._db.run(lambda s: s.execute(insert(Subscription), values), write=True)
        return len(values)

    def count_active(self) -> dict[str, int]:
        stmt = (
            select(Subscription.channel, func.count())
            .where(Subscription.status == "active")
            .group_by(Subscription.channel)
        )
        return self._db.run(lambda s: {c: n for c, n in s.execute(stmt)})
