"""Hotline workflow: ticket groups, notes, audit log, ratings, surveys, outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-10-01

Hand-written: it must run on SQLite (batch mode) and PostgreSQL alike. On SQLite the new
foreign key on ``tickets`` makes Alembic rebuild the table (copy and rename); existing rows
keep their ids, so ticket numbers and counters are untouched.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CRITERIA = ("ease", "speed", "helpfulness", "attitude")


def _when(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _ticket_fk(name: str, table: str, *, nullable: bool) -> sa.Column:
    return sa.Column(
        name,
        sa.Integer(),
        sa.ForeignKey("tickets.id", name=f"fk_{table}_{name}_tickets"),
        nullable=nullable,
    )


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("answered_by", sa.String(), nullable=True))
        batch.create_foreign_key("fk_tickets_group_id_tickets", "tickets", ["group_id"], ["id"])
        batch.create_index("ix_tickets_status_due_at", ["status", "due_at"])
        batch.create_index("ix_tickets_group_id", ["group_id"])

    op.create_table(
        "ticket_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        _ticket_fk("ticket_id", "ticket_notes", nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_ticket_notes"),
    )
    op.create_index("ix_ticket_notes_ticket_id", "ticket_notes", ["ticket_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        _when("created_at"),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("ticket_number", sa.String(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_created_at", "audit_log", ["created_at"])
    op.create_index("ix_audit_log_ticket_number", "audit_log", ["ticket_number"])

    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        _when("created_at"),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("entry_id", sa.String(), nullable=True),
        _ticket_fk("ticket_id", "ratings", nullable=True),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ratings"),
        sa.CheckConstraint("value IN (-1, 1)", name="ck_ratings_value"),
    )
    op.create_index("ix_ratings_created_at", "ratings", ["created_at"])
    op.create_index("ix_ratings_entry_id", "ratings", ["entry_id"])

    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        _ticket_fk("ticket_id", "surveys", nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        _when("asked_at"),
        _when("answered_at", nullable=True),
        *(sa.Column(name, sa.SmallInteger(), nullable=True) for name in _CRITERIA),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_surveys"),
        sa.UniqueConstraint("ticket_id", name="uq_surveys_ticket_id"),
        *(
            sa.CheckConstraint(
                f"{name} IS NULL OR {name} BETWEEN 1 AND 5", name=f"ck_surveys_{name}"
            )
            for name in _CRITERIA
        ),
    )
    op.create_index("ix_surveys_channel_chat_id", "surveys", ["channel", "chat_id"])

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        _when("created_at"),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _ticket_fk("ticket_id", "outbox", nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        _when("sent_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed', 'gone')", name="ck_outbox_status"
        ),
    )
    op.create_index("ix_outbox_status_channel_chat_id", "outbox", ["status", "channel", "chat_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_status_channel_chat_id", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_surveys_channel_chat_id", table_name="surveys")
    op.drop_table("surveys")
    op.drop_index("ix_ratings_entry_id", table_name="ratings")
    op.drop_index("ix_ratings_created_at", table_name="ratings")
    op.drop_table("ratings")
    op.drop_index("ix_audit_log_ticket_number", table_name="audit_log")
    op.drop_index("ix_audit_log_created_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_ticket_notes_ticket_id", table_name="ticket_notes")
    op.drop_table("ticket_notes")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index("ix_tickets_group_id")
        batch.drop_index("ix_tickets_status_due_at")
        batch.drop_constraint("fk_tickets_group_id_tickets", type_="foreignkey")
        batch.drop_column("answered_by")
        batch.drop_column("group_id")
