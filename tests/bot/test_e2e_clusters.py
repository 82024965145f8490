"""One story across outlets, end to end: a real `postbot run`, four outlet feeds, the double.

The same ISIS attack published by three outlets within minutes gives each subscriber one alert,
edited to name the other two outlets; another attack in the same province that day is alerted
on its own (tests/fixtures/cluster/triple.yaml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import BotProcess, Say, alerts, converse, publish, write_config

pytestmark = pytest.mark.e2e

TRIPLE = YAML(typ="safe").load(
    (Path(__file__).parents[1] / "fixtures" / "cluster" / "triple.yaml").read_text(encoding="utf-8")
)
OUTLETS = {
    "aljazeera": "الجزيرة نت",
    "skynewsarabia": "سكاي نيوز عربية",
    "shafaq": "شفق نيوز",
    "alsumaria": "السومرية",
}
ARABIC_READER, ENGLISH_READER = 5101, 5102


def item(entry: dict[str, Any], guid: str) -> FeedItem:
    return FeedItem(entry["title"], entry["link"], entry["summary"], guid=guid)


@pytest.fixture
def config(tmp_path: Path, feeds: FeedServer) -> Path:
    """The usual test feed plus four outlets, each with an old item of its own."""
    for n, outlet in enumerate(OUTLETS):
        old = FeedItem(f"خبر قديم رقم {n}", f"https://{outlet}.example/old", "قديم.", guid="old")
        feeds.set_feed(f"/{outlet}.xml", [old], title=OUTLETS[outlet])
    listed = [("testnews", "وكالة الاختبار", feeds.url("/news.xml"))]
    listed += [(o, name, feeds.url(f"/{o}.xml")) for o, name in OUTLETS.items()]
    return write_config(tmp_path / "postbot.yaml", listed)


def _subscribe(double: BotApiDouble) -> None:
    converse(
        double,
        [
            Say(ARABIC_READER, "/start topic_isis", lang="ar"),
            Say(ENGLISH_READER, "/start topic_isis", lang="en"),
        ],
    )


def test_three_outlets_one_alert_edited_and_another_attack_alerted_apart(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    _subscribe(double)
    first, second, third = TRIPLE["event"]
    publish(bot, feeds, item(first, "aj-1"), "/aljazeera.xml")
    double.wait_for(
        lambda d: len(alerts(d, ARABIC_READER)) == 1 and len(alerts(d, ENGLISH_READER)) == 1,
        timeout=20,
        what="the first outlet's alert to both readers",
    )
    feeds.add_item("/skynewsarabia.xml", item(second, "sky-1"))
    publish(bot, feeds, item(third, "sh-1"), "/shafaq.xml")

    def also_in_both(d: BotApiDouble, chat: int) -> bool:
        text = d.messages(chat)[-1].text
        return OUTLETS["skynewsarabia"] in text and OUTLETS["shafaq"] in text

    double.wait_for(
        lambda d: also_in_both(d, ARABIC_READER) and also_in_both(d, ENGLISH_READER),
        timeout=30,
        what="both alerts edited to name the other two outlets",
    )
    for chat, label in ((ARABIC_READER, "ورد أيضاً في"), (ENGLISH_READER, "also in")):
        (alert,) = alerts(double, chat)  # still one message per reader
        current = double.messages(chat)[-1]
        assert current.message_id == alert.message_id
        assert label in current.text and OUTLETS["aljazeera"] in current.text
        assert current.reply_markup == alert.reply_markup  # the edit keeps the buttons
        assert "st:isis" in str(current.reply_markup)
        edits = [e for e in double.edits if e.chat_id == chat]
        assert 1 <= len(edits) <= 2  # one per later outlet, or one if both came in one poll

    publish(bot, feeds, item(TRIPLE["other"], "as-1"), "/alsumaria.xml")
    double.wait_for(
        lambda d: len(alerts(d, ARABIC_READER)) == 2 and len(alerts(d, ENGLISH_READER)) == 2,
        timeout=20,
        what="the other attack's own alert",
    )
    other = alerts(double, ARABIC_READER)[-1]
    assert "هيت" in other.text and OUTLETS["alsumaria"] in other.text
    assert "ورد أيضاً في" not in other.text
    assert double.stats()["rejected_429"] == 0


def test_the_same_link_from_a_second_feed_is_not_a_second_alert(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    _subscribe(double)
    first = TRIPLE["event"][0]
    publish(bot, feeds, item(first, "aj-2"), "/aljazeera.xml")
    double.wait_for(lambda d: len(alerts(d, ARABIC_READER)) == 1, timeout=20, what="alert")
    # an aggregator carries the same link, with tracking and a mobile host, and its own words
    tracked = dict(
        first,
        title="عاجل: قتلى من الحشد في هجوم غربي العراق",
        link=first["link"].replace("https://www.", "https://m.") + "?utm_source=telegram",
    )
    publish(bot, feeds, item(tracked, "sh-2"), "/shafaq.xml")
    double.wait_for(
        lambda d: OUTLETS["shafaq"] in d.messages(ARABIC_READER)[-1].text,
        timeout=30,
        what="the alert edited to add the aggregator",
    )
    assert len(alerts(double, ARABIC_READER)) == 1
