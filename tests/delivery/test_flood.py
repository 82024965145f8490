"""FloodGate: overall pace, per-chat spacing, pauses after 429 (a virtual clock, no real waits)."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from postbot.delivery.flood import GROUP_INTERVAL, PRIVATE_INTERVAL, FloodGate


class VirtualClock:
    """Time that moves only when someone sleeps (one task at a time)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


async def _times(gate: FloodGate, clock: VirtualClock, chats: list[int | None]) -> list[float]:
    out = []
    for chat in chats:
        await gate.acquire(chat)
        out.append(clock.now)
    return out


def _gaps(times: list[float]) -> list[float]:
    return [round(b - a, 6) for a, b in itertools.pairwise(times)]


async def test_overall_pace_spaces_messages_to_different_chats(clock: VirtualClock) -> None:
    gate = FloodGate(per_second=29, clock=clock, sleep=clock.sleep)
    times = await _times(gate, clock, list(range(1, 61)))
    assert set(_gaps(times)) == {round(1 / 29, 6)}
    # never more than 29 starts in any one-second window
    assert max(sum(1 for t in times if s <= t < s + 1 - 1e-9) for s in times) == 29


@pytest.mark.parametrize(
    ("chat", "interval"),
    [(42, PRIVATE_INTERVAL), (-100123, GROUP_INTERVAL), (-5, GROUP_INTERVAL)],
    ids=["private", "supergroup", "group"],
)
async def test_one_chat_is_spaced_by_its_kind(
    clock: VirtualClock, chat: int, interval: float
) -> None:
    gate = FloodGate(per_second=29, clock=clock, sleep=clock.sleep)
    times = await _times(gate, clock, [chat] * 5)
    assert _gaps(times) == [interval] * 4


async def test_group_interval_keeps_twenty_per_minute(clock: VirtualClock) -> None:
    gate = FloodGate(clock=clock, sleep=clock.sleep)
    times = await _times(gate, clock, [-100] * 40)
    assert max(sum(1 for t in times if s <= t < s + 60) for s in times) <= 20


async def test_other_chats_are_not_held_by_a_busy_chat(clock: VirtualClock) -> None:
    gate = FloodGate(per_second=10, clock=clock, sleep=clock.sleep)
    times = await _times(gate, clock, [7, 7, 8])
    # chat 7's second message waits a full second; chat 8 then goes at the next overall slot
    assert _gaps(times) == [1.0, 0.1]


async def test_pause_chat_after_429_holds_that_chat_only(clock: VirtualClock) -> None:
    gate = FloodGate(per_second=10, clock=clock, sleep=clock.sleep)
    start = clock.now
    gate.pause_chat(5, 7.0)
    await gate.acquire(6)
    assert clock.now == start
    await gate.acquire(5)
    assert clock.now == pytest.approx(start + 7.0)


async def test_pause_all_holds_every_chat(clock: VirtualClock) -> None:
    gate = FloodGate(per_second=10, clock=clock, sleep=clock.sleep)
    start = clock.now
    gate.pause_all(3.0)
    await gate.acquire(None)
    assert clock.now == pytest.approx(start + 3.0)


async def test_idle_chats_are_forgotten(clock: VirtualClock) -> None:
    gate = FloodGate(per_second=1000, clock=clock, sleep=clock.sleep)
    for chat in range(1, 3000):
        await gate.acquire(chat)
    clock.now += 10
    for chat in range(5000, 5100):
        await gate.acquire(chat)
    assert gate.tracked_chats() < 1200


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        FloodGate(per_second=0)


async def test_concurrent_senders_to_one_chat_never_overlap() -> None:
    # real event loop time, small intervals: only lower bounds are checked, never speed
    loop = asyncio.get_running_loop()
    gate = FloodGate(per_second=500, private_interval=0.03)
    stamps: list[float] = []

    async def send() -> None:
        await gate.acquire(99)
        stamps.append(loop.time())

    await asyncio.gather(*(send() for _ in range(6)))
    assert len(stamps) == 6
    assert min(_gaps(sorted(stamps))) >= 0.03 - 0.002
