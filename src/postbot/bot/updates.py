"""Updates from different chats are handled side by side; each chat's in the order sent.

PTB handles one update at a time by default, so a reply waiting for its chat's flood slot (one
message a second in a private chat) would hold up every other chat. Its concurrent mode has no
order at all, and "/watch x" followed at once by "/watches" must list x. This processor runs
updates concurrently but one chat at a time (asyncio locks are first come, first served).

Three rules keep one chat from costing the others anything:

- A chat takes its turn *before* a concurrency slot. PTB's own semaphore is taken before
  `do_process_update`, so 120 updates of one chat used to hold 64 slots while they only waited
  for their chat; PTB's is therefore made too wide to matter and ours is taken inside the turn.
- A chat holds at most `max_queued_per_chat` updates (running or waiting). The excess is
  dropped, and the chat gets one polite notice per burst (until its queue has drained).
- On stop, updates still waiting are dropped (not handled after the signal), and handlers still
  running after `stop_grace` seconds are cancelled, so the process exits promptly whatever is
  queued.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

MAX_CONCURRENT = 64
# twenty commands in a row is more than anyone types; a private chat answers one a second
MAX_QUEUED_PER_CHAT = 20
# after a stop signal, how long a running handler may take to finish before it is cancelled
STOP_GRACE = 3.0
# PTB's semaphore (taken before the chat's turn) is sized so that it never makes anyone wait
_PTB_SLOTS = 1 << 20

OverflowNotice = Callable[[Update], Awaitable[None]]


@dataclass(slots=True)
class _ChatTurn:
    """One chat's queue: the lock that orders its updates and how many hold or await it."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    queued: int = 0
    noticed: bool = False  # the chat was told of dropped updates in this burst


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across chats, sequential within a chat, bounded per chat."""

    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT,
        *,
        max_queued_per_chat: int = MAX_QUEUED_PER_CHAT,
        stop_grace: float = STOP_GRACE,
    ) -> None:
        super().__init__(_PTB_SLOTS)
        self.max_queued_per_chat = max_queued_per_chat
        self.stop_grace = stop_grace
        # set by the application: tells a flooding chat that some of its messages were dropped
        self.on_overflow: OverflowNotice | None = None
        self._slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._turns: dict[int, _ChatTurn] = {}
        self._running: set[asyncio.Task[Any]] = set()
        self._notices: set[asyncio.Task[None]] = set()
        self._stopping = False
        self.dropped_overflow = 0
        self.dropped_at_stop = 0

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's earlier updates, then for a slot, then handle this one."""
        if self._stopping:
            self._discard(coroutine)
            self.dropped_at_stop += 1
            return
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None or not isinstance(update, Update):
            async with self._slots:
                await self._run(coroutine)
            return
        turn = self._turns.setdefault(chat.id, _ChatTurn())
        if turn.queued >= self.max_queued_per_chat:
            self._discard(coroutine)
            self._overflow(update, turn, chat.id)
            return
        turn.queued += 1
        try:
            async with turn.lock:
                if self._stopping:
                    self._discard(coroutine)
                    self.dropped_at_stop += 1
                    return
                async with self._slots:
                    await self._run(coroutine)
        finally:
            turn.queued -= 1
            if not turn.queued:  # forget idle chats; the next burst gets its own notice
                del self._turns[chat.id]

    def begin_stop(self) -> None:
        """Stop taking updates: waiting ones are dropped, running ones have `stop_grace` s."""
        if self._stopping:
            return
        self._stopping = True
        asyncio.get_running_loop().call_later(self.stop_grace, self._cancel_running)

    def _cancel_running(self) -> None:
        if self._running:
            log.warning(
                "stopping: %d handler(s) still running after %g s cancelled",
                len(self._running),
                self.stop_grace,
            )
        for task in (*self._running, *self._notices):
            task.cancel()

    async def _run(self, coroutine: Awaitable[Any]) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            await coroutine
        finally:
            if task is not None:
                self._running.discard(task)

    def _overflow(self, update: Update, turn: _ChatTurn, chat_id: int) -> None:
        self.dropped_overflow += 1
        if turn.noticed:
            return
        turn.noticed = True
        log.warning(
            "chat %s: more than %d updates queued; dropping the excess until it catches up",
            chat_id,
            self.max_queued_per_chat,
            extra={"chat_id": chat_id},
        )
        if self.on_overflow is not None:
            # a task of its own: the notice waits for the chat's flood slot, not for a turn
            task = asyncio.get_running_loop().create_task(self._notify(update, self.on_overflow))
            self._notices.add(task)
            task.add_done_callback(self._notices.discard)

    @staticmethod
    async def _notify(update: Update, notice: OverflowNotice) -> None:
        try:
            await notice(update)
        except Exception as exc:  # a notice is a courtesy: never an error of its own
            log.info("overflow notice not sent: %r", exc)

    @staticmethod
    def _discard(coroutine: Awaitable[Any]) -> None:
        if inspect.iscoroutine(coroutine):
            coroutine.close()  # never started: closing it avoids "never awaited" warnings

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Cancel pending notices; say how many updates were dropped while stopping."""
        for task in self._notices:
            task.cancel()
        if self.dropped_at_stop:
            log.warning("stopping: %d queued update(s) dropped unhandled", self.dropped_at_stop)
