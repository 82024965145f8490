"""No 400 loses an alert that a shorter rendering would carry; rendering never holds up others.

The dispatcher against the Bot API double (which refuses over 4096 visible characters and bad
HTML as Telegram does), with a real PTB bot, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from delivery.routed import routed
from postbot.delivery.dispatch import Dispatcher
from postbot.delivery.outcomes import shorter_helps
from postbot.feeds.story import Story
from postbot.store import repo
from postbot.store.models import Delivery, DeliveryStatus, StoryRow
from support.botapi import BotApiDouble, utf16_len

SUMMARY = "قالت القوات إن خلايا داعش هاجمت موقعاً قرب الرطبة. وأضافت أن التفتيش مستمر في المنطقة."


def queue(engine: sa.Engine, chat_id: int, key: str, *, reasons: list[str] | None = None) -> int:
    """One story and a pending delivery of it to `chat_id`; returns the story id."""
    now = datetime.now(UTC) - timedelta(seconds=1)
    story = Story(
        "wire", key, f"هجوم لداعش قرب الرطبة {key}", f"https://w.example/{key}", SUMMARY, now
    )
    with Session(engine) as session:
        repo.upsert_feeds(
            session=session, feeds=[repo.FeedSpec("wire", "https://w.example/rss", "Wire")], now=now
        )
        row, _ = repo.save_story(session=session, story=story, now=now)
        assert row.id is not None
        repo.get_or_create_chat(
            session=session, chat_id=chat_id, kind="private", title=None, lang="ar", now=now
        )
        repo.enqueue_delivery(
            session=session,
            chat_id=chat_id,
            story_id=row.id,
            reasons=routed(story, reasons or ["topic:isis", "watch:الرطبة"]),
            now=now,
        )
        session.commit()
        return row.id


def status(engine: sa.Engine) -> list[tuple[int, str, str | None]]:
    with Session(engine) as session:
        rows = session.exec(select(Delivery).order_by(Delivery.id)).all()  # type: ignore[arg-type]
        return [(r.chat_id, r.status, r.last_error) for r in rows]


@pytest.mark.parametrize(
    ("refusals", "parse_mode", "compact"),
    [
        pytest.param(["message is too long"], "HTML", True, id="too-long"),
        pytest.param(["MESSAGE_TOO_LONG"], "HTML", True, id="too-long-constant"),
        pytest.param(["entities too long"], "HTML", True, id="entities-too-long"),
        pytest.param(["too many entities"], "HTML", True, id="too-many-entities"),
        pytest.param(["can't parse entities: x"], None, False, id="parse-then-plain"),
        pytest.param(
            ["can't parse entities: x", "message is too long"], "HTML", True, id="plain-too-long"
        ),
        pytest.param(
            ["message is too long", "can't parse entities: y"], None, True, id="compact-plain"
        ),
        pytest.param(["text is too long"] * 2, None, True, id="last-resort-plain-compact"),
    ],
)
async def test_a_refused_text_falls_back_to_a_shorter_one(
    engine: sa.Engine,
    dispatcher: Dispatcher,
    double: BotApiDouble,
    refusals: list[str],
    parse_mode: str | None,
    compact: bool,
) -> None:
    queue(engine, 51, "a")
    for description in refusals:
        double.fail_next("sendMessage", error_code=400, description=f"Bad Request: {description}")
    await dispatcher.drain()
    [record] = double.sent
    assert record.parse_mode == parse_mode
    assert ("التفتيش مستمر" in record.text) is not compact  # the compact text has no summary
    assert record.text.startswith("🔔")
    assert "هجوم لداعش قرب الرطبة a" in record.text
    if parse_mode == "HTML":
        assert 'href="https://w.example/a"' in record.html
    else:
        assert record.text.rstrip().endswith("اقرأ الخبر")
    assert status(engine) == [(51, DeliveryStatus.SENT, None)]


@pytest.mark.parametrize(
    ("description", "tries"),
    [
        pytest.param("chat not found", 1, id="not-about-the-text"),
        pytest.param("message is too long", 3, id="every-rendering-refused"),
    ],
)
async def test_an_alert_is_given_up_only_when_no_rendering_passes(
    engine: sa.Engine,
    dispatcher: Dispatcher,
    double: BotApiDouble,
    description: str,
    tries: int,
) -> None:
    queue(engine, 52, "b")
    double.fail_next("sendMessage", 10, error_code=400, description=f"Bad Request: {description}")
    await dispatcher.drain()
    assert double.sent == []
    attempts = [c for c in double.calls if c.method.lower() == "sendmessage"]
    assert len(attempts) == tries
    [(chat, state, error)] = status(engine)
    assert (chat, state) == (52, DeliveryStatus.FAILED)
    assert error is not None and description.lower() in error.lower()


@pytest.mark.parametrize(
    ("message", "helps"),
    [
        ("Bad Request: message is too long", True),
        ("Bad Request: MESSAGE_TOO_LONG", True),
        ("Bad Request: entities too long", True),
        ("Bad Request: can't parse entities: unclosed tag", True),
        ("Bad Request: text must be non-empty", True),
        ("Bad Request: chat not found", False),
        ("Bad Request: message to reply not found", False),
        ("Bad Request: have no rights to send a message", False),
    ],
)
def test_shorter_helps(message: str, helps: bool) -> None:
    assert shorter_helps(message) is helps


async def test_thirty_long_watches_are_sent_in_full(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble
) -> None:
    reasons = [f"watch:داعش OR «عبارة طويلة جداً رقم {i} {'كلمة ' * 30}»" for i in range(30)]
    queue(engine, 53, "c", reasons=["topic:isis", *reasons])
    await dispatcher.drain()
    [record] = double.sent
    assert record.parse_mode == "HTML"  # the full rendering fit: no fallback needed
    assert utf16_len(record.text) <= 4096
    header = record.text.split("\n")[0]
    assert "…+" in header
    assert "التفتيش مستمر" in record.text  # the summary survived
    assert double.stats()["rejected_400"] == 0


async def test_a_slow_render_holds_up_no_other_chat(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble
) -> None:
    slow_id = queue(engine, 61, "slow")
    queue(engine, 62, "quick")
    render = dispatcher.builder.html
    release = threading.Event()

    def slow_html(story: StoryRow, *args: object, **kwargs: object) -> str:
        if story.id == slow_id:
            release.wait(20)  # a story that takes long to render
        return render(story, *args, **kwargs)  # type: ignore[arg-type]

    dispatcher.builder.html = slow_html  # type: ignore[method-assign]
    started = time.monotonic()
    drained = asyncio.create_task(dispatcher.drain())
    try:
        quick = await double.async_wait_for(lambda d: [r for r in d.sent if r.chat_id == 62], 12)
    finally:
        release.set()
        await drained
    waited = quick[0].time - started
    # both were claimed at once; the quick one went out while the other was still rendering
    assert waited < 8.0  # about 0.1 s; the slow story renders for up to 20 s
    assert [r.chat_id for r in double.sent] == [62, 61]
    assert {s for _, s, _ in status(engine)} == {DeliveryStatus.SENT}


async def test_a_huge_row_stored_before_the_caps_is_sent_quickly(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble
) -> None:
    story_id = queue(engine, 71, "old-huge")
    sentence = "قال مسؤول إن خلايا داعش هاجمت موقعاً قرب الرطبة وإن التفتيش مستمر. "
    with Session(engine) as session:  # as a row stored before parsing capped text
        row = session.get(StoryRow, story_id)
        assert row is not None
        row.summary = sentence * (600 * 1024 // len(sentence.encode()))
        row.title = "داعش " * 2000
        session.add(row)
        session.commit()
    started = time.monotonic()
    await dispatcher.drain()
    took = time.monotonic() - started
    [record] = double.sent
    assert record.parse_mode == "HTML" and utf16_len(record.text) <= 4096
    assert "التفتيش مستمر" in record.text
    assert took < 5.0  # it was tens of seconds: the whole row matched and summarized
