"""The story of a feed item in the running bot: claim → fetch → parse → save → match → enqueue.

`Poller.tick` claims the feeds that are due (a lease, so no two polls of one feed overlap, in
this process or another) and polls each in its own task. One poll reads top to bottom:
conditional GET with the stored validators → on failure store the error, back off and return →
parse → save every story (new ones only once per feed and key) → match new stories against all
topics and watches → one outbox row per chat and story, in the same transaction → next poll time.
Each story is saved and routed in a SAVEPOINT of its own: a row the database refuses is skipped
(and logged once), and the rest of the feed goes on. Parsing, matching and the database work run
in a worker thread, never on the event loop.

A feed's first poll records its backlog without alerting anyone; a watch only sees stories first
seen after it was made. Admins hear once when a feed starts failing and once when it recovers.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

import httpx
import sqlalchemy as sa
from sqlmodel import Session

from postbot import schedule
from postbot.catalog import CatalogRef
from postbot.clock import utcnow
from postbot.cluster_data import idf_table
from postbot.errors import FeedHTTPError, FeedUnreadable, FetchError
from postbot.feeds.fetch import FetchResult, fetch_feed
from postbot.feeds.parse import ParsedFeed, parse_feed
from postbot.feeds.story import Story
from postbot.logs import ctx
from postbot.match.breaking import REASON as BREAKING_REASON
from postbot.match.breaking import is_breaking, velocity
from postbot.match.cluster import (
    Fingerprint,
    band_keys,
    best_match,
    canonical_link,
    content_key,
    fingerprint,
)
from postbot.match.idf import IdfTable
from postbot.metrics import Metrics
from postbot.routing import Router
from postbot.store import repo
from postbot.store.models import Feed, StoryRow

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(days=1)
FAILING_AFTER = 3  # consecutive errors before admins are told a feed is failing
LEASE = timedelta(minutes=5)
SAME_STORY_WINDOW = timedelta(hours=48)
PRUNE_EVERY = timedelta(minutes=10)
EDIT_DELAY = timedelta(seconds=10)  # "also in" edits wait this long for more outlets
FINGERPRINT_CACHE = 4096  # stored stories' fingerprints kept for comparisons (a few MB)
REFUSED_MEMORY = 1024  # stories the database refused, remembered to log each once

Notify = Callable[[str, dict[str, str]], Awaitable[None]]
Now = Callable[[], datetime]
T = TypeVar("T")


def _shown(value: str | None, limit: int = 200) -> str:
    """A feed-supplied value fit for one log line: escaped and short."""
    return repr(value if value is None or len(value) <= limit else value[:limit] + "…")


def next_poll(now: datetime, interval: timedelta, rng: random.Random) -> datetime:
    """The next poll: one interval on, plus up to 10% (at most 30 s) of jitter."""
    jitter = rng.uniform(0, min(interval.total_seconds() * 0.1, 30.0))
    return now + interval + timedelta(seconds=jitter)


def backoff(interval: timedelta, errors: int, retry_after: float | None = None) -> timedelta:
    """Wait after `errors` consecutive failures: doubling from the interval, capped at a day."""
    wait: timedelta = min(interval * (2 ** max(errors - 1, 0)), MAX_BACKOFF)
    if retry_after is not None:
        wait = max(wait, min(timedelta(seconds=retry_after), MAX_BACKOFF))
    return wait


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A new story with its canonical link, fingerprint, band keys and cluster (if any)."""

    story: Story
    canon: str | None
    fp: Fingerprint | None  # None: not filed for text clustering (a first poll's backlog)
    keys: list[int]
    root: StoryRow | None


@dataclass(frozen=True, slots=True)
class _Saved:
    """A story just stored, and the first story of the cluster it joined (None: it is new)."""

    row: StoryRow
    root: StoryRow | None


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """What one poll did."""

    feed_id: str
    new_stories: int = 0
    queued: int = 0
    error: str | None = None


