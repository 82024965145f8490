"""Built-in topics end to end (SPEC §1, §5): deep links, the toggle buttons, topic alerts."""

from __future__ import annotations

from typing import Any

import pytest

from postbot.alerts.texts import text
from support.botapi import BotApiDouble, BotMessage
from support.feedserver import FeedItem, FeedServer
from support.process import BotProcess, Say, alerts, converse, press, publish, query_db, says

pytestmark = pytest.mark.e2e

FOLLOWER, NOBODY, WITNESS = 5201, 5202, 5203

ISIS = FeedItem(
    title="مقتل ثلاثة من عناصر داعش في عملية أمنية بصحراء الأنبار",
    link="https://news.example/topics/isis-anbar",
    description="قالت خلية الإعلام الأمني إن قوة مشتركة نفذت إنزالاً جوياً استهدف وكراً لتنظيم داعش.",
    guid="topics-isis",
)
BASE = FeedItem(
    title="سقوط صاروخين على قاعدة عين الأسد الجوية غربي الأنبار",
    link="https://news.example/topics/ain-rockets",
    description="أفادت مصادر أمنية بسقوط صاروخين قرب قاعدة عين الأسد دون تسجيل خسائر بشرية.",
    guid="topics-ain-1",
)
BASE_AGAIN = FeedItem(
    title="هجوم بطائرة مسيرة يستهدف قاعدة عين الأسد في محافظة الأنبار",
    link="https://news.example/topics/ain-drone",
    description="تصدت الدفاعات الجوية لطائرة مسيرة حاولت الاقتراب من القاعدة فجر اليوم.",
    guid="topics-ain-2",
)


def buttons(markup: dict[str, Any] | None) -> dict[str, str]:
    """callback_data → label of every inline button."""
    rows = (markup or {}).get("inline_keyboard", [])
    return {b.get("callback_data", ""): b["text"] for row in rows for b in row}


def current(double: BotApiDouble, chat_id: int, message_id: int) -> BotMessage:
    """A bot message as it is now (after edits)."""
    return next(m for m in double.messages(chat_id) if m.message_id == message_id)


def test_deep_link_toggles_and_topic_alerts(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    replies = converse(
        double,
        [
            Say(FOLLOWER, "/start topic_isis", lang="ar"),
            Say(NOBODY, "/start topic_nope", lang="en"),
            Say(WITNESS, "/start topic_ain_al_asad", lang="ar"),
        ],
    )
    welcome = replies[FOLLOWER][0]
    assert says("ar", "subscribed_topic", topic="داعش") in welcome
    keyboard = buttons(double.messages(FOLLOWER)[-1].reply_markup)
    assert keyboard["topic:isis"] == "✅ داعش"
    assert keyboard["topic:ain_al_asad"] == "➕ قاعدة عين الأسد"
    assert says("en", "unknown_topic", topic="nope") in replies[NOBODY][0]
    assert query_db(bot, "SELECT count(*) FROM topic_subscription WHERE chat_id = :c", c=NOBODY)[
        0
    ] == (0,)

    publish(bot, feeds, ISIS)
    alert = double.wait_for(lambda d: alerts(d, FOLLOWER), timeout=15, what="isis alert")[0]
    assert alert.text.splitlines()[0] == "🔔 داعش"
    assert alert.text.splitlines()[1] == ISIS.title

    topics_message = converse(double, [Say(FOLLOWER, "/topics", lang="ar")])[FOLLOWER][0]
    assert topics_message == says("ar", "topics_header")
    listing = double.messages(FOLLOWER)[-1]
    answer = press(double, FOLLOWER, listing.message_id, "topic:ain_al_asad", lang="ar")
    assert answer.text == text("ar", "topic_on", topic="قاعدة عين الأسد")
    edited = double.wait_for(
        lambda d: [
            e for e in d.edits if e.chat_id == FOLLOWER and e.message_id == listing.message_id
        ],
        what="keyboard edited",
    )[-1]
    assert edited.method == "editMessageReplyMarkup"
    assert buttons(edited.reply_markup)["topic:ain_al_asad"] == "✅ قاعدة عين الأسد"
    assert buttons(edited.reply_markup)["topic:isis"] == "✅ داعش"

    publish(bot, feeds, BASE)
    double.wait_for(lambda d: len(alerts(d, FOLLOWER)) == 2, timeout=15, what="base alert")
    base_alert = alerts(double, FOLLOWER)[1]
    assert base_alert.text.splitlines()[0] == "🔔 قاعدة عين الأسد"
    assert "عين الأسد</b>" in base_alert.html  # the matched words are bold

    answer = press(double, FOLLOWER, listing.message_id, "topic:ain_al_asad", lang="ar")
    assert answer.text == text("ar", "topic_off", topic="قاعدة عين الأسد")
    double.wait_for(
        lambda d: (
            buttons(current(d, FOLLOWER, listing.message_id).reply_markup).get("topic:ain_al_asad")
            == "➕ قاعدة عين الأسد"
        ),
        what="keyboard shows the topic off",
    )
    assert query_db(
        bot, "SELECT topic_id FROM topic_subscription WHERE chat_id = :c", c=FOLLOWER
    ) == [("isis",)]

    # the witness still follows the base, so the next base story is alerted to it only
    publish(bot, feeds, BASE_AGAIN)
    double.wait_for(lambda d: len(alerts(d, WITNESS)) == 2, timeout=15, what="witness alerts")
    assert len(alerts(double, FOLLOWER)) == 2
    story = query_db(bot, "SELECT id FROM story WHERE key = :k", k=BASE_AGAIN.guid)[0][0]
    assert query_db(bot, "SELECT chat_id FROM delivery WHERE story_id = :s", s=story) == [
        (WITNESS,)
    ]
