"""When things run: the feed poll tick and the outbox dispatcher of one process.

The scheduler only decides *when*: every `tick` seconds it asks the Poller to claim whatever
feeds are due (the due times live in the database, so backoff and jitter survive restarts and
are shared by processes), and it keeps one Dispatcher loop running that sends the outbox.
In `postbot run` the tick is a PTB JobQueue job; `stop` lets in-flight work finish.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Coroutine
from contextlib import suppress
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import Session
from telegram import Bot
from telegram.ext import ContextTypes, JobQueue

from postbot.config.catalog import CatalogRef
from postbot.delivery.dispatch import RENEW_EVERY, Dispatcher
from postbot.delivery.flood import FloodGate
from postbot.ops.metrics import Metrics
from postbot.pipeline.poll import Notify, Poller
from postbot.store import repo
from postbot.store.leases import release_all

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
IDLE_SECONDS = 1.0  # a send tick at least this often (woken at once when work is queued)
STOP_GRACE_SECONDS = 10.0


async def _first(*waits: Coroutine[Any, Any, Any]) -> None:
    """Wait until the first of `waits` is done; cancel the others."""
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


def process_owner() -> str:
    """A name for this process's leases: host, pid and a random part."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


class Scheduler:
    """Polls due feeds and runs the dispatcher until stopped."""

    def __init__(
        self,
        *,
        engine: sa.Engine,
        bot: Bot,
        catalog: CatalogRef,
        client: httpx.AsyncClient,
        notify_admins: Notify,
        owner: str | None = None,
        tick: float = TICK_SECONDS,
        gate: FloodGate | None = None,
        metrics: Metrics | None = None,
        paid_broadcast: bool = False,
    ) -> None:
        self.owner = owner or process_owner()
        self.engine = engine
        self.client = client
        self.tick_seconds = tick
        self.metrics = metrics or Metrics()
        self.dispatcher = Dispatcher(
            engine=engine,
            bot=bot,
            catalog=catalog,
            owner=self.owner,
            gate=gate,
            paid_broadcast=paid_broadcast,
            metrics=self.metrics,
        )
        self.poller = Poller(
            engine=engine,
            client=client,
            catalog=catalog,
            owner=self.owner,
            notify_admins=notify_admins,
            on_queued=self.dispatcher.wake,
            metrics=self.metrics,
        )
        self.metrics.set_queue_probe(self._queue_depth)
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(
        self, job_queue: JobQueue[ContextTypes.DEFAULT_TYPE] | None = None, *, poll_now: bool = True
    ) -> None:
        """Sync the feed rows with the config and start working; with `poll_now` (postbot run)
        every enabled feed is due at once, while a worker joining others leaves due times be."""
        self.poller.sync_feeds(poll_now=poll_now)
        if self.engine.dialect.name == "sqlite":
            with Session(self.engine) as session:
                released = release_all(session)
                session.commit()
            if released:
                log.info(
                    "released %d claims left by a previous run that did not stop cleanly", released
                )
        self._tasks.append(asyncio.create_task(self._send_loop(), name="dispatch"))
        self._tasks.append(asyncio.create_task(self._renew_loop(), name="dispatch leases"))
        if job_queue is not None:
            job_queue.run_repeating(
                self._job, interval=self.tick_seconds, first=0.0, name="poll due feeds"
            )
        else:
            self._tasks.append(asyncio.create_task(self._loop(), name="poll loop"))
        log.info("scheduler %s started", self.owner)

    async def _job(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.tick()

    async def tick(self) -> None:
        """Start polls for the feeds that are due; errors are logged, never raised."""
        if self._stop.is_set():
            return
        self.metrics.heartbeat("poll")
        try:
            await self.poller.tick()
        except Exception:  # the database hiccuped: the next tick tries again
            log.exception("poll tick failed")

    async def _loop(self) -> None:
        while not self._stop.is_set():
            await self.tick()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.tick_seconds)

    async def _send_loop(self) -> None:
        """Send ticks until stopped: at once when woken (new deliveries, a chat done), else
        every IDLE_SECONDS; then let the chats in flight finish their message."""
        woken = asyncio.Event()
        self.dispatcher.on_wake = woken.set
        while not self._stop.is_set():
            if not await self.dispatcher.send_tick():
                woken.clear()
                with suppress(TimeoutError):
                    async with asyncio.timeout(IDLE_SECONDS):
                        await _first(self._stop.wait(), woken.wait())
        await self.dispatcher.stop()

    async def _renew_loop(self) -> None:
        """Renew this process's chat send leases while it runs (a dead process stops this)."""
        while not self._stop.is_set():
            with suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), RENEW_EVERY.total_seconds())
            await self.dispatcher.renew_leases()

    def _queue_depth(self) -> tuple[int, int]:
        """(pending alerts, failing feeds) for /metrics; runs in the metrics server's thread."""
        with Session(self.engine) as session:
            return repo.count_pending(session=session), repo.count_failing_feeds(session=session)

    async def stop(self) -> None:
        """Stop claiming; let polls and sends in flight finish (up to a grace period)."""
        self._stop.set()
        try:
            async with asyncio.timeout(STOP_GRACE_SECONDS):
                await asyncio.gather(*self._tasks, return_exceptions=True)
                await self.poller.wait_idle()
        except TimeoutError:
            log.warning(
                "scheduler: work still in flight after %.0fs; its leases will expire",
                STOP_GRACE_SECONDS,
            )
            for task in self._tasks:
                task.cancel()
        await self.client.aclose()
        log.info("scheduler %s stopped", self.owner)
