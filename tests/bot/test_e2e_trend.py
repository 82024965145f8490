"""/trend end to end: a real `postbot run`, a feed with ISIS stories, the Bot API double.

After the feed delivered its stories, `/trend isis 30d` answers with a photo: a PNG that
decodes, with a caption counting the stories (copies once) and naming the busiest day. Bad
periods, bad queries and a query nothing matched get a text saying so. Inline mode (`@bot
query`) lists the recent stories the same subjects match.
"""

from __future__ import annotations

import html
import io
from datetime import UTC, datetime, timedelta

import matplotlib.image
import pytest

from doubles.botapi.inline import InlineAnswer
from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import BotProcess, Say, converse, publish, says, wait_db

pytestmark = pytest.mark.e2e

READER = 7301
BACKLOG_TITLE = "«داعش» يتبنى هجوماً قديماً في الأنبار"  # the test feed's item (bot/conftest.py)
STORIES = [
    ("هجوم لداعش على نقطة للجيش في داقوق", "isis-1", 0),
    ("القبض على خلية لتنظيم داعش في كركوك", "isis-2", 1),
    ("مقتل قيادي في داعش بضربة جوية في الأنبار", "isis-3", 3),
    ("افتتاح معرض بغداد الدولي للكتاب", "other-1", 0),
]


def test_trend_sends_a_chart_of_the_feeds_isis_stories(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    now = datetime.now(UTC)
    for title, guid, days_ago in STORIES:
        published = now - timedelta(days=days_ago, minutes=5)
        item = FeedItem(title, f"https://news.example/{guid}", title + ".", guid, published)
        feeds.add_item("/news.xml", item)
    publish(
        bot, feeds, FeedItem("داعش يتبنى تفجيراً", "https://news.example/isis-4", "خبر.", "isis-4")
    )
    wait_db(bot, "SELECT id FROM story", lambda rows: len(rows) >= 6, what="the stories stored")

    replies = converse(double, [Say(READER, "/trend isis 30d", lang="ar")], timeout=60)
    (caption,) = replies[READER]
    photo = double.messages(READER)[-1]
    assert photo.photo, "the answer is a photo"
    assert (READER, "upload_photo") in double.chat_actions  # "sending a photo…" meanwhile
    (record,) = [r for r in double.sent if r.method == "sendPhoto"]
    assert record.photo is not None and record.photo.startswith(b"\x89PNG\r\n\x1a\n")
    image = matplotlib.image.imread(io.BytesIO(record.photo), format="png")
    assert image.shape[:2] == (672, 1200)
    # the backlog's ISIS story and the four new ones; the book fair is not counted
    assert caption.startswith("📈 موضوع «داعش»: 5 أخبار خلال آخر 30 يوماً")
    assert "أكثر الأيام:" in caption and "وكالة الاختبار (5)" in caption
    assert "الخبر الذي نشرته عدة مصادر يُحسب مرة واحدة" in caption

    # asked again within ten minutes, in English: another language, another chart
    replies = converse(double, [Say(READER + 1, "/trend ISIS", lang="en")], timeout=60)
    (caption_en,) = replies[READER + 1]
    assert caption_en.startswith("📈 topic “ISIS”: 5 stories in the last 30 days")


def test_trend_says_what_is_wrong_with_the_asking(bot: BotProcess, double: BotApiDouble) -> None:
    replies = converse(
        double,
        [
            Say(READER, "/trend", lang="en"),
            Say(READER, "/trend isis 365d", lang="en"),
            Say(READER, "/trend (داعش", lang="en"),
            Say(READER, '/trend "عين الأسد" 7d', lang="en"),
        ],
        timeout=60,
    )
    usage, bad_days, bad_query, nothing = replies[READER]
    assert usage == says("en", "trend_usage")
    assert bad_days == says("en", "trend_bad_days", value="365d")
    assert bad_query.startswith("⚠️ I could not read that query")
    subject = html.escape('query “"عين الأسد"”')
    assert nothing == says("en", "trend_nothing", subject=subject, days=7)
    assert not [r for r in double.sent if r.method == "sendPhoto"]


def test_inline_mode_lists_the_recent_stories_a_topic_or_query_matched(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    for title, guid, days_ago in STORIES:
        published = datetime.now(UTC) - timedelta(days=days_ago, minutes=5)
        item = FeedItem(title, f"https://news.example/{guid}", title + ".", guid, published)
        feeds.add_item("/news.xml", item)
    publish(bot, feeds, FeedItem("خبر عادي", "https://news.example/plain", "خبر.", "plain"))
    wait_db(bot, "SELECT id FROM story", lambda rows: len(rows) >= 6, what="the stories stored")
    double.set_inline_mode(True)

    def answer(query: str, lang: str = "ar") -> InlineAnswer:
        query_id = double.inline_query(READER, query, language_code=lang)
        found: InlineAnswer = double.wait_for(
            lambda d: next((a for a in d.inline_answers if a.query_id == query_id), None),
            timeout=30,
            what=f"the answer to the inline query {query!r}",
        )
        return found

    isis = answer("داعش")
    titles = [r["title"] for r in isis.results]
    # the three ISIS stories of the last 7 days by their published time, and the backlog's
    # (no date: the time it was seen, at the first poll), newest first; not the book fair
    assert titles == [BACKLOG_TITLE, STORIES[0][0], STORIES[1][0], STORIES[2][0]]
    shared = isis.results[1]["input_message_content"]
    assert (
        shared["parse_mode"] == "HTML" and "https://news.example/isis-1" in shared["message_text"]
    )
    assert "اقرأ الخبر" in shared["message_text"] and isis.button is None
    assert isis.results[1]["description"].startswith("وكالة الاختبار · ")

    nothing = answer('"عين الأسد"', lang="en")
    assert nothing.results == [] and nothing.button is not None
    assert nothing.button["text"] == says("en", "inline_nothing")
    bad = answer("(داعش", lang="en")
    assert bad.results == [] and bad.button is not None
    assert bad.button["text"] == says("en", "inline_bad")
    assert bad.button["start_parameter"] == "help"
    empty = answer("")
    assert empty.button is not None and empty.button["text"] == says("ar", "inline_hint")
