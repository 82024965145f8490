"""/search and /latest end to end: a real `postbot run`, the Bot API double and a feed server.

A feed delivers 50 stories to a chat watching «"عين الأسد"»; `/search "عين الأسد" 30d` must then
list, page by page with «التالي», exactly the stories that watch matched (one per cluster,
newest first), and `/latest` the newest ten of them in one message.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from postbot.match.matcher import Matcher, make_document
from postbot.match.query import parse_query
from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import BotProcess, bot_process, press, query_db, wait_db

pytestmark = pytest.mark.e2e

USER = 616161
QUERY = '"عين الأسد"'
PLACES = [
    "الرمادي",
    "هيت",
    "الفلوجة",
    "القائم",
    "حديثة",
    "الرطبة",
    "بغداد",
    "الموصل",
    "كركوك",
    "تكريت",
    "سامراء",
    "البصرة",
    "النجف",
    "كربلاء",
    "الحلة",
    "العمارة",
    "الكوت",
]


def _story(i: int) -> FeedItem:
    place, n = PLACES[i % len(PLACES)], 100 + 37 * i
    kinds = [
        (f"طائرات مسيرة تستهدف قاعدة عين الأسد قرب {place}", f"الهجوم رقم {n} هذا العام."),
        (f"وصول {n} جندي بعين الأسد قادمين من {place}", "وقال مسؤول إن التعزيزات وصلت."),
        (f"الرئيس بشار الأسد يزور {place} ويلتقي {n} مسؤولاً", "زيارة رسمية."),
        (f"نبع العين. الأسد يعود إلى حديقة {place}", f"عدد الزوار {n}."),
        (f"أسعار النفط ترتفع في {place} بنسبة {n} بالمئة", "تقرير اقتصادي."),
        (f"مسؤول: قاعدة «عين الاسد» تستقبل {n} مستشاراً", f"من {place} إلى الأنبار."),
    ]
    title, description = kinds[i % len(kinds)]
    return FeedItem(title, f"https://news.example/s{i}", description, guid=f"s{i}")


def _buttons(markup: dict[str, Any] | None) -> dict[str, str]:
    rows = (markup or {}).get("inline_keyboard", [])
    return {b["text"]: b.get("callback_data", "") for row in rows for b in row}


def _titles(markup: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"^\d+\. <b>(.*?)</b>$", markup, re.M)]


@pytest.fixture(params=["sqlite", "postgresql"])
def running(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    double: BotApiDouble,
    config: Path,
    feeds: FeedServer,
) -> Iterator[BotProcess]:
    """`postbot run` on SQLite (the shared `bot` fixture) or on its own PostgreSQL database."""
    if request.param == "sqlite":
        yield request.getfixturevalue("bot")
        return
    pg_url: str = request.getfixturevalue("pg_url")
    process = bot_process(tmp_path, double.url, config, database_url=pg_url).start()
    try:
        process.wait_first_poll(timeout=30)
        yield process
    finally:
        process.stop()
    assert "Traceback" not in process.logs()


def test_search_pages_through_exactly_what_the_watch_matched(
    running: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    bot = running
    double.user_message(USER, f"/watch {QUERY}", language_code="ar")
    double.wait_for(lambda d: "رقم 1" in (d.last_text(USER) or ""), what="watch added")
    for i in range(50):
        feeds.add_item("/news.xml", _story(i))
    bot.poll_now()
    wait_db(bot, "SELECT count(*) FROM story", lambda rows: rows == [(51,)], what="50 stories")

    rows = query_db(bot, "SELECT id, title, summary, first_seen_at, cluster_id FROM story")
    matcher: Matcher[int] = Matcher({0: parse_query(QUERY)})
    matched = [r for r in rows if matcher.match(make_document(r.title, r.summary))]
    matched.sort(key=lambda r: (str(r.first_seen_at), r.id), reverse=True)
    expected: list[str] = []
    seen_clusters: set[int] = set()
    for r in matched:
        if (r.cluster_id or r.id) not in seen_clusters:
            seen_clusters.add(r.cluster_id or r.id)
            expected.append(r.title)
    assert 20 <= len(expected) <= 26  # half the stories match, minus any clustered copies
    # the watch was alerted exactly these stories (a cluster's copies edit its first alert)
    delivered = wait_db(
        bot,
        "SELECT story_id FROM delivery WHERE chat_id = :c",
        lambda found: len(found) == len(expected),
        c=USER,
        what="the watch's deliveries",
    )
    assert {d.story_id for d in delivered} <= {r.id for r in matched}

    double.user_message(USER, f"/search {QUERY} 30d", language_code="ar")
    first = double.wait_for(
        lambda d: next((m for m in d.messages(USER) if m.text.startswith("🔎")), None),
        what="search results",
    )
    assert "آخر 30 يوماً" in first.text and "صفحة 1 من" in first.text
    shown = _titles(first.html)
    assert len(shown) == 5
    isolates = first.html.count("\u2066")  # dates and times kept left to right in Arabic lines
    assert isolates >= 5
    pages = 1
    while "التالي ◀" in _buttons(first.reply_markup):
        data = _buttons(first.reply_markup)["التالي ◀"]
        press(double, USER, first.message_id, data, lang="ar")
        pages += 1
        first = double.wait_for(
            lambda d, want=pages, mid=first.message_id: next(
                (
                    m
                    for m in d.messages(USER)
                    if m.message_id == mid and f"صفحة {want} من" in m.text
                ),
                None,
            ),
            what=f"page {pages}",
        )
        shown += _titles(first.html)
        assert first.html.count("\u2066") >= min(isolates, first.text.count("المصادر:"))
        assert "▶ السابق" in _buttons(first.reply_markup)
    assert shown == expected
    assert pages == -(-len(expected) // 5)
    assert "https://news.example/" in first.html and "المصادر: وكالة الاختبار" in first.text

    double.user_message(USER, "/latest", language_code="ar")
    latest = double.wait_for(
        lambda d: next((m for m in d.messages(USER) if m.text.startswith("🕘")), None),
        what="latest",
    )
    # one message (alerts keep arriving meanwhile, paced at one a second)
    assert sum(m.text.startswith("🕘") for m in double.messages(USER)) == 1
    assert _titles(latest.html) == expected[:10]
