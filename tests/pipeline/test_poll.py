"""Poller: claim due feeds, fetch over HTTP, store stories, queue alerts, back off, tell admins."""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from postbot.config.catalog import CatalogRef
from postbot.feeds.fetch import make_client
from postbot.pipeline.refresh import FAILING_AFTER, MAX_BACKOFF, Poller, backoff, next_poll
from postbot.store import repo
from postbot.store.models import Delivery, Feed, StoryRow
from support.catalogs import catalog
from support.clocks import Clock
from support.feedserver import FeedItem, FeedServer

ROOT = Path(__file__).resolve().parent.parent.parent
T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

OLD = FeedItem("خبر قديم عن داعش", "https://n.example/old", "كان في الموجز من قبل.", guid="old")
NEW = FeedItem(
    "هجوم لداعش في الأنبار",
    "https://n.example/new",
    "قالت القوات إن خلايا داعش هاجمت موقعاً.",
    guid="new",
)
OTHER = FeedItem(
    "أسعار النفط ترتفع", "https://n.example/oil", "ارتفعت أسعار النفط اليوم.", guid="oil"
)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        srv.set_feed("/a.xml", [OLD])
        yield srv


class Harness:
    def __init__(self, engine: sa.Engine, server: FeedServer) -> None:
        self.engine = engine
        self.server = server
        self.clock = Clock(T0)
        self.notices: list[tuple[str, dict[str, str]]] = []
        self.woken = 0
        self.catalog = CatalogRef(
            catalog([("a", "Agency A", server.url("/a.xml"))], admins=[77], interval="1m")
        )

    async def notify(self, key: str, values: dict[str, str]) -> None:
        self.notices.append((key, values))

    def wake(self) -> None:
        self.woken += 1

    async def poll(self, poller: Poller) -> None:
        tasks = await poller.tick()
        assert tasks, "a feed was due"
        await poller.wait_idle()

    async def poll_all(self, poller: Poller) -> None:
        self.due()
        await poller.tick()
        await poller.wait_idle()

    def feed(self) -> Feed:
        with Session(self.engine) as session:
            row = repo.get_feed(session=session, feed_id="a")
            assert row is not None
            return row

    def due(self) -> None:
        with Session(self.engine) as session:
            session.exec(sa.update(Feed).values(next_poll_at=self.clock.now))  # type: ignore[call-overload]
            session.commit()


@pytest.fixture
async def h(engine: sa.Engine, server: FeedServer) -> Harness:
    return Harness(engine, server)


@pytest.fixture
async def poller(h: Harness) -> Iterator[Poller]:
    async with make_client() as client:
        p = Poller(
            engine=h.engine,
            client=client,
            catalog=h.catalog,
            owner="test",
            notify_admins=h.notify,
            on_queued=h.wake,
            now=h.clock,
            rng=random.Random(1),
        )
        p.sync_feeds()
        yield p


def _subscribe(
    engine: sa.Engine,
    chat_id: int,
    *,
    topic: str | None = None,
    watch: str | None = None,
    at: datetime = T0,
) -> None:
    with Session(engine) as session:
        repo.get_or_create_chat(
            session=session, chat_id=chat_id, kind="private", title=None, lang="ar", now=at
        )
        if topic:
            repo.subscribe_topic(session=session, chat_id=chat_id, topic_id=topic, now=at)
        if watch:
            repo.add_watch(session=session, chat_id=chat_id, query=watch, now=at)
        session.commit()


def _deliveries(engine: sa.Engine) -> list[tuple[int, str, list[str]]]:
    with Session(engine) as session:
        rows = session.exec(select(Delivery, StoryRow).join(StoryRow)).all()
        return sorted((d.chat_id, s.key, d.reasons) for d, s in rows)


async def test_first_poll_records_the_backlog_without_alerting(h: Harness, poller: Poller) -> None:
    _subscribe(h.engine, 1, topic="isis")
    await h.poll(poller)
    feed = h.feed()
    assert feed.first_polled and feed.consecutive_errors == 0
    assert feed.next_poll_at >= T0 + timedelta(minutes=1)
    assert _deliveries(h.engine) == []
    with Session(h.engine) as session:
        assert [s.key for s in session.exec(select(StoryRow)).all()] == ["old"]


