"""Tables of the broadcasts (migration 0005): subscriptions, notices, their events, deliveries.

On the same ``Base`` as the other tables, so ``tests/storage/test_db.py`` compares them with
the migrations like every other table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from cchc_bot.storage.models import Base, UTCDateTime

SUBSCRIPTION_STATUSES = ("offered", "active", "inactive")
NOTICE_STATUSES = ("draft", "approved", "scheduled", "sending", "sent", "cancelled", "missed")
DELIVERY_STATUSES = ("pending", "sending", "sent", "failed", "blocked", "skipped")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


class Subscription(Base):
    """One chat's subscription: offered once at the welcome, then active or inactive.

    ``topics`` is ``",cchc,thi-cu,"`` (commas around each, so ``LIKE '%,cchc,%'`` finds it)
    or ``""`` for every topic. ``reason`` says why it became inactive (user, blocked).
    """

    __tablename__ = "subscriptions"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(SUBSCRIPTION_STATUSES)})", name="status"),
        Index("ix_subscriptions_status_channel", "status", "channel"),
    )

    channel: Mapped[str] = mapped_column(String, primary_key=True)
    chat_id: Mapped[str] = mapped_column(String, primary_key=True)
    user_id: Mapped[str | None] = mapped_column(String)
    status: Mapped[str] = mapped_column(String)
    topics: Mapped[str] = mapped_column(String, server_default="", default="")
    reason: Mapped[str | None] = mapped_column(String)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    subscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NoticeRow(Base):
    """A notice: its approved content, status, schedule, and the sending lease.

    ``lease_owner``/``lease_until``: the process sending it renews the lease; another process
    takes over only when it expired (or its owner is known dead), so one notice is sent by
    one process at a time and per-channel rate limits hold.
    """

    __tablename__ = "notices"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(NOTICE_STATUSES)})", name="status"),
        Index("ix_notices_status_scheduled_at", "status", "scheduled_at"),
    )

    id: Mapped[str] = mapped_column(String, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    topics: Mapped[str] = mapped_column(String, server_default="", default="")
    source: Mapped[str] = mapped_column(String)
    content_hash: Mapped[str] = mapped_column(String)
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String)
    approved_by: Mapped[str | None] = mapped_column(String)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)
    lease_owner: Mapped[str | None] = mapped_column(String)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NoticeEvent(Base):
    """The audit trail of a notice: who did what when (approve, schedule, edit, send …)."""

    __tablename__ = "notice_events"
    __table_args__ = (Index("ix_notice_events_notice_id", "notice_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[str] = mapped_column(String, ForeignKey("notices.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String)
    action: Mapped[str] = mapped_column(String)
    detail: Mapped[str] = mapped_column(Text, server_default="", default="")


class Delivery(Base):
    """One recipient of one notice on one channel: the unit of exactly-once.

    ``status``: pending → sending (claimed by ``claimed_by``) → sent | failed | blocked |
    skipped. ``parts_sent`` counts the parts already delivered (a restart resumes after
    them); ``confirmed`` is False for a send the platform may have received but never
    answered (a crash or timeout after the request left): counted as sent, never repeated.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("notice_id", "channel", "chat_id"),
        CheckConstraint(f"status IN ({_in(DELIVERY_STATUSES)})", name="status"),
        Index("ix_deliveries_notice_id_status", "notice_id", "status"),
        Index("ix_deliveries_sent_at", "sent_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[str] = mapped_column(String, ForeignKey("notices.id"))
    channel: Mapped[str] = mapped_column(String)
    chat_id: Mapped[str] = mapped_column(String)
    status: Mapped[str] = mapped_column(String)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0", default=0)
    parts_sent: Mapped[int] = mapped_column(Integer, server_default="0", default=0)
    confirmed: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
