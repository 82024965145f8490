"""Stories seen in a time window, as plain tuples for counting (/trend, `postbot trend`).

The window is on `first_seen_at`, the time postbot saw the story: every story has one, and a
feed's claimed `published` date is never later than when it was seen in any sense that matters
for counting. The caller confirms each candidate with the real matcher.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from postbot.store.models import StoryRow

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
    for row in session.execute(stmt):
        story_id, feed_id, cluster_id, title, summary, published, seen, link = row
        assert story_id is not None  # a stored row always has its id
        yield WindowStory(story_id, feed_id, cluster_id, title, summary, published, seen, link)
