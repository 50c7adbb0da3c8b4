"""Initial schema: users, messages, tickets, ticket_counters, chat_state.

Revision ID: 0001
Revises:
Create Date: 2026-01-01

Hand-written: it must run on SQLite (batch mode) and PostgreSQL alike. Timestamps are
``DateTime(timezone=True)``: ``timestamptz`` on PostgreSQL, naive UTC text on SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("display_name", sa.String(), nullable=True),
        _when("created_at"),
        _when("last_seen_at"),
        sa.Column("unreachable", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("channel", "user_id", name="uq_users_channel_user_id"),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        _when("created_at"),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(), nullable=False),
        sa.Column("entry_id", sa.String(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("aspect", sa.String(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
    )
    op.create_index("ix_messages_created_at", "messages", ["created_at"])
    op.create_index("ix_messages_channel_chat_id", "messages", ["channel", "chat_id"])
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("display_name", sa.String(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("category", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("assignee", sa.String(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        _when("due_at", nullable=True),
        _when("answered_at", nullable=True),
        _when("closed_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_tickets"),
        sa.UniqueConstraint("number", name="uq_tickets_number"),
        sa.UniqueConstraint("year", "seq", name="uq_tickets_year_seq"),
        sa.CheckConstraint("kind IN ('question', 'complaint')", name="ck_tickets_kind"),
        sa.CheckConstraint(
            "status IN ('open', 'assigned', 'answered', 'closed', 'rejected')",
            name="ck_tickets_status",
        ),
    )
    op.create_index("ix_tickets_status", "tickets", ["status"])
    op.create_index("ix_tickets_channel_chat_id", "tickets", ["channel", "chat_id"])
    op.create_table(
        "ticket_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name="pk_ticket_counters"),
    )
    op.create_table(
        "chat_state",
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("pending_choices", sa.JSON(), nullable=True),
        sa.Column("last_entry_id", sa.String(), nullable=True),
        sa.Column("pending_question", sa.Text(), nullable=True),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("channel", "chat_id", name="pk_chat_state"),
    )


def downgrade() -> None:
    op.drop_table("chat_state")
    op.drop_table("ticket_counters")
    op.drop_index("ix_tickets_channel_chat_id", table_name="tickets")
    op.drop_index("ix_tickets_status", table_name="tickets")
    op.drop_table("tickets")
    op.drop_index("ix_messages_channel_chat_id", table_name="messages")
    op.drop_index("ix_messages_created_at", table_name="messages")
    op.drop_table("messages")
    op.drop_table("users")
