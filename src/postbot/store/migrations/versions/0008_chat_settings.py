"""Chat settings for how alerts arrive: /format, /silent, /sources and /connect.

`chat.alert_format` ("full" or "compact"), `chat.silent` (alerts sent with
disable_notification), `chat.excluded_feeds` (the feed ids this chat does not hear from; NULL:
every outlet), `chat.channel_id` / `chat.channel_title` (the channel the chat's alerts go to;
NULL: the chat itself). Existing chats keep today's behaviour through the defaults.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Plain ADD COLUMNs with server defaults (no table rebuild on SQLite)."""
    op.add_column(
        "chat",
        sa.Column("alert_format", sa.String(16), nullable=False, server_default="full"),
    )
    op.add_column(
        "chat", sa.Column("silent", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("chat", sa.Column("excluded_feeds", sa.JSON(), nullable=True))
    op.add_column("chat", sa.Column("channel_id", sa.BigInteger(), nullable=True))
    op.add_column("chat", sa.Column("channel_title", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop them again, in place (SQLite 3.35+ drops a plain column itself; rebuilding `chat`
    in batch mode would drop the old table and, with foreign keys on, its deliveries)."""
    for name in ("channel_title", "channel_id", "excluded_feeds", "silent", "alert_format"):
        op.execute(f"ALTER TABLE chat DROP COLUMN {name}")
