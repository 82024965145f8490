"""/stats ends with the publish-to-alert delay: overall, then the slowest sources by name."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from postbot.feeds.story import Story
from postbot.store import repo
from postbot.store.models import Delivery, DeliveryStatus
from support.process import ADMIN_ID

from .conftest import NOW, Chatter


def _sent(chatter: Chatter, chat_id: int, key: str, age: timedelta | None) -> None:
    published = NOW - age if age is not None else None
    story = Story("testnews", key, f"خبر {key}", f"https://t.example/{key}", "نص", published)
    with Session(chatter.svc.engine) as session:
        repo.upsert_feeds(session=session, feeds=chatter.svc.catalog.current.config.feeds, now=NOW)
        row, _ = repo.save_story(session=session, story=story, now=NOW)
        repo.get_or_create_chat(
            session=session, chat_id=chat_id, kind="private", title=None, lang="en", now=NOW
        )
        assert row.id is not None
        repo.enqueue_delivery(
            session=session, chat_id=chat_id, story_id=row.id, reasons=["topic:isis"], now=NOW
        )
        session.execute(
            sa.update(Delivery)
            .where(col(Delivery.story_id) == row.id)
            .values(status=DeliveryStatus.SENT.value, sent_at=NOW)
        )
        session.commit()


async def test_stats_shows_the_delay_from_publishing_to_alert(chatter: Chatter) -> None:
    _sent(chatter, 9001, "a", timedelta(minutes=3))
    _sent(chatter, 9002, "b", timedelta(minutes=50))
    _sent(chatter, 9003, "c", None)  # undated: not counted
    (stats,) = await chatter.say(ADMIN_ID, "/stats")
    assert stats.splitlines()[-2:] == [
        "⏱ Delay from publishing to alert (24 h, 2 alerts): median 3m, p95 50m",
        "• وكالة الاختبار: median 3m, p95 50m (2)",
    ]
    await chatter.say(ADMIN_ID, "/lang ar")
    (arabic,) = await chatter.say(ADMIN_ID, "/stats")
    assert arabic.splitlines()[-1] == "• وكالة الاختبار: الوسيط 3 د، 95٪ 50 د (2)"
