"""One story across outlets: a new story's cluster found and filed, with a cache of fingerprints.

A new story joins the cluster of an earlier one (within 48 hours) with the same canonical link,
or, failing that, of another outlet's story with near-identical words (MinHash band keys find
the candidates, `best_match` compares them). The cluster is its first story: a later copy points
at it. Stored stories' fingerprints are cached, since recent ones are compared again and again.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from postbot.feeds.story import Story
from postbot.match.cluster import (
    Fingerprint,
    band_keys,
    best_match,
    canonical_link,
    content_key,
    fingerprint,
)
from postbot.store import repo
from postbot.store.models import StoryRow

SAME_STORY_WINDOW = timedelta(hours=48)
PRUNE_EVERY = timedelta(minutes=10)
FINGERPRINT_CACHE = 4096  # stored stories' fingerprints kept for comparisons (a few MB)


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

    def __init__(self) -> None:
        self._prints: OrderedDict[int, Fingerprint] = OrderedDict()
        self._pruned_at: datetime | None = None

    def prepare(self, session: Session, story: Story, now: datetime, find_root: bool) -> Prepared:
        """Everything saving a story needs that reads the store or costs CPU."""
        canon = canonical_link(story.link) if story.link else None
        if not find_root:
            # a first poll's backlog: its canonical links are kept, but it is not filed for text
            # clustering (20 to 50 stories a feed, none alerted); a later copy of one of them
            # in another feed is news to every subscriber and is alerted
            return Prepared(story, canon, None, [], None)
        # its time: a larger toll 45 min later is an update, days apart weigh against a join
        fp = fingerprint(story.title, story.summary, now)
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
        key = row.id or 0
        found = self._prints.get(key)
        if found is None:
            found = fingerprint(row.title, row.summary, row.first_seen_at)
            if len(self._prints) >= FINGERPRINT_CACHE:
                self._prints.popitem(last=False)
            self._prints[key] = found
        else:
            self._prints.move_to_end(key)
        return found

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
        if canon:
            first = repo.find_story_by_canon_link(session=session, canon_link=canon, since=since)
        if first is None and not fp.empty:
            # by text, only other outlets' stories: a feed whose items share a boilerplate
            # description must not fold its own stories into one
            candidates = repo.band_candidates(
                session=session, bands=keys, since=since, exclude_id=0, other_than_feed=feed_id
            )
            first = best_match(fp, ((c, self._fingerprint_of(c)) for c in candidates))
        if first is None:
            return None
        if first.cluster_id is not None:  # a copy itself: the cluster is its first story's
            root = repo.get_story(session=session, story_id=first.cluster_id)
            return root if root is not None else first
        return first
