"""The story of a feed item in the running bot: claim → fetch → parse → save → match → enqueue.

`Poller.tick` claims the feeds that are due (a lease, so no two polls of one feed overlap, in
this process or another) and polls each in its own task. One poll reads top to bottom:
conditional GET with the stored validators → on failure store the error, back off and return →
parse → save every story (new ones only once per feed and key) → match new stories against all
topics and watches → one outbox row per chat and story, in the same transaction → next poll time.

A feed's first poll records its backlog without alerting anyone; a watch only sees stories first
seen after it was made. Admins hear once when a feed starts failing and once when it recovers.
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

from postbot.catalog import CatalogRef
from postbot.clock import utcnow
from postbot.errors import FeedHTTPError, FeedUnreadable, FetchError
from postbot.feeds.fetch import FetchResult, fetch_feed
from postbot.feeds.parse import parse_feed
from postbot.logs import ctx
from postbot.metrics import Metrics
from postbot.routing import Router
from postbot.store import repo
from postbot.store.models import Feed, StoryRow

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(days=1)
FAILING_AFTER = 3  # consecutive errors before admins are told a feed is failing
LEASE = timedelta(minutes=5)
SAME_STORY_WINDOW = timedelta(hours=48)

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
        with self._store_lock:
            return self._save_locked(feed_id, fetched, alert)

    def _save_locked(
        self, feed_id: str, fetched: FetchResult, alert: bool
    ) -> tuple[int, int, bool]:
        catalog_ref = self.catalog
        catalog = catalog_ref.current
        interval = self._interval(feed_id)
        now = self.now()
        new = queued = 0
        with Session(self.engine) as session:
            if not fetched.not_modified:
                parsed = parse_feed(
                    fetched.body,
                    feed_id=feed_id,
                    content_type=fetched.content_type,
                    base_url=fetched.url,
                )
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
                for story in parsed.stories:
                    if story.key in known:
                        continue  # most of a feed is stories seen before: one query for them all
                    row, created = repo.save_story(session=session, story=story, now=now)
                    if not created:
                        continue
                    new += 1
                    if not alert:
                        continue  # first poll: the backlog is recorded, not alerted
                    if self._seen_elsewhere(session, row, now):
                        continue  # the same link came from another feed: alerted already
                    match = self.router.match(story.title, story.summary)
                    if not match.matched:
                        continue
                    assert row.id is not None
                    for chat_id, reasons in self.router.recipients(
                        session, match, first_seen=row.first_seen_at
                    ).items():
                        queued += repo.enqueue_delivery(
                            session=session,
                            chat_id=chat_id,
                            story_id=row.id,
                            reasons=reasons,
                            now=now,
                        )
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

    def _seen_elsewhere(self, session: Session, row: StoryRow, now: datetime) -> bool:
        """A story with this link was seen in the last 48 h (in another feed, or this one
        under another guid): note this feed on it and do not alert twice. Near-identical
        stories with different links are the clustering issue's work."""
        if not row.link:
            return False
        first = repo.find_story_by_link(session=session, link=row.link, exclude_id=row.id)
        if first is None or first.first_seen_at < now - SAME_STORY_WINDOW:
            return False
        assert first.id is not None
        repo.add_also_in(session=session, story_id=first.id, feed_id=row.feed_id)
        log.info(
            "feed %s: %s was already seen in feed %s",
            row.feed_id,
            row.key,
            first.feed_id,
            extra=ctx(feed_id=row.feed_id, story_key=row.key, story_id=first.id),
        )
        return True

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
