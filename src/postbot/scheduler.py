"""When things run: one APScheduler (AsyncIOScheduler) for `postbot run` and `postbot worker`.

The scheduler only decides *when*; its jobs, each at most one instance at a time, late runs
coalesced into one:

    poll    every `tick` seconds: the Poller claims whatever feeds are due (the due times live
            in the database, so backoff and jitter survive restarts and are shared by processes)
    send    every `send_every` seconds, and at once when the dispatcher is woken (deliveries
            were queued, a chat's turn ended): `Dispatcher.send_tick`, again while it starts
            chats or a wake came during it
    leases  every RENEW_EVERY: `Dispatcher.renew_leases`, so that a dead process's chats are
            taken over
    prune   daily (first PRUNE_FIRST after start): stories older than `retention_days` are
            deleted in small batches, each its own transaction, with a pause between batches
            so that polls and sends get the database in turn (service/search.py)

Held alerts (digests, quiet hours) need no job of their own: a held delivery's `release_at` is
its due time in the outbox, and the send tick claims it when it comes. `stop` lets polls and
sends in flight finish, up to a grace period.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeVar

import httpx
import sqlalchemy as sa
from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]
from sqlmodel import Session

from postbot.delivery.dispatch import RENEW_EVERY
from postbot.ops.metrics import Metrics
from postbot.service.search import PRUNE_BATCH, prune_batch
from postbot.store import repo

log = logging.getLogger(__name__)
T = TypeVar("T")

TICK_SECONDS = 1.0
SEND_SECONDS = 1.0
STOP_GRACE_SECONDS = 10.0
POLL, SEND, LEASES, PRUNE = "poll", "send", "leases", "prune"
PRUNE_EVERY = timedelta(days=1)
PRUNE_FIRST = timedelta(minutes=10)  # after start: the first polls go first
PRUNE_PAUSE = 0.2  # seconds between two batches of deletions


def process_owner() -> str:
    """A name for this process's leases: host, pid and a random part."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


class Polls(Protocol):
    """What the poll job drives (pipeline/refresh.py's Poller)."""

    def sync_feeds(self, *, poll_now: bool = True) -> None: ...
    async def tick(self) -> Sequence[object]: ...
    async def wait_idle(self) -> None: ...


class Sends(Protocol):
    """What the send and lease jobs drive (delivery/dispatch.py's Dispatcher)."""

    on_wake: Callable[[], None] | None

    async def send_tick(self) -> int: ...
    async def renew_leases(self) -> None: ...
    async def stop(self) -> None: ...


