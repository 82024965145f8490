"""FloodGate: a command's reply goes ahead of the chat's queued alerts (issue 16 item 5), while
alerts keep their order and the per-chat limits still hold."""

from __future__ import annotations

import asyncio
import itertools
import time

from postbot.delivery.flood import GROUP_PER_MINUTE, GROUP_WINDOW, FloodGate

GROUP, PRIVATE = -100, 100


class VirtualClock:
    """Time that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def _run(
    gate: FloodGate, chat: int, name: str, order: list[tuple[str, float]], **kw: bool
) -> None:
    await gate.acquire(chat, **kw)
    order.append((name, time.monotonic()))


async def test_a_reply_in_a_group_goes_before_the_waiting_alerts() -> None:
    gate = FloodGate(per_second=1000, group_interval=0.3)
    order: list[tuple[str, float]] = []
    start = time.monotonic()
    await _run(gate, GROUP, "alert1", order)
    waiting = [asyncio.create_task(_run(gate, GROUP, f"alert{n}", order)) for n in (2, 3)]
    await asyncio.sleep(0.05)
    await _run(gate, GROUP, "reply", order, urgent=True)
    await asyncio.gather(*waiting)
    assert [name for name, _ in order] == ["alert1", "reply", "alert2", "alert3"]
    times = dict(order)
    assert times["reply"] - start < 0.2  # it did not wait out the group's spacing
    # the alerts keep their spacing after the reply
    assert times["alert2"] - times["reply"] >= 0.3 * 0.9
    assert times["alert3"] - times["alert2"] >= 0.3 * 0.9


async def test_a_reply_in_a_private_chat_takes_the_next_turn_and_keeps_the_spacing() -> None:
    gate = FloodGate(per_second=1000, private_interval=0.2)
    order: list[tuple[str, float]] = []
    await _run(gate, PRIVATE, "alert1", order)
    waiting = [asyncio.create_task(_run(gate, PRIVATE, f"alert{n}", order)) for n in (2, 3)]
    await asyncio.sleep(0.05)
    await _run(gate, PRIVATE, "reply", order, urgent=True)
    await asyncio.gather(*waiting)
    assert [name for name, _ in order] == ["alert1", "reply", "alert2", "alert3"]
    stamps = [t for _, t in order]
    assert all(b - a >= 0.2 * 0.9 for a, b in itertools.pairwise(stamps))


async def test_replies_never_push_a_group_past_20_a_minute() -> None:
    clock = VirtualClock()
    gate = FloodGate(per_second=29, clock=clock, sleep=clock.sleep)
    times = []
    for n in range(45):
        await gate.acquire(GROUP, urgent=n % 2 == 0)
        times.append(clock.now)
    for i, t in enumerate(times):
        in_minute = [u for u in times[i:] if u < t + 60.0]
        assert len(in_minute) <= GROUP_PER_MINUTE
    assert times[GROUP_PER_MINUTE] - times[0] >= GROUP_WINDOW - 1e-9


async def test_a_429_holds_replies_too() -> None:
    clock = VirtualClock()
    gate = FloodGate(per_second=29, clock=clock, sleep=clock.sleep)
    gate.pause_chat(GROUP, 7.0)
    start = clock.now
    await gate.acquire(GROUP, urgent=True)
    assert clock.now - start >= 7.0


async def test_a_cancelled_waiter_gives_its_turn_away() -> None:
    gate = FloodGate(per_second=1000, private_interval=0.2)
    await gate.acquire(PRIVATE)
    stuck = asyncio.create_task(gate.acquire(PRIVATE))
    reply = asyncio.create_task(gate.acquire(PRIVATE, urgent=True))
    await asyncio.sleep(0.02)
    stuck.cancel()
    await asyncio.wait_for(reply, 1.0)
    await asyncio.wait_for(gate.acquire(PRIVATE), 1.0)  # the chat's turn is free again
    assert stuck.cancelled()


async def test_a_spacing_pause_holds_alerts_but_not_a_group_reply() -> None:
    clock = VirtualClock()
    gate = FloodGate(per_second=29, clock=clock, sleep=clock.sleep)
    gate.pause_chat(GROUP, 3.0, spacing=True)  # the dispatcher: sent to the group just now
    start = clock.now
    await gate.acquire(GROUP, urgent=True)
    assert clock.now - start < 0.1
    await gate.acquire(GROUP)  # an alert keeps the spacing
    assert clock.now - start >= 3.0
