"""Stories seen in a time window, as plain tuples for counting (/trend, `postbot trend`).

The window is on `first_seen_at`, the time postbot saw the story: every story has one, and a
feed's claimed `published` date is never later than when it was seen in any sense that matters
for counting. The caller confirms each candidate with the real matcher. `candidates_seen_between`
reads only the stories the text index finds for a query's look-ups (store/repo/search.py), a
superset of its matches: counting a selective query reads a few percent of the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from postbot.match.prefilter import Need
from postbot.store.models import FTS_TABLE, PG_TABLE, StoryRow
from postbot.store.repo.search import fts_query, ts_query, window_ids

BATCH_ROWS = 2000  # rows fetched per round trip while streaming a window


@dataclass(frozen=True, slots=True)
class WindowStory:
    """What counting needs of a stored story: its cluster, outlet, times and text."""

    id: int
    feed_id: str
    cluster_id: int | None
    title: str
    summary: str
    published: datetime | None
    first_seen_at: datetime
    link: str | None = None

    @property
    def root_id(self) -> int:
        """The id of the first story of its cluster (its own id when it started one)."""
        return self.cluster_id if self.cluster_id is not None else self.id


def stories_seen_between(
    *, session: Session, since: datetime, until: datetime
) -> Iterator[WindowStory]:
    """Stories first seen in [since, until), oldest first, streamed in batches."""
    return _stream(session, since, until, None)


def candidates_seen_between(
    *, session: Session, need: Need, since: datetime, until: datetime
) -> Iterator[WindowStory]:
    """The stories of `stories_seen_between` that the text index finds for `need` (every
    story the query may match, and few others), oldest first, streamed in batches."""
    window = window_ids(session=session, since=since, until=until)
    if window is None:
        return iter(())
    low, high = window
    if session.get_bind().dialect.name == "sqlite":
        found = sa.text(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q"
            " AND rowid >= :low AND rowid <= :high"
        ).bindparams(q=fts_query(need), low=low, high=high)
    else:
        found = sa.text(
            f"SELECT story_id FROM {PG_TABLE} WHERE terms @@ CAST(:q AS tsquery)"
            " AND story_id >= :low AND story_id <= :high"
        ).bindparams(q=ts_query(need), low=low, high=high)
    ids = found.columns(sa.column("id", sa.Integer))
    return _stream(session, since, until, col(StoryRow.id).in_(ids))


def _stream(
    session: Session, since: datetime, until: datetime, where: sa.ColumnElement[bool] | None
) -> Iterator[WindowStory]:
    stmt = (
        sa.select(
            col(StoryRow.id),
            col(StoryRow.feed_id),
            col(StoryRow.cluster_id),
            col(StoryRow.title),
            col(StoryRow.summary),
            col(StoryRow.published),
            col(StoryRow.first_seen_at),
            col(StoryRow.link),
        )
        .where(col(StoryRow.first_seen_at) >= since, col(StoryRow.first_seen_at) < until)
        .order_by(col(StoryRow.first_seen_at), col(StoryRow.id))
        .execution_options(yield_per=BATCH_ROWS)
    )
    return _rows(session.execute(stmt if where is None else stmt.where(where)))


def _rows(rows: Iterable[Any]) -> Iterator[WindowStory]:
    for row in rows:
        story_id, feed_id, cluster_id, title, summary, published, seen, link = row
        assert story_id is not None  # a stored row always has its id
        yield WindowStory(story_id, feed_id, cluster_id, title, summary, published, seen, link)
