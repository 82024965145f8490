"""A real `postbot run` process, the Bot API double and a feed server: subscribe, watch, alert."""

from __future__ import annotations

import pytest

from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import BotProcess, wait_db

pytestmark = pytest.mark.e2e

USER = 424242

ISIS_STORY = FeedItem(
    title="القوات العراقية تحبط هجوماً لداعش قرب الرطبة",
    link="https://news.example/isis-rutba?id=7&src=rss",
    description="أعلنت قيادة العمليات المشتركة إحباط هجوم لخلايا داعش في صحراء الأنبار. "
    "وقالت إن القوات قتلت ثلاثة مسلحين. وأضافت أن عمليات التفتيش مستمرة.",
    guid="isis-rutba",
)


def _alerts(double: BotApiDouble, chat_id: int) -> list[str]:
    return [r.html for r in double.sent if r.chat_id == chat_id and r.html.startswith("🔔")]


def test_start_watch_and_get_an_alert(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    double.user_message(USER, "/start", language_code="ar")
    welcome = double.wait_for(lambda d: d.last_text(USER), what="welcome")
    assert "أهلاً" in welcome
    buttons = double.messages(USER)[-1].reply_markup
    assert buttons is not None and "topic:isis" in str(buttons)

    double.user_message(USER, "/watch داعش", language_code="ar")
    double.wait_for(lambda d: "رقم 1" in (d.last_text(USER) or ""), what="watch added")

    feeds.add_item("/news.xml", ISIS_STORY)
    bot.poll_now()
    alerts = double.wait_for(lambda d: _alerts(d, USER), timeout=15, what="alert")
    assert len(alerts) == 1
    html = alerts[0]
    assert "«داعش»" in html.splitlines()[0]
    assert "<b>القوات العراقية تحبط هجوماً لداعش قرب الرطبة</b>" in html
    assert "<b>داعش</b>" in html  # the matched word is bold in the summary
    assert 'href="https://news.example/isis-rutba?id=7&amp;src=rss"' in html
    assert "المصدر: وكالة الاختبار" in html
    # the backlog story from the first poll was recorded, not alerted
    assert all("قديم" not in a for a in alerts)
    assert double.stats()["rejected_429"] == 0


def test_a_valid_feed_is_not_reported_malformed(bot: BotProcess, feeds: FeedServer) -> None:
    """Regression: feedparser once flagged every HTTP feed NonXMLContentType on every poll."""
    hits = feeds.hits("/news.xml")
    feeds.add_item("/news.xml", ISIS_STORY)
    bot.poll_now()
    feeds.wait_for_hits("/news.xml", hits + 1)
    wait_db(
        bot,
        "SELECT count(*) FROM story WHERE key = :k",
        lambda rows: rows == [(1,)],
        k=ISIS_STORY.guid,
    )
    assert "malformed feed" not in bot.logs()