async def test_new_story_is_queued_once_per_chat_with_all_reasons(
    h: Harness, poller: Poller
) -> None:
    _subscribe(h.engine, 1, topic="isis", watch="الأنبار")
    _subscribe(h.engine, 2, watch="داعش")
    _subscribe(h.engine, 3, watch="النفط")
    await h.poll(poller)
    h.server.add_item("/a.xml", NEW)
    h.clock.now += timedelta(minutes=2)
    await h.poll(poller)
    assert _deliveries(h.engine) == [
        (1, "new", ["topic:isis", "watch:الأنبار"]),
        (2, "new", ["watch:داعش"]),
    ]
    assert h.woken == 1
    # polled again: the story is known, nothing new is queued
    h.due()
    await h.poll(poller)
    assert len(_deliveries(h.engine)) == 2


async def test_a_watch_only_sees_stories_first_seen_after_it(h: Harness, poller: Poller) -> None:
    await h.poll(poller)
    h.server.add_item("/a.xml", NEW)
    h.clock.now += timedelta(minutes=2)
    await h.poll(poller)  # NEW first seen now, before anyone watches
    _subscribe(h.engine, 5, watch="داعش", at=h.clock.now + timedelta(seconds=1))
    h.server.add_item("/a.xml", OTHER)
    h.clock.now += timedelta(minutes=2)
    await h.poll(poller)
    assert _deliveries(h.engine) == []


async def test_paused_chats_get_nothing(h: Harness, poller: Poller) -> None:
    _subscribe(h.engine, 1, watch="داعش")
    with Session(h.engine) as session:
        repo.set_chat_active(session=session, chat_id=1, active=False)
        session.commit()
    await h.poll(poller)
    h.server.add_item("/a.xml", NEW)
    h.clock.now += timedelta(minutes=2)
    await h.poll(poller)
    assert _deliveries(h.engine) == []


async def test_unchanged_feed_is_asked_with_validators(h: Harness, poller: Poller) -> None:
    await h.poll(poller)
    h.due()
    await h.poll(poller)
    assert h.server.conditional_hits("/a.xml") == 1
    assert h.feed().etag == h.server.etag("/a.xml")


async def test_failures_back_off_tell_admins_once_and_recovery_once(
    h: Harness, poller: Poller
) -> None:
    await h.poll(poller)
    h.server.set_status("/a.xml", 500)
    waits = []
    for _ in range(FAILING_AFTER + 2):
        h.due()
        await h.poll(poller)
        feed = h.feed()
        waits.append(feed.next_poll_at - h.clock.now)
    assert h.feed().consecutive_errors == FAILING_AFTER + 2
    assert waits == [backoff(timedelta(minutes=1), n) for n in range(1, FAILING_AFTER + 3)]
    assert waits[1] == 2 * waits[0]
    assert [k for k, _ in h.notices] == ["feed_failing"]
    assert h.notices[0][1]["feed"] == "Agency A" and "500" in h.notices[0][1]["error"]
    h.server.set_status("/a.xml", None)
    h.due()
    await h.poll(poller)
    h.due()
    await h.poll(poller)
    assert [k for k, _ in h.notices] == ["feed_failing", "feed_recovered"]
    assert h.feed().consecutive_errors == 0


async def test_retry_after_is_honoured(h: Harness, poller: Poller) -> None:
    h.server.set_status("/a.xml", 429, retry_after=3600)
    await h.poll(poller)
    assert h.feed().next_poll_at - h.clock.now == timedelta(hours=1)


async def test_a_feed_being_polled_is_not_claimed_again(h: Harness, poller: Poller) -> None:
    h.server.hang("/a.xml", 0.5)
    first = await poller.tick()
    h.due()  # even if its due time came round again
    assert await poller.tick() == []
    await poller.wait_idle()
    assert len(first) == 1 and h.server.hits("/a.xml") == 1


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        (1, timedelta(minutes=5)),
        (2, timedelta(minutes=10)),
        (5, timedelta(minutes=80)),
        (30, MAX_BACKOFF),
    ],
    ids=["first", "second", "fifth", "capped"],
)
def test_backoff_doubles_and_caps_at_a_day(errors: int, expected: timedelta) -> None:
    assert backoff(timedelta(minutes=5), errors) == expected


def test_next_poll_jitter_is_small() -> None:
    rng = random.Random(3)
    for interval in (timedelta(seconds=10), timedelta(minutes=5), timedelta(hours=2)):
        for _ in range(50):
            wait = next_poll(T0, interval, rng) - T0
            assert interval <= wait <= interval + min(interval * 0.1, timedelta(seconds=30))


