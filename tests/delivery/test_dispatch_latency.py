"""Publish-to-alert latency: the per-feed histogram when Telegram accepts an alert, and the
store's p50/p95 per source over 24 h (what /stats shows)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from postbot.delivery.dispatch import Dispatcher
from postbot.feeds.story import Story
from postbot.service.latency import latency_summary
from postbot.store import repo
from support.botapi import BotApiDouble
from support.clocks import Clock

from .routed import routed
from .test_dispatch_held import hold


def _queue(engine: sa.Engine, chat_id: int, key: str, published: datetime | None) -> None:
    now = datetime.now(UTC) - timedelta(seconds=1)
    story = Story("wire", key, f"هجوم لداعش {key}", f"https://w.example/{key}", "نص", published)
    with Session(engine) as session:
        repo.upsert_feeds(
            session=session, feeds=[repo.FeedSpec("wire", "https://w.example/rss", "Wire")], now=now
        )
        row, _ = repo.save_story(session=session, story=story, now=now)
        assert row.id is not None
        repo.get_or_create_chat(
            session=session, chat_id=chat_id, kind="private", title=None, lang="ar", now=now
        )
        reasons = routed(story, ["topic:isis"])
        repo.enqueue_delivery(
            session=session, chat_id=chat_id, story_id=row.id, reasons=reasons, now=now
        )
        session.commit()


def _sample(dispatcher: Dispatcher, suffix: str) -> float:
    value = dispatcher.metrics.registry.get_sample_value(
        f"postbot_publish_to_alert_seconds_{suffix}", {"feed": "wire"}
    )
    return value or 0.0


async def test_an_alert_observes_its_items_age_per_feed(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble
) -> None:
    now = datetime.now(UTC)
    _queue(engine, 701, "ten", now - timedelta(minutes=10))
    _queue(engine, 702, "undated", None)
    _queue(engine, 703, "future", now + timedelta(hours=2))
    assert await dispatcher.drain() == 3
    assert _sample(dispatcher, "count") == 1  # the undated and future items say nothing
    assert 590 <= _sample(dispatcher, "sum") < 660  # the test's clock stands still
    le_15m = dispatcher.metrics.registry.get_sample_value(
        "postbot_publish_to_alert_seconds_bucket", {"feed": "wire", "le": "900.0"}
    )
    assert le_15m == 1


async def test_stats_p50_p95_per_source_leave_out_digests_and_old_alerts(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble, clock: Clock
) -> None:
    now = datetime.now(UTC)
    for minutes in (1, 2, 3, 4, 40):
        _queue(engine, 710 + minutes, f"m{minutes}", now - timedelta(minutes=minutes))
    _queue(engine, 799, "undated", None)
    hold(engine, 800, ["held"], now=clock.now, release=clock.now)  # a digest: left out
    assert await dispatcher.drain() == 7
    summary = latency_summary(engine, now=datetime.now(UTC))
    assert summary.overall is not None and summary.overall.count == 5
    (wire,) = summary.feeds
    assert wire.feed_id == "wire" and wire.count == 5
    assert 170 <= wire.p50 < 240  # 3 minutes, give or take the send
    assert 2390 <= wire.p95 < 2460  # the slowest of five is the 95th percentile
    later = latency_summary(engine, now=datetime.now(UTC) + timedelta(hours=25))
    assert later.overall is None and later.feeds == ()
