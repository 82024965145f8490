"""Digests, quiet hours, "also in" edits and alert buttons, sent by the dispatcher to the double.

The clock is injected (`Clock`): held alerts become due when the test moves it, not after sleeps.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from postbot.alerts.direction import strip_marks
from postbot.alerts.html import MAX_VISIBLE, utf16_len
from postbot.delivery.dispatch import Dispatcher
from postbot.feeds.story import Story
from postbot.store import repo
from postbot.store.models import Chat, Delivery, DeliveryStatus
from support.botapi import BotApiDouble
from support.clocks import Clock

HOUR = timedelta(hours=1)


def _chat(session: Session, chat_id: int, now: datetime, *, digest: str = "off") -> None:
    kind = "private" if chat_id > 0 else "supergroup"
    repo.get_or_create_chat(
        session=session, chat_id=chat_id, kind=kind, title=None, lang="ar", now=now
    )
    repo.set_chat_digest(session=session, chat_id=chat_id, digest=digest, at=None, now=now)


def _story(session: Session, key: str, now: datetime, *, title: str | None = None) -> int:
    repo.upsert_feeds(
        session=session,
        feeds=[
            repo.FeedSpec("wire", "https://w.example/rss", "Wire"),
            repo.FeedSpec("sky", "https://s.example/rss", "Sky"),
        ],
        now=now,
    )
    story = Story(
        "wire",
        key,
        title or f"هجوم لداعش في الأنبار رقم {key}",
        f"https://w.example/{key}",
        "قالت القوات إن خلايا داعش هاجمت موقعاً قرب الرطبة.",
        now,
    )
    row, _ = repo.save_story(session=session, story=story, now=now)
    assert row.id is not None
    return row.id


def hold(
    engine: sa.Engine,
    chat_id: int,
    keys: list[str],
    *,
    now: datetime,
    release: datetime,
    digest: str = "hourly",
    reasons: list[str] | None = None,
    titles: dict[str, str] | None = None,
) -> list[int]:
    """Held deliveries of new stories to one chat; returns the story ids."""
    ids = []
    with Session(engine) as session:
        _chat(session, chat_id, now, digest=digest)
        for key in keys:
            story_id = _story(session, key, now, title=(titles or {}).get(key))
            repo.enqueue_delivery(
                session=session,
                chat_id=chat_id,
                story_id=story_id,
                reasons=reasons or ["topic:isis"],
                now=now,
                release_at=release,
            )
            ids.append(story_id)
        session.commit()
    return ids


def statuses(engine: sa.Engine, chat_id: int) -> list[tuple[str, int | None, bool]]:
    with Session(engine) as session:
        rows = session.exec(
            select(Delivery).where(col(Delivery.chat_id) == chat_id).order_by(col(Delivery.id))
        ).all()
        return [(r.status, r.telegram_message_id, r.in_digest) for r in rows]


async def test_held_alerts_wait_for_their_digest_then_go_as_one_message(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble, clock: Clock
) -> None:
    start = clock.now
    hold(engine, 501, ["a", "b", "c"], now=start, release=start + HOUR)
    assert await dispatcher.drain() == 0
    assert double.sent == []
    clock.now = start + HOUR
    await dispatcher.drain()
    (message,) = double.sent
    assert message.chat_id == 501
    for key in ("a", "b", "c"):
        assert f"رقم {key}" in message.text
    assert "ملخص" in message.text  # an Arabic chat's hourly digest header
    assert message.text.count("داعش") >= 1  # grouped under the topic's name
    rows = statuses(engine, 501)
    assert {r[0] for r in rows} == {DeliveryStatus.SENT.value}
    assert {r[1] for r in rows} == {message.message_id}
    assert all(r[2] for r in rows)


async def test_quiet_hours_release_is_a_quiet_digest(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble, clock: Clock
) -> None:
    start = clock.now
    hold(engine, 502, ["q1", "q2"], now=start, release=start + HOUR, digest="off")
    clock.now = start + HOUR
    await dispatcher.drain()
    (message,) = double.sent
    assert message.text.startswith("🌙")
    assert "رقم q1" in message.text and "رقم q2" in message.text


async def test_a_long_digest_is_split_between_stories_and_every_alert_is_settled(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble, clock: Clock
) -> None:
    start = clock.now
    keys = [f"k{i:03d}" for i in range(120)]
    titles = {k: f"{k} " + "عنوان طويل عن هجوم لداعش في الأنبار " * 3 for k in keys}
    hold(engine, 503, keys, now=start, release=start, titles=titles)
    await dispatcher.drain()
    messages = double.sent
    assert len(messages) >= 2
    assert all(utf16_len(m.text) <= MAX_VISIBLE for m in messages)
    seen = [k for m in messages for k in keys if f"{k} " in m.text]
    assert seen == keys  # each story once, in order, none cut across messages
    rows = statuses(engine, 503)
    assert {r[0] for r in rows} == {DeliveryStatus.SENT.value}
    assert {r[1] for r in rows} == {m.message_id for m in messages}


async def test_a_digest_refused_with_429_is_held_until_retry_after(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble, clock: Clock
) -> None:
    start = clock.now
    hold(engine, 504, ["r1", "r2"], now=start, release=start)
    double.fail_next(
        "sendMessage", 3, error_code=429, description="Too Many Requests", retry_after=1
    )
    await dispatcher.drain()
    assert double.sent == []
    assert {r[0] for r in statuses(engine, 504)} == {DeliveryStatus.HELD.value}
    with Session(engine) as session:
        waits = session.exec(select(Delivery.next_attempt_at, Delivery.attempts)).all()
    assert all(at >= start + timedelta(seconds=1) and tries == 0 for at, tries in waits)
    clock.now = start + timedelta(seconds=2)
    await dispatcher.drain()
    (message,) = double.sent
    assert "رقم r1" in message.text and "رقم r2" in message.text


async def test_a_blocked_chat_gets_no_digest_and_is_deactivated(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble, clock: Clock
) -> None:
    start = clock.now
    hold(engine, 505, ["b1"], now=start, release=start)
    double.block(505)
    await dispatcher.drain()
    assert double.sent == []
    with Session(engine) as session:
        chat = session.get(Chat, 505)
        assert chat is not None and not chat.active
    assert {r[0] for r in statuses(engine, 505)} == {DeliveryStatus.FAILED.value}


async def test_another_outlet_edits_the_sent_alert_and_keeps_its_buttons(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble, clock: Clock
) -> None:
    start = clock.now
    with Session(engine) as session:
        _chat(session, 506, start)
        story_id = _story(session, "e1", start)
        repo.subscribe_topic(session=session, chat_id=506, topic_id="isis", now=start)
        repo.add_watch(session=session, chat_id=506, query="الرطبة", now=start)
        repo.enqueue_delivery(
            session=session,
            chat_id=506,
            story_id=story_id,
            reasons=["topic:isis", "watch:الرطبة"],
            now=start,
        )
        session.commit()
    await dispatcher.drain()
    (sent,) = double.sent
    data = [b["callback_data"] for row in sent.reply_markup["inline_keyboard"] for b in row]
    assert data[0] == "st:isis" and data[1].startswith("mw:")
    assert "ورد أيضاً في" not in sent.text

    with Session(engine) as session:
        assert repo.add_also_in(session=session, story_id=story_id, feed_id="sky")
        assert repo.mark_for_edit(session=session, story_id=story_id, now=clock.now) == 1
        session.commit()
    await dispatcher.drain()
    (edit,) = double.edits
    assert edit.message_id == sent.message_id
    assert "ورد أيضاً في: sky" in strip_marks(edit.text)
    assert edit.reply_markup == sent.reply_markup
    assert len(double.sent) == 1  # an edit, not a second alert
    assert statuses(engine, 506) == [(DeliveryStatus.SENT.value, sent.message_id, False)]


@pytest.mark.parametrize(
    "description",
    ["Bad Request: message to edit not found", "Bad Request: message can't be edited"],
)
async def test_an_edit_telegram_refuses_leaves_the_alert_as_it_was(
    engine: sa.Engine,
    dispatcher: Dispatcher,
    double: BotApiDouble,
    clock: Clock,
    description: str,
) -> None:
    start = clock.now
    with Session(engine) as session:
        _chat(session, 507, start)
        story_id = _story(session, "e2", start)
        repo.enqueue_delivery(
            session=session, chat_id=507, story_id=story_id, reasons=["topic:isis"], now=start
        )
        session.commit()
    await dispatcher.drain()
    double.fail_next("editMessageText", error_code=400, description=description)
    with Session(engine) as session:
        repo.add_also_in(session=session, story_id=story_id, feed_id="sky")
        repo.mark_for_edit(session=session, story_id=story_id, now=clock.now)
        session.commit()
    await dispatcher.drain()
    assert double.edits == []
    with Session(engine) as session:
        row = session.exec(select(Delivery).where(col(Delivery.chat_id) == 507)).one()
        assert row.status == DeliveryStatus.SENT.value
        assert row.last_error is not None and "edit 400" in row.last_error
    await dispatcher.drain()
    assert double.edits == []  # not retried for ever


async def test_alerts_sent_inside_a_digest_are_not_edited(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble, clock: Clock
) -> None:
    start = clock.now
    (story_id,) = hold(engine, 508, ["d1"], now=start, release=start)
    await dispatcher.drain()
    assert len(double.sent) == 1
    with Session(engine) as session:
        repo.add_also_in(session=session, story_id=story_id, feed_id="sky")
        assert repo.mark_for_edit(session=session, story_id=story_id, now=clock.now) == 0
        session.commit()
    await dispatcher.drain()
    assert double.edits == []


async def test_a_removed_watch_gets_no_button(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble, clock: Clock
) -> None:
    start = clock.now
    with Session(engine) as session:
        _chat(session, 509, start)
        story_id = _story(session, "w1", start)
        repo.enqueue_delivery(
            session=session,
            chat_id=509,
            story_id=story_id,
            reasons=["topic:isis", "watch:الرطبة"],  # neither is the chat's any more
            now=start,
        )
        session.commit()
    await dispatcher.drain()
    (sent,) = double.sent
    assert sent.reply_markup is None
    assert "«الرطبة»" in sent.text  # the header still says why it matched
