"""Stable watch numbers, mutes, pauses and held alerts' reason (issue 16 item 3).

`watch.number` is the watch's number in its chat for life: `chat.watch_seq` counts the numbers
a chat has given out, so a removed watch's number is never given again. Existing watches are
numbered here in creation order (as /watches listed them) and each chat's counter starts after
its last watch.

`watch.muted_until` / `topic_subscription.muted_until` silence one watch or topic until then;
`chat.paused_until` the whole chat. With `mute_hold` / `pause_hold` the alerts of that time are
held and delivered as a digest when it ends, otherwise they are dropped. Expiry is by time:
routing compares with now, nothing needs clearing. `delivery.hold` says why a held alert waits
("pause", "mute", "away": queued before /stop) so that its digest is titled accordingly; None is
a digest or quiet hours.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Written out rather than imported from models: a migration must not change when models do.

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _number_existing() -> None:
    """Number every chat's watches 1, 2, ... by creation, and set each chat's counter."""
    bind = op.get_bind()
    watch = sa.table(
        "watch",
        sa.column("id", sa.Integer),
        sa.column("chat_id", sa.BigInteger),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("number", sa.Integer),
    )
    chat = sa.table("chat", sa.column("id", sa.BigInteger), sa.column("watch_seq", sa.Integer))
    rows = bind.execute(
        sa.select(watch.c.id, watch.c.chat_id).order_by(
            watch.c.chat_id, watch.c.created_at, watch.c.id
        )
    ).all()
    counts: dict[int, int] = {}
    for watch_id, chat_id in rows:
        counts[chat_id] = counts.get(chat_id, 0) + 1
        bind.execute(sa.update(watch).where(watch.c.id == watch_id).values(number=counts[chat_id]))
    for chat_id, count in counts.items():
        bind.execute(sa.update(chat).where(chat.c.id == chat_id).values(watch_seq=count))


def upgrade() -> None:
    """Add the columns, number the existing watches, then make numbers unique per chat.

    Plain ADD COLUMN, no batch mode: rebuilding `chat` on SQLite would drop the old table and,
    with foreign keys on, cascade the delete to every chat's watches and deliveries.
    """
    false = sa.false()
    ts = sa.DateTime(timezone=True)
    op.add_column(
        "chat", sa.Column("watch_seq", sa.Integer(), nullable=False, server_default=sa.text("0"))
    )
    op.add_column("chat", sa.Column("paused_until", ts, nullable=True))
    op.add_column(
        "chat", sa.Column("pause_hold", sa.Boolean(), nullable=False, server_default=false)
    )
    op.add_column(
        "watch", sa.Column("number", sa.Integer(), nullable=False, server_default=sa.text("0"))
    )
    for table in ("watch", "topic_subscription"):
        op.add_column(table, sa.Column("muted_until", ts, nullable=True))
        op.add_column(
            table, sa.Column("mute_hold", sa.Boolean(), nullable=False, server_default=false)
        )
    op.add_column("delivery", sa.Column("hold", sa.String(16), nullable=True))
    _number_existing()
    op.create_index("uq_watch_chat_id_number", "watch", ["chat_id", "number"], unique=True)
    # routing reads the mutes running now through these (the cost follows the mutes, not chats)
    op.create_index("ix_watch_muted_until", "watch", ["muted_until"])
    op.create_index("ix_topic_subscription_muted_until", "topic_subscription", ["muted_until"])


def downgrade() -> None:
    """Drop them again (watches go back to being numbered by rank)."""
    op.drop_index("ix_topic_subscription_muted_until", table_name="topic_subscription")
    op.drop_index("ix_watch_muted_until", table_name="watch")
    op.drop_index("uq_watch_chat_id_number", table_name="watch")
    op.drop_column("delivery", "hold")
    for table in ("topic_subscription", "watch"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("mute_hold")
            batch.drop_column("muted_until")
    with op.batch_alter_table("watch") as batch:
        batch.drop_column("number")
    for name in ("pause_hold", "paused_until", "watch_seq"):
        op.drop_column("chat", name)
