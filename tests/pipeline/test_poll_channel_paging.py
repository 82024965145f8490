"""A busy channel loses no posts: its older preview pages (`?before=<id>`) close the gap since
the last poll, up to a cap per poll; pages served from 127.0.0.1 (both databases)."""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from doubles.channelpage import Post, render_channel_page
from postbot.config.catalog import Catalog, CatalogRef
from postbot.config.load import parse_config
from postbot.feeds.fetch import make_client
from postbot.pipeline.backfill import MAX_OLDER_PAGES
from postbot.pipeline.refresh import Poller
from postbot.store import repo
from postbot.store.models import Delivery, Feed, StoryRow
from support.catalogs import shipped_topics
from support.clocks import Clock
from support.feedserver import FeedServer

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
CHANNEL = "Busy_Channel_Test"
PAGE = f"/tg/{CHANNEL}"
HTML = {"Content-Type": "text/html; charset=utf-8"}
PER_PAGE = 20  # what a real preview page shows
WORDS = [
    "الرمادي",
    "الفلوجة",
    "هيت",
    "القائم",
    "عنه",
    "راوة",
    "الرطبة",
    "بيجي",
    "تكريت",
    "سامراء",
    "الموصل",
    "تلعفر",
    "سنجار",
    "كركوك",
    "طوزخورماتو",
    "خانقين",
    "بعقوبة",
    "المقدادية",
    "جلولاء",
    "السعدية",
    "الحويجة",
    "الشرقاط",
    "مخمور",
    "ديالى",
    "صلاح",
    "نينوى",
    "الأنبار",
    "بادوش",
    "القيارة",
    "حمرين",
    "مطيبيجة",
    "الثرثار",
    "النخيب",
    "البعاج",
    "الحضر",
    "الزاب",
    "العظيم",
    "كبيسة",
    "حديثة",
    "البغدادي",
    "الكرمة",
    "الصقلاوية",
    "عامرية",
    "ناظم",
    "التقسيم",
    "الحبانية",
    "الخالدية",
    "الضلوعية",
]


def _text(post_id: int) -> str:
    """A post of its own words (distinct posts never cluster together) that a watch matches."""
    words = random.Random(post_id).sample(WORDS, 9)
    return f"داعش {' '.join(words)} {post_id}"


def _post(post_id: int) -> Post:
    return Post(post_id, _text(post_id), when=T0 + timedelta(seconds=post_id))


def _page(newest: int, before: int | None = None) -> bytes:
    """The page Telegram serves: the PER_PAGE posts up to `newest`, or those before `before`."""
    top = newest if before is None else min(newest, before - 1)
    ids = range(max(top - PER_PAGE + 1, 1), top + 1)
    return render_channel_page(CHANNEL, "قناة مزدحمة", [_post(i) for i in ids])


class Harness:
    def __init__(self, engine: sa.Engine, server: FeedServer) -> None:
        self.engine, self.server, self.clock = engine, server, Clock(T0)

    async def notify(self, key: str, values: dict[str, str]) -> None:
        raise AssertionError(f"no admin notice expected: {key} {values}")

    def publish(self, newest: int, *, failing: tuple[int, ...] = ()) -> None:
        """The channel's posts are 1..newest: its first page and every older page."""
        self.server.set_raw(PAGE, _page(newest), headers=HTML)
        for before in range(newest - PER_PAGE + 1, 1, -PER_PAGE):
            path = f"{PAGE}?before={before}"
            if before in failing:
                self.server.reply(path, b"oops", status=500, headers={"Content-Type": "text/plain"})
            else:
                self.server.reply(path, _page(newest, before), headers=HTML)

    async def poll(self, poller: Poller) -> None:
        self.clock.now += timedelta(minutes=2)
        with Session(self.engine) as session:
            session.exec(sa.update(Feed).values(next_poll_at=self.clock.now))  # type: ignore[call-overload]
            session.commit()
        assert await poller.tick(), "the channel was due"
        await poller.wait_idle()

    def feed(self) -> Feed:
        with Session(self.engine) as session:
            row = repo.get_feed(session=session, feed_id="busy")
            assert row is not None
            return row

    def stored(self) -> list[int]:
        with Session(self.engine) as session:
            keys = session.exec(select(StoryRow.key)).all()
        return sorted(int(k.rsplit("/", 1)[1]) for k in keys)

    def delivered(self) -> list[int]:
        with Session(self.engine) as session:
            rows = session.exec(select(Delivery, StoryRow).join(StoryRow)).all()
        return sorted(int(s.key.rsplit("/", 1)[1]) for _, s in rows)

    def delivery_order(self) -> list[int]:
        """Post ids in the order their alerts were queued."""
        with Session(self.engine) as session:
            rows = session.exec(
                select(Delivery, StoryRow).join(StoryRow).order_by(col(Delivery.id))
            ).all()
        return [int(s.key.rsplit("/", 1)[1]) for _, s in rows]

    def older_requests(self) -> list[tuple[str, dict[str, str]]]:
        return [(p, h) for p, h in self.server.requests if "?before=" in p]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