async def test_the_same_link_from_a_second_feed_is_not_alerted_again(
    h: Harness, poller: Poller
) -> None:
    h.catalog.replace(catalog([(n, f"Agency {n}", h.server.url(f"/{n}.xml")) for n in ("a", "b")]))
    poller.sync_feeds()
    h.server.set_feed("/b.xml", [OTHER])
    _subscribe(h.engine, 1, watch="داعش")
    await h.poll_all(poller)
    h.server.add_item("/a.xml", NEW)
    h.clock.now += timedelta(minutes=2)
    await h.poll_all(poller)
    copy = FeedItem("داعش يهاجم موقعاً في الأنبار", NEW.link, "نسخة أخرى من الخبر.", guid="b-1")
    h.server.add_item("/b.xml", copy)
    h.clock.now += timedelta(minutes=2)
    await h.poll_all(poller)
    assert _deliveries(h.engine) == [(1, "new", ["watch:داعش"])]
    with Session(h.engine) as session:
        first = session.exec(select(StoryRow).where(StoryRow.key == "new")).one()
        assert first.also_in == ["b"]


async def test_a_replaced_watch_is_seen_even_when_its_id_is_reused(
    h: Harness, poller: Poller
) -> None:
    _subscribe(h.engine, 1, watch="النفط")
    await h.poll(poller)
    h.server.add_item("/a.xml", OTHER)
    h.clock.now += timedelta(minutes=2)
    await h.poll_all(poller)  # the router is built with the oil watch
    with Session(h.engine) as session:
        assert repo.remove_watch(session=session, chat_id=1, number=1)
        repo.add_watch(session=session, chat_id=1, query="داعش", now=h.clock.now)
        session.commit()
    h.server.add_item("/a.xml", NEW)
    h.clock.now += timedelta(minutes=2)
    await h.poll_all(poller)
    assert (1, "new", ["watch:داعش"]) in _deliveries(h.engine)


@pytest.mark.parametrize(
    "body",
    [bytes(range(256)) * 40, b"<html><body><h1>502 Bad Gateway</h1></body></html>"],
    ids=["garbage", "html-error-page"],
)
async def test_an_answer_that_is_not_a_feed_is_a_failed_poll(
    h: Harness, poller: Poller, body: bytes
) -> None:
    await h.poll(poller)
    h.server.set_raw("/a.xml", body, headers={"Content-Type": "text/html"})
    for _ in range(FAILING_AFTER):
        h.due()
        await h.poll(poller)
    feed = h.feed()
    assert feed.consecutive_errors == FAILING_AFTER
    assert feed.last_error is not None and feed.last_error.startswith("not a feed")
    assert [k for k, _ in h.notices] == ["feed_failing"]


async def test_an_empty_but_valid_feed_is_not_a_failure(h: Harness, poller: Poller) -> None:
    h.server.set_feed("/a.xml", [])
    await h.poll(poller)
    assert h.feed().consecutive_errors == 0


# --- one bad item never loses the poll (issue 11, item 5) -------------------------------------


def _raw_rss(items: list[str]) -> bytes:
    body = "".join(f"<item>{i}</item>" for i in items)
    doc = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>A</title>{body}</channel></rss>'  # noqa: E501
    return doc.encode("utf-8")


_GOOD_ITEM = (
    "<title>هجوم لداعش في الأنبار</title><link>https://n.example/good</link><guid>good</guid>"
    "<description>قالت القوات إن خلايا داعش هاجمت موقعاً.</description>"
)


@pytest.mark.parametrize(
    "bad_item",
    [
        pytest.param("<title>داعش\x00 يهاجم</title><guid>nul-title</guid>", id="nul-in-title"),
        pytest.param(
            "<title>داعش يهاجم</title><link>https://n.example/x\x00y</link>", id="nul-in-link"
        ),
        pytest.param("<title>داعش يهاجم</title><guid>nul\x00guid</guid>", id="nul-in-guid"),
        pytest.param(
            "<title>داعش</title><guid>d</guid><description>نص\x00\x01\x1b</description>",
            id="controls-in-description",
        ),
        pytest.param("<title>داعش &#xD800; &#0;</title><guid>refs</guid>", id="bad-charrefs"),
        pytest.param(f"<title>داعش</title><guid>{'g' * 5000}</guid>", id="guid-too-long-for-index"),
        pytest.param(
            f"<title>داعش</title><link>https://n.example/{'l' * 5000}</link>",
            id="link-too-long-for-index",
        ),
    ],
)
async def test_a_hostile_item_does_not_lose_the_others(
    h: Harness, poller: Poller, bad_item: str
) -> None:
    _subscribe(h.engine, 1, watch="داعش")
    h.server.set_raw("/a.xml", _raw_rss([_GOOD_ITEM.replace("good", "old")]))
    await h.poll(poller)  # first poll: backlog
    h.server.set_raw("/a.xml", _raw_rss([_GOOD_ITEM, bad_item, _GOOD_ITEM.replace("good", "old")]))
    h.clock.now += timedelta(minutes=2)
    h.due()
    await h.poll(poller)
    feed = h.feed()
    assert feed.consecutive_errors == 0 and feed.last_error is None
    delivered = {key for _, key, _ in _deliveries(h.engine)}
    assert any(key.endswith("good") for key in delivered)  # feedparser resolves guids
    assert len(delivered) == 2  # the hostile item, cleaned, is alerted too
    with Session(h.engine) as session:
        for row in session.exec(select(StoryRow)).all():
            for value in (row.title, row.summary, row.link or "", row.key):
                assert "\x00" not in value


