"""Refresh: claim the feeds that are due → fetch each → ingest → record the outcome on its row.

The story of a feed item in the running bot: claim and fetch (here) → parse, save and cluster
(ingest.py) → match and enqueue (enqueue.py, with route.py's Router) → send (delivery/).

`Poller.tick` claims due feeds with a lease on their rows, so no two polls of one feed overlap,
in this process or another (the due times live in the database, so backoff and jitter survive
restarts), and refreshes each in a task of its own. One refresh reads top to bottom:
conditional GET with the stored validators → on failure store the error on the row, back off
(doubling from the feed's interval, capped at a day, at least the server's Retry-After) and
return → parse and ingest the new stories → in the same transaction, store the validators,
reset the error count and set the next poll (one interval on, plus jitter; the interval is
stretched up to 4x, at most to 30 minutes, for a feed with no new story for hours: cadence.py).
Admins hear once when a feed starts failing (after FAILING_AFTER errors in a row) and once
when it recovers.
Parsing and the database work run in a worker thread, never on the event loop. A public
Telegram channel is polled the same way, from its preview page (`feeds/channel.py`) under the
`channel_preview` base URL (POSTBOT_TELEGRAM_PREVIEW_URL, https://t.me/s by default); when a
busy channel posted more than its page shows since the last poll, its older pages are read to
close the gap (`backfill.py`, a few pages per poll at most).
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
import sqlalchemy as sa
from sqlmodel import Session

from postbot.clock import utcnow
from postbot.config.catalog import CatalogRef
from postbot.config.model import CHANNEL_PREVIEW
from postbot.errors import FeedHTTPError, FeedUnreadable, FetchError
from postbot.feeds.channel import preview_url
from postbot.feeds.fetch import FetchResult, fetch_feed
from postbot.feeds.parse import ParsedFeed
from postbot.ops.logs import ctx
from postbot.ops.metrics import Metrics
from postbot.pipeline.backfill import GapFiller
from postbot.pipeline.cadence import adaptive_interval
from postbot.pipeline.enqueue import Enqueuer
from postbot.pipeline.ingest import Clusterer, Ingested, Ingester, parse
from postbot.store import repo

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(days=1)
FAILING_AFTER = 3  # consecutive errors before admins are told a feed is failing

Notify = Callable[[str, dict[str, str]], Awaitable[None]]
Now = Callable[[], datetime]


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
class ClaimedFeed:
    """A feed leased to this process for one poll, with its stored validators."""

    id: str
    url: str
    etag: str | None
    last_modified: str | None
    first_polled: bool  # False: its first poll, which records the backlog and alerts no one
    last_new_at: datetime | None = None  # when a poll last brought a new story


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """What one poll did."""

    feed_id: str
    new_stories: int = 0
    queued: int = 0
    error: str | None = None


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
        channel_preview: str = CHANNEL_PREVIEW,
    ) -> None:
        self.engine = engine
        self.catalog = catalog
        self.owner = owner
        self.concurrency = concurrency
        self.now = now
        self.metrics = metrics or Metrics()
        self.ingester = Ingester(
            clusters=Clusterer(), enqueuer=Enqueuer(catalog=catalog, metrics=self.metrics)
        )
        self.refresher = Refresher(
            engine=engine,
            client=client,
            catalog=catalog,
            ingester=self.ingester,
            notify_admins=notify_admins,
            on_queued=on_queued,
            now=now,
            rng=rng or random.Random(),
            metrics=self.metrics,
            channel_preview=channel_preview,
        )
        self._running: dict[str, asyncio.Task[PollOutcome]] = {}

    def sync_feeds(self, *, poll_now: bool = True) -> None:
        """Make the feed rows match the config; with poll_now, every enabled feed is due now."""
        now = self.now()
        with Session(self.engine) as session:
            repo.upsert_feeds(session=session, feeds=self.catalog.current.config.feeds, now=now)
            if poll_now:
                repo.make_feeds_due(session=session, now=now)
            session.commit()

    async def tick(self) -> list[asyncio.Task[PollOutcome]]:
        """Claim the feeds that are due (as many as there is room for) and start polling them."""
        room = self.concurrency - len(self._running)
        if room <= 0:
            return []
        tasks = []
        for feed in await asyncio.to_thread(self._claim, room):
            if feed.id in self._running:  # our own lease ran out mid-poll: let it finish
                continue
            task = asyncio.create_task(self.refresher.refresh(feed), name=f"poll:{feed.id}")
            self._running[feed.id] = task
            task.add_done_callback(self._poll_done)
            tasks.append(task)
        return tasks

    def _claim(self, room: int) -> list[ClaimedFeed]:
        now = self.now()
        with Session(self.engine) as session:
            feeds = repo.claim_due_feeds(
                session=session, owner=self.owner, now=now, lease_until=now + LEASE, limit=room
            )
            claimed = [
                ClaimedFeed(f.id, f.url, f.etag, f.last_modified, f.first_polled, f.last_new_at)
                for f in feeds
            ]
            session.commit()
        return claimed

    def _poll_done(self, task: asyncio.Task[PollOutcome]) -> None:
        self._running.pop(task.get_name().removeprefix("poll:"), None)

    async def wait_idle(self) -> None:
        """Wait for the polls in flight (shutdown, tests)."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)


