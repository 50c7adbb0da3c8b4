"""Broadcasts: subscriptions, notices and their audit trail, deliveries (one per recipient).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

Only new tables, so the same statements run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUBSCRIPTION_STATUSES = "'offered', 'active', 'inactive'"
NOTICE_STATUSES = "'draft', 'approved', 'scheduled', 'sending', 'sent', 'cancelled', 'missed'"
DELIVERY_STATUSES = "'pending', 'sending', 'sent', 'failed', 'blocked', 'skipped'"


def _when(name: str, *, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("topics", sa.String(), server_default="", nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        _when("offered_at"),
        _when("subscribed_at"),
        _when("updated_at", nullable=False),
        sa.CheckConstraint(f"status IN ({SUBSCRIPTION_STATUSES})", name="ck_subscriptions_status"),
        sa.PrimaryKeyConstraint("channel", "chat_id", name="pk_subscriptions"),
    )
    op.create_index("ix_subscriptions_status_channel", "subscriptions", ["status", "channel"])
    op.create_table(
        "notices",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("topics", sa.String(), server_default="", nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        _when("planned_at"),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("approved_by", sa.String(), nullable=True),
        _when("approved_at"),
        _when("scheduled_at"),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("lease_owner", sa.String(), nullable=True),
        _when("lease_until"),
        _when("started_at"),
        _when("finished_at"),
        _when("created_at", nullable=False),
        _when("updated_at", nullable=False),
        sa.CheckConstraint(f"status IN ({NOTICE_STATUSES})", name="ck_notices_status"),
        sa.PrimaryKeyConstraint("id", name="pk_notices"),
    )
    op.create_index("ix_notices_status_scheduled_at", "notices", ["status", "scheduled_at"])
    op.create_table(
        "notice_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.String(), nullable=False),
        _when("created_at", nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name="fk_notice_events_notice_id_notices"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_notice_events"),
    )
    op.create_index("ix_notice_events_notice_id", "notice_events", ["notice_id"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("parts_sent", sa.Integer(), server_default="0", nullable=False),
        sa.Column("confirmed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.String(), nullable=True),
        _when("claimed_at"),
        _when("sent_at"),
        _when("created_at", nullable=False),
        sa.CheckConstraint(f"status IN ({DELIVERY_STATUSES})", name="ck_deliveries_status"),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name="fk_deliveries_notice_id_notices"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint(
            "notice_id", "channel", "chat_id", name="uq_deliveries_notice_id_channel_chat_id"
        ),
    )
    op.create_index("ix_deliveries_notice_id_status", "deliveries", ["notice_id", "status"])
    op.create_index("ix_deliveries_sent_at", "deliveries", ["sent_at"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_sent_at", table_name="deliveries")
    op.drop_index("ix_deliveries_notice_id_status", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_index("ix_notice_events_notice_id", table_name="notice_events")
    op.drop_table("notice_events")
    op.drop_index("ix_notices_status_scheduled_at", table_name="notices")
    op.drop_table("notices")
    op.drop_index("ix_subscriptions_status_channel", table_name="subscriptions")
    op.drop_table("subscriptions")
