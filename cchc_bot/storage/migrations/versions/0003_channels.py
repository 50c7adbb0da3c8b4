"""Channel edge: inbound updates (dedup, durable webhook), staff posts, callback codes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-20

Only new tables, so the same statements run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "inbound_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("update_key", sa.String(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        _when("created_at"),
        _when("processed_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_inbound_updates"),
        sa.UniqueConstraint("channel", "update_key", name="uq_inbound_updates_channel_update_key"),
    )
    op.create_index(
        "ix_inbound_updates_channel_processed_at",
        "inbound_updates",
        ["channel", "processed_at"],
    )
    op.create_index("ix_inbound_updates_created_at", "inbound_updates", ["created_at"])

    op.create_table(
        "staff_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("message_id", sa.String(), nullable=False),
        sa.Column("ticket_number", sa.String(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_staff_posts"),
        sa.UniqueConstraint(
            "channel", "chat_id", "message_id", name="uq_staff_posts_channel_chat_id_message_id"
        ),
    )
    op.create_index("ix_staff_posts_ticket_number", "staff_posts", ["ticket_number"])

    op.create_table(
        "callback_codes",
        sa.Column("token", sa.String(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("token", name="pk_callback_codes"),
    )


def downgrade() -> None:
    op.drop_table("callback_codes")
    op.drop_index("ix_staff_posts_ticket_number", table_name="staff_posts")
    op.drop_table("staff_posts")
    op.drop_index("ix_inbound_updates_created_at", table_name="inbound_updates")
    op.drop_index("ix_inbound_updates_channel_processed_at", table_name="inbound_updates")
    op.drop_table("inbound_updates")
