"""Telegram's flood limits, kept on our side so that Telegram rarely has to say 429 (SPEC §7).

At most `per_second` messages overall, evenly spaced rather than in bursts (Telegram counts
~30 per second; we stay a little under so that network jitter cannot push a second over), and
per chat at least `private_interval` seconds between two messages to a private chat and
`group_interval` between two to a group (20 per minute). A 429 for one chat pauses that chat
only; the overall pace already keeps the bot under the global limit.

`acquire(chat_id)` waits until a message to that chat may go and books its slot. Callers that
send several messages to one chat in a row are served in order (one turn per chat at a time),
except that `acquire(chat_id, urgent=True)` (a reply to a command) takes the chat's next turn
ahead of the alerts waiting for it: a person who typed a command hears back within seconds
even when a group has dozens of alerts queued at its 20-a-minute pace. Groups also keep a
window of their last 20 sends, so no minute ever holds more than 20 whatever goes first.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[object]]


class SlotBooker(Protocol):
    """Where overall send slots come from: this process alone, or a budget shared with others."""

    async def book(self, count: int, spacing: float, now: float) -> float:
        """Book `count` slots `spacing` apart; returns the first, on the gate's clock."""
        ...


class LocalBooker:
    """Slots for a process that sends alone (SQLite, tests): a pointer in memory."""

    def __init__(self) -> None:
        self.next_at = 0.0

    async def book(self, count: int, spacing: float, now: float) -> float:
        """The next free slot from now on."""
        start = max(now, self.next_at)
        self.next_at = start + spacing * count
        return start


TELEGRAM_PER_SECOND = 30.0
DEFAULT_PER_SECOND = 29.0
# paid broadcasts lift the overall limit to 1,000/s; keep the same few percent of margin
PAID_PER_SECOND = 970.0
PRIVATE_INTERVAL = 1.0
# 20 per minute is one every 3 s; a little more so that jitter never makes 21 in a window
GROUP_INTERVAL = 3.05
MIN_GAP = 0.9  # of the spacing: a late sender may catch up a little, never go out in a pair
SWEEP_EVERY = 1024  # forget chats whose spacing has passed, every so many messages


GROUP_PER_MINUTE = 20  # Telegram's limit for one group, over any 60 s
GROUP_WINDOW = 60.5  # seconds: a little more than a minute, for jitter


@dataclass(slots=True)
class _ChatSlot:
    """One chat's turn-taking: who holds it, who waits (urgent first, then in arrival order),
    when its next message may go, and (groups) when its last messages went."""

    next_at: float = 0.0
    held_until: float = 0.0  # a 429 for this chat: nothing goes before, urgent or not
    waiters: int = 0
    busy: bool = False
    queue: list[tuple[int, int, asyncio.Future[None]]] = field(default_factory=list)
    urgent: int = 0  # urgent waiters queued
    kick: asyncio.Event | None = None  # set when an urgent waiter arrives
    sent: deque[float] = field(default_factory=lambda: deque(maxlen=GROUP_PER_MINUTE))


