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
down_revision: str | Sequence[str] | None = "0006"
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
    """Drop them again (batch mode: SQLite drops columns by rebuilding the table)."""
    with op.batch_alter_table("chat") as batch:
        for name in ("channel_title", "channel_id", "excluded_feeds", "silent", "alert_format"):
            batch.drop_column(name)