# Stories the cleaning at parse time did not touch: what the database makes of them. NUL:
# PostgreSQL refuses it; a lone surrogate: no database can encode it; a key of 10,000 random
# (incompressible) characters: over PostgreSQL's btree entry limit.
_NUL_TITLE = "داعش\x00 هنا"
_SURROGATE_TITLE = "داعش \ud800 هنا"
_LONG_KEY = "".join(random.Random(3).choices(string.ascii_letters + string.digits, k=10_000))


async def test_each_story_is_saved_in_its_own_savepoint(
    h: Harness, poller: Poller, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import postbot.pipeline.ingest as ingest_module
    from postbot.feeds.parse import ParsedFeed
    from postbot.feeds.story import Story

    _subscribe(h.engine, 1, watch="داعش")
    await h.poll(poller)  # the backlog: OLD
    stories = [
        Story("a", "first-good", "داعش أولاً", "https://n.example/1", "نص عن داعش.", None),
        Story("a", "nul", _NUL_TITLE, "https://n.example/2", "", None),
        Story("a", "surrogate", _SURROGATE_TITLE, "https://n.example/3", "", None),
        Story("a", _LONG_KEY, "داعش طويل", "https://n.example/4", "", None),
        Story("a", "bad-link", "داعش رابط", "https://n.example/\x00\ud800", "", None),
        Story("a", "last-good", "داعش أخيراً", "https://n.example/5", "نص آخر.", None),
    ]
    monkeypatch.setattr(
        ingest_module, "parse_feed", lambda *a, **k: ParsedFeed("A", list(stories), None)
    )
    for _ in range(2):  # polled twice: the refused stories are logged once, not per poll
        h.server.add_item("/a.xml", OTHER)  # a changed body, so that the poll parses again
        h.clock.now += timedelta(minutes=2)
        h.due()
        with caplog.at_level("WARNING", logger="postbot.pipeline.ingest"):
            await h.poll(poller)
    feed = h.feed()
    assert feed.consecutive_errors == 0 and feed.last_error is None
    delivered = {key for _, key, _ in _deliveries(h.engine)}
    assert {"first-good", "last-good"} <= delivered
    assert "surrogate" not in delivered and "bad-link" not in delivered
    postgres = h.engine.dialect.name == "postgresql"
    if postgres:
        assert "nul" not in delivered and _LONG_KEY not in delivered
    skipped = [r for r in caplog.records if "story skipped" in r.getMessage()]
    expected = 4 if postgres else 2
    assert len(skipped) == expected, [r.getMessage() for r in skipped]
    assert all(r.levelname == "WARNING" and r.exc_info is None for r in skipped)
    assert all("feed a" in r.getMessage() for r in skipped)
    assert any("'surrogate'" in r.getMessage() for r in skipped)
    with Session(h.engine) as session:  # what was stored is whole: its story and its alert
        keys = set(session.exec(select(StoryRow.key)).all())
    assert delivered <= keys
    assert {"first-good", "last-good"} <= keys


async def test_savepoints_nest_in_the_poll_transaction(
    h: Harness, poller: Poller, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the stories' savepoints must not commit on their own (on SQLite, releasing a savepoint
    # opened outside a transaction commits it): a poll that fails at its end stores nothing,
    # and the next one alerts the stories as new
    _subscribe(h.engine, 1, watch="داعش")
    await h.poll(poller)
    h.server.add_item("/a.xml", NEW)
    h.clock.now += timedelta(minutes=2)

    def broken(**kwargs: object) -> bool:
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patch:
        patch.setattr(repo, "record_poll_success", broken)
        h.due()
        await h.poll(poller)
    with Session(h.engine) as session:
        assert [s.key for s in session.exec(select(StoryRow)).all()] == ["old"]
    assert _deliveries(h.engine) == []
    h.due()
    await h.poll(poller)
    assert _deliveries(h.engine) == [(1, "new", ["watch:داعش"])]
