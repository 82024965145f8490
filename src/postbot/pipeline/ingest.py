"""Ingest: a fetched feed parsed, its new stories saved and clustered, each handed to enqueueing.

Reads top to bottom: parse (pure, before any lock) → keep the stories the feed has not had →
prepare each (canonical link, fingerprint, cluster: reads and CPU first, since SQLite's write
lock is held from the first write to the commit) → save each story and queue its alerts in a
SAVEPOINT of its own. A row the database refuses (a NUL byte on PostgreSQL, a key too long for
an index) loses that story only, never the poll's other stories, and is logged once, not per
poll. A feed's first poll records its backlog and alerts no one. Runs in a worker thread, inside
the caller's transaction: the caller records the poll on the feed row and commits.

Clustering: a new story joins the cluster of an earlier one (within 48 hours) with the same
canonical link, or, failing that, of another outlet's story with near-identical words (MinHash
band keys find the candidates, `best_scored` compares them). A cluster is its first story, which
later copies point at. Stored stories' fingerprints are cached: recent ones are compared again
and again.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlmodel import Session

from postbot.cluster.data import idf_table
from postbot.cluster.fingerprint import (
    Fingerprint,
    band_keys,
    best_scored,
    canonical_link,
    content_key,
    fingerprint,
)
from postbot.cluster.idf import IdfTable
from postbot.errors import FeedUnreadable
from postbot.feeds.channel import parse_channel
from postbot.feeds.fetch import FetchResult
from postbot.feeds.parse import ParsedFeed, parse_feed
from postbot.feeds.story import Story
from postbot.ops.logs import ctx
from postbot.pipeline.enqueue import Enqueuer
from postbot.recent import RecentCache
from postbot.store import repo
from postbot.store.models import StoryRow

log = logging.getLogger(__name__)

REFUSED_MEMORY = 1024  # stories the database refused, remembered to log each once
SAME_STORY_WINDOW = timedelta(hours=48)
PRUNE_EVERY = timedelta(minutes=10)
FINGERPRINT_CACHE = 4096  # stored stories' fingerprints kept for comparisons (a few MB)

T = TypeVar("T")


def _shown(value: str | None, limit: int = 200) -> str:
    """A feed-supplied value fit for one log line: escaped and short."""
    return repr(value if value is None or len(value) <= limit else value[:limit] + "…")


def parse(feed_id: str, fetched: FetchResult, *, channel: str | None = None) -> ParsedFeed | None:
    """The fetched body as a feed, or a Telegram `channel`'s preview page (None: not modified);
    FeedUnreadable if it is neither."""
    if fetched.not_modified:
        return None
    if channel is not None:
        parsed = parse_channel(fetched.body, feed_id=feed_id, username=channel)
    else:
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
        queued = self.enqueuer.enqueue(session, saved.row, saved.root, now) if alert else 0
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


# ---------------------------------------------------------------------------- clustering


@dataclass(frozen=True, slots=True)
class Prepared:
    """A new story with its canonical link, fingerprint, band keys and cluster (if any)."""

    story: Story
    canon: str | None
    fp: Fingerprint | None  # None: not filed for text clustering (a first poll's backlog)
    keys: list[int]
    root: StoryRow | None


@dataclass(frozen=True, slots=True)
class Saved:
    """A story just stored, and the first story of the cluster it joined (None: it is new)."""

    row: StoryRow
    root: StoryRow | None


class Clusterer:
    """Finds a new story's cluster and files the story for later ones (one per process)."""

    def __init__(self, idf: IdfTable | None = None) -> None:
        # stored stories compared lately (postbot.recent: a count and ten idle minutes)
        self._prints: RecentCache[int, Fingerprint] = RecentCache(FINGERPRINT_CACHE)
        self._pruned_at: datetime | None = None
        self._idf = idf or idf_table()  # the n-gram weights of story comparison (package data)

    def prepare(self, session: Session, story: Story, now: datetime, find_root: bool) -> Prepared:
        """Everything saving a story needs that reads the store or costs CPU."""
        canon = canonical_link(story.link) if story.link else None
        if not find_root:
            # a first poll's backlog: its canonical links are kept, but it is not filed for text
            # clustering (20 to 50 stories a feed, none alerted); a later copy of one of them
            # in another feed is news to every subscriber and is alerted
            return Prepared(story, canon, None, [], None)
        # its time: a larger toll 45 min later is an update, days apart weigh against a join
        fp = fingerprint(story.title, story.summary, now, idf=self._idf)
        keys = band_keys(fp)
        root = self._cluster_root(session, story.feed_id, canon, fp, keys, now)
        return Prepared(story, canon, fp, keys, root)

    def save(
        self, session: Session, item: Prepared, now: datetime, links: dict[str, StoryRow]
    ) -> Saved | None:
        """Store a new story and file it for clustering; None if it was stored already.

        `links` holds this poll's stories by canonical link: two items of one feed with one
        link (a story re-posted under a new guid) are one story too.
        """
        row, created = repo.save_story(
            session=session,
            story=item.story,
            now=now,
            fingerprint=content_key(item.fp) if item.fp is not None else None,
            canon_link=item.canon,
        )
        if not created:
            return None
        assert row.id is not None
        root = item.root
        if root is None and item.canon is not None:
            root = links.get(item.canon)
        if item.canon is not None:
            links.setdefault(item.canon, root or row)
        if item.keys:
            repo.file_bands(session=session, story_id=row.id, bands=item.keys, seen_at=now)
        if root is not None:
            repo.set_cluster(session=session, story_id=row.id, cluster_id=root.id or 0)
        return Saved(row, root)

    def prune(self, session: Session, now: datetime) -> None:
        """Forget band keys older than the clustering window, every few minutes."""
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        repo.prune_bands(session=session, before=now - SAME_STORY_WINDOW)

    def _fingerprint_of(self, row: StoryRow) -> Fingerprint:
        """A stored story's fingerprint; recent ones are compared again and again, so cached."""
        return self._prints.recall(
            row.id or 0,
            lambda: fingerprint(row.title, row.summary, row.first_seen_at, idf=self._idf),
        )

    def _cluster_root(
        self,
        session: Session,
        feed_id: str,
        canon: str | None,
        fp: Fingerprint,
        keys: list[int],
        now: datetime,
    ) -> StoryRow | None:
        """The first story of the cluster a new story belongs to: the same canonical link, or
        near-identical words in another feed, within the last 48 hours."""
        since = now - SAME_STORY_WINDOW
        first = None
        how = "the same link"
        if canon:
            first = repo.find_story_by_canon_link(session=session, canon_link=canon, since=since)
        if first is None and not fp.empty:
            # by text, only other outlets' stories: a feed whose items share a boilerplate
            # description must not fold its own stories into one
            candidates = repo.band_candidates(
                session=session, bands=keys, since=since, exclude_id=0, other_than_feed=feed_id
            )
            found = best_scored(fp, ((c, self._fingerprint_of(c)) for c in candidates))
            if found is not None:
                first, score = found
                how = f"similar text, score {score:.3f}"
        if first is None:
            return None
        root = first
        if first.cluster_id is not None:  # a copy itself: the cluster is its first story's
            root = repo.get_story(session=session, story_id=first.cluster_id) or first
        # one line per join, so that a wrong one can be traced to the two stories
        log.info(
            "feed %s: story %s joins story %d of feed %s (%s) by %s",
            feed_id,
            _shown(canon),
            root.id or 0,
            root.feed_id,
            _shown(root.link),
            how,
            extra=ctx(feed_id=feed_id),
        )
        return root
