"""Who added each watch, for the per-user watch cap across chats (issue #11.6).

`watch.owner_id` is the Telegram user id of whoever sent `/watch`; rows from before this
revision have none and count for no one.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the owner column and its index."""
    with op.batch_alter_table("watch") as batch:
        batch.add_column(sa.Column("owner_id", sa.BigInteger(), nullable=True))
        batch.create_index("ix_watch_owner_id", ["owner_id"])


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("watch") as batch:
        batch.drop_index("ix_watch_owner_id")
        batch.drop_column("owner_id")
