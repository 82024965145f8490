"""Feed rows (config sync, scheduling, poll outcome) and the stories they carry.

Like every repo module: keyword-only functions that receive the Session; they flush but never
commit, so the caller decides what one transaction holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NamedTuple, Protocol

from sqlalchemy import update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from postbot.feeds.story import Story
from postbot.store.db import insert_ignore
from postbot.store.leases import take_leases, unleased
from postbot.store.models import Feed, StoryRow
from postbot.store.repo.search import index_story

MAX_ERROR_CHARS = 2000


class FeedSpecLike(Protocol):
    """What `upsert_feeds` needs of a configured feed (the config's feed model fits)."""

    @property
    def id(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def enabled(self) -> bool: ...


class FeedSpec(NamedTuple):
    """A configured feed as plain values."""

    id: str
    url: str
    name: str
    enabled: bool = True


def upsert_feeds(
    *, session: Session, feeds: Sequence[FeedSpecLike], now: datetime | None = None
) -> None:
    """Make the feed rows match the config: add new ones, update existing, disable removed ones."""
    now = now if now is not None else datetime.now(UTC)
    existing = {f.id: f for f in session.exec(select(Feed)).all()}
    for spec in feeds:
        row = existing.pop(spec.id, None)
        if row is None:
            # several processes starting together add the same new feeds: the first one wins
            values = {
                "id": spec.id,
                "url": spec.url,
                "name": spec.name,
                "enabled": spec.enabled,
                "next_poll_at": now,
                "consecutive_errors": 0,
                "failing_notified": False,
                "first_polled": False,
            }
            insert_ignore(session, Feed, values, ("id",))
            continue
        if row.url != spec.url:
            # Validators belong to the old URL; a new URL starts fresh and is polled now.
            row.url, row.etag, row.last_modified = spec.url, None, None
            row.next_poll_at = now
        if spec.enabled and not row.enabled:
            row.next_poll_at = min(row.next_poll_at, now)
        row.name, row.enabled = spec.name, spec.enabled
        session.add(row)
    for row in existing.values():
        row.enabled = False
        session.add(row)
    session.flush()


def make_feeds_due(*, session: Session, now: datetime) -> None:
    """Make every enabled feed due at `now` (a fresh start polls them all at once)."""
    stmt = update(Feed).where(col(Feed.enabled).is_(True)).values(next_poll_at=now)
    session.exec(stmt)
    session.flush()


def get_feed(*, session: Session, feed_id: str) -> Feed | None:
    """The feed row with this id, if any."""
    return session.get(Feed, feed_id)


def list_feeds(*, session: Session, enabled_only: bool = False) -> list[Feed]:
    """Feeds ordered by id."""
    stmt = select(Feed).order_by(col(Feed.id))
    if enabled_only:
        stmt = stmt.where(col(Feed.enabled).is_(True))
    return list(session.exec(stmt).all())


def _due(now: datetime, limit: int) -> SelectOfScalar[Feed]:
    return (
        select(Feed)
        .where(col(Feed.enabled).is_(True), col(Feed.next_poll_at) <= now, unleased(Feed, now))
        .order_by(col(Feed.next_poll_at), col(Feed.id))
        .limit(limit)
    )


def due_feeds(*, session: Session, now: datetime, limit: int) -> list[Feed]:
    """Enabled, unleased feeds whose next poll is due, most overdue first (read only)."""
    return list(session.exec(_due(now, limit)).all())


def claim_due_feeds(
    *, session: Session, owner: str, now: datetime, lease_until: datetime, limit: int
) -> list[Feed]:
    """Lease due feeds to `owner` (FOR UPDATE SKIP LOCKED on PostgreSQL); commit soon after."""
    return take_leases(session, _due(now, limit), owner=owner, lease_until=lease_until)


def _require_feed(session: Session, feed_id: str) -> Feed:
    row = session.get(Feed, feed_id)
    if row is None:
        raise KeyError(f"no feed {feed_id!r}")
    return row


def record_poll_success(
    *,
    session: Session,
    feed_id: str,
    etag: str | None,
    last_modified: str | None,
    now: datetime,
    next_poll_at: datetime,
    last_new_at: datetime | None = None,
) -> bool:
    """Store a good poll and release the lease; True if admins had been told it was failing.

    `last_new_at` (when the feed last brought a new story) is stored when given."""
    row = _require_feed(session, feed_id)
    row.last_new_at = last_new_at or row.last_new_at
    was_notified = row.failing_notified
    # None means "the server sent none this time": keep the validators we have.
    row.etag = etag if etag is not None else row.etag
    row.last_modified = last_modified if last_modified is not None else row.last_modified
    row.consecutive_errors, row.last_error, row.failing_notified = 0, None, False
    row.last_success_at = row.last_polled_at = now
    row.next_poll_at, row.first_polled = next_poll_at, True
    row.lease_owner, row.lease_until = None, None
    session.add(row)
    session.flush()
    return was_notified


def record_poll_failure(
    *, session: Session, feed_id: str, error: str, now: datetime, next_poll_at: datetime
) -> int:
    """Store a failed poll and release the lease; returns the consecutive error count."""
    row = _require_feed(session, feed_id)
    row.consecutive_errors += 1
    row.last_error = error[:MAX_ERROR_CHARS]
    row.last_polled_at, row.next_poll_at = now, next_poll_at
    row.lease_owner, row.lease_until = None, None
    session.add(row)
    session.flush()
    return row.consecutive_errors


def mark_failing_notified(*, session: Session, feed_id: str) -> None:
    """Remember that admins were told this feed is failing (so they are told once)."""
    row = _require_feed(session, feed_id)
    row.failing_notified = True
    session.add(row)
    session.flush()


def save_story(
    *,
    session: Session,
    story: Story,
    now: datetime,
    fingerprint: str | None = None,
    canon_link: str | None = None,
) -> tuple[StoryRow, bool]:
    """Store a story once per (feed_id, key); returns the row and whether it is new."""
    values: dict[str, object] = {
        "feed_id": story.feed_id,
        "key": story.key,
        "title": story.title,
        "link": story.link,
        "summary": story.summary,
        "published": story.published,
        "first_seen_at": now,
        "fingerprint": fingerprint,
        "canon_link": canon_link,
        "also_in": [],
    }
    # INSERT .. ON CONFLICT DO NOTHING keeps this safe when two processes see the story at once.
    created = insert_ignore(session, StoryRow, values, ("feed_id", "key"))
    stmt = select(StoryRow).where(
        col(StoryRow.feed_id) == story.feed_id, col(StoryRow.key) == story.key
    )
    row = session.exec(stmt).one()
    if created and row.id is not None:  # the text index, in the same transaction
        index_story(session=session, story_id=row.id, title=row.title, summary=row.summary)
    return row, created


def begin_story_writes(*, session: Session) -> None:
    """Open the transaction that per-story savepoints nest in, on SQLite.

    The sqlite3 module begins a transaction only before an INSERT, UPDATE or DELETE; a SAVEPOINT
    issued outside one starts a transaction of its own, and releasing it commits. Without this
    every story would be committed apart. BEGIN IMMEDIATE takes the write lock, waiting for
    another writer as long as the first INSERT would have. PostgreSQL needs nothing.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    connection = session.connection()
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def known_story_keys(*, session: Session, feed_id: str, keys: Sequence[str]) -> set[str]:
    """Which of these story keys the feed already has."""
    if not keys:
        return set()
    stmt = select(StoryRow.key).where(
        col(StoryRow.feed_id) == feed_id, col(StoryRow.key).in_(list(keys))
    )
    return set(session.exec(stmt).all())


def recent_story_keys(*, session: Session, feed_id: str, limit: int) -> list[str]:
    """The keys of the feed's `limit` stories stored last (a channel's newest post is there)."""
    stmt = (
        select(StoryRow.key)
        .where(col(StoryRow.feed_id) == feed_id)
        # `id + 0`: read through the (feed_id, key) index, never by walking the primary key
        # back from the newest story of any feed until `limit` of this one are found
        .order_by((col(StoryRow.id) + 0).desc())
        .limit(limit)
    )
    return list(session.exec(stmt).all())


def get_story(*, session: Session, story_id: int) -> StoryRow | None:
    """The story row with this id, if any."""
    return session.get(StoryRow, story_id)


def add_also_in(*, session: Session, story_id: int, feed_id: str) -> bool:
    """Note that `feed_id` also carried this story; False if already noted or it is the source."""
    stmt = select(StoryRow).where(col(StoryRow.id) == story_id).with_for_update()
    row = session.exec(stmt).one()
    if feed_id == row.feed_id or feed_id in row.also_in:
        return False
    row.also_in = [*row.also_in, feed_id]  # a new list: in-place JSON edits go unnoticed
    session.add(row)
    session.flush()
    return True
