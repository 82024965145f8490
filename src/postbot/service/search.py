"""Looking back over stored stories: `/search`, `/latest`, and retention.

`stories_matching` is the one way to ask "which stored stories of this window does this query
match": the text index (store/repo/search.py) proposes candidates, newest first, a chunk at a
time, and the real matcher (match/matcher.py, the one routing uses) confirms each, so the answer
is exactly what a watch with that query would have matched; `topic_stories` does the same for a
built-in topic (its context and troop-count test included). The work per call is bounded:
at most `max_candidates` candidates are read and matched, and the result says whether it is
complete. The trend chart (issue 15) counts stories through it too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from postbot.errors import QuerySyntaxError
from postbot.match.matcher import Matcher, make_document
from postbot.match.prefilter import Need, need_of
from postbot.match.query import Node, parse_query
from postbot.match.topics import StoryMatcher, Topic
from postbot.store import repo
from postbot.store.models import StoryRow
from postbot.store.repo import search as index

log = logging.getLogger(__name__)

MAX_CANDIDATES = 3000  # stories the index proposes and the matcher checks, per query at most
MAX_RESULTS = 100  # stories one /search keeps (20 pages of 5)
CHUNK = 1000  # candidates read at a time, at most
FIRST_CHUNK = 200  # the first read: twice /search's results, enough unless most are rejected
CATCH_UP = 2000  # stories a search files in the index first if a path saved them unindexed
LATEST = 10
LATEST_SCAN = 3000  # newest stories /latest reads at most
LATEST_DAYS = 30
PRUNE_BATCH = 200  # stories deleted per transaction by retention
DELIVERY_BATCH = 2000  # their delivery rows deleted per transaction first


@dataclass(frozen=True, slots=True)
class Hit:
    """A stored story that matched."""

    story_id: int
    feed_id: str
    cluster_id: int | None
    first_seen_at: datetime
    title: str
    link: str | None
    also_in: tuple[str, ...]

    @property
    def cluster(self) -> int:
        """The id shared by every copy of the story (its cluster's first story)."""
        return self.cluster_id or self.story_id


@dataclass(frozen=True, slots=True)
class Matches:
    """What `stories_matching` found, newest first; `complete` is False when it stopped at
    `limit` matches or at its candidate bound (older matches may exist)."""

    hits: list[Hit]
    checked: int
    complete: bool


@dataclass(frozen=True, slots=True)
class Found:
    """One story as a result shows it: its cluster's outlets named once."""

    story_id: int
    title: str
    link: str | None
    outlets: tuple[str, ...]
    seen_at: datetime


@dataclass(frozen=True, slots=True)
class Searched:
    """A /search answer: the stories (one per cluster, newest first) and how it went."""

    found: list[Found]
    complete: bool
    checked: int
    seconds: float


@dataclass(frozen=True, slots=True)
class BadQuery:
    """The query does not parse."""

    error: QuerySyntaxError


def _hit(row: StoryRow) -> Hit:
    return Hit(
        row.id or 0,
        row.feed_id,
        row.cluster_id,
        row.first_seen_at,
        row.title,
        row.link,
        tuple(row.also_in or ()),
    )


def catch_up_index(engine: sa.Engine, limit: int = CATCH_UP) -> int:
    """File in the index the stories saved without it (none, normally); returns how many."""
    with Session(engine) as session:
        rows = index.unindexed_stories(session=session, limit=limit)
        if rows:
            index.index_many(session=session, rows=rows)
            session.commit()
    return len(rows)


def stories_matching(
    engine: sa.Engine,
    query: Node,
    *,
    since: datetime,
    until: datetime | None = None,
    limit: int = MAX_RESULTS,
    max_candidates: int = MAX_CANDIDATES,
) -> Matches:
    """Stored stories first seen in [since, until) that `query` matches, newest first."""
    matcher: Matcher[int] = Matcher({0: query})

    def accept(row: StoryRow) -> bool:
        return bool(matcher.match(make_document(row.title, row.summary)))

    return _confirmed(engine, need_of(query), accept, since, until, limit, max_candidates)


def topic_stories(
    engine: sa.Engine,
    topic: Topic,
    *,
    since: datetime,
    until: datetime | None = None,
    limit: int = MAX_RESULTS,
    max_candidates: int = MAX_CANDIDATES,
) -> Matches:
    """`stories_matching` for a built-in topic: its query, context and troop-count test, as
    routing applies them (a troop-count topic without a query reads the newest stories)."""
    matcher: StoryMatcher[str] = StoryMatcher([topic], {})

    def accept(row: StoryRow) -> bool:
        return matcher.match(row.title, row.summary).matched

    need = need_of(topic.query) if topic.query is not None else None
    return _confirmed(engine, need, accept, since, until, limit, max_candidates)


def _confirmed(
    engine: sa.Engine,
    need: Need | None,
    accept: Callable[[StoryRow], bool],
    since: datetime,
    until: datetime | None,
    limit: int,
    max_candidates: int,
) -> Matches:
    """The index's candidates for `need` (newest first, a chunk at a time) that `accept`."""
    catch_up_index(engine)
    hits: list[Hit] = []
    checked = 0
    with Session(engine) as session:
        window = index.window_ids(session=session, since=since, until=until)
        if window is None:
            return Matches([], 0, True)
        low, high = window
        chunk = FIRST_CHUNK
        while checked < max_candidates:
            size = min(chunk, max_candidates - checked)
            chunk = min(chunk * 2, CHUNK)  # most queries are done with the first chunk
            ids = index.candidate_ids(session=session, need=need, low=low, high=high, limit=size)
            checked += len(ids)
            for row in index.stories_in(session=session, ids=ids, since=since, until=until):
                if accept(row):
                    hits.append(_hit(row))
                    if len(hits) >= limit:
                        return Matches(hits, checked, False)
            if len(ids) < size:
                return Matches(hits, checked, True)
            high = ids[-1] - 1
    return Matches(hits, checked, False)


def one_per_cluster(hits: Sequence[Hit], names: dict[str, str]) -> list[Found]:
    """Each cluster once (at its newest matching copy), with every outlet that carried it."""
    order: list[int] = []
    outlets: dict[int, list[str]] = {}
    first: dict[int, Hit] = {}
    for hit in hits:
        key = hit.cluster
        if key not in first:
            first[key] = hit
            order.append(key)
            outlets[key] = []
        for feed_id in (hit.feed_id, *hit.also_in):
            name = names.get(feed_id, feed_id)
            if name not in outlets[key]:
                outlets[key].append(name)
    return [
        Found(
            first[k].story_id,
            first[k].title,
            first[k].link,
            tuple(outlets[k]),
            first[k].first_seen_at,
        )
        for k in order
    ]


def search(engine: sa.Engine, *, query: str, days: int, now: datetime) -> Searched | BadQuery:
    """`/search`: the stories of the last `days` days the query matches, one per cluster."""
    try:
        node = parse_query(query)
    except QuerySyntaxError as exc:
        return BadQuery(exc)
    started = time.perf_counter()
    matches = stories_matching(engine, node, since=now - timedelta(days=days))
    with Session(engine) as session:
        names = index.feed_names(session=session)
    found = one_per_cluster(matches.hits, names)
    seconds = time.perf_counter() - started
    log.info(
        "search %r over %d days: %d stories, %d candidates checked in %.3fs%s",
        query,
        days,
        len(found),
        matches.checked,
        seconds,
        "" if matches.complete else " (bounded)",
    )
    return Searched(found, matches.complete, matches.checked, seconds)


def latest(
    engine: sa.Engine,
    *,
    chat_id: int,
    topics: Sequence[Topic],
    topic_id: str | None,
    now: datetime,
) -> list[Found] | None:
    """`/latest`: the newest stories (one per cluster) of the chat's topics and watches, or of
    one topic, read from the newest `LATEST_SCAN` stories of the last `LATEST_DAYS` days; None
    when the chat follows nothing."""
    catch_up_index(engine)
    with Session(engine) as session:
        followed = set(repo.chat_topics(session=session, chat_id=chat_id))
        watches: dict[str, Node] = {}
        if topic_id is None:
            for watch in repo.list_watches(session=session, chat_id=chat_id):
                try:
                    watches[watch.query] = parse_query(watch.query)
                except QuerySyntaxError:
                    continue
        chosen = [t for t in topics if (t.id == topic_id if topic_id else t.id in followed)]
        if not chosen and not watches:
            return None
        matcher: StoryMatcher[str] = StoryMatcher(chosen, watches)
        names = index.feed_names(session=session)
        window = index.window_ids(session=session, since=now - timedelta(days=LATEST_DAYS))
        hits: list[Hit] = []
        clusters: set[int] = set()
        if window is not None:
            low, high = window
            read = 0
            while read < LATEST_SCAN and len(clusters) < LATEST:
                ids = index.candidate_ids(
                    session=session, need=None, low=low, high=high, limit=CHUNK
                )
                read += len(ids)
                rows = index.stories_in(
                    session=session, ids=ids, since=now - timedelta(days=LATEST_DAYS)
                )
                for row in rows:
                    if matcher.match(row.title, row.summary).matched:
                        hit = _hit(row)
                        hits.append(hit)
                        clusters.add(hit.cluster)
                        if len(clusters) >= LATEST:
                            break
                if len(ids) < CHUNK:
                    break
                high = ids[-1] - 1
    return one_per_cluster(hits, names)[:LATEST]


def prune_batch(engine: sa.Engine, *, before: datetime, batch: int = PRUNE_BATCH) -> int:
    """Delete one batch of stories first seen before `before`, with their deliveries, band keys
    and index rows; returns how many stories went. Their deliveries go first, DELIVERY_BATCH
    rows per transaction, then the stories in one more: every transaction stays short."""
    with Session(engine) as session:
        ids = index.prunable_story_ids(session=session, before=before, limit=batch)
    if not ids:
        return 0
    while True:
        with Session(engine) as session:
            gone = index.delete_deliveries_of(session=session, story_ids=ids, limit=DELIVERY_BATCH)
            session.commit()
        if gone < DELIVERY_BATCH:
            break
    with Session(engine) as session:
        deleted = index.delete_stories(session=session, ids=ids)
        session.commit()
    return deleted
