"""Poller with a public Telegram channel: the feeds' fetch rules (conditional GET, backoff,
admin notices) and their pipeline, on preview pages served from 127.0.0.1."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from doubles.channelpage import Post, render_channel_page
from postbot.config.catalog import Catalog, CatalogRef
from postbot.config.load import parse_config
from postbot.feeds.fetch import make_client
from postbot.pipeline.refresh import FAILING_AFTER, Poller
from postbot.store import repo
from postbot.store.models import Delivery, Feed, StoryRow
from support.catalogs import shipped_topics
from support.clocks import Clock
from support.feedserver import FeedServer

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
CHANNEL = "Smc_Iraq_Test"
PAGE = f"/tg/{CHANNEL}"
HTML = {"Content-Type": "text/html; charset=utf-8"}
OLD = Post(40, "خبر قديم: داعش في الموجز", when=T0 - timedelta(hours=1))
NEW = Post(41, "عاجل: هجوم لداعش على سيطرة في الرطبة\nمقتل جنديين", when=T0)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        srv.set_raw(PAGE, render_channel_page(CHANNEL, "خلية الإعلام", [OLD]), headers=HTML)
        yield srv


def _catalog() -> CatalogRef:
    text = (
        "admins: [77]\nfeeds:\n  - id: smc\n    name: خلية الإعلام الأمني\n"
        f"    telegram: https://t.me/{CHANNEL}\n    interval: 1m\n" + shipped_topics()
    )
    return CatalogRef(Catalog.build(parse_config(text, filename="t.yaml")))


class Harness:
    def __init__(self, engine: sa.Engine, server: FeedServer) -> None:
        self.engine, self.server, self.clock = engine, server, Clock(T0)
        self.notices: list[tuple[str, dict[str, str]]] = []

    async def notify(self, key: str, values: dict[str, str]) -> None:
        self.notices.append((key, values))

    async def poll(self, poller: Poller) -> None:
        with Session(self.engine) as session:
            session.exec(sa.update(Feed).values(next_poll_at=self.clock.now))  # type: ignore[call-overload]
            session.commit()
        assert await poller.tick(), "the channel was due"
        await poller.wait_idle()

    def feed(self) -> Feed:
        with Session(self.engine) as session:
            row = repo.get_feed(session=session, feed_id="smc")
            assert row is not None
            return row


@pytest.fixture
async def h(engine: sa.Engine, server: FeedServer) -> Harness:
    return Harness(engine, server)


@pytest.fixture
async def poller(h: Harness, server: FeedServer) -> Iterator[Poller]:
    async with make_client() as client:
        p = Poller(
            engine=h.engine,
            client=client,
            catalog=_catalog(),
            owner="test",
            notify_admins=h.notify,
            now=h.clock,
            rng=random.Random(1),
            channel_preview=server.url("/tg") + "/",
        )
        p.sync_feeds()
        yield p


def _watch(engine: sa.Engine) -> None:
    with Session(engine) as session:
        repo.get_or_create_chat(
            session=session, chat_id=1, kind="private", title=None, lang="ar", now=T0
        )
        repo.add_watch(session=session, chat_id=1, query="داعش", now=T0)
        session.commit()


def _stories(engine: sa.Engine) -> list[tuple[str, str | None, datetime | None]]:
    with Session(engine) as session:
        rows = session.exec(select(StoryRow).order_by(StoryRow.key)).all()  # type: ignore[arg-type]
        return [(s.key, s.link, s.published) for s in rows]


def _delivered(engine: sa.Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(s.key for _, s in session.exec(select(Delivery, StoryRow).join(StoryRow)))


async def test_the_feed_row_names_the_preview_page(h: Harness, poller: Poller) -> None:
    assert h.feed().url == f"https://t.me/s/{CHANNEL}"  # what /feedstatus shows
    await h.poll(poller)
    path, _ = h.server.requests[-1]
    assert path == PAGE  # fetched from the configured preview base, never from t.me


async def test_backlog_then_only_new_posts_alert(h: Harness, poller: Poller) -> None:
    _watch(h.engine)
    await h.poll(poller)
    assert h.feed().first_polled and _delivered(h.engine) == []
    h.server.set_raw(PAGE, render_channel_page(CHANNEL, "خلية الإعلام", [OLD, NEW]), headers=HTML)
    h.clock.now += timedelta(minutes=2)
    await h.poll(poller)
    assert _delivered(h.engine) == ["smc_iraq_test/41"]
    keys = [(k, link) for k, link, _ in _stories(h.engine)]
    assert keys == [
        ("smc_iraq_test/40", f"https://t.me/{CHANNEL}/40"),
        ("smc_iraq_test/41", f"https://t.me/{CHANNEL}/41"),
    ]


async def test_an_unchanged_page_is_asked_for_conditionally(h: Harness, poller: Poller) -> None:
    await h.poll(poller)
    h.clock.now += timedelta(minutes=2)
    await h.poll(poller)
    assert h.server.conditional_hits(PAGE) == 1  # the served ETag came back: a 304
    assert h.feed().consecutive_errors == 0


async def test_a_failing_channel_backs_off_and_admins_hear_once(h: Harness, poller: Poller) -> None:
    await h.poll(poller)
    h.server.set_status(PAGE, 429, retry_after=600)
    for _ in range(FAILING_AFTER + 1):
        h.clock.now += timedelta(minutes=1)
        await h.poll(poller)
    feed = h.feed()
    assert feed.consecutive_errors == FAILING_AFTER + 1
    assert feed.next_poll_at >= h.clock.now + timedelta(seconds=600)  # Retry-After honoured
    assert [key for key, _ in h.notices] == ["feed_failing"]
    assert h.notices[0][1]["feed"] == "خلية الإعلام الأمني"
    h.server.set_status(PAGE, None)
    h.clock.now += timedelta(hours=1)
    await h.poll(poller)
    assert [key for key, _ in h.notices] == ["feed_failing", "feed_recovered"]