class Refresher:
    """Polls one claimed feed at a time per call; errors go on the feed row, never raised."""

    def __init__(
        self,
        *,
        engine: sa.Engine,
        client: httpx.AsyncClient,
        catalog: CatalogRef,
        ingester: Ingester,
        notify_admins: Notify,
        on_queued: Callable[[], None],
        now: Now,
        rng: random.Random,
        metrics: Metrics,
        channel_preview: str = CHANNEL_PREVIEW,
    ) -> None:
        self.engine = engine
        self.client = client
        self.channel_preview = channel_preview.rstrip("/")
        self.catalog = catalog
        self.ingester = ingester
        self.notify_admins = notify_admins
        self.on_queued = on_queued
        self.now = now
        self.rng = rng
        self.metrics = metrics
        self.gaps = GapFiller(engine=engine, client=client, channel_preview=self.channel_preview)
        # one poll's store at a time: the ingester's caches are shared, SQLite has one writer
        self._store_lock = threading.Lock()

    async def refresh(self, feed: ClaimedFeed) -> PollOutcome:
        """Poll one claimed feed; errors are stored on the feed row, never raised."""
        try:
            fetched = await fetch_feed(
                self.client, self._source(feed), etag=feed.etag, last_modified=feed.last_modified
            )
        except FetchError as exc:
            retry_after = exc.retry_after if isinstance(exc, FeedHTTPError) else None
            return await self._failed(feed.id, str(exc) or type(exc).__name__, retry_after)
        try:
            # parsing is pure and may take a second for a body of megabytes: in a thread, and
            # before the store lock, so that other feeds' stores do not wait for it
            channel = self._channel(feed.id)
            parsed = await asyncio.to_thread(parse, feed.id, fetched, channel=channel)
            if channel is not None and parsed is not None and feed.first_polled:
                # a busy channel's posts since the last poll, from its older pages (backfill.py)
                parsed = await self.gaps.fill(feed.id, channel, parsed)
            return await self._store(feed, fetched, parsed)
        except FeedUnreadable as exc:
            return await self._failed(feed.id, f"not a feed: {exc}", None)
        except Exception as exc:  # one bad feed never stops the others
            log.exception("feed %s: poll failed while storing", feed.id, extra=ctx(feed_id=feed.id))
            return await self._failed(feed.id, f"{type(exc).__name__}: {exc}", None)

    async def _store(
        self, feed: ClaimedFeed, fetched: FetchResult, parsed: ParsedFeed | None
    ) -> PollOutcome:
        # in a thread, so that the event loop stays punctual for the paced sends
        done, recovered = await asyncio.to_thread(self._save, feed, fetched, parsed)
        self.metrics.record_poll(
            feed.id, "not_modified" if fetched.not_modified else "ok", done.new
        )
        self.metrics.alerts_queued.inc(done.queued)
        log.info(
            "feed %s: %d new stories, %d alerts queued",
            feed.id,
            done.new,
            done.queued,
            extra=ctx(feed_id=feed.id),
        )
        if done.queued:
            self.on_queued()
        if recovered:
            await self._notify("feed_recovered", feed.id, "")
        return PollOutcome(feed.id, new_stories=done.new, queued=done.queued)

    def _save(
        self, feed: ClaimedFeed, fetched: FetchResult, parsed: ParsedFeed | None
    ) -> tuple[Ingested, bool]:
        """Ingest the stories and record the poll, in one transaction; (ingested, recovered)."""
        with self._store_lock:
            interval = self._interval(feed.id)
            now = self.now()
            with Session(self.engine) as session:
                done = Ingested()
                if parsed is not None:
                    done = self.ingester.ingest(
                        session, feed.id, parsed, now, alert=feed.first_polled
                    )
                # adaptive polling: a feed quiet for hours is polled less often (cadence.py)
                last_new = now if done.new else feed.last_new_at
                quiet = now - last_new if last_new is not None else None
                recovered = repo.record_poll_success(
                    session=session,
                    feed_id=feed.id,
                    etag=fetched.etag,
                    last_modified=fetched.last_modified,
                    now=now,
                    next_poll_at=next_poll(now, adaptive_interval(interval, quiet), self.rng),
                    last_new_at=last_new,
                )
                session.commit()
        return done, recovered

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

    def _channel(self, feed_id: str) -> str | None:
        """The Telegram channel's username, for a channel source."""
        feed = self.catalog.current.feed(feed_id)
        return feed.telegram if feed else None

    def _source(self, feed: ClaimedFeed) -> str:
        """What to fetch: the feed's URL, or a channel's page under the preview base URL."""
        channel = self._channel(feed.id)
        return preview_url(channel, self.channel_preview) if channel else feed.url

    def _interval(self, feed_id: str) -> timedelta:
        catalog = self.catalog.current
        feed = catalog.feed(feed_id)
        return feed.interval if feed else catalog.config.default_interval