def _release_at(chat: schedule.Timing | None, now: datetime) -> datetime | None:
    """When an alert matched now goes to this chat: None at once, else with its digest."""
    if chat is None:
        return None
    try:
        return schedule.release_for(chat, now)
    except ValueError:  # settings the commands would have refused: send rather than lose
        log.warning("chat settings unreadable, alerting at once: %r", chat)
        return None


class Poller:
    """Claims due feeds and polls them, each in its own task."""

    def __init__(
        self,
        *,
        engine: sa.Engine,
        client: httpx.AsyncClient,
        catalog: CatalogRef,
        owner: str,
        notify_admins: Notify,
        on_queued: Callable[[], None] = lambda: None,
        concurrency: int = 8,
        now: Now = utcnow,
        rng: random.Random | None = None,
        metrics: Metrics | None = None,
        idf: IdfTable | None = None,
    ) -> None:
        self.engine = engine
        self.client = client
        self.catalog = catalog
        self.owner = owner
        self.notify_admins = notify_admins
        self.on_queued = on_queued
        self.concurrency = concurrency
        self.now = now
        self.rng = rng or random.Random()
        self.router = Router()
        self.metrics = metrics or Metrics()
        self._running: dict[str, asyncio.Task[PollOutcome]] = {}
        self._store_lock = threading.Lock()
        self._pruned_at: datetime | None = None
        self._prints: OrderedDict[int, Fingerprint] = OrderedDict()
        self._idf = idf or idf_table()  # the n-gram weights of story comparison (package data)
        self._refused: OrderedDict[tuple[str, str], None] = OrderedDict()

    def sync_feeds(self, *, poll_now: bool = True) -> None:
        """Make the feed rows match the config; with poll_now, every enabled feed is due now."""
        now = self.now()
        with Session(self.engine) as session:
            repo.upsert_feeds(session=session, feeds=self.catalog.current.config.feeds, now=now)
            if poll_now:
                session.exec(
                    sa.update(Feed)
                    .where(Feed.enabled.is_(True))  # type: ignore[attr-defined]
                    .values(next_poll_at=now)
                )
            session.commit()

    async def tick(self) -> list[asyncio.Task[PollOutcome]]:
        """Claim the feeds that are due (as many as there is room for) and start polling them."""
        room = self.concurrency - len(self._running)
        if room <= 0:
            return []
        claimed = await asyncio.to_thread(self._claim, room)
        tasks = []
        for feed_id, url, etag, last_modified, first_polled in claimed:
            if feed_id in self._running:  # our own lease ran out mid-poll: let it finish
                continue
            task = asyncio.create_task(
                self.poll(feed_id, url, etag, last_modified, alert=first_polled),
                name=f"poll:{feed_id}",
            )
            self._running[feed_id] = task
            task.add_done_callback(self._poll_done)
            tasks.append(task)
        return tasks

    def _claim(self, room: int) -> list[tuple[str, str, str | None, str | None, bool]]:
        now = self.now()
        with Session(self.engine) as session:
            feeds = repo.claim_due_feeds(
                session=session, owner=self.owner, now=now, lease_until=now + LEASE, limit=room
            )
            claimed = [(f.id, f.url, f.etag, f.last_modified, f.first_polled) for f in feeds]
            session.commit()
        return claimed

    def _poll_done(self, task: asyncio.Task[PollOutcome]) -> None:
        feed_id = task.get_name().removeprefix("poll:")
        self._running.pop(feed_id, None)

    async def wait_idle(self) -> None:
        """Wait for the polls in flight (shutdown, tests)."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def poll(
        self, feed_id: str, url: str, etag: str | None, last_modified: str | None, *, alert: bool
    ) -> PollOutcome:
        """Poll one claimed feed; errors are stored on the feed row, never raised."""
        try:
            fetched = await fetch_feed(self.client, url, etag=etag, last_modified=last_modified)
        except FetchError as exc:
            retry_after = exc.retry_after if isinstance(exc, FeedHTTPError) else None
            return await self._failed(feed_id, str(exc) or type(exc).__name__, retry_after)
        try:
            return await self._store(feed_id, fetched, alert=alert)
        except FeedUnreadable as exc:
            return await self._failed(feed_id, f"not a feed: {exc}", None)
        except Exception as exc:  # one bad feed never stops the others
            log.exception("feed %s: poll failed while storing", feed_id, extra=ctx(feed_id=feed_id))
            return await self._failed(feed_id, f"{type(exc).__name__}: {exc}", None)

    async def _store(self, feed_id: str, fetched: FetchResult, *, alert: bool) -> PollOutcome:
        # parsing and the database work run in a thread, so the event loop stays punctual for
        # the paced sends; one poll's store at a time (the router is shared, SQLite has one
        # writer)
        new, queued, recovered = await asyncio.to_thread(self._save, feed_id, fetched, alert)
        self.metrics.record_poll(feed_id, "not_modified" if fetched.not_modified else "ok", new)
        self.metrics.alerts_queued.inc(queued)
        log.info(
            "feed %s: %d new stories, %d alerts queued",
            feed_id,
            new,
            queued,
            extra=ctx(feed_id=feed_id),
        )
        if queued:
            self.on_queued()
        if recovered:
            await self._notify("feed_recovered", feed_id, "")
        return PollOutcome(feed_id, new_stories=new, queued=queued)

    def _save(self, feed_id: str, fetched: FetchResult, alert: bool) -> tuple[int, int, bool]:
        # parsing is pure and may take a second for a body of megabytes: done before taking the
        # store lock, so that other feeds' stores do not wait for it
        parsed = None
        if not fetched.not_modified:
            parsed = parse_feed(
                fetched.body,
                feed_id=feed_id,
                content_type=fetched.content_type,
                base_url=fetched.url,
            )
        with self._store_lock:
            return self._save_locked(feed_id, fetched, parsed, alert)

    def _save_locked(
        self, feed_id: str, fetched: FetchResult, parsed: ParsedFeed | None, alert: bool
    ) -> tuple[int, int, bool]:
        catalog_ref = self.catalog
        catalog = catalog_ref.current
        interval = self._interval(feed_id)
        now = self.now()
        new = queued = 0
        with Session(self.engine) as session:
            if parsed is not None:
                if parsed.warning and not parsed.stories and parsed.title is None:
                    # garbage, an HTML error page, a truncated download: a failed poll, so
                    # that the errors count up, the admins hear of it and /feedstatus shows it
                    raise FeedUnreadable(parsed.warning)
                if parsed.warning:
                    log.warning("feed %s: %s", feed_id, parsed.warning, extra=ctx(feed_id=feed_id))
                if alert:
                    self.router.refresh(session, catalog, catalog_ref.version)
                known = repo.known_story_keys(
                    session=session, feed_id=feed_id, keys=[st.key for st in parsed.stories]
                )
                fresh = [st for st in parsed.stories if st.key not in known]
                if fresh:  # one clustering save at a time, across processes
                    repo.lock_clustering(session=session)
                # reads and CPU first, writes after: on SQLite the write lock is taken at the
                # first write and held to the commit, and other threads wait for it. A first
                # poll's backlog is filed for clustering but joins no cluster (it alerts no one)
                prepared: list[_Prepared] = []
                for st in fresh:
                    item = self._isolated(session, st, self._prepare, session, st, now, alert)
                    if item is not None:
                        prepared.append(item)
                if fresh:
                    self._prune_bands(session, now)
                links: dict[str, StoryRow] = {}  # this poll's stories by canonical link
                if prepared:
                    repo.begin_story_writes(session=session)
                for item in prepared:
                    done = self._isolated(
                        session, item.story, self._save_and_route, session, item, now, links, alert
                    )
                    if done is not None and done[0]:
                        new += 1
                        queued += done[1]
            recovered = repo.record_poll_success(
                session=session,
                feed_id=feed_id,
                etag=fetched.etag,
                last_modified=fetched.last_modified,
                now=now,
                next_poll_at=next_poll(now, interval, self.rng),
            )
            session.commit()
        return new, queued, recovered

    def _isolated(
        self, session: Session, story: Story, fn: Callable[..., T], *args: object
    ) -> T | None:
        """`fn(*args)` in a SAVEPOINT of its own: a row the database refuses (a NUL byte on
        PostgreSQL, a value too long for an index, anything) loses that story only, never the
        poll's other stories. None when it failed: logged once per story, not per poll."""
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

    def _save_and_route(
        self,
        session: Session,
        item: _Prepared,
        now: datetime,
        links: dict[str, StoryRow],
        alert: bool,
    ) -> tuple[bool, int]:
        """Store one story and queue its alerts; (stored now, alerts queued).

        `links` is only updated once the story is stored: a story whose savepoint is rolled
        back must not become another's cluster root.
        """
        mine = dict(links)
        saved = self._save_story(session, item, now, mine)
        if saved is None:
            return False, 0
        # a first poll records the backlog and alerts no one
        queued = self._route(session, saved, now) if alert else 0
        links.update(mine)
        return True, queued

    def _prepare(self, session: Session, story: Story, now: datetime, find_root: bool) -> _Prepared:
        """Everything saving a story needs that reads the store or costs CPU."""
        canon = canonical_link(story.link) if story.link else None
        if not find_root:
            # a first poll's backlog: its canonical links are kept, but it is not filed for text
            # clustering (20 to 50 stories a feed, none alerted); a later copy of one of them
            # in another feed is news to every subscriber and is alerted
            return _Prepared(story, canon, None, [], None)
        # its time: a larger toll 45 min later is an update, days apart weigh against a join
        fp = fingerprint(story.title, story.summary, now, idf=self._idf)
        keys = band_keys(fp)
        root = self._cluster_root(session, story.feed_id, canon, fp, keys, now)
        return _Prepared(story, canon, fp, keys, root)

    def _save_story(
        self, session: Session, item: _Prepared, now: datetime, links: dict[str, StoryRow]
    ) -> _Saved | None:
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
        return _Saved(row, root)

    def _fingerprint_of(self, row: StoryRow) -> Fingerprint:
        """A stored story's fingerprint; recent ones are compared again and again, so cached."""
        key = row.id or 0
        found = self._prints.get(key)
        if found is None:
            found = fingerprint(row.title, row.summary, row.first_seen_at, idf=self._idf)
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
            root = session.get(StoryRow, first.cluster_id)
            return root if root is not None else first
        return first

    def _route(self, session: Session, saved: _Saved, now: datetime) -> int:
        """Queue alerts for a new story; a later copy edits the first one's alerts instead."""
        row, root = saved.row, saved.root
        assert row.id is not None
        skip: set[int] = set()
        queued = 0
        if root is not None:
            assert root.id is not None
            self.metrics.stories_clustered.inc()
            if repo.add_also_in(session=session, story_id=root.id, feed_id=row.feed_id):
                # a little later: outlets often come in a burst, and one edit names them all
                edits = repo.mark_for_edit(session=session, story_id=root.id, now=now + EDIT_DELAY)
                log.info(
                    "feed %s: %s is story %s again (from feed %s): %d alerts to edit",
                    row.feed_id,
                    row.key,
                    root.id,
                    root.feed_id,
                    edits,
                    extra=ctx(feed_id=row.feed_id, story_key=row.key, story_id=root.id),
                )
                queued += self._breaking(session, root, now)
            # chats alerted to the cluster already hear of it no more; a copy whose wording
            # matches other chats' watches still reaches those
            skip = repo.cluster_chats(session=session, root_id=root.id)
        match = self.router.match(row.title, row.summary)
        if not match.matched:
            return queued
        recipients = self.router.recipients(session, match, first_seen=row.first_seen_at)
        for chat in skip:
            recipients.pop(chat, None)
        schedules = repo.chats_by_id(session=session, chat_ids=recipients)
        for chat_id, reasons in recipients.items():
            queued += repo.enqueue_delivery(
                session=session,
                chat_id=chat_id,
                story_id=row.id,
                reasons=reasons,
                now=now,
                release_at=_release_at(schedules.get(chat_id), now),
            )
        return queued

    def _breaking(self, session: Session, root: StoryRow, now: datetime) -> int:
        """Another outlet joined the cluster `root` started: mark it breaking once enough
        outlets came fast enough, and queue it for the chats that take every breaking story.

        The velocity is read from the stories' stored first-seen times under the clustering
        lock, so two processes agree on it. The figures shown are updated while outlets keep
        coming within the window (their alerts are being edited anyway); the `/breaking on`
        chats are queued once, when the story turns breaking.
        """
        assert root.id is not None
        rule = self.catalog.current.config.breaking
        speed = velocity(
            repo.cluster_sightings(session=session, root_id=root.id),
            start=root.first_seen_at,
            window=timedelta(minutes=rule.minutes),
        )
        if not is_breaking(speed, outlets=rule.outlets):
            return 0
        newly, _ = repo.mark_breaking(
            session=session,
            root_id=root.id,
            outlets=speed.outlets,
            minutes=speed.minutes,
            now=now,
        )
        if not newly:
            return 0
        alerted = repo.cluster_chats(session=session, root_id=root.id)
        chats = [c for c in repo.breaking_chats(session=session) if c not in alerted]
        schedules = repo.chats_by_id(session=session, chat_ids=chats)
        queued = 0
        for chat_id in chats:
            queued += repo.enqueue_delivery(
                session=session,
                chat_id=chat_id,
                story_id=root.id,
                reasons=[BREAKING_REASON],
                now=now,
                release_at=_release_at(schedules.get(chat_id), now),
            )
        log.info(
            "story %s is breaking: %d outlets in %d min; %d /breaking chats queued",
            root.id,
            speed.outlets,
            speed.minutes,
            queued,
            extra=ctx(story_id=root.id),
        )
        return queued

    def _prune_bands(self, session: Session, now: datetime) -> None:
        """Forget band keys older than the clustering window, every few minutes."""
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        repo.prune_bands(session=session, before=now - SAME_STORY_WINDOW)

    async def _failed(self, feed_id: str, error: str, retry_after: float | None) -> PollOutcome:
        errors, tell = await asyncio.to_thread(self._record_failure, feed_id, error, retry_after)
        self.metrics.record_poll(feed_id, "error")
        log.warning(
            "feed %s: poll failed (%d in a row): %s",
            feed_id,
            errors,
            error,
            extra=ctx(feed_id=feed_id),
        )
        if tell:
            await self._notify("feed_failing", feed_id, error)
        return PollOutcome(feed_id, error=error)

    def _record_failure(
        self, feed_id: str, error: str, retry_after: float | None
    ) -> tuple[int, bool]:
        """Store the error and the backed-off next poll; True if admins must now be told."""
        now = self.now()
        interval = self._interval(feed_id)
        tell = False
        with Session(self.engine) as session:
            feed = repo.get_feed(session=session, feed_id=feed_id)
            errors = (feed.consecutive_errors if feed else 0) + 1
            repo.record_poll_failure(
                session=session,
                feed_id=feed_id,
                error=error,
                now=now,
                next_poll_at=now + backoff(interval, errors, retry_after),
            )
            if errors >= FAILING_AFTER and feed is not None and not feed.failing_notified:
                repo.mark_failing_notified(session=session, feed_id=feed_id)
                tell = True
            session.commit()
        return errors, tell

    async def _notify(self, key: str, feed_id: str, error: str) -> None:
        name = self.catalog.current.feed_name(feed_id)
        try:
            await self.notify_admins(key, {"feed": name, "feed_id": feed_id, "error": error[:300]})
        except Exception:  # telling admins must never break polling
            log.exception("feed %s: could not notify admins", feed_id, extra=ctx(feed_id=feed_id))

    def _interval(self, feed_id: str) -> timedelta:
        catalog = self.catalog.current
        feed = catalog.feed(feed_id)
        return feed.interval if feed else catalog.config.default_interval
