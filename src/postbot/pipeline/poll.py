"""The poller: claims the feeds that are due and refreshes each in a task of its own.

The story of a feed item in the running bot: claim (here) → fetch and record (refresh.py) →
parse, save and cluster (ingest.py, clustering.py) → match and enqueue (enqueue.py, route.py).
A claim is a lease on the feed row, so no two polls of one feed overlap, in this process or
another; the due times live in the database, so backoff and jitter survive restarts.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import timedelta

import httpx
import sqlalchemy as sa
from sqlmodel import Session

from postbot.clock import utcnow
from postbot.config.catalog import CatalogRef
from postbot.ops.metrics import Metrics
from postbot.pipeline.clustering import Clusterer
from postbot.pipeline.enqueue import Enqueuer
from postbot.pipeline.ingest import Ingester
from postbot.pipeline.refresh import ClaimedFeed, Notify, Now, PollOutcome, Refresher
from postbot.store import repo

LEASE = timedelta(minutes=5)


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
                ClaimedFeed(f.id, f.url, f.etag, f.last_modified, f.first_polled) for f in feeds
            ]
            session.commit()
        return claimed

    def _poll_done(self, task: asyncio.Task[PollOutcome]) -> None:
        self._running.pop(task.get_name().removeprefix("poll:"), None)

    async def wait_idle(self) -> None:
        """Wait for the polls in flight (shutdown, tests)."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)
