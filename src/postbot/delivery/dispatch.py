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
    400 too long / entities  → sent again in a shorter rendering (header and lists cut short, no
                               summary), then as its plain text: an alert a shorter text would
                               carry is never lost
    other 400                → given up (logged; retrying cannot help)
    network error / timeout  → retried with backoff, up to `max_attempts`

Work is claimed by chat (`repo.claim_chats`): a chat is served by one process at a time, so its
alerts go out in order and its per-chat limit holds across processes; the claim is a short lease
renewed while the chat is served, so a killed process's chats are taken over within `LEASE`.
Chats are served concurrently; the FloodGate inside the bot's rate limiter paces them (its
overall budget shared through the database when several processes send). A chat with a long
queue gets a few alerts per claim so that others are not held back. Alerts are rendered by the
chat's task in a render thread, after the claim's transaction: a story that is slow to render
holds up neither the claim of other chats nor the database thread.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, select
from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from postbot.alerts.html import visible_text
from postbot.clock import utcnow
from postbot.config.catalog import CatalogRef
from postbot.delivery.flood import FloodGate
from postbot.delivery.jobs import AlertBuilder, Links
from postbot.delivery.ratelimit import retry_seconds
from postbot.ops.logs import ctx
from postbot.ops.metrics import Metrics
from postbot.store import repo
from postbot.store.models import Chat, Delivery, DeliveryStatus, StoryRow

log = logging.getLogger(__name__)
T = TypeVar("T")

LEASE = timedelta(seconds=30)  # renewed every RENEW_EVERY while the chat is being served
RENEW_EVERY = timedelta(seconds=10)
DB_THREADS = 4
PER_CHAT_PER_CLAIM = 5  # a group at 20/min sends 5 in 15 s, well inside the lease
MAX_ATTEMPTS = 8
MAX_RETRY_WAIT = timedelta(minutes=30)
RENDER_THREADS = 2
# Telegram's 400s that a shorter or plainer text can avoid ("message is too long", "can't parse
# entities", "entities too long", "too many entities", "text is too long" ...)
_SHORTER_HELPS = ("too long", "too_long", "entit", "too many", "must be non-empty", "is empty")


def shorter_helps(message: str) -> bool:
    """Whether Telegram refused the text itself, so that a shorter rendering may pass."""
    lowered = message.lower()
    return any(marker in lowered for marker in _SHORTER_HELPS)


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
    html: str | None  # None: not rendered yet (see `story`), or the story is gone
    first_seen: datetime | None = None
    markup: InlineKeyboardMarkup | None = None
    edit_of: int | None = None  # a sent alert's message id: edit it (another outlet carried it)
    shown: int = 0  # other outlets named in `html` ("also in")
    story: StoryRow | None = None  # rendered by the chat's task; None: the story is gone
    links: Links | None = None  # the cluster's other outlets with their own articles

    def log_ctx(self, chat_id: int) -> dict[str, Any]:
        """Log context: the chat (as now known), the story and the delivery."""
        return ctx(chat_id=chat_id, story_id=self.story_id, delivery_id=self.delivery_id)


@dataclass(frozen=True, slots=True)
class DigestJob:
    """Held alerts of one chat whose time has come: one digest, in one or more messages."""

    chat_id: int
    parts: tuple[tuple[str, tuple[int, ...]], ...]  # (html, delivery ids it lists)
    attempts: int
    first_seen: dict[int, datetime] = field(default_factory=dict)  # by delivery id

    @property
    def delivery_id(self) -> int:
        """The first delivery it carries (for logs)."""
        return self.parts[0][1][0]

    def log_ctx(self, chat_id: int) -> dict[str, Any]:
        """Log context: the chat and the first delivery."""
        return ctx(chat_id=chat_id, delivery_id=self.delivery_id)


Work = Job | DigestJob
_DIGEST_SLOT = DigestJob(0, (), 0)  # where a chat's digest goes among its claimed work


@dataclass
class DispatchStats:
    """Alerts settled since start, for `drain` (the metrics have the details by reason)."""

    sent: int = 0
    failed: int = 0


