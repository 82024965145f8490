"""Reasons carry ids: a delivery stores the matched watches' ids and the words to bold.

`delivery.watch_ids` maps each matched watch's query to its id; `delivery.highlights` holds the
spans of the story's text that routing matched (store/reasons.py). Rows queued before this
revision keep NULL in both and are still sent: the dispatcher reads both formats (watch ids
looked up by query, no bold words), so nothing is rewritten here.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the two nullable columns (plain ADD COLUMN: no table rebuild on SQLite)."""
    op.add_column("delivery", sa.Column("watch_ids", sa.JSON(), nullable=True))
    op.add_column("delivery", sa.Column("highlights", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop them again."""
    op.drop_column("delivery", "highlights")
    op.drop_column("delivery", "watch_ids")
