"""One story to 300 chats (SPEC §7): each gets it once, and Telegram's 30/s is never exceeded."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import BotProcess, alerts, seed_chats, wait_db

pytestmark = pytest.mark.e2e

CHATS = list(range(9001, 9301))

STORY = FeedItem(
    title="التحالف الدولي يعلن مقتل قيادي في داعش بغارة جوية",
    link="https://news.example/fanout/strike",
    description="أعلن التحالف الدولي مقتل قيادي بارز في تنظيم داعش بغارة جوية في سوريا.",
    guid="fanout-strike",
)


@pytest.mark.alone  # counts Telegram's 429s: its pacing needs a core to itself
def test_300_chats_get_one_alert_each_within_the_flood_limit(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    seed_chats(bot, CHATS, topics=["isis"])
    feeds.add_item("/news.xml", STORY)
    started = time.monotonic()
    bot.poll_now()
    double.wait_for(lambda d: len(alerts(d)) >= len(CHATS), timeout=60, what="300 alerts")
    elapsed = time.monotonic() - started
    wait_db(
        bot,
        "SELECT count(*) FROM delivery WHERE status != 'sent'",
        lambda rows: rows[0][0] == 0,
        what="outbox empty",
    )
    print(f"\nfan-out: {len(CHATS)} alerts in {elapsed:.1f}s")

    per_chat = Counter(a.chat_id for a in alerts(double))
    assert set(per_chat) == set(CHATS)
    assert set(per_chat.values()) == {1}
    stats = double.stats()
    assert stats["max_per_second"] <= 30, stats
    assert stats["rejected_429"] == 0, stats
    assert stats["duplicates"] == 0