class FloodGate:
    """Paces messages overall and per chat; one instance per process (shared by all senders)."""

    def __init__(
        self,
        *,
        per_second: float = DEFAULT_PER_SECOND,
        private_interval: float = PRIVATE_INTERVAL,
        group_interval: float = GROUP_INTERVAL,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        booker: SlotBooker | None = None,
        batch: int = 1,
    ) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self._spacing = 1.0 / per_second
        self._private = private_interval
        self._group = group_interval
        self._clock = clock
        self._sleep = sleep
        self._booker: SlotBooker = booker or LocalBooker()
        self._batch = max(batch, 1)
        self._slots: deque[float] = deque()
        self._booking = asyncio.Lock()
        self._demand = 0
        self._paused_until = 0.0
        self._chats: dict[int, _ChatSlot] = {}
        self._seq = itertools.count()
        self._acquired = 0
        self._recent: deque[float] = deque(maxlen=max(int(per_second), 1))

    @property
    def per_second(self) -> float:
        """The overall pace, messages per second."""
        return 1.0 / self._spacing

    def chat_interval(self, chat_id: int) -> float:
        """Seconds between two messages to this chat (groups and channels have negative ids)."""
        return self._private if chat_id > 0 else self._group

    async def acquire(self, chat_id: int | None = None, *, urgent: bool = False) -> None:
        """Wait for a slot for one message (to `chat_id`, or chat-less like an edit).

        `urgent` (a reply to a command) goes ahead of the chat's waiting alerts: it takes the
        chat's next turn, and in a group it need not wait out the even spacing while fewer
        than 20 messages went to the group in the last minute. Alerts keep their order.
        """
        if chat_id is None:
            await self._wait_until(await self._take_slot())
            await self._window()
            return
        slot = self._chats.get(chat_id)
        if slot is None:
            slot = self._chats[chat_id] = _ChatSlot()
        slot.waiters += 1
        seq = next(self._seq)
        try:
            while True:
                await self._enter(slot, urgent, seq)
                try:
                    if not urgent and await self._spacing_or_urgent(slot):
                        continue  # an urgent reply arrived: let it go first, keep our place
                    await self._send_turn(slot, chat_id, urgent)
                    return
                finally:
                    self._leave(slot)
        finally:
            slot.waiters -= 1
            self._acquired += 1
            if self._acquired % SWEEP_EVERY == 0:
                self._sweep()

    async def _send_turn(self, slot: _ChatSlot, chat_id: int, urgent: bool) -> None:
        """Holding the chat's turn: wait for its spacing (not when urgent in a group) and its
        window, take an overall slot, and note the send."""
        interval = self.chat_interval(chat_id)
        group = chat_id < 0
        await self._wait_until(slot.next_at if not (urgent and group) else slot.held_until)
        if group and len(slot.sent) == slot.sent.maxlen:
            await self._wait_until(slot.sent[0] + GROUP_WINDOW)
        at = await self._take_slot()
        slot.next_at = max(slot.next_at, at + interval)
        await self._wait_until(at)
        await self._window()
        now = self._clock()
        slot.next_at = max(slot.next_at, now + interval)
        if group:
            slot.sent.append(now)

    async def _enter(self, slot: _ChatSlot, urgent: bool, seq: int) -> None:
        """Take the chat's turn: at once if free, else when it is ours (urgent ones first)."""
        if not slot.busy and not slot.queue:
            slot.busy = True
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(slot.queue, (0 if urgent else 1, seq, future))
        if urgent:
            slot.urgent += 1
            if slot.kick is not None:
                slot.kick.set()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._leave(slot)  # the turn was handed to us as we were cancelled
            else:
                slot.queue = [e for e in slot.queue if e[2] is not future]
                heapq.heapify(slot.queue)
                if urgent:
                    slot.urgent -= 1
            raise

    def _leave(self, slot: _ChatSlot) -> None:
        """Hand the chat's turn to the first waiter (urgent first), or free it."""
        while slot.queue:
            rank, _, future = heapq.heappop(slot.queue)
            if rank == 0:
                slot.urgent -= 1
            if not future.done():
                future.set_result(None)
                return
        slot.busy = False

    async def _spacing_or_urgent(self, slot: _ChatSlot) -> bool:
        """Wait out the chat's spacing; True (at once) if an urgent waiter is queued."""
        while True:
            if slot.urgent:
                return True
            delay = slot.next_at - self._clock()
            if delay <= 0:
                return False
            slot.kick = kick = asyncio.Event()
            sleeper = asyncio.ensure_future(self._sleep(delay))
            kicked = asyncio.ensure_future(kick.wait())
            try:
                await asyncio.wait({sleeper, kicked}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleeper.cancel()
                kicked.cancel()
                slot.kick = None

    def pause_chat(self, chat_id: int, seconds: float, *, spacing: bool = False) -> None:
        """Telegram said 429 for this chat: no message to it for `seconds`.

        `spacing`: only the chat's alert spacing (another process sent to it just now); a
        reply to a command in a group may still go if the group's minute has room."""
        slot = self._chats.get(chat_id)
        if slot is None:
            slot = self._chats[chat_id] = _ChatSlot()
        slot.next_at = max(slot.next_at, self._clock() + seconds)
        if not spacing:
            slot.held_until = max(slot.held_until, self._clock() + seconds)

    def pause_all(self, seconds: float) -> None:
        """No message at all for `seconds` (a bot-wide flood wait)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def tracked_chats(self) -> int:
        """How many chats the gate remembers (idle ones are forgotten once their wait passed)."""
        return len(self._chats)

    async def _take_slot(self) -> float:
        """The next overall slot this process may use.

        Slots are booked as many as there are senders waiting (at most `batch`): a slot booked
        and not used is time the other processes could not use either.
        """
        self._demand += 1
        try:
            async with self._booking:
                now = self._clock()
                while self._slots and self._slots[0] < now - self._spacing:
                    self._slots.popleft()  # a slot nobody used in time is gone, not saved up
                if not self._slots:
                    count = min(self._batch, self._demand)
                    first = await self._booker.book(count, self._spacing, now)
                    self._slots.extend(first + i * self._spacing for i in range(count))
                return max(self._slots.popleft(), self._paused_until)
        finally:
            self._demand -= 1

    async def _window(self) -> None:
        """At most `per_second` releases in any second of real time.

        The pace books evenly spaced slots, but a task can wake late (the event loop was
        busy) and go out together with the next one; so two releases are also kept at least
        MIN_GAP of the spacing apart, and what really went out in the last second is counted.
        """
        recent = self._recent
        while True:
            now = self._clock()
            wait = recent[-1] + self._spacing * MIN_GAP - now if recent else 0.0
            if len(recent) == recent.maxlen:
                wait = max(wait, recent[0] + 1.0 - now)
            if wait <= 0:
                break
            await self._sleep(wait)
        recent.append(self._clock())

    async def _wait_until(self, at: float) -> None:
        delay = at - self._clock()
        if delay > 0:
            await self._sleep(delay)

    @staticmethod
    def _idle(slot: _ChatSlot, now: float) -> bool:
        last = slot.sent[-1] if slot.sent else 0.0
        return slot.waiters == 0 and slot.next_at <= now and last + GROUP_WINDOW <= now

    def _sweep(self) -> None:
        now = self._clock()
        for chat_id in [c for c, s in self._chats.items() if self._idle(s, now)]:
            del self._chats[chat_id]
