"""Inbound updates carry the server process handling them (several workers, one database).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22

Two nullable columns: rows stored before this revision have no claim, so the next server to
start takes them, as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("inbound_updates", sa.Column("claimed_by", sa.String(), nullable=True))
    op.add_column(
        "inbound_updates", sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("inbound_updates") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
