"""Breaking news: a cluster's breaking mark and figures, and a chat's /breaking flag.

`story.breaking_at` is set on a cluster's first story when N distinct outlets carried it within
M minutes of its first-seen time; `breaking_outlets` and `breaking_minutes` are the figures its
alerts show. The velocity itself is computed from the stories' stored first-seen times, so every
process sees the same. `chat.breaking` is the chat's `/breaking on|off`.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the breaking columns.

    Plain ADD COLUMN on every backend: in batch mode SQLite would rebuild `chat` for the
    default, and dropping the old table deletes every watch, topic and delivery that
    references it (ON DELETE CASCADE).
    """
    op.add_column("story", sa.Column("breaking_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("story", sa.Column("breaking_outlets", sa.Integer(), nullable=True))
    op.add_column("story", sa.Column("breaking_minutes", sa.Integer(), nullable=True))
    op.add_column(
        "chat", sa.Column("breaking", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    """Remove them again (plain DROP COLUMN, SQLite 3.35 or later, for the same reason)."""
    op.drop_column("chat", "breaking")
    op.drop_column("story", "breaking_minutes")
    op.drop_column("story", "breaking_outlets")
    op.drop_column("story", "breaking_at")
