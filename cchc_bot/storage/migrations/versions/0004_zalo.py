"""Zalo channels: the OA token pair, chat messaging windows, outbox messages held back.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

Only new tables, so the same statements run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "zalo_tokens",
        sa.Column("app_id", sa.String(), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        _when("expires_at", nullable=True),
        sa.Column("seed_hash", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("app_id", name="pk_zalo_tokens"),
    )
    op.create_table(
        "zalo_contacts",
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        _when("last_inbound_at", nullable=True),
        sa.Column("last_message_id", sa.String(), nullable=True),
        sa.Column("replies", sa.Integer(), server_default="0", nullable=False),
        _when("closed_at", nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        _when("reopen_at", nullable=True),
        sa.PrimaryKeyConstraint("channel", "chat_id", name="pk_zalo_contacts"),
    )
    op.create_table(
        "zalo_deferrals",
        sa.Column("outbox_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("outbox_id", name="pk_zalo_deferrals"),
    )


def downgrade() -> None:
    op.drop_table("zalo_deferrals")
    op.drop_table("zalo_contacts")
    op.drop_table("zalo_tokens")
