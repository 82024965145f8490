"""Ingest: a fetched feed parsed, its new stories saved and clustered, each handed to enqueueing.

Reads top to bottom: parse (pure, before any lock) → keep the stories the feed has not had →
prepare each (canonical link, fingerprint, cluster: reads and CPU first, since SQLite's write
lock is held from the first write to the commit) → save each story and queue its alerts in a
SAVEPOINT of its own. A row the database refuses (a NUL byte on PostgreSQL, a key too long for
an index) loses that story only, never the poll's other stories, and is logged once, not per
poll. A feed's first poll records its backlog and alerts no one. Runs in a worker thread, inside
the caller's transaction: the caller records the poll on the feed row and commits.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlmodel import Session

from postbot.errors import FeedUnreadable
from postbot.feeds.fetch import FetchResult
from postbot.feeds.parse import ParsedFeed, parse_feed
from postbot.feeds.story import Story
from postbot.ops.logs import ctx
from postbot.pipeline.clustering import Clusterer, Prepared
from postbot.pipeline.enqueue import Enqueuer
from postbot.store import repo
from postbot.store.models import StoryRow

log = logging.getLogger(__name__)

REFUSED_MEMORY = 1024  # stories the database refused, remembered to log each once

T = TypeVar("T")


def _shown(value: str | None, limit: int = 200) -> str:
    """A feed-supplied value fit for one log line: escaped and short."""
    return repr(value if value is None or len(value) <= limit else value[:limit] + "…")


def parse(feed_id: str, fetched: FetchResult) -> ParsedFeed | None:
    """The fetched body as a feed (None: not modified); FeedUnreadable if it is none."""
    if fetched.not_modified:
        return None
    parsed = parse_feed(
        fetched.body, feed_id=feed_id, content_type=fetched.content_type, base_url=fetched.url
    )
    if parsed.warning and not parsed.stories and parsed.title is None:
        # garbage, an HTML error page, a truncated download: a failed poll, so that the
        # errors count up, the admins hear of it and /feedstatus shows it
        raise FeedUnreadable(parsed.warning)
    if parsed.warning:
        log.warning("feed %s: %s", feed_id, parsed.warning, extra=ctx(feed_id=feed_id))
    return parsed


@dataclass(frozen=True, slots=True)
class Ingested:
    """What one poll stored: new stories, and alerts queued for them."""

    new: int = 0
    queued: int = 0


class Ingester:
    """Saves new stories, clusters them and queues their alerts (one per process)."""

    def __init__(self, *, clusters: Clusterer, enqueuer: Enqueuer) -> None:
        self.clusters = clusters
        self.enqueuer = enqueuer
        self._refused: OrderedDict[tuple[str, str], None] = OrderedDict()

    def ingest(
        self, session: Session, feed_id: str, parsed: ParsedFeed, now: datetime, *, alert: bool
    ) -> Ingested:
        """Save the feed's new stories and, unless it is its first poll, queue their alerts."""
        if alert:
            self.enqueuer.refresh(session)
        keys = [story.key for story in parsed.stories]
        known = repo.known_story_keys(session=session, feed_id=feed_id, keys=keys)
        fresh = [story for story in parsed.stories if story.key not in known]
        if not fresh:
            return Ingested()
        repo.lock_clustering(session=session)  # one clustering save at a time, across processes
        # a first poll's backlog is filed for clustering but joins no cluster (it alerts no one)
        prepared: list[Prepared] = []
        for story in fresh:
            item = self._isolated(session, story, self.clusters.prepare, session, story, now, alert)
            if item is not None:
                prepared.append(item)
        self.clusters.prune(session, now)
        if prepared:
            repo.begin_story_writes(session=session)
        new = queued = 0
        links: dict[str, StoryRow] = {}  # this poll's stories by canonical link
        for item in prepared:
            done = self._isolated(
                session, item.story, self._save_and_enqueue, session, item, now, links, alert
            )
            if done is not None and done[0]:
                new += 1
                queued += done[1]
        return Ingested(new, queued)

    def _save_and_enqueue(
        self,
        session: Session,
        item: Prepared,
        now: datetime,
        links: dict[str, StoryRow],
        alert: bool,
    ) -> tuple[bool, int]:
        """Store one story and queue its alerts; (stored now, alerts queued).

        `links` is only updated once the story is stored: a story whose savepoint is rolled
        back must not become another's cluster root.
        """
        mine = dict(links)
        saved = self.clusters.save(session, item, now, mine)
        if saved is None:
            return False, 0
        # a first poll records the backlog and alerts no one
        queued = self.enqueuer.enqueue(session, saved, now) if alert else 0
        links.update(mine)
        return True, queued

    def _isolated(
        self, session: Session, story: Story, fn: Callable[..., T], *args: object
    ) -> T | None:
        """`fn(*args)` in a SAVEPOINT of its own; None when the database refused it (logged
        once per story, not per poll)."""
        try:
            with session.begin_nested():
                return fn(*args)
        except Exception as exc:
            seen = (story.feed_id, story.key)
            level = logging.DEBUG if seen in self._refused else logging.WARNING
            self._refused[seen] = None
            self._refused.move_to_end(seen)
            if len(self._refused) > REFUSED_MEMORY:
                self._refused.popitem(last=False)
            log.log(
                level,
                "feed %s: story skipped (guid/key %s, link %s): %s: %s",
                story.feed_id,
                _shown(story.key),
                _shown(story.link),
                type(exc).__name__,
                _shown(str(exc).split("\n", 1)[0]),
                extra=ctx(feed_id=story.feed_id),
            )
            return None
