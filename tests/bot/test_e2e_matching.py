"""Which stories reach a chat (SPEC §6): one message per story, only stories newer than a watch."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import BotProcess, Say, alerts, converse, query_db, wait_db, write_config

pytestmark = pytest.mark.e2e

MANY_REASONS, LATE, EARLY = 5301, 5302, 5303
RLM = "\u200f"

TRIPLE = FeedItem(
    title="القوات العراقية تطارد فلول داعش قرب الرطبة",
    link="https://news.example/match/rutba",
    description="قالت قيادة العمليات إن قطعات الجيش تلاحق خلايا داعش في صحراء الرطبة غربي البلاد.",
    guid="match-rutba",
)
BEFORE_WATCH = FeedItem(
    title="افتتاح جسر جديد في الفلوجة بعد سنوات من التأخير",
    link="https://news.example/match/falluja-bridge",
    description="افتتحت الحكومة المحلية في الفلوجة جسراً يربط ضفتي الفرات.",
    guid="match-falluja-1",
)
AFTER_WATCH = FeedItem(
    title="حملة لتأهيل المدارس في الفلوجة قبل العام الدراسي",
    link="https://news.example/match/falluja-schools",
    description="أطلقت مديرية التربية في الفلوجة حملة لترميم عشرات المدارس.",
    guid="match-falluja-2",
)


@pytest.fixture
def config(tmp_path: Path, feeds: FeedServer) -> Path:
    """Two feeds: the usual one and a second outlet that may repeat its stories."""
    feeds.set_feed("/other.xml", [], title="المصدر الثاني")
    return write_config(
        tmp_path / "postbot.yaml",
        [
            ("testnews", "وكالة الاختبار", feeds.url("/news.xml")),
            ("othernews", "المصدر الثاني", feeds.url("/other.xml")),
        ],
    )


def header_reasons(alert_text: str) -> list[str]:
    """The reasons named on an alert's first line."""
    first = alert_text.splitlines()[0].removeprefix("🔔").replace(RLM, "")
    return [part.strip() for part in first.split("·")]


def story_id(bot: BotProcess, key: str) -> int:
    rows = wait_db(bot, "SELECT id FROM story WHERE key = :k", bool, what=f"story {key}", k=key)
    return int(rows[0][0])


def test_one_alert_per_story_listing_every_reason(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    converse(
        double,
        [
            Say(MANY_REASONS, "/start topic_isis", lang="ar"),
            Say(MANY_REASONS, "/watch داعش", lang="ar"),
            Say(MANY_REASONS, "/watch الرطبة", lang="ar"),
        ],
    )
    feeds.add_item("/news.xml", TRIPLE)
    bot.poll_now()
    double.wait_for(lambda d: alerts(d, MANY_REASONS), timeout=15, what="alert")
    # the alert is sent; anything else queued for this chat would be sent by now too
    sid = story_id(bot, TRIPLE.guid or "")
    wait_db(
        bot,
        "SELECT status FROM delivery WHERE story_id = :s",
        lambda rows: all(r[0] != "pending" for r in rows),
        s=sid,
    )
    assert len(alerts(double, MANY_REASONS)) == 1
    assert header_reasons(alerts(double, MANY_REASONS)[0].text) == [
        "داعش",
        "#1 «داعش»",
        "#2 «الرطبة»",
    ]
    rows = query_db(bot, "SELECT chat_id, reasons FROM delivery WHERE story_id = :s", s=sid)
    assert len(rows) == 1


def test_a_watch_sees_only_stories_first_seen_after_it(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    converse(double, [Say(EARLY, "/watch الفلوجة", lang="ar")])
    feeds.add_item("/news.xml", BEFORE_WATCH)
    bot.poll_now()
    # the early watcher gets it: the story does match the query
    double.wait_for(lambda d: alerts(d, EARLY), timeout=15, what="early watcher alerted")

    converse(double, [Say(LATE, "/watch الفلوجة", lang="ar")])
    hits = feeds.hits("/news.xml")
    bot.poll_now()  # polled again, unchanged: the old story stays old
    feeds.wait_for_hits("/news.xml", hits + 1)
    feeds.add_item("/news.xml", AFTER_WATCH)
    bot.poll_now()
    double.wait_for(lambda d: len(alerts(d, EARLY)) == 2, timeout=15, what="second story")
    late = double.wait_for(lambda d: alerts(d, LATE), timeout=15, what="late watcher alerted")
    assert [a.text.splitlines()[1] for a in late] == [AFTER_WATCH.title]
    old = story_id(bot, BEFORE_WATCH.guid or "")
    assert query_db(bot, "SELECT chat_id FROM delivery WHERE story_id = :s", s=old) == [(EARLY,)]


def test_the_same_story_in_two_feeds_is_alerted_once(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    converse(double, [Say(MANY_REASONS, "/watch الرطبة", lang="ar")])
    copy = FeedItem(TRIPLE.title, TRIPLE.link, TRIPLE.description, guid="other-rutba")
    feeds.add_item("/news.xml", TRIPLE)
    bot.poll_now()
    double.wait_for(lambda d: alerts(d, MANY_REASONS), timeout=15, what="first copy alerted")
    feeds.add_item("/other.xml", copy)
    bot.poll_now()
    wait_db(bot, "SELECT id FROM story WHERE key = 'other-rutba'", bool, what="copy stored")
    wait_db(
        bot,
        "SELECT count(*) FROM delivery WHERE status = 'pending'",
        lambda rows: rows[0][0] == 0,
    )
    assert len(alerts(double, MANY_REASONS)) == 1


REPLACED = 5304
RUTBA_ONLY = FeedItem(
    title="افتتاح مستشفى جديد في الرطبة",
    link="https://news.example/match/rutba-hospital",
    description="افتتحت وزارة الصحة مستشفى عاماً في قضاء الرطبة غربي الأنبار.",
    guid="match-rutba-hospital",
)
ISIS_ONLY = FeedItem(
    title="إحباط تسلل لعناصر داعش على الحدود السورية",
    link="https://news.example/match/isis-border",
    description="أحبطت قوات حرس الحدود محاولة تسلل لعناصر من داعش.",
    guid="match-isis-border",
)


def test_a_replaced_watch_matches_its_new_words_not_the_old_ones(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    """Removing a chat's only watch and adding another: the matcher must see the change."""
    converse(double, [Say(REPLACED, "/watch داعش", lang="ar")])
    feeds.add_item("/news.xml", TRIPLE)
    bot.poll_now()
    double.wait_for(lambda d: alerts(d, REPLACED), timeout=15, what="alert for the old watch")

    converse(
        double,
        [Say(REPLACED, "/unwatch 1", lang="ar"), Say(REPLACED, "/watch الرطبة", lang="ar")],
    )
    assert query_db(bot, "SELECT query FROM watch WHERE chat_id = :c", c=REPLACED) == [("الرطبة",)]
    feeds.add_item("/news.xml", RUTBA_ONLY)
    feeds.add_item("/news.xml", ISIS_ONLY)
    bot.poll_now()
    rutba, isis = story_id(bot, RUTBA_ONLY.guid or ""), story_id(bot, ISIS_ONLY.guid or "")
    queued = query_db(
        bot,
        "SELECT story_id, reasons FROM delivery WHERE chat_id = :c AND story_id IN (:r, :i)",
        c=REPLACED,
        r=rutba,
        i=isis,
    )
    assert [row[0] for row in queued] == [rutba], queued
