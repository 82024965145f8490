"""The outbox sender: claims due chats and sends their alerts, edits and digests (§7).

A delivery is marked sent only after Telegram accepted it; until then it stays in the outbox
with a lease, so a crash loses nothing. Every message (an alert, an "also in" edit of a sent
alert, one part of a digest) goes through one loop, `_send`: Telegram's answer is classified
(delivery/outcomes.py), the fallbacks tried (a migrated group's new id, plain text, a shorter
rendering), and `_finish` settles the deliveries with one repo call and counts them in one
place (delivery/settle.py).

Work is claimed by chat (`repo.claim_chats`): one process serves a chat at a time, so its alerts
go out in order and its per-chat limit holds across processes; the lease is short and renewed
(`renew_leases`) while the chat is served, so a killed process's chats are taken over within
`LEASE`. Chats are served concurrently, paced by the FloodGate in the bot's rate limiter, a few
alerts per claim each. Texts are rendered by the chat's task in a render thread from plain
values the claim read, so a slow story holds up neither other claims nor the database.
The scheduler calls `send_tick` (at once again after `wake`); tests call `drain`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session
from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode

from postbot.alerts.html import visible_text
from postbot.alerts.texts import text
from postbot.clock import utcnow
from postbot.config.catalog import CatalogRef
from postbot.delivery.flood import FloodGate
from postbot.delivery.jobs import AlertBuilder
from postbot.delivery.outcomes import INTERNAL_ERROR, SENT, Kind, Outcome, classify
from postbot.delivery.ratelimit import SENDING_ALERTS
from postbot.delivery.settle import Verdict, record, tally, verdict
from postbot.delivery.work import STORY_GONE, Message, Work, chat_work, render_work
from postbot.ops.metrics import Metrics
from postbot.store import repo
from postbot.store.models import Chat

log = logging.getLogger(__name__)
T = TypeVar("T")

LEASE = timedelta(seconds=30)  # renewed every RENEW_EVERY while the chat is being served
RENEW_EVERY = timedelta(seconds=10)
DB_THREADS = 4
PER_CHAT_PER_CLAIM = 5  # a group at 20/min sends 5 in 15 s, well inside the lease
MAX_ATTEMPTS = 8
RENDER_THREADS = 2
MAX_TRIES = 6  # one message: migrated, then the full text as HTML and plain, then the compact


class Dispatcher:
    """Sends what the outbox holds: `send_tick` per scheduler tick, or `drain` (tests)."""

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
        gate: FloodGate | None = None,
        paid_broadcast: bool = False,
        metrics: Metrics | None = None,
    ) -> None:
        self.engine, self.bot, self.owner, self.gate = engine, bot, owner, gate
        self.paid_broadcast = paid_broadcast
        self.metrics = metrics or Metrics()
        self.builder = AlertBuilder(catalog)
        self.concurrency, self.max_attempts, self.now = concurrency, max_attempts, now
        self.sent = self.failed = 0  # alerts settled since start, for `drain`
        self.on_wake: Callable[[], None] | None = None  # set by the scheduler
        self._chats: dict[int, asyncio.Task[None]] = {}
        self._stopping = False
        self._moved: dict[int, int] = {}  # groups that became supergroups while being served
        # SQLite has one writer: one thread; PostgreSQL takes a few writes at once. Not the
        # event loop: a loop blocked by a commit wakes the paced senders late and together.
        threads = 1 if engine.dialect.name == "sqlite" else DB_THREADS
        self._db = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="dispatch-db")
        # rendering is CPU work on feed text: apart from the database threads
        self._renderer = ThreadPoolExecutor(RENDER_THREADS, thread_name_prefix="dispatch-render")

    async def _in_db_thread(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._db, fn, *args)

    async def _in_render_thread(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._renderer, fn, *args)

    # -- what the scheduler calls ------------------------------------------------------------

    async def send_tick(self) -> int:
        """One pass: claim due chats and start their tasks; never raises; returns chats started."""
        self.metrics.heartbeat("dispatch")
        if self._stopping:
            return 0
        try:
            return await self.fill()
        except Exception:  # the database went away for a moment: the next tick tries again
            log.exception("dispatcher: claiming deliveries failed")
            return 0

    async def renew_leases(self) -> None:
        """Extend the leases of the chats this process is serving; never raises."""
        if not self._chats:
            return
        try:
            await self._in_db_thread(self._renew)
        except Exception:
            log.exception("dispatcher: renewing leases failed")

    def wake(self) -> None:
        """New deliveries were queued (or a chat is done): ask for a send tick now."""
        if self.on_wake is not None:
            self.on_wake()

    async def stop(self) -> None:
        """Stop claiming; wait for the chats in flight to finish their current message."""
        self._stopping = True
        await self.wait_idle()

    # -- claiming ----------------------------------------------------------------------------

    async def drain(self) -> int:
        """Send everything due now (and what becomes due meanwhile); returns alerts settled."""
        before = self.sent + self.failed
        while await self.fill() or self._chats:
            await self.wait_idle()
        return self.sent + self.failed - before

    async def wait_idle(self) -> None:
        """Wait for the chats being served to finish."""
        while self._chats:
            await asyncio.gather(*self._chats.values(), return_exceptions=True)

    async def fill(self) -> int:
        """Claim chats with due work (not already being served); start a task per chat."""
        room = self.concurrency - len(self._chats)
        if room <= 0:
            return 0
        claimed = await self._in_db_thread(self._claim, room, list(self._chats))
        for chat_id, (work, wait) in claimed.items():
            if self.gate is not None and wait > 0:
                self.gate.pause_chat(chat_id, wait, spacing=True)  # sent to it just now
            task = asyncio.create_task(self._serve_chat(chat_id, work), name=f"chat:{chat_id}")
            self._chats[chat_id] = task
            task.add_done_callback(self._chat_done)
        return len(claimed)

    def _chat_done(self, task: asyncio.Task[None]) -> None:
        self._chats.pop(int(task.get_name().removeprefix("chat:")), None)
        self.wake()

    def _renew(self) -> None:
        with Session(self.engine) as session:
            repo.renew_leases(session=session, owner=self.owner, lease_until=self.now() + LEASE)
            session.commit()

    def _claim(self, room: int, busy: list[int]) -> dict[int, tuple[list[Work], float]]:
        """Lease chats and their due work, with what rendering it needs; per chat, its work in
        order and how long to wait before its first message (the spacing across processes)."""
        now = self.now()
        # the claimed rows are read after the commit: not expired by it, so not read again
        with Session(self.engine, expire_on_commit=False) as session:
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
            found = repo.send_context(session=session, deliveries=rows)
        work = chat_work(rows, found, self.builder.catalog)
        return {c: (w, self._spacing_left(found.chats.get(c), now)) for c, w in work.items()}

    def _spacing_left(self, chat: Chat | None, now: datetime) -> float:
        if chat is None or chat.last_sent_at is None or self.gate is None:
            return 0.0
        ready = chat.last_sent_at + timedelta(seconds=self.gate.chat_interval(chat.id))
        return max((ready - now).total_seconds(), 0.0)

    # -- sending -----------------------------------------------------------------------------

    async def _serve_chat(self, chat_id: int, work: list[Work]) -> None:
        """Send one chat's claimed work in order, then give the chat's lease back."""
        SENDING_ALERTS.set(True)  # this task's own context: replies to commands go first
        try:
            # all of it rendered before the first send: rendering between two paced sends
            # would compete for the GIL with the requests in flight
            messages = await self._in_render_thread(render_work, self.builder, work, self.now())
            for msg in messages:
                if self._stopping:  # shutting down: what is not sent stays in the outbox
                    return
                try:
                    go_on = await self._send(msg)
                except Exception:  # a bug must not kill the dispatcher; the row says what
                    log.exception("delivery %s failed", msg.ids[0], extra=msg.log_ctx(chat_id))
                    go_on = await self._finish(msg, chat_id, Outcome(Kind.INTERNAL, INTERNAL_ERROR))
                if not go_on:  # the chat is gone or must wait: the rest stay in the outbox
                    return
        finally:
            await self._in_db_thread(self._release_chat, chat_id)

    def _release_chat(self, chat_id: int) -> None:
        with Session(self.engine) as session:
            for chat in {chat_id, self._moved.pop(chat_id, chat_id)}:
                repo.release_chat(session=session, chat_id=chat, owner=self.owner)
            session.commit()

    async def _send(self, msg: Message) -> bool:
        """Send one message, following Telegram's answers; False when the chat must wait."""
        chat_id = self._moved.get(msg.chat_id, msg.chat_id)
        if msg.html is None and msg.story is not None:
            msg = msg.rendered(await self._in_render_thread(self._render, msg, False))
        if msg.html is None:  # the story was pruned before it could be sent
            return await self._finish(msg, chat_id, Outcome(Kind.INTERNAL, STORY_GONE))
        html, plain, compact = msg.html, False, False
        editing = msg.edit_of is not None
        message_id = None
        for _ in range(MAX_TRIES):
            try:
                with self.metrics.send_latency.time():
                    message_id = await self._call(msg, chat_id, html, plain)
                outcome = SENT
            except Exception as exc:
                outcome = classify(exc)
                if outcome.kind is Kind.INTERNAL:
                    raise  # a bug: logged with its traceback by the chat's task
            kind = outcome.kind
            if kind is Kind.CHAT_GONE and msg.look.channel_id is not None:
                # the bot was removed from the connected channel: the chat hears again
                msg = await self._channel_gone(msg, chat_id)
                continue
            if kind is Kind.MIGRATED and outcome.new_chat_id and not editing:
                log.info("chat %s migrated to %s", chat_id, outcome.new_chat_id)
                await self._in_db_thread(self._migrate, chat_id, outcome.new_chat_id)
                chat_id = self._moved[msg.chat_id] = outcome.new_chat_id
                continue
            if kind is Kind.PLAIN and not plain and not editing:
                log.warning("delivery %s: %s; sending as plain text", msg.ids[0], outcome.detail)
                plain = True
                continue
            shortens = msg.story is not None and not editing
            if kind in (Kind.PLAIN, Kind.SHORTER) and shortens and not (compact and plain):
                # the compact text first; if that is refused as HTML, its plain text at last
                shorter = None if compact else await self._in_render_thread(self._render, msg, True)
                log.warning("delivery %s: %s; sending shorter", msg.ids[0], outcome.detail)
                html, compact, plain = (shorter, True, False) if shorter else (html, True, True)
                continue
            break
        else:
            outcome = Outcome(Kind.REFUSED, "gave up after repeated migrations/parse errors")
        return await self._finish(msg, chat_id, outcome, message_id)

    def _render(self, msg: Message, compact: bool) -> str | None:
        if msg.story is None:
            return None
        look = msg.look
        return self.builder.html(
            msg.story, msg.lang, msg.reasons, compact=compact or look.compact, tz=look.tz
        )

    async def _call(self, msg: Message, chat_id: int, html: str, plain: bool) -> int:
        """One Telegram call: the message sent, or the sent alert edited; its message id."""
        text = visible_text(html) if plain else html
        how: dict[str, Any] = {
            "parse_mode": None if plain else ParseMode.HTML,
            "link_preview_options": LinkPreviewOptions(True),
            # an edit keeps the alert's buttons; a channel's readers get none (they would act
            # on the channel, not on the chat whose watches sent the alert)
            "reply_markup": None if msg.look.channel_id else msg.markup,
        }
        if msg.edit_of is not None:
            to = msg.look.channel_id or chat_id
            await self.bot.edit_message_text(text, chat_id=to, message_id=msg.edit_of, **how)
            return msg.edit_of
        # Telegram's paid broadcasts: up to 1,000 messages a second, charged in Stars
        paid = True if self.paid_broadcast else None
        silent = True if msg.look.silent else None
        to = msg.look.channel_id or chat_id  # /connect: the chat's alerts go to its channel
        sent = await self.bot.send_message(
            to, text, allow_paid_broadcast=paid, disable_notification=silent, **how
        )
        return sent.message_id

    async def _channel_gone(self, msg: Message, chat_id: int) -> Message:
        """Drop the chat's channel connection, tell the chat, and send it there instead."""
        channel = msg.look.channel_id
        log.warning("chat %s: channel %s refused the alert; connection dropped", chat_id, channel)
        await self._in_db_thread(self._disconnect, chat_id, channel)
        try:
            await self.bot.send_message(
                chat_id, text(msg.lang, "connect_lost"), parse_mode=ParseMode.HTML
            )
        except Exception as exc:  # the chat itself is gone too: the next send says so
            log.info("chat %s: could not say the channel was lost: %s", chat_id, exc)
        return replace(msg, look=replace(msg.look, channel_id=None))

    def _disconnect(self, chat_id: int, channel_id: int | None) -> None:
        with Session(self.engine) as session:
            repo.set_chat_channel(
                session=session, chat_id=chat_id, channel_id=None, title=None, only=channel_id
            )
            session.commit()

    def _migrate(self, old_id: int, new_id: int) -> None:
        with Session(self.engine) as session:
            repo.migrate_chat_id(session=session, old_id=old_id, new_id=new_id)
            session.commit()

    # -- settling ----------------------------------------------------------------------------

    async def _finish(
        self, msg: Message, chat_id: int, outcome: Outcome, message_id: int | None = None
    ) -> bool:
        """Settle the message's deliveries, count and log the outcome; whether to go on."""
        now = self.now()
        v = verdict(msg, outcome, message_id, now=now, max_attempts=self.max_attempts)
        await self._in_db_thread(self._settle, msg, chat_id, v, now)
        sent, failed = tally(self.metrics, msg, outcome, v, chat_id, now)
        self.sent, self.failed = self.sent + sent, self.failed + failed
        return v.go_on

    def _settle(self, msg: Message, chat_id: int, v: Verdict, now: datetime) -> None:
        with Session(self.engine) as session:
            record(session, msg, chat_id, v, now)
            session.commit()
