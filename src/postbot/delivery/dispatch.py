"""The outbox sender: claims due deliveries and sends them, honouring Telegram's answers (§7).

A delivery is marked sent only after Telegram accepted it; until then it stays in the outbox
with a lease, so a crash loses nothing (the lease ends and it is claimed again). What each
Telegram answer means:

    ok                       → sent (message id kept, for later edits)
    429 Too Many Requests    → the chat is paused for retry_after and the same message re-sent
                               (PTB's rate limiter does it; if it keeps coming, the delivery
                               waits in the outbox until retry_after has passed)
    403 Forbidden            → the chat blocked us or removed us: deactivated, its pending
                               alerts given up, its watches kept until it comes back with /start
    400 chat migrated        → the stored chat id follows the supergroup, and the message goes
                               to the new id
    400 can't parse entities → sent again as plain text
    other 400                → given up (logged; retrying cannot help)
    network error / timeout  → retried with backoff, up to `max_attempts`

Chats are served concurrently, each chat's alerts in order; the FloodGate inside the bot's
rate limiter paces them. A chat with a long queue gets a few per claim so others are not held.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, select
from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from postbot.alerts.render import visible_text
from postbot.catalog import CatalogRef
from postbot.delivery.build import AlertBuilder
from postbot.delivery.ratelimit import retry_seconds
from postbot.store import repo
from postbot.store.models import Chat, Delivery, StoryRow

log = logging.getLogger(__name__)
T = TypeVar("T")

LEASE = timedelta(minutes=2)
PER_CHAT_PER_CLAIM = 5  # a group at 20/min sends 5 in 15 s, well inside the lease
MAX_ATTEMPTS = 8
MAX_RETRY_WAIT = timedelta(minutes=30)


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def network_backoff(attempts: int) -> timedelta:
    """Wait before retrying after `attempts` failed tries: 5 s doubling, at most 30 minutes."""
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_RETRY_WAIT)


@dataclass(frozen=True, slots=True)
class Job:
    """One claimed delivery with what sending it needs."""

    delivery_id: int
    chat_id: int
    story_id: int
    reasons: tuple[str, ...]
    attempts: int
    lang: str
    html: str | None  # None: the story is gone


@dataclass
class DispatchStats:
    """Counts since start (for logs, /stats and the benchmarks)."""

    sent: int = 0
    failed: int = 0
    retried: int = 0
    plain_text: int = 0
    deactivated: int = 0
    migrated: int = 0


class Dispatcher:
    """Sends what the outbox holds; `run` until stopped, or `drain` once (tests, benchmarks)."""

    def __init__(
        self,
        *,
        engine: sa.Engine,
        bot: Bot,
        catalog: CatalogRef,
        owner: str,
        batch: int = 200,
        concurrency: int = 100,
        max_attempts: int = MAX_ATTEMPTS,
        now: Callable[[], datetime] = utcnow,
        idle_wait: float = 1.0,
    ) -> None:
        self.engine = engine
        self.bot = bot
        self.builder = AlertBuilder(catalog)
        self.owner = owner
        self.batch = batch
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.now = now
        self.idle_wait = idle_wait
        self.stats = DispatchStats()
        self._wake = asyncio.Event()
        self._chats: dict[int, asyncio.Task[None]] = {}
        self._stopping = False
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dispatch-db")

    async def _in_db_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """Run database work on the dispatcher's one database thread.

        Not on the event loop: a loop blocked by a commit wakes the paced senders late and
        together, and Telegram sees a burst. One thread, not a pool: a single writer is all
        SQLite allows anyway, and fewer threads competing for the GIL keep the loop punctual.
        """
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db, functools.partial(fn, *args))

    def wake(self) -> None:
        """New deliveries were queued: look now rather than at the next idle tick."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Claim and send until `stop` is set; then let in-flight chats finish their message."""
        while not stop.is_set():
            started = 0
            try:
                started = await self.fill()
            except Exception:  # the database went away for a moment: log, wait, go on
                log.exception("dispatcher: claiming deliveries failed")
            if not started:
                self._wake.clear()
                stopping = asyncio.create_task(stop.wait())
                woken = asyncio.create_task(self._wake.wait())
                await asyncio.wait(
                    {stopping, woken}, timeout=self.idle_wait, return_when=asyncio.FIRST_COMPLETED
                )
                stopping.cancel()
                woken.cancel()
        self._stopping = True
        await self.wait_idle()

    async def drain(self) -> int:
        """Send everything due now (and what becomes due meanwhile); returns messages handled."""
        before = self.stats.sent + self.stats.failed
        while await self.fill() or self._chats:
            await self.wait_idle()
        return self.stats.sent + self.stats.failed - before

    async def wait_idle(self) -> None:
        """Wait for the chats being served to finish."""
        while self._chats:
            await asyncio.gather(*self._chats.values(), return_exceptions=True)

    async def fill(self) -> int:
        """Claim due deliveries for chats not already being served; start a task per chat."""
        room = self.concurrency - len(self._chats)
        if room <= 0:
            return 0
        jobs = await self._in_db_thread(self._claim, list(self._chats))
        by_chat: dict[int, list[Job]] = defaultdict(list)
        for job in jobs:
            by_chat[job.chat_id].append(job)
        extra = [j.delivery_id for js in by_chat.values() for j in js[PER_CHAT_PER_CLAIM:]]
        chats = list(by_chat.items())
        extra += [j.delivery_id for _, js in chats[room:] for j in js[:PER_CHAT_PER_CLAIM]]
        if extra:
            await self._in_db_thread(self._release_ids, extra)
        for chat_id, chat_jobs in chats[:room]:
            task = asyncio.create_task(
                self._serve_chat(chat_jobs[:PER_CHAT_PER_CLAIM]), name=f"chat:{chat_id}"
            )
            self._chats[chat_id] = task
            task.add_done_callback(self._chat_done)
        return min(len(chats), room)

    def _chat_done(self, task: asyncio.Task[None]) -> None:
        self._chats.pop(int(task.get_name().removeprefix("chat:")), None)
        self._wake.set()

    def _claim(self, busy: list[int]) -> list[Job]:
        """Lease a batch and render its alerts (one story is rendered once per language)."""
        now = self.now()
        with Session(self.engine) as session:
            rows = repo.claim_deliveries(
                session=session,
                owner=self.owner,
                now=now,
                lease_until=now + LEASE,
                limit=self.batch,
                exclude_chats=busy,
            )
            session.commit()
            if not rows:
                return []
            chat_ids = {r.chat_id for r in rows}
            langs = dict(
                session.exec(select(Chat.id, Chat.lang).where(col(Chat.id).in_(chat_ids))).all()
            )
            story_ids = {r.story_id for r in rows}
            stories = {
                s.id: s
                for s in session.exec(select(StoryRow).where(col(StoryRow.id).in_(story_ids)))
            }
            jobs = []
            for r in rows:
                lang = langs.get(r.chat_id, "en")
                story = stories.get(r.story_id)
                html = self.builder.html(story, lang, r.reasons) if story else None
                jobs.append(
                    Job(r.id or 0, r.chat_id, r.story_id, tuple(r.reasons), r.attempts, lang, html)
                )
        return jobs

    async def _serve_chat(self, jobs: list[Job]) -> None:
        for index, job in enumerate(jobs):
            if self._stopping:  # shutting down: give back what has not been sent
                self._release(jobs[index:])
                return
            try:
                go_on = await self._deliver(job)
            except Exception:  # a bug must not kill the dispatcher; the row says what happened
                log.exception("delivery %s to chat %s failed", job.delivery_id, job.chat_id)
                self._finish(job, error="internal error (see log)", retry_at=None)
                go_on = True
            if not go_on:  # the chat is gone or must wait: give the rest back
                self._release(jobs[index + 1 :])
                return

    def _release(self, jobs: list[Job]) -> None:
        self._release_ids([j.delivery_id for j in jobs])

    def _release_ids(self, delivery_ids: list[int]) -> None:
        if not delivery_ids:
            return
        with Session(self.engine) as session:
            repo.release_deliveries(session=session, delivery_ids=delivery_ids, owner=self.owner)
            session.commit()

    def _mark_sent(self, job: Job, message_id: int) -> None:
        with Session(self.engine) as session:
            repo.mark_sent(
                session=session, delivery_id=job.delivery_id, message_id=message_id, now=self.now()
            )
            session.commit()
        self.stats.sent += 1

    async def _deliver(self, job: Job) -> bool:
        """Send one delivery and record the outcome; False when the chat can take no more."""
        html = job.html
        if html is None:  # the story was pruned before it could be sent
            self._finish(job, error="story no longer stored", retry_at=None)
            return True
        chat_id = job.chat_id
        plain = False
        for _ in range(3):  # at most: migrated, then can't-parse, then the plain send
            try:
                message = await self._send(chat_id, html, plain=plain)
            except ChatMigrated as exc:
                new_id = int(exc.new_chat_id)
                log.info("chat %s migrated to %s", chat_id, new_id)
                with Session(self.engine) as session:
                    repo.migrate_chat_id(session=session, old_id=chat_id, new_id=new_id)
                    session.commit()
                self.stats.migrated += 1
                chat_id = new_id
                continue
            except Forbidden as exc:
                self._deactivate(job, chat_id, str(exc))
                return False
            except RetryAfter as exc:
                wait = timedelta(seconds=retry_seconds(exc))
                self.stats.retried += 1
                self._finish(job, error=f"429: {exc}", retry_at=self.now() + wait, count=False)
                return False
            except BadRequest as exc:
                if "can't parse entities" in exc.message.lower() and not plain:
                    log.warning("delivery %s: %s; sending as plain text", job.delivery_id, exc)
                    plain = True
                    self.stats.plain_text += 1
                    continue
                log.warning("delivery %s to chat %s refused: %s", job.delivery_id, chat_id, exc)
                self._finish(job, error=f"400: {exc.message}", retry_at=None)
                return True
            except NetworkError as exc:  # TimedOut is a NetworkError too
                return self._network_error(job, exc)
            await self._in_db_thread(self._mark_sent, job, message)
            log.info(
                "sent story %s to chat %s (delivery %s)", job.story_id, chat_id, job.delivery_id
            )
            return True
        self._finish(job, error="gave up after repeated migrations/parse errors", retry_at=None)
        return True

    async def _send(self, chat_id: int, html: str, *, plain: bool) -> int:
        if plain:
            sent = await self.bot.send_message(
                chat_id, visible_text(html), link_preview_options=LinkPreviewOptions(True)
            )
        else:
            sent = await self.bot.send_message(
                chat_id,
                html,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(True),
            )
        return sent.message_id

    def _network_error(self, job: Job, exc: NetworkError) -> bool:
        attempts = job.attempts + 1
        if attempts >= self.max_attempts:
            log.warning("delivery %s: giving up after %d tries: %s", job.delivery_id, attempts, exc)
            self._finish(job, error=f"network: {exc}", retry_at=None)
        else:
            retry_at = self.now() + network_backoff(attempts)
            log.warning(
                "delivery %s: network error, retry at %s: %s",
                job.delivery_id,
                retry_at.isoformat(timespec="seconds"),
                exc,
            )
            self.stats.retried += 1
            self._finish(job, error=f"network: {exc}", retry_at=retry_at)
        return False  # the rest of this chat's queue waits for the next claim

    def _deactivate(self, job: Job, chat_id: int, error: str) -> None:
        log.info("chat %s refused the bot (%s): deactivated", chat_id, error)
        with Session(self.engine) as session:
            repo.mark_failed(
                session=session, delivery_id=job.delivery_id, error=f"403: {error}", now=self.now()
            )
            repo.set_chat_active(session=session, chat_id=chat_id, active=False)
            repo.cancel_pending(session=session, chat_id=chat_id, reason=f"chat blocked: {error}")
            session.commit()
        self.stats.deactivated += 1
        self.stats.failed += 1

    def _finish(
        self, job: Job, *, error: str, retry_at: datetime | None, count: bool = True
    ) -> None:
        with Session(self.engine) as session:
            repo.mark_failed(
                session=session,
                delivery_id=job.delivery_id,
                error=error,
                now=self.now(),
                retry_at=retry_at,
            )
            if not count:  # a 429 is not the message's fault: it does not use up a try
                row = session.get(Delivery, job.delivery_id)
                if row is not None:
                    row.attempts = max(row.attempts - 1, 0)
                    session.add(row)
            session.commit()
        if retry_at is None:
            self.stats.failed += 1