@pytest.fixture
def h(engine: sa.Engine, server: FeedServer) -> Harness:
    harness = Harness(engine, server)
    with Session(engine) as session:
        repo.get_or_create_chat(
            session=session, chat_id=1, kind="private", title=None, lang="ar", now=T0
        )
        repo.add_watch(session=session, chat_id=1, query="داعش", now=T0)
        session.commit()
    return harness


@pytest.fixture
async def poller(h: Harness, server: FeedServer) -> AsyncIterator[Poller]:
    text = (
        "admins: [77]\nfeeds:\n  - id: busy\n    name: قناة مزدحمة\n"
        f"    telegram: {CHANNEL}\n    interval: 1m\n" + shipped_topics()
    )
    async with make_client() as client:
        p = Poller(
            engine=h.engine,
            client=client,
            catalog=CatalogRef(Catalog.build(parse_config(text, filename="t.yaml"))),
            owner="test",
            notify_admins=h.notify,
            now=h.clock,
            rng=random.Random(1),
            channel_preview=server.url("/tg") + "/",
        )
        p.sync_feeds()
        yield p


async def test_the_first_poll_records_the_backlog_only(h: Harness, poller: Poller) -> None:
    h.publish(300)
    await h.poll(poller)
    assert h.stored() == list(range(281, 301))  # the first page: no older pages read
    assert h.older_requests() == [] and h.delivered() == []


async def test_thirty_new_posts_between_two_polls_all_alert(h: Harness, poller: Poller) -> None:
    h.publish(10)
    await h.poll(poller)
    assert h.stored() == list(range(1, 11))
    h.publish(40)  # 30 new posts: the first page shows 21..40 only
    await h.poll(poller)
    assert h.delivered() == list(range(11, 41))
    assert h.delivery_order() == list(range(11, 41))  # older first, as they were posted
    assert h.stored() == list(range(1, 41))
    older = h.older_requests()
    assert [p for p, _ in older] == [f"{PAGE}?before=21"]  # 1..20 closes the gap: no more
    headers = {k.lower() for k in older[0][1]}
    assert not headers & {"if-none-match", "if-modified-since"}  # not the first page's validators
    assert h.feed().consecutive_errors == 0
    await h.poll(poller)  # nothing new: no older page either
    assert len(h.older_requests()) == 1 and h.delivered() == list(range(11, 41))


async def test_no_gap_reads_no_older_page(h: Harness, poller: Poller) -> None:
    h.publish(30)
    await h.poll(poller)
    h.publish(45)  # 15 new posts: all on the first page
    await h.poll(poller)
    assert h.delivered() == list(range(31, 46)) and h.older_requests() == []


async def test_a_channel_that_posted_500_stops_at_the_cap_and_logs_it_once(
    h: Harness, poller: Poller, caplog: pytest.LogCaptureFixture
) -> None:
    h.publish(20)
    await h.poll(poller)
    h.publish(520)
    with caplog.at_level(logging.INFO, logger="postbot.pipeline.backfill"):
        await h.poll(poller)
    read = PER_PAGE * (MAX_OLDER_PAGES + 1)  # the first page and the capped older pages
    assert h.delivered() == list(range(521 - read, 521))
    assert len(h.older_requests()) == MAX_OLDER_PAGES
    feed = h.feed()
    assert feed.consecutive_errors == 0 and feed.last_error is None
    capped = [r for r in caplog.records if "stopped at" in r.getMessage()]
    assert len(capped) == 1 and capped[0].levelno == logging.WARNING
    assert f"posts 21 to {520 - read}" in capped[0].getMessage()


async def test_a_failing_older_page_keeps_the_posts_read(
    h: Harness, poller: Poller, caplog: pytest.LogCaptureFixture
) -> None:
    h.publish(10)
    await h.poll(poller)
    h.publish(60, failing=(21,))  # before=41 answers, before=21 fails
    with caplog.at_level(logging.WARNING, logger="postbot.pipeline.backfill"):
        await h.poll(poller)
    assert h.delivered() == list(range(21, 61))  # the first page's posts and the older page's
    assert h.feed().consecutive_errors == 0  # the poll itself succeeded
    failed = [r for r in caplog.records if "older page failed" in r.getMessage()]
    assert len(failed) == 1 and "before 21" in failed[0].getMessage()


async def test_a_failing_first_older_page_keeps_the_first_page(h: Harness, poller: Poller) -> None:
    h.publish(10)
    await h.poll(poller)
    h.publish(50, failing=(31,))
    await h.poll(poller)
    assert h.delivered() == list(range(31, 51))
