"""Tables of the channel edge (migration 0003): inbound updates, staff posts, callback codes.

Kept apart from :mod:`cchc_bot.storage.models` (the core tables) but on the same ``Base``, so
``tests/storage/test_db.py`` compares them with the migrations like every other table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cchc_bot.storage.models import Base, UTCDateTime


class InboundUpdate(Base):
    """One update as a platform delivered it, stored before it is acknowledged.

    ``update_key`` is the platform's dedup key (Telegram ``update_id``); a second delivery
    hits the unique constraint and is dropped. ``processed_at`` stays NULL until the bot has
    handled it, so a restart finds what was acknowledged but not answered yet.
    """

    __tablename__ = "inbound_updates"
    __table_args__ = (
        UniqueConstraint("channel", "update_key"),
        Index("ix_inbound_updates_channel_processed_at", "channel", "processed_at"),
        Index("ix_inbound_updates_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String)
    update_key: Mapped[str] = mapped_column(String)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The server process handling it (migration 0006): "host/pid/random", renewed while it
    # works, so another worker starting up never handles it too (see channels/claims.py).
    claimed_by: Mapped[str | None] = mapped_column(String)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StaffPost(Base):
    """A message the bot posted to a staff chat about a ticket (replying to it answers)."""

    __tablename__ = "staff_posts"
    __table_args__ = (
        UniqueConstraint("channel", "chat_id", "message_id"),
        Index("ix_staff_posts_ticket_number", "ticket_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String)
    chat_id: Mapped[str] = mapped_column(String)
    message_id: Mapped[str] = mapped_column(String)
    ticket_number: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CallbackCode(Base):
    """A button code too long for Telegram's 64-byte callback data, under a short token."""

    __tablename__ = "callback_codes"

    token: Mapped[str] = mapped_column(String, primary_key=True)
    code: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
