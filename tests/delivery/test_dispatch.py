"""Dispatcher against the Bot API double, in process: every Telegram answer handled (§7)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from telegram.ext import ExtBot

from delivery.routed import routed
from postbot.alerts.zones import local_stamp
from postbot.config.catalog import CatalogRef
from postbot.delivery.dispatch import Dispatcher
from postbot.feeds.story import Story
from postbot.store import repo
from postbot.store.models import DEFAULT_TZ, Chat, Delivery, DeliveryStatus, StoryRow
from support.botapi import BotApiDouble
from support.clocks import Clock

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "4242:dispatch-test-token"
RLM = "\u200f"
assert os.environ.get("PTB_TIMEDELTA")


STORY = Story(
    feed_id="wire",
    key="k1",
    title="هجوم لداعش <قرب> الرطبة & الحدود",
    link="https://w.example/a?x=1&y=2",
    summary="قالت القوات إن خلايا داعش هاجمت موقعاً. وأضافت أن <b>التفتيش مستمر.",
    published=datetime(2026, 11, 28, 14, 5, tzinfo=UTC),
)


def queue(
    engine: sa.Engine, chats: list[int], *, reasons: list[str] | None = None, key: str = "k1"
) -> int:
    """Chats, one story and a pending delivery to each; returns the story id."""
    now = datetime.now(UTC) - timedelta(seconds=1)
    with Session(engine) as session:
        repo.upsert_feeds(
            session=session, feeds=[repo.FeedSpec("wire", "https://w.example/rss", "Wire")], now=now
        )
        row, _ = repo.save_story(session=session, story=_keyed(key), now=now)
        assert row.id is not None
        for chat in chats:
            kind = "private" if chat > 0 else "supergroup"
            repo.get_or_create_chat(
                session=session, chat_id=chat, kind=kind, title=None, lang="ar", now=now
            )
            repo.enqueue_delivery(
                session=session,
                chat_id=chat,
                story_id=row.id,
                reasons=routed(_keyed(key), reasons or ["topic:isis", "watch:الرطبة"]),
                now=now,
            )
        session.commit()
        return row.id


def _keyed(key: str) -> Story:
    return Story(STORY.feed_id, key, STORY.title, STORY.link, STORY.summary, STORY.published)


def rows(engine: sa.Engine) -> list[Delivery]:
    with Session(engine) as session:
        return list(session.exec(select(Delivery).order_by(Delivery.id)).all())  # type: ignore[arg-type]


def chat(engine: sa.Engine, chat_id: int) -> Chat | None:
    with Session(engine) as session:
        return session.get(Chat, chat_id)


async def test_sent_alert_is_marked_sent_with_its_message_id(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble
) -> None:
    queue(engine, [11])
    assert await dispatcher.drain() == 1
    [record] = double.sent
    [row] = rows(engine)
    assert row.status == DeliveryStatus.SENT and row.telegram_message_id == record.message_id
    assert row.lease_owner is None and row.sent_at is not None
    assert record.parse_mode == "HTML"
    assert record.html.splitlines()[0].replace(RLM, "") == "🔔 داعش · «الرطبة»"
    assert "&lt;قرب&gt;" in record.html and "&amp; الحدود" in record.html
    assert "Wire &lt;&amp;&gt; Agency" in record.html
    assert 'href="https://w.example/a?x=1&amp;y=2"' in record.html
    assert "خلايا <b>داعش</b>" in record.html
    assert record.link_preview_options == {"is_disabled": True}
    assert await dispatcher.drain() == 0  # nothing is sent twice


async def test_blocked_chat_is_deactivated_and_never_tried_again(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble
) -> None:
    queue(engine, [21, 22])
    queue(engine, [21], key="k2")
    double.block(21)
    await dispatcher.drain()
    assert [r.chat_id for r in double.sent] == [22]
    assert double.stats()["rejected_403"] == 1
    state = chat(engine, 21)
    assert state is not None and not state.active
    assert {(r.chat_id, r.status) for r in rows(engine)} == {
        (21, DeliveryStatus.FAILED),
        (22, DeliveryStatus.SENT),
    }
    queue(engine, [21, 22], key="k3")
    await dispatcher.drain()
    attempts = [
        c
        for c in double.calls
        if c.method == "sendMessage" and str(c.params.get("chat_id")) == "21"
    ]
    assert len(attempts) == 1


async def test_migrated_group_gets_the_alert_at_its_new_id(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble
) -> None:
    queue(engine, [-31])
    double.migrate(-31, -1000031, notify=False)
    await dispatcher.drain()
    assert [r.chat_id for r in double.sent] == [-1000031]
    assert chat(engine, -31) is None and chat(engine, -1000031) is not None
    [row] = rows(engine)
    assert row.chat_id == -1000031 and row.status == DeliveryStatus.SENT


async def test_entity_error_is_resent_as_plain_text(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble
) -> None:
    queue(engine, [41])
    double.fail_next(
        "sendMessage", error_code=400, description="Bad Request: can't parse entities: x"
    )
    await dispatcher.drain()
    [record] = double.sent
    assert record.parse_mode is None and "<b>" not in record.html
    assert "هجوم لداعش <قرب> الرطبة & الحدود" in record.text
    assert rows(engine)[0].status == DeliveryStatus.SENT


async def test_other_bad_request_is_given_up(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble
) -> None:
    queue(engine, [51])
    double.fail_next("sendMessage", error_code=400, description="Bad Request: chat not found")
    await dispatcher.drain()
    [row] = rows(engine)
    assert (
        row.status == DeliveryStatus.FAILED and "chat not found" in (row.last_error or "").lower()
    )
    assert double.sent == []


async def test_429_waits_and_sends_the_same_message_once(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble
) -> None:
    queue(engine, [61])
    double.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 1", retry_after=1
    )
    await dispatcher.drain()
    calls = [c for c in double.calls if c.method == "sendMessage"]
    assert len(calls) == 2 and calls[1].time - calls[0].time >= 0.95
    assert len(double.sent) == 1 and rows(engine)[0].status == DeliveryStatus.SENT


async def test_repeated_429_leaves_it_pending_until_retry_after(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble, clock: Clock
) -> None:
    queue(engine, [62])
    double.fail_next(
        "sendMessage",
        3,
        error_code=429,
        description="Too Many Requests: retry after 1",
        retry_after=1,
    )
    await dispatcher.drain()
    [row] = rows(engine)
    assert row.status == DeliveryStatus.PENDING and row.attempts == 0
    assert row.next_attempt_at >= clock.now + timedelta(seconds=1)
    clock.now += timedelta(seconds=2)
    await dispatcher.drain()
    assert rows(engine)[0].status == DeliveryStatus.SENT and len(double.sent) == 1


async def test_network_error_is_retried_with_backoff(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble, clock: Clock
) -> None:
    queue(engine, [71])
    double.drop_next("sendMessage")
    await dispatcher.drain()
    [row] = rows(engine)
    assert row.status == DeliveryStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at == clock.now + timedelta(seconds=5)
    assert await dispatcher.drain() == 0  # not yet due
    clock.now += timedelta(seconds=6)
    await dispatcher.drain()
    assert rows(engine)[0].status == DeliveryStatus.SENT and len(double.sent) == 1


async def test_gives_up_after_max_attempts(
    engine: sa.Engine, bot: ExtBot[int], catalog: CatalogRef, double: BotApiDouble, clock: Clock
) -> None:
    dispatcher = Dispatcher(
        engine=engine, bot=bot, catalog=catalog, owner="me", now=clock, max_attempts=2
    )
    queue(engine, [72])
    double.drop_next("sendMessage", 2)
    await dispatcher.drain()
    clock.now += timedelta(minutes=1)
    await dispatcher.drain()
    assert rows(engine)[0].status == DeliveryStatus.FAILED


async def test_a_delivery_leased_by_another_process_is_left_alone(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble, clock: Clock
) -> None:
    queue(engine, [81])
    with Session(engine) as session:
        repo.claim_deliveries(
            session=session,
            owner="other",
            now=clock.now,
            lease_until=clock.now + timedelta(minutes=2),
            limit=10,
        )
        session.commit()
    assert await dispatcher.drain() == 0
    clock.now += timedelta(minutes=3)  # the other process died: its lease ran out
    assert await dispatcher.drain() == 1
    assert len(double.sent) == 1


async def test_english_chat_gets_english_labels(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble
) -> None:
    queue(engine, [91], reasons=["topic:isis", "watch:Rutba"])
    with Session(engine) as session:
        repo.set_chat_lang(session=session, chat_id=91, lang="en")
        session.commit()
    await dispatcher.drain()
    html = double.sent[0].html
    assert html.splitlines()[0].replace(RLM, "") == "🔔 ISIS · “Rutba”"
    assert "Source: Wire" in html and "Read the story" in html


@pytest.mark.alone  # counts Telegram's 429s: its pacing needs a core to itself
async def test_each_chat_in_order_and_many_chats_at_once(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble
) -> None:
    for key in ("a", "b", "c"):
        queue(engine, [101, 102, 103], key=key)
    await dispatcher.drain()
    for chat_id in (101, 102, 103):
        ids = [r.message_id for r in double.sent if r.chat_id == chat_id]
        assert len(ids) == 3 and ids == sorted(ids)
    assert {r.status for r in rows(engine)} == {DeliveryStatus.SENT}
    assert double.stats()["rejected_429"] == 0


async def test_an_undated_story_shows_when_it_was_first_seen(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble
) -> None:
    story_id = queue(engine, [111])
    with Session(engine) as session:
        row = session.get(StoryRow, story_id)
        assert row is not None
        row.published = None
        session.add(row)
        session.commit()
        seen = local_stamp(row.first_seen_at, DEFAULT_TZ)  # the chat's zone (issue 16)
    await dispatcher.drain()
    assert seen in double.sent[0].text
