"""The scheduler on its own: APScheduler's jobs drive a fake poller and dispatcher, in-process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from postbot.scheduler import LEASES, POLL, SEND, Scheduler
from postbot.store import repo
from postbot.store.repo import FeedSpec

pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)

LONG = 3600.0  # an interval that never comes round within a test: only starts and wakes run


class FakePoller:
    def __init__(self) -> None:
        self.ticks = 0
        self.synced: list[bool] = []
        self.idle_waits = 0
        self.fail_next = False

    def sync_feeds(self, *, poll_now: bool = True) -> None:
        self.synced.append(poll_now)

    async def tick(self) -> Sequence[object]:
        self.ticks += 1
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("the database went away")
        return []

    async def wait_idle(self) -> None:
        self.idle_waits += 1


class FakeDispatcher:
    def __init__(self, started: Sequence[int] = ()) -> None:
        self.on_wake: Callable[[], None] | None = None
        self.started = list(started)  # what successive send ticks return (then 0)
        self.sends = 0
        self.running = 0
        self.most_at_once = 0
        self.renewals = 0
        self.stopped = False
        self.hold: asyncio.Event | None = None  # the first send tick waits for it

    def wake(self) -> None:
        assert self.on_wake is not None
        self.on_wake()

    async def send_tick(self) -> int:
        self.sends += 1
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            if self.hold is not None:
                hold, self.hold = self.hold, None
                await hold.wait()
            return self.started.pop(0) if self.started else 0
        finally:
            self.running -= 1

    async def renew_leases(self) -> None:
        self.renewals += 1

    async def stop(self) -> None:
        self.stopped = True


async def until(check: Callable[[], bool], timeout: float = 2.0) -> None:
    """Wait (yielding to the loop) until `check()` holds."""
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.005)


def make(
    engine: sa.Engine,
    poller: FakePoller,
    dispatcher: FakeDispatcher,
    *,
    tick: float = LONG,
    send_every: float = LONG,
    renew_every: float = LONG,
    client: httpx.AsyncClient | None = None,
) -> Scheduler:
    return Scheduler(
        engine=engine,
        poller=poller,
        dispatcher=dispatcher,
        owner="test-owner",
        client=client,
        tick=tick,
        send_every=send_every,
        renew_every=renew_every,
    )


@pytest.fixture
def poller() -> FakePoller:
    return FakePoller()


@pytest.fixture
def dispatcher() -> FakeDispatcher:
    return FakeDispatcher()


@pytest.fixture
async def running(
    engine: sa.Engine, poller: FakePoller, dispatcher: FakeDispatcher
) -> AsyncIterator[Scheduler]:
    scheduler = make(engine, poller, dispatcher)
    await scheduler.start()
    yield scheduler
    await scheduler.stop()


async def test_three_jobs_one_instance_each_late_runs_coalesced(running: Scheduler) -> None:
    jobs = {job.id: job for job in running.jobs.get_jobs()}
    assert set(jobs) == {POLL, SEND, LEASES}
    for job in jobs.values():
        assert job.max_instances == 1 and job.coalesce is True
        assert job.misfire_grace_time is None
        assert job.trigger.interval.total_seconds() == LONG


async def test_poll_and_send_run_at_start_and_the_feeds_are_synced(
    running: Scheduler, poller: FakePoller, dispatcher: FakeDispatcher
) -> None:
    await until(lambda: poller.ticks == 1 and dispatcher.sends == 1)
    assert poller.synced == [True]
    assert dispatcher.renewals == 0  # its first run is one interval on


async def test_a_worker_leaves_due_times_be(
    engine: sa.Engine, poller: FakePoller, dispatcher: FakeDispatcher
) -> None:
    scheduler = make(engine, poller, dispatcher)
    await scheduler.start(poll_now=False)
    await scheduler.stop()
    assert poller.synced == [False]


async def test_a_wake_runs_the_send_tick_at_once(
    running: Scheduler, dispatcher: FakeDispatcher
) -> None:
    await until(lambda: dispatcher.sends == 1)
    await asyncio.sleep(0.05)
    assert dispatcher.sends == 1  # nothing more until woken: the interval is an hour
    dispatcher.wake()
    await until(lambda: dispatcher.sends == 2, timeout=1.0)
    next_run = running.jobs.get_job(SEND).next_run_time
    assert (next_run - datetime.now(UTC)).total_seconds() > LONG - 60  # back on its interval


async def test_a_burst_of_wakes_while_idle_is_one_send_tick(
    running: Scheduler, dispatcher: FakeDispatcher
) -> None:
    await until(lambda: dispatcher.sends == 1)
    for _ in range(50):  # chats finishing one after another
        dispatcher.wake()
    await until(lambda: dispatcher.sends == 2)
    await asyncio.sleep(0.05)
    assert dispatcher.sends == 2
    dispatcher.wake()  # and the next wake is heard again
    await until(lambda: dispatcher.sends == 3)


async def test_a_wake_during_a_send_tick_runs_it_again_never_twice_at_once(
    engine: sa.Engine, poller: FakePoller
) -> None:
    dispatcher = FakeDispatcher()
    dispatcher.hold = hold = asyncio.Event()
    scheduler = make(engine, poller, dispatcher)
    await scheduler.start()
    await until(lambda: dispatcher.running == 1)
    dispatcher.wake()
    dispatcher.wake()
    await asyncio.sleep(0.05)
    assert dispatcher.sends == 1  # the wakes wait for the tick in progress
    hold.set()
    await until(lambda: dispatcher.sends == 2)  # one more tick answers both wakes
    await asyncio.sleep(0.05)
    assert dispatcher.sends == 2 and dispatcher.most_at_once == 1
    await scheduler.stop()


async def test_the_send_tick_repeats_while_it_starts_chats(
    engine: sa.Engine, poller: FakePoller
) -> None:
    dispatcher = FakeDispatcher(started=[3, 2])
    scheduler = make(engine, poller, dispatcher)
    await scheduler.start()
    await until(lambda: dispatcher.sends == 3)  # 3 chats, 2 chats, none: one job run
    await asyncio.sleep(0.05)
    assert dispatcher.sends == 3
    await scheduler.stop()


async def test_leases_are_renewed_every_interval(
    engine: sa.Engine, poller: FakePoller, dispatcher: FakeDispatcher
) -> None:
    scheduler = make(engine, poller, dispatcher, renew_every=0.05)
    await scheduler.start()
    await until(lambda: dispatcher.renewals >= 3)
    await scheduler.stop()


async def test_a_failed_poll_tick_is_logged_and_the_next_one_runs(
    engine: sa.Engine,
    poller: FakePoller,
    dispatcher: FakeDispatcher,
    caplog: pytest.LogCaptureFixture,
) -> None:
    poller.fail_next = True
    scheduler = make(engine, poller, dispatcher, tick=0.05)
    with caplog.at_level(logging.ERROR, logger="postbot.scheduler"):
        await scheduler.start()
        await until(lambda: poller.ticks >= 3)
        await scheduler.stop()
    failures = [r for r in caplog.records if r.getMessage() == "poll tick failed"]
    assert len(failures) == 1 and failures[0].exc_info is not None


async def test_stop_ends_the_jobs_and_waits_for_work_in_flight(
    engine: sa.Engine, poller: FakePoller, caplog: pytest.LogCaptureFixture
) -> None:
    dispatcher = FakeDispatcher()
    dispatcher.hold = hold = asyncio.Event()
    client = httpx.AsyncClient()
    scheduler = make(engine, poller, dispatcher, tick=0.02, send_every=0.02, client=client)
    await scheduler.start()
    await until(lambda: dispatcher.running == 1)
    stopping = asyncio.create_task(scheduler.stop())
    await asyncio.sleep(0.05)
    assert not stopping.done()  # the send tick in flight is waited for
    with caplog.at_level(logging.INFO, logger="postbot.scheduler"):
        hold.set()
        await asyncio.wait_for(stopping, 2.0)
    assert dispatcher.stopped and poller.idle_waits == 1 and client.is_closed
    assert "scheduler test-owner stopped" in caplog.text
    ticks, sends = poller.ticks, dispatcher.sends
    dispatcher.wake()  # too late: nothing runs any more
    await asyncio.sleep(0.1)
    assert (poller.ticks, dispatcher.sends) == (ticks, sends)
    assert not scheduler.jobs.running


async def test_leases_left_by_a_dead_process_are_released_on_sqlite(
    engine: sa.Engine, poller: FakePoller, dispatcher: FakeDispatcher
) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with Session(engine) as session:
        repo.upsert_feeds(session=session, feeds=[FeedSpec("a", "https://a.example", "A")])
        repo.claim_due_feeds(
            session=session, owner="dead", now=now, lease_until=now.replace(year=2999), limit=5
        )
        session.commit()
    scheduler = make(engine, poller, dispatcher)
    await scheduler.start()
    await scheduler.stop()
    with Session(engine) as session:
        feed = repo.get_feed(session=session, feed_id="a")
        assert feed is not None and feed.lease_owner is None
