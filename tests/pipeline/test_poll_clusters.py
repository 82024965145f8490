"""The poller recognises one story across outlets and holds alerts for digests and quiet hours.

Four feeds on a local HTTP server carry the triple in tests/fixtures/cluster/triple.yaml: one
ISIS attack near Akashat reported by three outlets, and another attack in Anbar the same day.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from ruamel.yaml import YAML
from sqlmodel import Session, col, select

from pipeline.outlets import FEEDS, FILLER, fixture, item, outlets
from postbot.config.catalog import CatalogRef
from postbot.feeds.fetch import make_client
from postbot.pipeline.refresh import Poller
from postbot.store import repo
from postbot.store.models import Delivery, DeliveryStatus, Feed, StoryBand, StoryRow
from support.catalogs import catalog
from support.clocks import Clock
from support.feedserver import FeedItem, FeedServer

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # 15:00 in Baghdad
TRIPLE = fixture("cluster", "triple.yaml")


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with outlets() as srv:
        yield srv


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
async def poller(engine: sa.Engine, server: FeedServer, clock: Clock) -> AsyncIterator[Poller]:
    async def notify(key: str, values: dict[str, str]) -> None:
        return None

    ref = CatalogRef(
        catalog([(f, f.title(), server.url(f"/{f}.xml")) for f in FEEDS], interval="1m")
    )
    async with make_client() as client:
        p = Poller(
            engine=engine,
            client=client,
            catalog=ref,
            owner="test",
            notify_admins=notify,
            now=clock,
            rng=random.Random(1),
        )
        p.sync_feeds()
        await poll(p, engine, clock)  # first polls: the backlog is recorded
        yield p


async def poll(poller: Poller, engine: sa.Engine, clock: Clock) -> None:
    with Session(engine) as session:
        session.exec(sa.update(Feed).values(next_poll_at=clock.now))  # type: ignore[call-overload]
        session.commit()
    await poller.tick()
    await poller.wait_idle()


def subscribe(
    engine: sa.Engine, chat_id: int, *, watch: str | None = None, **settings: Any
) -> None:
    with Session(engine) as session:
        repo.get_or_create_chat(
            session=session, chat_id=chat_id, kind="private", title=None, lang="ar", now=T0
        )
        repo.subscribe_topic(session=session, chat_id=chat_id, topic_id="isis", now=T0)
        if watch:
            repo.add_watch(session=session, chat_id=chat_id, query=watch, now=T0)
        if "digest" in settings:
            repo.set_chat_digest(
                session=session,
                chat_id=chat_id,
                digest=settings["digest"],
                at=settings.get("at"),
                now=T0,
            )
        if "quiet" in settings:
            start, end = settings["quiet"]
            repo.set_chat_quiet(session=session, chat_id=chat_id, start=start, end=end, now=T0)
        session.commit()


def deliveries(engine: sa.Engine) -> list[Delivery]:
    with Session(engine) as session:
        return list(session.exec(select(Delivery).order_by(col(Delivery.id))).all())


def story(engine: sa.Engine, feed_id: str) -> StoryRow:
    with Session(engine) as session:
        return session.exec(
            select(StoryRow).where(col(StoryRow.feed_id) == feed_id, StoryRow.key != "filler")
        ).one()


def send_all(engine: sa.Engine) -> None:
    """What the dispatcher would record: every pending alert accepted by Telegram."""
    with Session(engine) as session:
        due = repo.pending_deliveries(session=session, now=T0 + timedelta(days=9), limit=100)
        for n, row in enumerate(due):
            assert row.id is not None
            repo.mark_sent(session=session, delivery_id=row.id, message_id=100 + n, now=T0)
        session.commit()


async def test_three_outlets_make_one_alert_and_the_later_ones_edit_it(
    poller: Poller,
    server: FeedServer,
    engine: sa.Engine,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="postbot.pipeline.ingest")
    subscribe(engine, 1)
    first, second, third = TRIPLE["event"]
    server.set_feed("/aljazeera.xml", [FILLER, item(first, "aj-1")])
    clock.now = T0 + timedelta(minutes=1)
    await poll(poller, engine, clock)
    (alert,) = deliveries(engine)
    root = story(engine, "aljazeera")
    assert (alert.chat_id, alert.story_id, alert.status) == (1, root.id, "pending")
    send_all(engine)

    server.set_feed("/skynewsarabia.xml", [FILLER, item(second, "sky-1")])
    server.set_feed("/shafaq.xml", [FILLER, item(third, "sh-1")])
    clock.now = T0 + timedelta(minutes=4)
    await poll(poller, engine, clock)
    (alert,) = deliveries(engine)  # still one alert for the chat
    assert alert.status == DeliveryStatus.EDIT.value  # to be edited with the other two sources
    assert sorted(story(engine, "aljazeera").also_in) == ["shafaq", "skynewsarabia"]
    assert story(engine, "skynewsarabia").cluster_id == root.id
    assert story(engine, "shafaq").cluster_id == root.id
    # each join is logged with both stories and why, so that a wrong one can be traced
    joins = [r.getMessage() for r in caplog.records if " joins story " in r.getMessage()]
    assert len(joins) == 2, joins
    for feed in ("skynewsarabia", "shafaq"):
        (line,) = [j for j in joins if j.startswith(f"feed {feed}: ")]
        assert f"joins story {root.id} of feed aljazeera ({root.link[:120]!r}"[:-1] in line, line
        assert re.search(r"by similar text, score 0\.\d{3}$", line), line


async def test_another_attack_the_same_day_is_its_own_alert(
    poller: Poller, server: FeedServer, engine: sa.Engine, clock: Clock
) -> None:
    subscribe(engine, 2)
    server.set_feed("/aljazeera.xml", [FILLER, item(TRIPLE["event"][0], "aj-1")])
    server.set_feed("/alsumaria.xml", [FILLER, item(TRIPLE["other"], "as-1")])
    clock.now = T0 + timedelta(minutes=1)
    await poll(poller, engine, clock)
    assert len(deliveries(engine)) == 2
    assert story(engine, "alsumaria").cluster_id is None
    assert story(engine, "aljazeera").also_in == []


async def test_the_same_link_with_tracking_is_one_story(
    poller: Poller, server: FeedServer, engine: sa.Engine, clock: Clock
) -> None:
    subscribe(engine, 3)
    entry = dict(TRIPLE["event"][0])
    server.set_feed("/aljazeera.xml", [FILLER, item(entry, "aj-1")])
    clock.now = T0 + timedelta(minutes=1)
    await poll(poller, engine, clock)
    tracked = dict(entry, link=entry["link"].replace("https://www.", "http://m.") + "?utm_source=x")
    tracked["title"] = "عنوان مختلف تماماً"  # only the link says it is the same story
    server.set_feed("/shafaq.xml", [FILLER, item(tracked, "sh-1")])
    clock.now = T0 + timedelta(minutes=2)
    await poll(poller, engine, clock)
    assert len(deliveries(engine)) == 1
    assert story(engine, "aljazeera").also_in == ["shafaq"]


async def test_a_copy_that_matches_another_chats_watch_reaches_that_chat(
    poller: Poller, server: FeedServer, engine: sa.Engine, clock: Clock
) -> None:
    subscribe(engine, 4)  # follows the ISIS topic: alerted to the first copy
    with Session(engine) as session:
        repo.get_or_create_chat(
            session=session, chat_id=5, kind="private", title=None, lang="ar", now=T0
        )
        repo.add_watch(session=session, chat_id=5, query="شفق", now=T0)  # only the 3rd says it
        session.commit()
    first, _, third = TRIPLE["event"]
    server.set_feed("/aljazeera.xml", [FILLER, item(first, "aj-1")])
    clock.now = T0 + timedelta(minutes=1)
    await poll(poller, engine, clock)
    server.set_feed("/shafaq.xml", [FILLER, item(third, "sh-1")])
    clock.now = T0 + timedelta(minutes=2)
    await poll(poller, engine, clock)
    rows = deliveries(engine)
    assert sorted((r.chat_id, r.story_id) for r in rows) == [
        (4, story(engine, "aljazeera").id),
        (5, story(engine, "shafaq").id),
    ]


async def test_digest_and_quiet_chats_get_their_alerts_held_until_release(
    poller: Poller, server: FeedServer, engine: sa.Engine, clock: Clock
) -> None:
    subscribe(engine, 6, digest="hourly")
    subscribe(engine, 7, digest="daily", at="08:00")
    subscribe(engine, 8, quiet=("14:00", "16:00"))  # 15:01 in Baghdad: inside
    subscribe(engine, 9)
    server.set_feed("/aljazeera.xml", [FILLER, item(TRIPLE["event"][0], "aj-1")])
    clock.now = T0 + timedelta(minutes=1)
    await poll(poller, engine, clock)
    by_chat = {r.chat_id: r for r in deliveries(engine)}
    assert by_chat[9].status == DeliveryStatus.PENDING.value
    assert by_chat[6].status == by_chat[7].status == by_chat[8].status == "held"
    assert by_chat[6].next_attempt_at == datetime(2026, 11, 28, 13, 0, tzinfo=UTC)  # 16:00
    assert by_chat[7].next_attempt_at == datetime(2026, 11, 29, 5, 0, tzinfo=UTC)  # 08:00
    assert by_chat[8].next_attempt_at == datetime(2026, 11, 28, 13, 0, tzinfo=UTC)  # 16:00


async def test_bands_older_than_the_window_are_pruned(
    poller: Poller, server: FeedServer, engine: sa.Engine, clock: Clock
) -> None:
    server.set_feed("/aljazeera.xml", [FILLER, item(TRIPLE["event"][0], "aj-1")])
    clock.now = T0 + timedelta(minutes=1)
    await poll(poller, engine, clock)
    with Session(engine) as session:
        assert session.exec(select(sa.func.count()).select_from(StoryBand)).one() > 0
    server.set_feed("/shafaq.xml", [FILLER, item(TRIPLE["other"], "sh-9")])
    clock.now = T0 + timedelta(hours=49)
    await poll(poller, engine, clock)
    with Session(engine) as session:
        old = session.exec(
            select(sa.func.count())
            .select_from(StoryBand)
            .where(col(StoryBand.seen_at) < clock.now - timedelta(hours=48))
        ).one()
    assert old == 0
    # and a copy of the 49-hour-old story is a new story again
    server.set_feed("/skynewsarabia.xml", [FILLER, item(TRIPLE["event"][1], "sky-9")])
    clock.now += timedelta(minutes=1)
    await poll(poller, engine, clock)
    assert story(engine, "skynewsarabia").cluster_id is None


async def test_one_feed_with_a_boilerplate_description_keeps_its_stories_apart(
    poller: Poller, server: FeedServer, engine: sa.Engine, clock: Clock
) -> None:
    subscribe(engine, 10)
    text = "قالت القوات إن خلايا داعش هاجمت موقعاً. وأضافت أن التفتيش مستمر في المنطقة."
    items = [
        FeedItem(f"هجوم لداعش رقم {n} في الأنبار", f"https://a.example/{n}", text, guid=f"g{n}")
        for n in range(4)
    ]
    server.set_feed("/aljazeera.xml", [FILLER, *items])
    clock.now = T0 + timedelta(minutes=1)
    await poll(poller, engine, clock)
    assert len(deliveries(engine)) == 4


async def test_a_first_polls_backlog_is_not_filed_for_text_clustering(
    poller: Poller, engine: sa.Engine
) -> None:
    with Session(engine) as session:
        assert session.exec(select(sa.func.count()).select_from(StoryBand)).one() == 0
        canon = session.exec(select(StoryRow.canon_link).where(StoryRow.key == "filler")).all()
    assert canon and all(link == "https://w.example/weather" for link in canon)


async def test_one_link_twice_in_one_poll_is_one_story(
    poller: Poller, server: FeedServer, engine: sa.Engine, clock: Clock
) -> None:
    subscribe(engine, 11)
    first = dict(TRIPLE["event"][0])
    again = dict(first, link=first["link"] + "?utm_medium=rss", title="تحديث: " + first["title"])
    server.set_feed("/aljazeera.xml", [FILLER, item(first, "aj-a"), item(again, "aj-b")])
    clock.now = T0 + timedelta(minutes=1)
    await poll(poller, engine, clock)
    assert len(deliveries(engine)) == 1
    with Session(engine) as session:
        rows = session.exec(select(StoryRow).where(StoryRow.key.in_(["aj-a", "aj-b"]))).all()  # type: ignore[attr-defined]
    assert sorted(r.cluster_id is None for r in rows) == [False, True]


async def test_a_copy_alerted_on_its_own_is_edited_when_a_third_outlet_comes(
    poller: Poller, server: FeedServer, engine: sa.Engine, clock: Clock
) -> None:
    with Session(engine) as session:
        repo.get_or_create_chat(
            session=session, chat_id=12, kind="private", title=None, lang="ar", now=T0
        )
        repo.add_watch(session=session, chat_id=12, query="شفق", now=T0)  # only the 3rd says it
        session.commit()
    first, second, third = TRIPLE["event"]
    server.set_feed("/aljazeera.xml", [FILLER, item(first, "aj-1")])
    clock.now = T0 + timedelta(minutes=1)
    await poll(poller, engine, clock)
    assert deliveries(engine) == []  # the first outlet's words match no one
    server.set_feed("/shafaq.xml", [FILLER, item(third, "sh-1")])
    clock.now = T0 + timedelta(minutes=2)
    await poll(poller, engine, clock)
    (alert,) = deliveries(engine)
    assert alert.story_id == story(engine, "shafaq").id
    send_all(engine)
    server.set_feed("/skynewsarabia.xml", [FILLER, item(second, "sky-1")])
    clock.now = T0 + timedelta(minutes=3)
    await poll(poller, engine, clock)
    (alert,) = deliveries(engine)
    assert alert.status == DeliveryStatus.EDIT.value
    with Session(engine) as session:
        copy = session.get(StoryRow, alert.story_id)
        assert copy is not None
        shown = repo.with_cluster_sources(session=session, stories={copy.id or 0: copy})
    assert shown[copy.id or 0].also_in == ["aljazeera", "skynewsarabia"]


# -- same beat, same day, other events (issue 13) ---------------------------------------------

TRAPS = {
    pair["id"]: pair
    for pair in YAML(typ="safe").load(
        (Path(__file__).parent.parent / "fixtures" / "cluster" / "traps-01.yaml").read_text(
            encoding="utf-8"
        )
    )
}


def trap_item(pair_id: str, side: str, guid: str) -> FeedItem:
    entry = TRAPS[pair_id][side]
    return FeedItem(
        entry["title"], f"https://{entry['source']}.example/{guid}", entry["summary"], guid=guid
    )


@pytest.mark.parametrize(
    ("pair_id", "watch"),
    [
        ("x-diff-diyala-foiled-vs-anbar-ambush", "داعش"),
        ("x-diff-ainasad-visit-vs-troops-stay", "عين الأسد"),
        ("x-diff-two-ieds-two-provinces", "عبوة ناسفة"),
        ("x-diff-rockets-victory-vs-airport", "مطار بغداد"),
        ("x-diff-turkish-drones-sinjar-vs-makhmour", "مسيرة تركية"),
    ],
)
async def test_a_different_incident_of_the_same_kind_that_day_gets_its_own_story(
    poller: Poller,
    server: FeedServer,
    engine: sa.Engine,
    clock: Clock,
    pair_id: str,
    watch: str,
) -> None:
    subscribe(engine, 6, watch=watch)
    server.set_feed("/aljazeera.xml", [FILLER, trap_item(pair_id, "a", "aj-trap")])
    clock.now = T0 + timedelta(minutes=1)
    await poll(poller, engine, clock)
    send_all(engine)
    server.set_feed("/shafaq.xml", [FILLER, trap_item(pair_id, "b", "sh-trap")])
    clock.now = T0 + timedelta(minutes=3)
    await poll(poller, engine, clock)
    alerts = deliveries(engine)
    assert len(alerts) == 2  # the second incident reached the chat as an alert of its own
    assert {a.story_id for a in alerts} == {
        story(engine, "aljazeera").id,
        story(engine, "shafaq").id,
    }
    assert story(engine, "shafaq").cluster_id is None
    assert story(engine, "aljazeera").also_in == []


@pytest.mark.parametrize(
    "pair_id", ["x-same-troops-2500-separators", "x-same-budget-dot-separator"]
)
async def test_one_statement_with_figures_written_differently_is_one_story(
    poller: Poller, server: FeedServer, engine: sa.Engine, clock: Clock, pair_id: str
) -> None:
    with Session(engine) as session:
        repo.get_or_create_chat(
            session=session, chat_id=7, kind="private", title=None, lang="ar", now=T0
        )
        repo.add_watch(session=session, chat_id=7, query="العراق", now=T0)
        session.commit()
    server.set_feed("/aljazeera.xml", [FILLER, trap_item(pair_id, "a", "aj-fig")])
    clock.now = T0 + timedelta(minutes=1)
    await poll(poller, engine, clock)
    server.set_feed("/shafaq.xml", [FILLER, trap_item(pair_id, "b", "sh-fig")])
    clock.now = T0 + timedelta(minutes=2)
    await poll(poller, engine, clock)
    assert story(engine, "shafaq").cluster_id == story(engine, "aljazeera").id
    assert story(engine, "aljazeera").also_in == ["shafaq"]


# one attack reported twice: the later outlet counts more dead (two of the wounded died)
TOLL_FIRST = FeedItem(
    "مقتل 4 جنود بهجوم لداعش على نقطة عسكرية في الطارمية",
    "https://aj.example/tarmiya",
    "قُتل أربعة جنود من الجيش العراقي، مساء الثلاثاء، بهجوم شنه مسلحون من تنظيم داعش على نقطة"
    " تفتيش في قضاء الطارمية شمالي بغداد، بحسب مصدر أمني. وأضاف المصدر أن المهاجمين استخدموا"
    " أسلحة قناصة وانسحبوا نحو البساتين.",
    guid="aj-toll",
)
TOLL_LATER = FeedItem(
    "مقتل 6 جنود بهجوم لداعش على نقطة عسكرية في الطارمية شمالي بغداد",
    "https://sh.example/tarmiya",
    "قال مصدر أمني إن ستة جنود قتلوا بهجوم لتنظيم داعش على نقطة تفتيش للجيش العراقي في قضاء"
    " الطارمية، مساء الثلاثاء، بعد وفاة اثنين من الجرحى متأثرين بجراحهم. وانسحب المهاجمون نحو"
    " البساتين المحيطة.",
    guid="sh-toll",
)


@pytest.mark.parametrize(
    ("first", "second", "minutes", "joined"),
    [
        (TOLL_FIRST, TOLL_LATER, 60, True),  # the toll rose an hour later: an update
        (TOLL_FIRST, TOLL_LATER, 100, True),
        (TOLL_FIRST, TOLL_LATER, 5, False),  # 4 and 6 dead minutes apart: two attacks
        (TOLL_LATER, TOLL_FIRST, 60, False),  # a smaller toll later is not an update
    ],
)
async def test_a_toll_that_rose_an_hour_later_is_the_same_story(
    poller: Poller,
    server: FeedServer,
    engine: sa.Engine,
    clock: Clock,
    first: FeedItem,
    second: FeedItem,
    minutes: int,
    joined: bool,
) -> None:
    """The poller gives the comparison each story's first-seen time (issue 13)."""
    subscribe(engine, 8, watch="الطارمية")
    server.set_feed("/aljazeera.xml", [FILLER, first])
    clock.now = T0 + timedelta(minutes=1)
    await poll(poller, engine, clock)
    send_all(engine)
    server.set_feed("/shafaq.xml", [FILLER, second])
    clock.now = T0 + timedelta(minutes=1 + minutes)
    await poll(poller, engine, clock)
    root, copy = story(engine, "aljazeera"), story(engine, "shafaq")
    assert root.first_seen_at == T0 + timedelta(minutes=1)
    if joined:
        assert copy.cluster_id == root.id
        assert root.also_in == ["shafaq"]
        (alert,) = deliveries(engine)  # one alert, edited to name the second outlet
        assert alert.status == DeliveryStatus.EDIT.value
    else:
        assert copy.cluster_id is None
        assert root.also_in == []
        assert {a.story_id for a in deliveries(engine)} == {root.id, copy.id}
