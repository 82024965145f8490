"""An alert queued before revision 0006 (reasons as bare labels, no watch ids, no spans) is
still sent after the upgrade: named as it was queued, with its buttons, without bold words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from telegram.ext import ExtBot

from postbot.config.catalog import CatalogRef
from postbot.delivery.dispatch import Dispatcher
from postbot.store.db import make_engine, upgrade_engine
from postbot.store.models import Delivery, DeliveryStatus
from support.botapi import BotApiDouble
from support.clocks import Clock

RLM = "\u200f"
T = {"t": "2026-11-28 10:00:00"}
ROWS = [
    "INSERT INTO chat (id, kind, lang, active, digest, tz, created_at, updated_at, breaking)"
    " VALUES (42, 'private', 'ar', true, 'off', 'Asia/Baghdad', :t, :t, false)",
    "INSERT INTO feed (id, url, name, enabled, consecutive_errors, next_poll_at,"
    " failing_notified, first_polled) VALUES ('wire', 'u', 'Wire', true, 0, :t, false, true)",
    "INSERT INTO story (id, feed_id, key, title, summary, first_seen_at, also_in)"
    " VALUES (7, 'wire', 'k', 'هجوم لداعش قرب الرطبة', 'قالت القوات إن خلايا داعش هاجمت موقعاً.',"
    " :t, '[]')",
    "INSERT INTO watch (id, chat_id, query, created_at) VALUES (5, 42, 'الرطبة', :t)",
    "INSERT INTO topic_subscription (chat_id, topic_id, created_at) VALUES (42, 'isis', :t)",
    "INSERT INTO delivery (chat_id, story_id, reasons, status, attempts, next_attempt_at,"
    " created_at, in_digest) VALUES (42, 7, '[\"topic:isis\", \"watch:الرطبة\"]', 'pending', 0,"
    " :t, :t, false)",
]


@pytest.fixture
def old_engine(tmp_path: Path) -> Iterator[sa.Engine]:
    """A database at 0005 with one alert queued in the old format, then upgraded."""
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade_engine(engine, "0005")
    with engine.begin() as conn:
        for row in ROWS:
            conn.execute(sa.text(row), T)
    upgrade_engine(engine)
    try:
        yield engine
    finally:
        engine.dispose()


async def test_an_alert_queued_before_0006_is_sent_after_the_upgrade(
    old_engine: sa.Engine, bot: ExtBot[int], catalog: CatalogRef, double: BotApiDouble
) -> None:
    dispatcher = Dispatcher(engine=old_engine, bot=bot, catalog=catalog, owner="me", now=Clock())
    assert await dispatcher.drain() == 1
    [record] = double.sent
    assert record.html.splitlines()[0].replace(RLM, "") == "🔔 داعش · #1 «الرطبة»"
    assert "<b>داعش</b>" not in record.html  # no spans stored: nothing bold in the summary
    data = [b["callback_data"] for row in record.reply_markup["inline_keyboard"] for b in row]
    assert data == ["st:isis", "mw:5"]  # the watch's id looked up by its query
    with Session(old_engine) as session:
        row = session.exec(select(Delivery)).one()
    assert row.status == DeliveryStatus.SENT and row.telegram_message_id == record.message_id
    assert row.watch_ids is None and row.highlights is None
