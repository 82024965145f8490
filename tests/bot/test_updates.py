"""The per-chat update processor in-process (issue 11, item 4): one chat's backlog costs the
others nothing, a chat's queue is capped with one notice per burst, and a stop is prompt."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from telegram import Chat, Message, Update, User

from postbot.bot.updates import PerChatUpdateProcessor


def _update(update_id: int, chat_id: int, text: str = "/help") -> Update:
    chat_type = Chat.PRIVATE if chat_id > 0 else Chat.SUPERGROUP
    user = User(abs(chat_id), "Test", is_bot=False)
    message = Message(
        update_id, datetime.now(UTC), Chat(chat_id, chat_type), from_user=user, text=text
    )
    return Update(update_id, message=message)


class Recorder:
    """Handler coroutines that record what ran, in which order, and can be held."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.done: list[tuple[int, int]] = []
        self.started: list[int] = []
        self.gate = asyncio.Event()
        self.gate.set()

    async def handle(self, update: Update) -> None:
        assert update.effective_chat is not None
        self.started.append(update.update_id)
        await self.gate.wait()
        await asyncio.sleep(self.seconds)
        self.done.append((update.effective_chat.id, update.update_id))


async def _feed(
    processor: PerChatUpdateProcessor, recorder: Recorder, updates: list[Update]
) -> list[asyncio.Task[None]]:
    """What PTB does: one task per update, all at once."""
    loop = asyncio.get_running_loop()
    return [loop.create_task(processor.process_update(u, recorder.handle(u))) for u in updates]


def _notices() -> tuple[list[int], Callable[[Update], Awaitable[None]]]:
    chats: list[int] = []

    async def notice(update: Update) -> None:
        assert update.effective_chat is not None
        chats.append(update.effective_chat.id)

    return chats, notice


@pytest.mark.parametrize(
    ("flood_chats", "per_chat", "slots"),
    [
        pytest.param(1, 150, 64, id="one-private-chat-150"),
        pytest.param(3, 120, 64, id="three-chats-120-each"),
        pytest.param(1, 300, 4, id="few-slots"),
        pytest.param(2, 80, 1, id="one-slot"),
    ],
)
async def test_a_flooding_chat_does_not_delay_another(
    flood_chats: int, per_chat: int, slots: int
) -> None:
    processor = PerChatUpdateProcessor(slots, max_queued_per_chat=20)
    notified, processor.on_overflow = _notices()
    recorder = Recorder(seconds=0.05)  # every flood reply takes a while, as a paced send does
    floods = [
        _update(1000 * c + i, -100 - c if c % 2 else 100 + c)
        for i in range(per_chat)
        for c in range(flood_chats)
    ]
    tasks = await _feed(processor, recorder, floods)
    await asyncio.sleep(0.01)
    started = time.monotonic()
    other = _update(999_999, 4242)
    tasks += await _feed(processor, recorder, [other])
    while (4242, 999_999) not in recorder.done:
        await asyncio.sleep(0.005)
    waited = time.monotonic() - started
    await asyncio.gather(*tasks)
    # one handler's time and some slack, not the flood's (20 x 0.05 s per chat)
    assert waited < 0.5, f"the other chat waited {waited:.2f}s"
    flooded = {u.effective_chat.id for u in floods if u.effective_chat}
    for chat_id in flooded:
        handled = [uid for c, uid in recorder.done if c == chat_id]
        assert len(handled) == 20, "the chat's queue is capped"
        assert handled == sorted(handled), "a chat's updates keep their order"
    assert sorted(notified) == sorted(flooded), "one notice per flooding chat"
    assert processor.dropped_overflow == flood_chats * (per_chat - 20)


async def test_each_burst_gets_its_own_notice_and_short_queues_none() -> None:
    processor = PerChatUpdateProcessor(8, max_queued_per_chat=5)
    notified, processor.on_overflow = _notices()
    recorder = Recorder()
    recorder.gate.clear()
    burst = [_update(i, 77) for i in range(12)]
    tasks = await _feed(processor, recorder, burst)
    await asyncio.sleep(0.01)
    recorder.gate.set()
    await asyncio.gather(*tasks)
    assert notified == [77]
    # exactly the cap, in a chat that has drained: no drop, no notice
    recorder.gate.clear()
    tasks = await _feed(processor, recorder, [_update(100 + i, 77) for i in range(5)])
    await asyncio.sleep(0.01)
    recorder.gate.set()
    await asyncio.gather(*tasks)
    assert notified == [77]
    # a second flood after the first drained: a second notice
    recorder.gate.clear()
    tasks = await _feed(processor, recorder, [_update(200 + i, 77) for i in range(9)])
    await asyncio.sleep(0.01)
    recorder.gate.set()
    await asyncio.gather(*tasks)
    assert notified == [77, 77]
    assert len([d for d in recorder.done if d[0] == 77]) == 5 + 5 + 5


async def test_a_failing_notice_is_not_an_error() -> None:
    processor = PerChatUpdateProcessor(4, max_queued_per_chat=2)

    async def broken(update: Update) -> None:
        raise RuntimeError("the Bot API is down")

    processor.on_overflow = broken
    recorder = Recorder()
    await asyncio.gather(*await _feed(processor, recorder, [_update(i, 5) for i in range(6)]))
    await asyncio.sleep(0.01)
    assert len(recorder.done) == 2


@pytest.mark.parametrize("grace", [0.2, 0.5])
async def test_stop_drops_what_waits_and_cancels_what_overstays(grace: float) -> None:
    processor = PerChatUpdateProcessor(64, max_queued_per_chat=500, stop_grace=grace)
    recorder = Recorder(seconds=30.0)  # a handler stuck behind a long flood wait
    updates = [_update(1000 * c + i, c + 1) for i in range(100) for c in range(5)]
    tasks = await _feed(processor, recorder, updates)
    await asyncio.sleep(0.05)
    assert len(recorder.started) == 5  # one per chat, the rest wait for their turn
    started = time.monotonic()
    processor.begin_stop()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    elapsed = time.monotonic() - started
    assert elapsed < grace + 0.5
    assert recorder.done == []
    assert sum(isinstance(r, asyncio.CancelledError) for r in results) == 5
    assert processor.dropped_at_stop == len(updates) - 5
    # and nothing new is taken in once stopping
    late = await _feed(processor, recorder, [_update(9, 1)])
    await asyncio.gather(*late)
    assert len(recorder.started) == 5
    await processor.shutdown()


async def test_updates_without_a_chat_are_handled_too() -> None:
    processor = PerChatUpdateProcessor(2)
    ran: list[str] = []

    async def handle() -> None:
        ran.append("x")

    await asyncio.gather(*(processor.process_update(object(), handle()) for _ in range(10)))
    assert ran == ["x"] * 10