class Dispatcher:
    """Sends what the outbox holds; `run` until stopped, or `drain` once (tests, benchmarks)."""

    def __init__(
        self,
        *,
        engine: sa.Engine,
        bot: Bot,
        catalog: CatalogRef,
        owner: str,
        concurrency: int = 100,
        max_attempts: int = MAX_ATTEMPTS,
        now: Callable[[], datetime] = utcnow,
        idle_wait: float = 1.0,
        gate: FloodGate | None = None,
        paid_broadcast: bool = False,
        metrics: Metrics | None = None,
    ) -> None:
        self.engine = engine
        self.gate = gate
        self.paid_broadcast = paid_broadcast
        self.metrics = metrics or Metrics()
        self.bot = bot
        self.builder = AlertBuilder(catalog)
        self.owner = owner
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.now = now
        self.idle_wait = idle_wait
        self.stats = DispatchStats()
        self._wake = asyncio.Event()
        # set by the scheduler: "run send_tick now" (new deliveries, or a chat's turn ended)
        self.on_wake: Callable[[], None] | None = None
        self._chats: dict[int, asyncio.Task[None]] = {}
        self._stopping = False
        self._moved: dict[int, int] = {}  # groups that became supergroups while being served
        # SQLite has one writer: one thread; PostgreSQL takes a few writes at once
        threads = 1 if engine.dialect.name == "sqlite" else DB_THREADS
        self._db = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="dispatch-db")
        # rendering is CPU work on feed text: apart from the database threads, so that a story
        # slow to render never holds up a claim or a commit
        self._renderer = ThreadPoolExecutor(
            max_workers=RENDER_THREADS, thread_name_prefix="dispatch-render"
        )

    async def _in_db_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """Run database work on the dispatcher's database threads.

        Not on the event loop: a loop blocked by a commit wakes the paced senders late and
        together, and Telegram sees a burst. Few threads: a single writer is all SQLite allows
        anyway, and fewer threads competing for the GIL keep the loop punctual.
        """
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db, functools.partial(fn, *args))

    async def _render(self, job: Job, *, compact: bool = False) -> str | None:
        """The job's alert text, rendered in a render thread (None: the story is gone)."""
        if job.story is None:
            return None
        loop = asyncio.get_running_loop()
        render = functools.partial(
            self.builder.html, job.story, job.lang, job.reasons, job.links, compact=compact
        )
        return await loop.run_in_executor(self._renderer, render)

    async def _render_all(self, jobs: list[Work]) -> list[Work]:
        """The chat's jobs with their alert texts, rendered in one trip to a render thread.

        A render that fails leaves its job as it was: it is tried again, and settled as an
        internal error, when its turn comes.
        """

        def render() -> list[Work]:
            out: list[Work] = []
            for job in jobs:
                if isinstance(job, Job) and job.html is None and job.story is not None:
                    with suppress(Exception):  # retried, and logged, in its turn
                        html = self.builder.html(job.story, job.lang, job.reasons, job.links)
                        job = replace(job, html=html)
                out.append(job)
            return out

        if not any(isinstance(j, Job) and j.html is None and j.story is not None for j in jobs):
            return jobs
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._renderer, render)

    def wake(self) -> None:
        """New deliveries were queued: look now rather than at the next idle tick."""
        self._wake.set()
        if self.on_wake is not None:
            self.on_wake()

    async def send_tick(self) -> int:
        """One pass: claim due chats and start their tasks; never raises; returns chats started."""
        if self._stopping:
            return 0
        self.metrics.heartbeat("dispatch")
        try:
            return await self.fill()
        except Exception:  # the database went away for a moment: the next tick tries again
            log.exception("dispatcher: claiming deliveries failed")
            return 0

    async def renew_leases(self) -> None:
        """Renew this process's chat leases once (a dead process stops renewing); never raises."""
        if not self._chats:
            return
        try:
            await self._in_db_thread(self._renew)
        except Exception:
            log.exception("dispatcher: renewing leases failed")

    async def stop(self) -> None:
        """Stop claiming; wait for the chats in flight to finish their current message."""
        self._stopping = True
        await self.wait_idle()

    async def run(self, stop: asyncio.Event) -> None:
        """Claim and send until `stop` is set; then let in-flight chats finish their message."""
        heartbeat = asyncio.create_task(self._renew_leases(stop), name="dispatch leases")
        try:
            await self._run(stop)
        finally:
            heartbeat.cancel()

    async def _renew_leases(self, stop: asyncio.Event) -> None:
        """Keep this process's chat leases alive while it works (a dead process stops this)."""
        while not stop.is_set():
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RENEW_EVERY.total_seconds())
            if not self._chats:
                continue
            try:
                await self._in_db_thread(self._renew)
            except Exception:
                log.exception("dispatcher: renewing leases failed")

    def _renew(self) -> None:
        with Session(self.engine) as session:
            repo.renew_leases(session=session, owner=self.owner, lease_until=self.now() + LEASE)
            session.commit()

    async def _run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.metrics.heartbeat("dispatch")
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
        """Claim chats with due alerts (not already being served); start a task per chat."""
        room = self.concurrency - len(self._chats)
        if room <= 0:
            return 0
        claimed = await self._in_db_thread(self._claim, room, list(self._chats))
        for chat_id, (jobs, wait) in claimed.items():
            if self.gate is not None and wait > 0:
                self.gate.pause_chat(chat_id, wait)  # another process sent to it just now
            task = asyncio.create_task(self._serve_chat(chat_id, jobs), name=f"chat:{chat_id}")
            self._chats[chat_id] = task
            task.add_done_callback(self._chat_done)
        return len(claimed)

    def _chat_done(self, task: asyncio.Task[None]) -> None:
        self._chats.pop(int(task.get_name().removeprefix("chat:")), None)
        self.wake()  # the chat may have more queued: claim again now

    def _claim(self, room: int, busy: list[int]) -> dict[int, tuple[list[Work], float]]:
        """Lease chats and their due alerts, with the stories to render (by the chats' tasks).

        Returns, per chat, its jobs and how long to wait before its first message so that the
        per-chat spacing holds across processes.
        """
        now = self.now()
        with Session(self.engine) as session:
            rows = repo.claim_chats(
                session=session,
                owner=self.owner,
                now=now,
                lease_until=now + LEASE,
                chats=room,
                per_chat=PER_CHAT_PER_CLAIM,
                exclude=busy,
            )
            session.commit()
            if not rows:
                return {}
            chat_ids = {r.chat_id for r in rows}
            chats = {c.id: c for c in session.exec(select(Chat).where(col(Chat.id).in_(chat_ids)))}
            story_ids = {r.story_id for r in rows}
            rows_by_id = {
                s.id or 0: s
                for s in session.exec(select(StoryRow).where(col(StoryRow.id).in_(story_ids)))
            }
            # a later copy's alert names its cluster's other outlets, as the first one's does
            stories = repo.with_cluster_sources(session=session, stories=rows_by_id)
            links = repo.cluster_links(session=session, stories=rows_by_id)  # each its own link
            buttons = self.builder.buttons_for(session, chat_ids)
            claimed: dict[int, tuple[list[Work], float]] = {}
            held: dict[int, list[Delivery]] = {}
            for r in rows:
                chat = chats.get(r.chat_id)
                lang = chat.lang if chat else "en"
                if r.chat_id not in claimed:
                    claimed[r.chat_id] = ([], self._spacing_left(chat, now))
                if r.status == DeliveryStatus.HELD.value:
                    if r.chat_id not in held:
                        held[r.chat_id] = []
                        claimed[r.chat_id][0].append(_DIGEST_SLOT)  # filled in below
                    held[r.chat_id].append(r)
                    continue
                story = stories.get(r.story_id)
                seen = story.first_seen_at if story else None
                claimed[r.chat_id][0].append(
                    Job(
                        r.id or 0,
                        r.chat_id,
                        r.story_id,
                        tuple(r.reasons),
                        r.attempts,
                        lang,
                        None,
                        seen,
                        markup=buttons.markup(r.chat_id, r.reasons, lang),
                        edit_of=r.telegram_message_id
                        if r.status == DeliveryStatus.EDIT.value
                        else None,
                        shown=len(story.also_in) if story else 0,
                        story=story,
                        links=links.get(r.story_id),
                    )
                )
            for chat_id, held_rows in held.items():
                digest = self._digest_job(chat_id, chats.get(chat_id), held_rows, stories, now)
                jobs = claimed[chat_id][0]
                jobs[jobs.index(_DIGEST_SLOT)] = digest
        return claimed

    def _digest_job(
        self,
        chat_id: int,
        chat: Chat | None,
        rows: list[Delivery],
        stories: dict[int, StoryRow],
        now: datetime,
    ) -> DigestJob:
        messages = self.builder.digest_messages(chat, rows, stories, now)
        parts = [(html, tuple(rows[i].id or 0 for i in listed)) for html, listed in messages]
        listed = {d for _, ids in parts for d in ids}
        gone = tuple(r.id or 0 for r in rows if (r.id or 0) not in listed)
        if gone:  # stories pruned meanwhile: settled with the first message, not lost silently
            if parts:
                parts[0] = (parts[0][0], parts[0][1] + gone)
            else:
                parts = [("", gone)]
        seen = {
            r.id or 0: s.first_seen_at for r in rows if (s := stories.get(r.story_id)) is not None
        }
        return DigestJob(chat_id, tuple(parts), max(r.attempts for r in rows), seen)

    def _spacing_left(self, chat: Chat | None, now: datetime) -> float:
        if chat is None or chat.last_sent_at is None or self.gate is None:
            return 0.0
        ready = chat.last_sent_at + timedelta(seconds=self.gate.chat_interval(chat.id))
        return max((ready - now).total_seconds(), 0.0)

    async def _serve_chat(self, chat_id: int, jobs: list[Work]) -> None:
        """Send one chat's claimed alerts in order, then give the chat's lease back."""
        try:
            # all of them rendered before the first send: rendering between two paced sends
            # would compete for the GIL with the requests in flight
            jobs = await self._render_all(jobs)
            for job in jobs:
                if self._stopping:  # shutting down: what is not sent stays in the outbox
                    return
                try:
                    if isinstance(job, Job) and job.html is None and job.story is not None:
                        job = replace(job, html=await self._render(job))
                    if isinstance(job, DigestJob):
                        go_on = await self._deliver_digest(job)
                    elif job.edit_of is not None:
                        go_on = await self._edit(job, job.edit_of)
                    else:
                        go_on = await self._deliver(job)
                except Exception:  # a bug must not kill the dispatcher; the row says what
                    log.exception(
                        "delivery %s to chat %s failed",
                        job.delivery_id,
                        chat_id,
                        extra=job.log_ctx(chat_id),
                    )
                    await self._in_db_thread(self._internal_error, job)
                    go_on = True
                if not go_on:  # the chat is gone or must wait: the rest stay in the outbox
                    return
        finally:
            await self._in_db_thread(self._release_chat, chat_id)

    def _release_chat(self, chat_id: int) -> None:
        with Session(self.engine) as session:
            for chat in {chat_id, self._moved.pop(chat_id, chat_id)}:
                repo.release_chat(session=session, chat_id=chat, owner=self.owner)
            session.commit()

    def _mark_sent(self, job: Job, chat_id: int, message_id: int) -> None:
        now = self.now()
        with Session(self.engine) as session:
            # the chat row first, then the delivery: the order of every transaction that
            # touches both, so that none of them can deadlock on PostgreSQL
            repo.note_sent(session=session, chat_id=chat_id, now=now)
            repo.mark_sent(
                session=session, delivery_id=job.delivery_id, message_id=message_id, now=now
            )
            self._edit_if_outdated(session, job, now)
            session.commit()
        self.stats.sent += 1

    def _edit_if_outdated(self, session: Session, job: Job, now: datetime) -> None:
        """Another outlet came in between rendering and Telegram's answer: edit once more."""
        repo.edit_if_sources_grew(
            session=session,
            delivery_id=job.delivery_id,
            shown=job.shown,
            sources=repo.other_outlets(session=session, story_id=job.story_id),
            now=now,
        )

    async def _deliver(self, job: Job) -> bool:
        """Send one delivery and record the outcome; False when the chat can take no more."""
        html = job.html
        if html is None:  # the story was pruned before it could be sent
            await self._in_db_thread(
                functools.partial(self._finish, job, error="story no longer stored", retry_at=None)
            )
            return True
        chat_id = job.chat_id
        plain = False
        compact = False
        # at most: migrated, then the full text as HTML and plain, then the compact one as both
        for _ in range(6):
            try:
                with self.metrics.send_latency.time():
                    message = await self._send(chat_id, html, plain=plain, markup=job.markup)
            except ChatMigrated as exc:
                new_id = int(exc.new_chat_id)
                log.info("chat %s migrated to %s", chat_id, new_id, extra=job.log_ctx(chat_id))
                await self._in_db_thread(self._migrate, chat_id, new_id)
                self._moved[job.chat_id] = new_id
                chat_id = new_id
                continue
            except Forbidden as exc:
                await self._in_db_thread(
                    functools.partial(
                        self._deactivate_chat, job, chat_id, str(exc), failed=job.delivery_id
                    )
                )
                return False
            except RetryAfter as exc:
                wait = timedelta(seconds=retry_seconds(exc))
                await self._in_db_thread(
                    functools.partial(
                        self._finish,
                        job,
                        error=f"429: {exc}",
                        retry_at=self.now() + wait,
                        count=False,
                    )
                )
                return False
            except BadRequest as exc:
                if "can't parse entities" in exc.message.lower() and not plain:
                    log.warning(
                        "delivery %s: %s; sending as plain text",
                        job.delivery_id,
                        exc,
                        extra=job.log_ctx(chat_id),
                    )
                    plain = True
                    continue
                if shorter_helps(exc.message) and not (compact and plain):
                    shorter = None if compact else await self._render(job, compact=True)
                    log.warning(
                        "delivery %s: %s; sending %s",
                        job.delivery_id,
                        exc,
                        "a shorter rendering" if shorter else "as plain text",
                        extra=job.log_ctx(chat_id),
                    )
                    if shorter:
                        html, compact, plain = shorter, True, False
                    else:  # the compact text refused as HTML: its plain text is the last try
                        compact, plain = True, True
                    continue
                log.warning(
                    "delivery %s to chat %s refused: %s",
                    job.delivery_id,
                    chat_id,
                    exc,
                    extra=job.log_ctx(chat_id),
                )
                await self._in_db_thread(
                    functools.partial(self._finish, job, error=f"400: {exc.message}", retry_at=None)
                )
                return True
            except NetworkError as exc:  # TimedOut is a NetworkError too
                return await self._in_db_thread(self._network_error, job, exc)
            await self._in_db_thread(self._mark_sent, job, chat_id, message)
            self.metrics.alerts_sent.inc()
            if job.first_seen is not None:
                delay = (self.now() - job.first_seen).total_seconds()
                self.metrics.alert_delay.observe(max(delay, 0.0))
            log.info(
                "sent story %s to chat %s (delivery %s)",
                job.story_id,
                chat_id,
                job.delivery_id,
                extra=job.log_ctx(chat_id),
            )
            return True
        await self._in_db_thread(
            functools.partial(
                self._finish,
                job,
                error="gave up after repeated migrations/parse errors",
                retry_at=None,
            )
        )
        return True

    async def _send(
        self,
        chat_id: int,
        html: str,
        *,
        plain: bool,
        markup: InlineKeyboardMarkup | None = None,
    ) -> int:
        sent = await self.bot.send_message(
            chat_id,
            visible_text(html) if plain else html,
            parse_mode=None if plain else ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(True),
            reply_markup=markup,
            # Telegram's paid broadcasts: up to 1,000 messages a second, charged in Stars
            allow_paid_broadcast=True if self.paid_broadcast else None,
        )
        return sent.message_id

    async def _edit(self, job: Job, message_id: int) -> bool:
        """Edit a sent alert to name the outlets that also carried the story (keeping its
        buttons); False when the chat can take no more now."""
        chat_id = job.chat_id
        if job.html is None:
            await self._db_settle_edit(job, "story no longer stored")
            return True
        try:
            await self.bot.edit_message_text(
                job.html,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(True),
                reply_markup=job.markup,
            )
        except RetryAfter as exc:
            retry_at = self.now() + timedelta(seconds=retry_seconds(exc))
            await self._db_settle_edit(job, f"429: {exc}", retry_at, count=False)
            return False
        except Forbidden as exc:
            await self._db_settle_edit(job, f"403: {exc}")
            await self._in_db_thread(self._deactivate_chat, job, chat_id, str(exc))
            return False
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                await self._db_settle_edit(job, None)
                return True
            # deleted by the user, too old, a chat that moved: the alert stands as it was
            log.warning(
                "delivery %s: edit refused: %s", job.delivery_id, exc, extra=job.log_ctx(chat_id)
            )
            await self._db_settle_edit(job, f"edit 400: {exc.message}")
            return True
        except ChatMigrated as exc:
            await self._db_settle_edit(job, f"edit: chat moved to {exc.new_chat_id}")
            return True
        except NetworkError as exc:
            attempts = job.attempts + 1
            if attempts >= self.max_attempts:
                await self._db_settle_edit(job, f"edit network: {exc}")
            else:
                retry_at = self.now() + network_backoff(attempts)
                await self._db_settle_edit(job, f"network: {exc}", retry_at)
            return False
        await self._in_db_thread(self._edited, job)
        self.metrics.alerts_edited.inc()
        log.info(
            "edited alert of story %s in chat %s (delivery %s)",
            job.story_id,
            chat_id,
            job.delivery_id,
            extra=job.log_ctx(chat_id),
        )
        return True

    def _edited(self, job: Job) -> None:
        with Session(self.engine) as session:
            repo.settle_edit(session=session, delivery_id=job.delivery_id, error=None)
            self._edit_if_outdated(session, job, self.now())
            session.commit()

    async def _db_settle_edit(
        self, job: Job, error: str | None, retry_at: datetime | None = None, *, count: bool = True
    ) -> None:
        def settle() -> None:
            with Session(self.engine) as session:
                repo.settle_edit(
                    session=session,
                    delivery_id=job.delivery_id,
                    error=error,
                    retry_at=retry_at,
                    count=count,
                )
                session.commit()

        await self._in_db_thread(settle)

    async def _deliver_digest(self, job: DigestJob) -> bool:
        """Send held alerts as one digest (its messages in order); False when the chat can take
        no more now. Each message's alerts are settled as it is accepted."""
        chat_id = job.chat_id
        parts = list(job.parts)
        for n, (html, ids) in enumerate(parts):
            later = tuple(d for _, part_ids in parts[n:] for d in part_ids)
            if not html:
                await self._db_settle_held(ids, "story no longer stored", None)
                continue
            plain = False
            message: int | None = None
            settled = False  # the part was given up inside the loop
            for _ in range(3):
                try:
                    with self.metrics.send_latency.time():
                        message = await self._send(chat_id, html, plain=plain)
                except ChatMigrated as exc:
                    new_id = int(exc.new_chat_id)
                    await self._in_db_thread(self._migrate, chat_id, new_id)
                    self._moved[job.chat_id] = new_id
                    chat_id = new_id
                    continue
                except Forbidden as exc:
                    await self._db_settle_held(later, f"403: {exc}", None)
                    await self._in_db_thread(self._deactivate_chat, job, chat_id, str(exc))
                    return False
                except RetryAfter as exc:
                    retry_at = self.now() + timedelta(seconds=retry_seconds(exc))
                    await self._db_settle_held(later, f"429: {exc}", retry_at, count=False)
                    self.metrics.alerts_retried.labels(reason="429").inc()
                    return False
                except BadRequest as exc:
                    if "can't parse entities" in exc.message.lower() and not plain:
                        plain = True
                        continue
                    log.warning(
                        "digest for chat %s refused: %s", chat_id, exc, extra=job.log_ctx(chat_id)
                    )
                    await self._db_settle_held(ids, f"400: {exc.message}", None)
                    self.metrics.alerts_failed.labels(reason="bad_request").inc(len(ids))
                    settled = True
                    break
                except NetworkError as exc:
                    attempts = job.attempts + 1
                    retry = None if attempts >= self.max_attempts else network_backoff(attempts)
                    await self._db_settle_held(
                        later, f"network: {exc}", None if retry is None else self.now() + retry
                    )
                    return False
                break
            if message is None:
                if not settled:  # migrated and can't-parse again and again: give up the part
                    await self._db_settle_held(ids, "gave up after repeated migrations", None)
                continue
            await self._in_db_thread(self._mark_digest_sent, ids, chat_id, message)
            self.metrics.digests_sent.inc()
            self.metrics.alerts_sent.inc(len(ids))
            for delivery_id in ids:
                seen = job.first_seen.get(delivery_id)
                if seen is not None:
                    delay = (self.now() - seen).total_seconds()
                    self.metrics.alert_delay.observe(max(delay, 0.0))
            log.info(
                "sent a digest of %d alerts to chat %s (part %d of %d)",
                len(ids),
                chat_id,
                n + 1,
                len(parts),
                extra=job.log_ctx(chat_id),
            )
        return True

    def _mark_digest_sent(self, ids: tuple[int, ...], chat_id: int, message_id: int) -> None:
        now = self.now()
        with Session(self.engine) as session:
            repo.note_sent(session=session, chat_id=chat_id, now=now)  # chat row first
            repo.mark_digest_sent(session=session, delivery_ids=ids, message_id=message_id, now=now)
            session.commit()
        self.stats.sent += len(ids)

    async def _db_settle_held(
        self,
        ids: tuple[int, ...],
        error: str,
        retry_at: datetime | None,
        *,
        count: bool = True,
    ) -> None:
        def settle() -> None:
            with Session(self.engine) as session:
                repo.settle_held(
                    session=session,
                    delivery_ids=ids,
                    error=error,
                    retry_at=retry_at,
                    count=count,
                )
                session.commit()

        await self._in_db_thread(settle)
        if retry_at is None:
            self.stats.failed += len(ids)

    def _deactivate_chat(
        self, job: Work, chat_id: int, error: str, *, failed: int | None = None
    ) -> None:
        """The chat refused the bot (403): deactivate it and give up what waits for it,
        `failed` (the delivery Telegram refused) included."""
        log.info(
            "chat %s refused the bot (%s): deactivated",
            chat_id,
            error,
            extra=job.log_ctx(chat_id),
        )
        with Session(self.engine) as session:
            repo.set_chat_active(session=session, chat_id=chat_id, active=False)  # chat first
            if failed is not None:
                repo.mark_failed(
                    session=session, delivery_id=failed, error=f"403: {error}", now=self.now()
                )
            repo.cancel_pending(session=session, chat_id=chat_id, reason=f"chat blocked: {error}")
            session.commit()
        if failed is not None:
            self.stats.failed += 1
        self.metrics.alerts_failed.labels(reason="blocked").inc()

    def _internal_error(self, job: Work) -> None:
        """A bug met while handling `job`: settle it so that it is not retried for ever."""
        error = "internal error (see log)"
        if isinstance(job, DigestJob):
            ids = tuple(d for _, part in job.parts for d in part)
            with Session(self.engine) as session:
                repo.settle_held(session=session, delivery_ids=ids, error=error, retry_at=None)
                session.commit()
        elif job.edit_of is not None:
            with Session(self.engine) as session:
                repo.settle_edit(session=session, delivery_id=job.delivery_id, error=error)
                session.commit()
        else:
            self._finish(job, error=error, retry_at=None)

    def _migrate(self, old_id: int, new_id: int) -> None:
        with Session(self.engine) as session:
            repo.migrate_chat_id(session=session, old_id=old_id, new_id=new_id)
            session.commit()

    def _network_error(self, job: Job, exc: NetworkError) -> bool:
        attempts = job.attempts + 1
        if attempts >= self.max_attempts:
            log.warning(
                "delivery %s: giving up after %d tries: %s",
                job.delivery_id,
                attempts,
                exc,
                extra=job.log_ctx(job.chat_id),
            )
            self._finish(job, error=f"network: {exc}", retry_at=None)
        else:
            retry_at = self.now() + network_backoff(attempts)
            # INFO: the outage itself is one WARNING from postbot.bot.outage, not one per send
            log.info(
                "delivery %s: network error, retry at %s: %s",
                job.delivery_id,
                retry_at.isoformat(timespec="seconds"),
                exc,
                extra=job.log_ctx(job.chat_id),
            )
            self._finish(job, error=f"network: {exc}", retry_at=retry_at)
        return False  # the rest of this chat's queue waits for the next claim

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
        kind = error.split(":", 1)[0]
        if retry_at is None:
            self.stats.failed += 1
            reason = {"400": "bad_request", "network": "network"}.get(kind, "internal")
            self.metrics.alerts_failed.labels(reason=reason).inc()
        else:
            self.metrics.alerts_retried.labels(reason=kind).inc()
