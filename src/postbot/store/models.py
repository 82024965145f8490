"""Database tables (SQLModel), shared by SQLite and PostgreSQL.

Every timestamp is stored as UTC and comes back timezone-aware on both backends (`UTCDateTime`).
Indexes and constraints carry explicit names so that migrations stay stable; the initial
migration in `migrations/versions/0001_initial.py` spells out the same schema by hand.
"""

# No `from __future__ import annotations`: SQLModel reads the field annotations at class creation.

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone, so it is restored)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC; naive datetimes are refused rather than guessed at."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware UTC datetime")
        value = value.astimezone(UTC)
        # SQLite stores the text without an offset; all values being UTC keeps comparisons right.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return aware UTC whatever the backend gave back."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _ts(*, nullable: bool = True, **kwargs: Any) -> Any:
    """A UTC timestamp column."""
    return Field(sa_type=UTCDateTime, nullable=nullable, **kwargs)


class ChatKind(StrEnum):
    """Telegram chat types."""

    PRIVATE = "private"
    GROUP = "group"
    SUPERGROUP = "supergroup"
    CHANNEL = "channel"


class Digest(StrEnum):
    """How a chat receives alerts."""

    OFF = "off"
    HOURLY = "hourly"
    DAILY = "daily"


class DeliveryStatus(StrEnum):
    """Where an outbox row stands."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"  # waiting for the chat's digest or the end of its quiet hours
    EDIT = "edit"  # sent; its message must be edited (another outlet carried the story)


DEFAULT_TZ = "Asia/Baghdad"

# The text index of stories (store/repo/search.py, migration 0009) is not a model: an FTS5
# virtual table on SQLite (with its shadow tables), a tsvector table on PostgreSQL. Schema
# comparisons leave these names out (`modeled`).
FTS_TABLE = "story_fts"
PG_TABLE = "story_search"
SEARCH_TABLES = frozenset(
    {PG_TABLE, FTS_TABLE}
    | {f"{FTS_TABLE}_{part}" for part in ("data", "idx", "content", "docsize", "config")}
)


def modeled(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic `include_name`: False for the search index's tables, which no model describes."""
    return not (type_ == "table" and name in SEARCH_TABLES)


class Feed(SQLModel, table=True):
    """A configured feed and its polling state."""

    __tablename__ = "feed"
    __table_args__ = (
        sa.PrimaryKeyConstraint("id", name="pk_feed"),
        sa.Index("ix_feed_next_poll_at", "next_poll_at"),
    )

    id: str = Field(primary_key=True, sa_type=sa.String)
    url: str = Field(sa_type=sa.Text)
    name: str = Field(sa_type=sa.Text)
    enabled: bool = True
    etag: str | None = Field(default=None, sa_type=sa.Text)
    last_modified: str | None = Field(default=None, sa_type=sa.Text)
    consecutive_errors: int = 0
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    last_success_at: datetime | None = _ts(default=None)
    last_polled_at: datetime | None = _ts(default=None)
    next_poll_at: datetime = _ts(nullable=False)
    failing_notified: bool = False
    lease_owner: str | None = Field(default=None, sa_type=sa.String(128))
    lease_until: datetime | None = _ts(default=None)
    first_polled: bool = False
    # when a poll last brought a new story, for adaptive polling (pipeline/cadence.py)
    last_new_at: datetime | None = _ts(default=None)


