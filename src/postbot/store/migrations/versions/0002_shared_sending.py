"""Sending shared by several processes: chat send leases and the overall flood budget.

A chat is served by one process at a time (its send lease), so its alerts stay in order and its
per-chat limit holds whichever process sends; `last_sent_at` lets the next owner keep the
spacing. `flood_budget` holds the next free overall send slot, booked by every process.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the chat send lease columns and the flood_budget table."""
    with op.batch_alter_table("chat") as batch:
        batch.add_column(sa.Column("send_lease_owner", sa.String(128), nullable=True))
        batch.add_column(sa.Column("send_lease_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "flood_budget",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_flood_budget"),
    )


def downgrade() -> None:
    """Remove them again."""
    op.drop_table("flood_budget")
    with op.batch_alter_table("chat") as batch:
        batch.drop_column("last_sent_at")
        batch.drop_column("send_lease_until")
        batch.drop_column("send_lease_owner")
