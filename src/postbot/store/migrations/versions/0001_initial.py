"""Initial schema: feeds, stories, chats, watches, topic subscriptions and the delivery outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, *, nullable: bool = True) -> sa.Column[object]:
    # Written out rather than imported from models: a migration must not change when models do.
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create every table."""
    op.create_table(
        "feed",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("consecutive_errors", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("last_success_at"),
        _ts("last_polled_at"),
        _ts("next_poll_at", nullable=False),
        sa.Column("failing_notified", sa.Boolean(), nullable=False),
        sa.Column("lease_owner", sa.String(128), nullable=True),
        _ts("lease_until"),
        sa.Column("first_polled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feed"),
    )
    op.create_index("ix_feed_next_poll_at", "feed", ["next_poll_at"])

    op.create_table(
        "chat",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.String(16), nullable=False),
        sa.Column("digest_at", sa.String(5), nullable=True),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("quiet_start", sa.String(5), nullable=True),
        sa.Column("quiet_end", sa.String(5), nullable=True),
        _ts("created_at", nullable=False),
        _ts("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_chat"),
    )

    op.create_table(
        "story",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("feed_id", sa.String(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        _ts("published"),
        _ts("first_seen_at", nullable=False),
        sa.Column("fingerprint", sa.String(128), nullable=True),
        sa.Column("also_in", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_story"),
        sa.ForeignKeyConstraint(
            ["feed_id"], ["feed.id"], name="fk_story_feed_id", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("feed_id", "key", name="uq_story_feed_id_key"),
    )
    op.create_index("ix_story_link", "story", ["link"])
    op.create_index("ix_story_fingerprint", "story", ["fingerprint"])

    op.create_table(
        "watch",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("query", sa.String(200), nullable=False),
        _ts("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_watch"),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chat.id"], name="fk_watch_chat_id", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_watch_chat_id", "watch", ["chat_id"])

    op.create_table(
        "topic_subscription",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("topic_id", sa.String(), nullable=False),
        _ts("created_at", nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "topic_id", name="pk_topic_subscription"),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chat.id"], name="fk_topic_subscription_chat_id", ondelete="CASCADE"
        ),
    )

    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _ts("next_attempt_at", nullable=False),
        sa.Column("lease_owner", sa.String(128), nullable=True),
        _ts("lease_until"),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("created_at", nullable=False),
        _ts("sent_at"),
        sa.PrimaryKeyConstraint("id", name="pk_delivery"),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chat.id"], name="fk_delivery_chat_id", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["story_id"], ["story.id"], name="fk_delivery_story_id", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("chat_id", "story_id", name="uq_delivery_chat_id_story_id"),
    )
    op.create_index("ix_delivery_status_next_attempt_at", "delivery", ["status", "next_attempt_at"])
    op.create_index("ix_delivery_story_id", "delivery", ["story_id"])


def downgrade() -> None:
    """Drop every table, children first."""
    op.drop_table("delivery")
    op.drop_table("topic_subscription")
    op.drop_table("watch")
    op.drop_table("story")
    op.drop_table("chat")
    op.drop_table("feed")
