"""The poller marks a story breaking from the stored first-seen times and queues it once for
the chats that take every breaking story (tests/fixtures/breaking/attack.yaml).

Two pollers with their own owners stand for two processes sharing one database: the velocity
is read from the stories' stored first-seen times, so it does not matter which process saw
which outlet.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from pipeline.outlets import FEEDS, FILLER, fixture, item, outlets
from postbot.config.catalog import Catalog, CatalogRef
from postbot.config.model import BreakingConfig
from postbot.feeds.fetch import make_client
from postbot.match.breaking import REASON
from postbot.pipeline.refresh import Poller
from postbot.store import repo
from postbot.store.models import Delivery, DeliveryStatus, Feed, StoryRow
from support.catalogs import catalog
from support.clocks import Clock
from support.feedserver import FeedServer

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
ATTACK = fixture("breaking", "attack.yaml")
FOLLOWER, BREAKING_ONLY, PAUSED, BOTH = 1, 2, 3, 4


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with outlets() as srv:
        yield srv


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


def _ref(server: FeedServer, rule: BreakingConfig | None = None) -> CatalogRef:
    built = catalog([(f, f.title(), server.url(f"/{f}.xml")) for f in FEEDS], interval="1m")
    if rule is not None:
        built = Catalog.build(replace(built.config, breaking=rule))
    return CatalogRef(built)


async def _notify(key: str, values: dict[str, str]) -> None:
    return None


@pytest.fixture
async def pollers(
    engine: sa.Engine, server: FeedServer, clock: Clock, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[Poller, Poller]]:
    rule = getattr(request, "param", None)
    async with make_client() as client:
        made = tuple(
            Poller(
                engine=engine,
                client=client,
                catalog=_ref(server, rule),
                owner=owner,
                notify_admins=_notify,
                now=clock,
                rng=random.Random(1),
            )
            for owner in ("process-a", "process-b")
        )
        made[0].sync_feeds()
        await poll(made[0], engine, clock, FEEDS)  # first polls: the backlog is recorded
        yield made[0], made[1]


async def poll(poller: Poller, engine: sa.Engine, clock: Clock, feeds: tuple[str, ...]) -> None:
    """Poll just these feeds now (the others are not due)."""
    with Session(engine) as session:
        session.exec(sa.update(Feed).values(next_poll_at=clock.now + timedelta(days=1)))  # type: ignore[call-overload]
        session.exec(
            sa.update(Feed).where(col(Feed.id).in_(feeds)).values(next_poll_at=clock.now)  # type: ignore[call-overload]
        )
        session.commit()
    await poller.tick()
    await poller.wait_idle()


def setup_chats(engine: sa.Engine) -> None:
    with Session(engine) as session:
        for chat_id in (FOLLOWER, BREAKING_ONLY, PAUSED, BOTH):
            repo.get_or_create_chat(
                session=session, chat_id=chat_id, kind="private", title=None, lang="en", now=T0
            )
        for chat_id in (FOLLOWER, BOTH):
            repo.subscribe_topic(session=session, chat_id=chat_id, topic_id="isis", now=T0)
        for chat_id in (BREAKING_ONLY, PAUSED, BOTH):
            repo.set_chat_breaking(session=session, chat_id=chat_id, on=True, now=T0)
        repo.set_chat_active(session=session, chat_id=PAUSED, active=False, now=T0)
        session.commit()


def deliveries(engine: sa.Engine) -> list[Delivery]:
    with Session(engine) as session:
        return list(session.exec(select(Delivery).order_by(col(Delivery.id))).all())


def root(engine: sa.Engine) -> StoryRow:
    """The first story of the attack's cluster (copy 0's own when it is alone or came first;
    when several outlets arrive in one poll, whichever was saved first)."""
    link = ATTACK["event"][0]["link"]
    with Session(engine) as session:
        story = session.exec(select(StoryRow).where(col(StoryRow.link) == link)).one()
        if story.cluster_id is None or story.cluster_id == story.id:
            return story
        return session.exec(select(StoryRow).where(col(StoryRow.id) == story.cluster_id)).one()


def send_all(engine: sa.Engine) -> None:
    with Session(engine) as session:
        due = repo.pending_deliveries(session=session, now=T0 + timedelta(days=9), limit=100)
        for n, row in enumerate(due):
            assert row.id is not None
            repo.mark_sent(session=session, delivery_id=row.id, message_id=100 + n, now=T0)
        session.commit()


async def publish(
    poller: Poller,
    engine: sa.Engine,
    server: FeedServer,
    clock: Clock,
    minutes: float,
    copies: dict[str, int],
) -> None:
    """At T0 + minutes, these feeds carry these copies of the attack; poll them."""
    clock.now = T0 + timedelta(minutes=minutes)
    for feed, n in copies.items():
        server.set_feed(f"/{feed}.xml", [FILLER, item(ATTACK["event"][n], f"{feed}-{n}")])
    await poll(poller, engine, clock, tuple(copies))


async def test_three_outlets_in_time_make_it_breaking_across_two_processes(
    pollers: tuple[Poller, Poller], server: FeedServer, engine: sa.Engine, clock: Clock
) -> None:
    a, b = pollers
    setup_chats(engine)
    await publish(a, engine, server, clock, 1, {"aljazeera": 0})
    assert [(d.chat_id, d.reasons) for d in deliveries(engine)] == [
        (FOLLOWER, ["topic:isis"]),
        (BOTH, ["topic:isis"]),
    ]
    send_all(engine)
    await publish(b, engine, server, clock, 5, {"skynewsarabia": 1})
    assert root(engine).breaking_at is None  # two outlets are not breaking
    await publish(a, engine, server, clock, 12.5, {"shafaq": 2})
    first = root(engine)
    assert first.breaking_at == T0 + timedelta(minutes=12.5)
    assert (first.breaking_outlets, first.breaking_minutes) == (3, 12)  # 11.5 min, rounded up
    rows = deliveries(engine)
    # the chat that follows nothing gets the first story, once; the paused one does not; the
    # one that follows the topic too was alerted already
    breaking = [d for d in rows if d.reasons == [REASON]]
    assert [(d.chat_id, d.story_id, d.status) for d in breaking] == [
        (BREAKING_ONLY, first.id, DeliveryStatus.PENDING.value)
    ]
    assert {d.chat_id for d in rows} == {FOLLOWER, BOTH, BREAKING_ONLY}
    assert all(d.status == DeliveryStatus.EDIT.value for d in rows if d.chat_id != BREAKING_ONLY)

    send_all(engine)
    await publish(b, engine, server, clock, 20, {"alsumaria": 3})
    first = root(engine)
    assert (first.breaking_outlets, first.breaking_minutes) == (4, 19)  # minute 1 to 20
    assert first.breaking_at == T0 + timedelta(minutes=12.5)  # marked once
    rows = deliveries(engine)
    assert len(rows) == 3  # nobody gets a second alert: every sent alert is edited instead
    assert {d.status for d in rows} == {DeliveryStatus.EDIT.value}


async def test_outlets_too_slow_are_not_breaking(
    pollers: tuple[Poller, Poller], server: FeedServer, engine: sa.Engine, clock: Clock
) -> None:
    a, b = pollers
    setup_chats(engine)
    await publish(a, engine, server, clock, 1, {"aljazeera": 0})
    await publish(b, engine, server, clock, 20, {"skynewsarabia": 1})
    await publish(a, engine, server, clock, 40, {"shafaq": 2, "alsumaria": 3})
    first = root(engine)
    assert first.breaking_at is None and first.breaking_outlets is None
    assert sorted(first.also_in) == ["alsumaria", "shafaq", "skynewsarabia"]
    assert not [d for d in deliveries(engine) if d.chat_id == BREAKING_ONLY]


@pytest.mark.parametrize("pollers", [BreakingConfig(outlets=2, minutes=5)], indirect=True)
async def test_the_configured_rule_is_used(
    pollers: tuple[Poller, Poller], server: FeedServer, engine: sa.Engine, clock: Clock
) -> None:
    a, b = pollers
    setup_chats(engine)
    await publish(a, engine, server, clock, 0, {"aljazeera": 0})
    await publish(b, engine, server, clock, 4, {"skynewsarabia": 1})
    first = root(engine)
    assert (first.breaking_outlets, first.breaking_minutes) == (2, 4)
    assert [d.chat_id for d in deliveries(engine) if d.reasons == [REASON]] == [BREAKING_ONLY]
    await publish(a, engine, server, clock, 9, {"shafaq": 2})  # after the 5-minute window
    assert (root(engine).breaking_outlets, root(engine).breaking_minutes) == (2, 4)


async def test_one_poll_with_three_outlets_at_once(
    pollers: tuple[Poller, Poller], server: FeedServer, engine: sa.Engine, clock: Clock
) -> None:
    a, _ = pollers
    setup_chats(engine)
    await publish(a, engine, server, clock, 2, {"aljazeera": 0, "skynewsarabia": 1, "shafaq": 2})
    first = root(engine)
    assert first.breaking_outlets == 3 and first.breaking_minutes == 1
    rows = deliveries(engine)
    assert sorted(d.chat_id for d in rows) == [FOLLOWER, BREAKING_ONLY, BOTH]
    assert len({d.story_id for d in rows}) == 1  # all about the first story
