"""Queries as people type them, end to end (issue 16): an Arabic analyst and an English
journalist add watches with OR / «أو», see how each query was read (with the hint to quote a
phrase), get parse errors in their own language, ask /lang, set quiet hours that start when
they end; an admin's /reload says what changed. The alerts that follow read in each reader's
direction."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bidi import get_display

from postbot.alerts.direction import strip_marks
from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import (
    ADMIN_ID,
    BotProcess,
    Say,
    alerts,
    converse,
    publish,
    says,
    write_config,
)

pytestmark = pytest.mark.e2e

ANALYST, JOURNALIST = 5601, 5602

ANBAR = FeedItem(
    title="انتشار أمني واسع في الأنبار بعد هجمات ليلية",
    link="https://news.example/q/anbar",
    description="عززت القوات العراقية انتشارها في مدن الأنبار الغربية.",
    guid="q-anbar",
)
HARIR = FeedItem(
    title="هجوم بطائرة مسيرة على قاعدة حرير شمال أربيل",
    link="https://news.example/q/harir",
    description="أفادت مصادر أمنية بأن طائرة مسيرة استهدفت قاعدة حرير دون إصابات.",
    guid="q-harir",
)


def plain(replies: list[str]) -> list[str]:
    return [strip_marks(r) for r in replies]


def english_words(text: str) -> list[str]:
    """Latin words of an Arabic reply outside commands, quotes and the operators."""
    text = re.sub(r"/[A-Za-z_]+|«[^»]*»|\"[^\"]*\"", " ", text)
    return [w for w in re.findall(r"[A-Za-z]+", text) if w not in {"AND", "OR", "NOT"}]


def test_analyst_and_journalist_type_queries(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer, config: Path
) -> None:
    replies = converse(
        double,
        [
            Say(ANALYST, "/watch داعش أو الأنبار", lang="ar"),
            Say(ANALYST, "/watch عين الأسد", lang="ar"),
            Say(ANALYST, "/watch داعش (سوريا", lang="ar"),
            Say(ANALYST, "/lang fr", lang="ar"),
            Say(ANALYST, "/quiet 22:00-22:00", lang="ar"),
            Say(JOURNALIST, "/watch Harir or حرير"),
            Say(JOURNALIST, '/watch ISIS "Anbar'),
            Say(JOURNALIST, "/lang"),
            Say(JOURNALIST, "/help"),
        ],
    )
    either, spaced, broken, lang, quiet = plain(replies[ANALYST])
    assert says("ar", "watch_read_as", expr="داعش OR الأنبار") in either
    assert "ℹ️" not in either  # an OR of two words needs no hint
    assert says("ar", "watch_read_as", expr="عين AND الأسد") in spaced
    assert says("ar", "watch_and_hint", suggestion='"عين الأسد"') in spaced
    assert broken.startswith("⚠️ لم أفهم الاستعلام: " + says("ar", "query_unclosed_paren"))
    assert english_words(broken) == [], broken
    assert lang.splitlines()[0] == says("ar", "lang_unsupported", value="fr")
    assert says("ar", "lang_current", name="العربية") in lang
    assert quiet == says("ar", "quiet_same", value="22:00-22:00")

    harir, unclosed, current, help_text = plain(replies[JOURNALIST])
    assert says("en", "watch_read_as", expr="Harir OR حرير") in harir
    assert unclosed.startswith("⚠️ I could not read that query: unclosed quotation mark")
    assert current.splitlines()[0] == says("en", "lang_current", name="English")
    assert "Harir OR حرير" in help_text and "words as written" in help_text

    # the raw reply keeps the command whole for an Arabic reader: no "watch/" on screen
    raw_hint = double.messages(ANALYST)[1].text
    assert all("watch/" not in get_display(line) for line in raw_hint.splitlines())

    publish(bot, feeds, ANBAR)  # «الأنبار» alone: the OR watch alerts the analyst
    double.wait_for(lambda d: alerts(d, ANALYST), timeout=20, what="analyst's alert")
    publish(bot, feeds, HARIR)  # Arabic spelling of the journalist's OR watch
    double.wait_for(lambda d: alerts(d, JOURNALIST), timeout=20, what="journalist's alert")
    (alert,) = alerts(double, JOURNALIST)
    source = next(line for line in alert.text.splitlines() if "Source" in line)
    assert not source.startswith("\u200f")
    assert strip_marks(get_display(source)).startswith("Source: ")  # label at the left edge
    first = alerts(double, ANALYST)[0].text.splitlines()[0]
    assert "داعش أو الأنبار" in strip_marks(first)  # the watch, as typed, names the reason


def test_admin_reload_says_what_changed(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer, config: Path
) -> None:
    feeds.set_feed("/second.xml", [], title="Second")
    write_config(
        config,
        [
            ("testnews", "وكالة الاختبار", feeds.url("/news.xml")),
            ("second", "Second", feeds.url("/second.xml")),
        ],
    )
    (reply,) = plain(converse(double, [Say(ADMIN_ID, "/reload")])[ADMIN_ID])
    assert reply.splitlines()[1:] == [says("en", "reload_feeds_added", names="Second (second)")]
    (again,) = plain(converse(double, [Say(ADMIN_ID, "/reload", lang="ar")])[ADMIN_ID])
    assert again.splitlines()[1] in (says("ar", "reload_none"), says("en", "reload_none"))