class StoryRow(SQLModel, table=True):
    """A story seen in a feed; (feed_id, key) identifies it."""

    __tablename__ = "story"
    __table_args__ = (
        sa.PrimaryKeyConstraint("id", name="pk_story"),
        sa.UniqueConstraint("feed_id", "key", name="uq_story_feed_id_key"),
        sa.Index("ix_story_link", "link"),
        sa.Index("ix_story_fingerprint", "fingerprint"),
        sa.Index("ix_story_canon_link", "canon_link"),
        sa.Index("ix_story_cluster_id", "cluster_id"),
        sa.Index("ix_story_first_seen_at", "first_seen_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    feed_id: str = Field(
        sa_type=sa.String,
        sa_column_args=[sa.ForeignKey("feed.id", name="fk_story_feed_id", ondelete="CASCADE")],
    )
    key: str = Field(sa_type=sa.Text)
    title: str = Field(sa_type=sa.Text)
    link: str | None = Field(default=None, sa_type=sa.Text)
    summary: str = Field(default="", sa_type=sa.Text)
    published: datetime | None = _ts(default=None)
    first_seen_at: datetime = _ts(nullable=False)
    fingerprint: str | None = Field(default=None, sa_type=sa.String(128))
    also_in: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    canon_link: str | None = Field(default=None, sa_type=sa.Text)
    # a later copy of a story points at the first story of its cluster (which was alerted)
    cluster_id: int | None = None
    # on a cluster's first story: when it turned breaking (N outlets within M minutes of its
    # first-seen time) and the figures its alerts show ("4 outlets in 12 min")
    breaking_at: datetime | None = _ts(default=None)
    breaking_outlets: int | None = None
    breaking_minutes: int | None = None


class StoryBand(SQLModel, table=True):
    """A recent story filed under one of its MinHash band keys (cluster/fingerprint.py)."""

    __tablename__ = "story_band"
    __table_args__ = (
        sa.PrimaryKeyConstraint("band", "story_id", name="pk_story_band"),
        sa.Index("ix_story_band_seen_at", "seen_at"),
        sa.Index("ix_story_band_story_id", "story_id"),
    )

    band: int = Field(
        primary_key=True, sa_type=sa.BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    story_id: int = Field(
        primary_key=True,
        sa_column_args=[
            sa.ForeignKey("story.id", name="fk_story_band_story_id", ondelete="CASCADE")
        ],
        sa_column_kwargs={"autoincrement": False},
    )
    seen_at: datetime = _ts(nullable=False)


class Chat(SQLModel, table=True):
    """A Telegram chat that talks to the bot, with its settings."""

    __tablename__ = "chat"
    __table_args__ = (sa.PrimaryKeyConstraint("id", name="pk_chat"),)

    id: int = Field(
        primary_key=True, sa_type=sa.BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    kind: str = Field(default=ChatKind.PRIVATE.value, sa_type=sa.String(16))
    title: str | None = Field(default=None, sa_type=sa.Text)
    lang: str = Field(default="en", sa_type=sa.String(8))
    active: bool = True
    digest: str = Field(default=Digest.OFF.value, sa_type=sa.String(16))
    digest_at: str | None = Field(default=None, sa_type=sa.String(5))
    tz: str = Field(default=DEFAULT_TZ, sa_type=sa.String(64))
    quiet_start: str | None = Field(default=None, sa_type=sa.String(5))
    quiet_end: str | None = Field(default=None, sa_type=sa.String(5))
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)
    # one process sends to a chat at a time (order, per-chat limits); see delivery/dispatch.py
    send_lease_owner: str | None = Field(default=None, sa_type=sa.String(128))
    send_lease_until: datetime | None = _ts(default=None)
    last_sent_at: datetime | None = _ts(default=None)
    # /breaking on: also alerted to any breaking story, whatever it follows
    breaking: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # /format, /silent, /sources, /connect (0008): alerts full or compact, sent without a sound,
    # the outlets (feed ids) left out, and the channel the chat's alerts go to instead
    alert_format: str = Field(
        default="full", sa_type=sa.String(16), sa_column_kwargs={"server_default": "full"}
    )
    silent: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    excluded_feeds: list[str] | None = Field(default=None, sa_type=sa.JSON, nullable=True)
    channel_id: int | None = Field(default=None, sa_type=sa.BigInteger, nullable=True)
    channel_title: str | None = Field(default=None, sa_type=sa.Text, nullable=True)
    # watch numbers given out so far (a watch keeps its number; numbers are never reused)
    watch_seq: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})
    # /pause: no alerts until then (held for then with pause_hold, else dropped)
    paused_until: datetime | None = _ts(default=None)
    pause_hold: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


def _chat_fk(name: str) -> list[Any]:
    return [sa.ForeignKey("chat.id", name=name, ondelete="CASCADE")]