class Scheduler:
    """Polls due feeds and sends the outbox, on APScheduler's jobs, until stopped."""

    def __init__(
        self,
        *,
        engine: sa.Engine,
        poller: Polls,
        dispatcher: Sends,
        owner: str,
        client: httpx.AsyncClient | None = None,
        tick: float = TICK_SECONDS,
        send_every: float = SEND_SECONDS,
        renew_every: float = RENEW_EVERY.total_seconds(),
        metrics: Metrics | None = None,
        retention_days: Callable[[], int] | None = None,
    ) -> None:
        self.engine = engine
        self.poller = poller
        self.dispatcher = dispatcher
        self.owner = owner
        self.client = client  # the feeds' HTTP client, closed once the last poll is done
        self.tick_seconds = tick
        self.send_seconds = send_every
        self.renew_seconds = renew_every
        self.metrics = metrics or Metrics()
        self.retention_days = retention_days  # read at each run: /reload may change it
        self.dispatcher.on_wake = self.wake_sender
        self.metrics.set_queue_probe(self._queue_depth)
        # misfire_grace_time None: a tick late because the loop was busy still runs (once)
        self.jobs = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
        )
        self._stopping = False
        self._sending = False  # a send job is running
        self._send_again = False  # woken while it ran: it runs its tick once more
        self._send_called = False  # woken while idle: the job is due now already
        self._running: set[asyncio.Task[object]] = set()

    async def start(self, *, poll_now: bool = True) -> None:
        """Sync the feed rows with the config and start the jobs; with `poll_now` (postbot run)
        every enabled feed is due at once, while a worker joining others leaves due times be."""
        self.poller.sync_feeds(poll_now=poll_now)
        if self.engine.dialect.name == "sqlite":
            with Session(self.engine) as session:
                released = repo.release_all_leases(session=session)
                session.commit()
            if released:
                log.info(
                    "released %d claims left by a previous run that did not stop cleanly", released
                )
        now = datetime.now(UTC)
        every = self.jobs.add_job
        every(self.poll_tick, "interval", seconds=self.tick_seconds, id=POLL, next_run_time=now)
        every(self.send_tick, "interval", seconds=self.send_seconds, id=SEND, next_run_time=now)
        every(self.renew_leases, "interval", seconds=self.renew_seconds, id=LEASES)
        if self.retention_days is not None:
            first = now + PRUNE_FIRST
            every(
                self.prune,
                "interval",
                seconds=PRUNE_EVERY.total_seconds(),
                id=PRUNE,
                next_run_time=first,
            )
        self.jobs.start()
        log.info("scheduler %s started", self.owner)

    async def poll_tick(self) -> None:
        """Start polls for the feeds that are due; errors are logged, never raised."""
        await self._tracked(self._poll_tick)

    async def _poll_tick(self) -> None:
        self.metrics.heartbeat("poll")
        try:
            await self.poller.tick()
        except Exception:  # the database hiccuped: the next tick tries again
            log.exception("poll tick failed")

    async def send_tick(self) -> None:
        """Claim chats with due alerts; again at once while that started chats or a wake came
        meanwhile (a wake while the job runs cannot start a second instance of it)."""
        self._sending, self._send_called = True, False
        try:
            while not self._stopping:
                self._send_again = False
                started = await self._tracked(self.dispatcher.send_tick)
                if not started and not self._send_again:
                    break
        finally:
            self._sending = False

    async def renew_leases(self) -> None:
        """Keep this process's chat leases alive while it serves them."""
        await self._tracked(self.dispatcher.renew_leases)

    async def prune(self) -> int:
        """Delete the stories past retention, a batch at a time; returns how many went."""
        result = await self._tracked(self._prune)
        return result or 0

    async def _prune(self) -> int:
        if self.retention_days is None:
            return 0
        before = datetime.now(UTC) - timedelta(days=self.retention_days())
        total = 0
        try:
            while not self._stopping:
                deleted = await asyncio.to_thread(prune_batch, self.engine, before=before)
                total += deleted
                if deleted < PRUNE_BATCH:
                    break
                await asyncio.sleep(PRUNE_PAUSE)
        except Exception:  # the database hiccuped: tomorrow's run goes on
            log.exception("pruning old stories failed after %d", total)
        if total:
            log.info("pruned %d stories first seen before %s", total, before.isoformat())
        return total

    def wake_sender(self) -> None:
        """Run the send job now (new deliveries were queued, or a chat's turn ended)."""
        if self._stopping or not self.jobs.running:
            return
        if self._sending:
            self._send_again = True
        elif not self._send_called:  # a burst of wakes (chats finishing) moves the job once
            self._send_called = True
            self.jobs.modify_job(SEND, next_run_time=datetime.now(UTC))

    async def _tracked(self, job: Callable[[], Awaitable[T]]) -> T | None:
        """Run one job's work unless stopping, known to `stop` while it runs."""
        if self._stopping:
            return None
        task: asyncio.Task[object] | None = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            return await job()
        finally:
            if task is not None:
                self._running.discard(task)

    def _queue_depth(self) -> tuple[int, int]:
        """(pending alerts, failing feeds) for /metrics; runs in the metrics server's thread."""
        with Session(self.engine) as session:
            return repo.count_pending(session=session), repo.count_failing_feeds(session=session)

    async def stop(self) -> None:
        """Stop the jobs; let polls and sends in flight finish (up to a grace period)."""
        self._stopping = True
        if not self.jobs.running:  # never started
            return
        # paused, not shut down yet: APScheduler's shutdown cancels the jobs in flight, and a
        # poll tick cancelled after its claim would leave the claimed feeds leased
        self.jobs.pause()
        me = asyncio.current_task()
        try:
            async with asyncio.timeout(STOP_GRACE_SECONDS):
                await asyncio.gather(
                    *(t for t in self._running if t is not me), return_exceptions=True
                )
                await self.dispatcher.stop()
                await self.poller.wait_idle()
        except TimeoutError:
            log.warning(
                "scheduler: work still in flight after %.0fs; its leases will expire",
                STOP_GRACE_SECONDS,
            )
        self.jobs.shutdown(wait=False)
        if self.client is not None:
            await self.client.aclose()
        log.info("scheduler %s stopped", self.owner)
