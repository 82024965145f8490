"""Hostile feed text (SPEC §6): everything from the feed is escaped, so Telegram accepts the alert
and shows the characters as they are.

A feed's title and description are HTML: `&lt;script&gt;` in them is the text "<script>" (shown
literally), while a real `<b>` or `<script>` element is markup (its text kept, the tag dropped).
"""

from __future__ import annotations

import pytest

from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import BotProcess, Say, alerts, converse

pytestmark = pytest.mark.e2e

READER = 7101

HOSTILE = FeedItem(
    # what these strings say once the feed's HTML is read: the text between the arrows
    title="داعش: &lt;script&gt;alert(1)&lt;/script&gt; a &amp; b, x &lt; y &gt; z, "
    "&lt;b&gt;unclosed &amp;amp;",
    link='https://news.example/hostile?a=1&b=<2>&c="3"',
    description="قال مسؤول إن عناصر <b>داعش كتبوا &lt;i&gt;تهديداً&lt;/i&gt; على جدار "
    "<script>alert(2)</script>قرب الجسر. وأضاف أن a & b و x < y > z صحيحة.",
    guid="hostile-1",
)


def test_feed_text_is_shown_literally(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    converse(double, [Say(READER, "/watch داعش", lang="ar")])
    feeds.add_item("/news.xml", HOSTILE)
    bot.poll_now()
    alert = double.wait_for(lambda d: alerts(d, READER), timeout=15, what="alert")[0]

    assert alert.parse_mode == "HTML"  # accepted as HTML, not the plain-text fallback
    lines = alert.text.splitlines()
    assert lines[1] == "داعش: <script>alert(1)</script> a & b, x < y > z, <b>unclosed &amp;"
    body = "\n".join(lines[2:])
    assert "داعش كتبوا <i>تهديداً</i> على جدار قرب الجسر." in body
    assert "a & b و x < y > z صحيحة." in body
    assert "alert(2)" not in alert.text  # a real <script> element is markup: dropped
    assert "<script>" not in alert.html and "<i>" not in alert.html
    link = next(e for e in alert.entities if e["type"] == "text_link")
    assert link["url"] == 'https://news.example/hostile?a=1&b=<2>&c="3"'

    stats = double.stats()
    assert (stats["html_errors"], stats["rejected_400"], stats["bare_gt"]) == (0, 0, 0)
