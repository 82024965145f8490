"""When each feed last brought a new story, for adaptive polling (issue 14).

`feed.last_new_at` is set when a poll stores new stories (the first poll: its newest item's
date); a feed quiet for hours is polled less often (pipeline/cadence.py). Existing rows get
the time their newest stored story was first seen.

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the column."""
    with op.batch_alter_table("feed") as batch:
        batch.add_column(sa.Column("last_new_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE feed SET last_new_at ="
        " (SELECT max(story.first_seen_at) FROM story WHERE story.feed_id = feed.id)"
    )


def downgrade() -> None:
    """Drop it again, in place: SQLite (3.35 and later) drops a plain column itself, where a
    batch copy of `feed` would have to drop the table its stories (and their search index
    triggers, 0009) hang on."""
    op.execute("ALTER TABLE feed DROP COLUMN last_new_at")