class Watch(SQLModel, table=True):
    """A chat's keyword watch; `number` is its number in the chat for life (never reused)."""

    __tablename__ = "watch"
    __table_args__ = (
        sa.PrimaryKeyConstraint("id", name="pk_watch"),
        sa.Index("ix_watch_chat_id", "chat_id"),
        sa.Index("ix_watch_owner_id", "owner_id"),
        sa.Index("uq_watch_chat_id_number", "chat_id", "number", unique=True),
        sa.Index("ix_watch_muted_until", "muted_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=sa.BigInteger, sa_column_args=_chat_fk("fk_watch_chat_id"))
    query: str = Field(sa_type=sa.String(200))
    created_at: datetime = _ts(nullable=False)
    # the Telegram user who added it, for the per-user cap across chats (None: unknown, e.g.
    # added before 0005 or by an anonymous group admin)
    owner_id: int | None = Field(default=None, sa_type=sa.BigInteger, nullable=True)
    number: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})
    # /mute: silent until then (its alerts held for then with mute_hold, else dropped)
    muted_until: datetime | None = _ts(default=None)
    mute_hold: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class TopicSubscription(SQLModel, table=True):
    """A chat subscribed to a built-in topic."""

    __tablename__ = "topic_subscription"
    __table_args__ = (
        sa.PrimaryKeyConstraint("chat_id", "topic_id", name="pk_topic_subscription"),
        sa.Index("ix_topic_subscription_muted_until", "muted_until"),
    )

    chat_id: int = Field(
        primary_key=True,
        sa_type=sa.BigInteger,
        sa_column_args=_chat_fk("fk_topic_subscription_chat_id"),
        sa_column_kwargs={"autoincrement": False},
    )
    topic_id: str = Field(primary_key=True, sa_type=sa.String)
    created_at: datetime = _ts(nullable=False)
    muted_until: datetime | None = _ts(default=None)
    mute_hold: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class Delivery(SQLModel, table=True):
    """The outbox: one row per (chat, story), written before anything is sent."""

    __tablename__ = "delivery"
    __table_args__ = (
        sa.PrimaryKeyConstraint("id", name="pk_delivery"),
        sa.UniqueConstraint("chat_id", "story_id", name="uq_delivery_chat_id_story_id"),
        # status first: sent rows pile up with old next_attempt_at values and must not be scanned
        sa.Index("ix_delivery_status_next_attempt_at", "status", "next_attempt_at"),
        sa.Index("ix_delivery_story_id", "story_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=sa.BigInteger, sa_column_args=_chat_fk("fk_delivery_chat_id"))
    story_id: int = Field(
        sa_column_args=[sa.ForeignKey("story.id", name="fk_delivery_story_id", ondelete="CASCADE")]
    )
    reasons: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    status: str = Field(default=DeliveryStatus.PENDING.value, sa_type=sa.String(16))
    attempts: int = 0
    next_attempt_at: datetime = _ts(nullable=False)
    lease_owner: str | None = Field(default=None, sa_type=sa.String(128))
    lease_until: datetime | None = _ts(default=None)
    telegram_message_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = _ts(nullable=False)
    sent_at: datetime | None = _ts(default=None)
    in_digest: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # what routing found (store/reasons.py): the matched watches' ids by query, and the spans
    # to bold; None on rows queued before 0006
    watch_ids: dict[str, int] | None = Field(default=None, sa_type=sa.JSON, nullable=True)
    highlights: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON, nullable=True)
    # why a held row waits: "pause", "mute", "away" (queued before /stop); None: digest, quiet
    hold: str | None = Field(default=None, sa_type=sa.String(16), nullable=True)


class FloodBudget(SQLModel, table=True):
    """The next free overall send slot, booked by every sending process (SPEC §8)."""

    __tablename__ = "flood_budget"
    __table_args__ = (sa.PrimaryKeyConstraint("name", name="pk_flood_budget"),)

    name: str = Field(primary_key=True, sa_type=sa.String(32))
    next_at: datetime = _ts(nullable=False)
