"""Adaptive polling: the interval function, and the poller setting the next poll with it."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from pipeline.test_poll import NEW, OLD, T0
from postbot.config.catalog import CatalogRef
from postbot.feeds.fetch import make_client
from postbot.pipeline.cadence import adaptive_interval
from postbot.pipeline.refresh import Poller
from postbot.store import repo
from postbot.store.models import Feed
from support.catalogs import catalog
from support.clocks import Clock
from support.feedserver import FeedItem, FeedServer

MIN, HOUR = timedelta(minutes=1), timedelta(hours=1)


@pytest.mark.parametrize(
    ("configured", "quiet", "expected"),
    [
        pytest.param(2 * MIN, None, 8 * MIN, id="never-published-4x"),
        pytest.param(2 * MIN, timedelta(0), 2 * MIN, id="just-published"),
        pytest.param(2 * MIN, HOUR, 2 * MIN, id="an-hour-is-still-busy"),
        pytest.param(2 * MIN, 24 * HOUR, 8 * MIN, id="a-quiet-day-4x"),
        pytest.param(2 * MIN, 30 * 24 * HOUR, 8 * MIN, id="a-quiet-month-still-4x"),
        pytest.param(2 * MIN, 12.5 * HOUR, 5 * MIN, id="half-way-2.5x"),
        pytest.param(10 * MIN, 24 * HOUR, 30 * MIN, id="capped-at-30-min"),
        pytest.param(45 * MIN, 24 * HOUR, 45 * MIN, id="never-below-configured"),
        pytest.param(timedelta(seconds=10), 24 * HOUR, timedelta(seconds=40), id="10s-to-40s"),
    ],
)
def test_interval(configured: timedelta, quiet: timedelta | None, expected: timedelta) -> None:
    assert adaptive_interval(configured, quiet) == expected


def test_interval_grows_steadily_with_quiet() -> None:
    steps = [adaptive_interval(5 * MIN, q * HOUR) for q in range(0, 30)]
    assert steps == sorted(steps)
    assert steps[0] == 5 * MIN and steps[-1] == 20 * MIN


ANOTHER = FeedItem("خبر ثالث", "https://n.example/third", "نص.", guid="third")


@pytest.fixture
async def setup(engine: sa.Engine) -> AsyncIterator[tuple[Poller, FeedServer, Clock]]:
    clock = Clock(T0)
    with FeedServer() as server:
        server.set_feed("/a.xml", [OLD])
        ref = CatalogRef(catalog([("a", "Agency A", server.url("/a.xml"))], interval="2m"))

        async def notify(key: str, values: dict[str, str]) -> None:
            return None

        async with make_client() as client:
            poller = Poller(
                engine=engine,
                client=client,
                catalog=ref,
                owner="test",
                notify_admins=notify,
                now=clock,
                rng=random.Random(1),
            )
            poller.sync_feeds()
            yield poller, server, clock


def _feed(engine: sa.Engine) -> Feed:
    with Session(engine) as session:
        row = repo.get_feed(session=session, feed_id="a")
        assert row is not None
        return row


async def _poll_at(poller: Poller, engine: sa.Engine, clock: Clock) -> timedelta:
    with Session(engine) as session:
        session.exec(sa.update(Feed).values(next_poll_at=clock.now))  # type: ignore[call-overload]
        session.commit()
    assert await poller.tick()
    await poller.wait_idle()
    return _feed(engine).next_poll_at - clock.now


async def test_a_quiet_feed_is_polled_less_often_and_a_new_story_restores_its_pace(
    engine: sa.Engine, setup: tuple[Poller, FeedServer, Clock]
) -> None:
    poller, server, clock = setup
    jitter = timedelta(seconds=30)  # next_poll adds at most 10% of the interval, <= 30 s
    wait = await _poll_at(poller, engine, clock)  # the backlog: new to postbot
    assert 2 * MIN <= wait <= 2 * MIN + jitter
    assert _feed(engine).last_new_at == T0
    clock.now = T0 + 12 * HOUR + 30 * MIN  # nothing new since: 2.5x
    wait = await _poll_at(poller, engine, clock)
    assert 5 * MIN <= wait <= 5 * MIN + jitter
    clock.now = T0 + 3 * 24 * HOUR  # quiet for days: 4x
    wait = await _poll_at(poller, engine, clock)
    assert 8 * MIN <= wait <= 8 * MIN + jitter
    assert _feed(engine).last_new_at == T0
    server.set_feed("/a.xml", [NEW, OLD])
    wait = await _poll_at(poller, engine, clock)
    assert 2 * MIN <= wait <= 2 * MIN + jitter
    assert _feed(engine).last_new_at == clock.now
    server.set_feed("/a.xml", [ANOTHER, NEW, OLD])
    server.set_status("/a.xml", 500)  # a failed poll keeps the backoff rules and last_new_at
    await _poll_at(poller, engine, clock)
    assert _feed(engine).last_new_at == clock.now
