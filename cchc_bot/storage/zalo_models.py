"""Tables of the Zalo channels (migration 0004): OA tokens, chat windows, held outbox messages.

On the same ``Base`` as the other tables, so ``tests/storage/test_db.py`` compares them with
the migrations like every other table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cchc_bot.storage.models import Base, UTCDateTime


class ZaloToken(Base):
    """The Zalo OA access/refresh token pair of one app, rotated in place.

    Zalo refresh tokens are single-use: each refresh returns a new pair, so the pair lives
    here (not in the environment) and is replaced in the same transaction that refreshed it.
    ``seed_hash`` is the SHA-256 of the refresh token the pair was first seeded from
    (``CCHC_ZALO_OA_REFRESH_TOKEN``): a different one in the settings means the operator
    authorised the app again, and the new tokens replace the stored ones.
    """

    __tablename__ = "zalo_tokens"

    app_id: Mapped[str] = mapped_column(String, primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    seed_hash: Mapped[str] = mapped_column(String)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ZaloContact(Base):
    """One Zalo chat's messaging window: the citizen's last message and what we sent since.

    ``closed_at`` is set when Zalo refused a send to the chat (outside the window, not a
    follower …): messages for it are held until the citizen writes again (or ``reopen_at``).
    """

    __tablename__ = "zalo_contacts"

    channel: Mapped[str] = mapped_column(String, primary_key=True)
    chat_id: Mapped[str] = mapped_column(String, primary_key=True)
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_message_id: Mapped[str | None] = mapped_column(String)
    replies: Mapped[int] = mapped_column(Integer, server_default="0", default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_reason: Mapped[str | None] = mapped_column(Text)
    reopen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ZaloDeferral(Base):
    """An outbox message held back because Zalo would refuse it now (staff were told once)."""

    __tablename__ = "zalo_deferrals"

    outbox_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    reason: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
