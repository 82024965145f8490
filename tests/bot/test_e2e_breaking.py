"""Breaking news end to end: a real `postbot run`, four outlet feeds, the Bot API double.

The same ISIS attack from four outlets within minutes gives each follower one alert, edited to
link the three other outlets' own articles and to say it is breaking with the real figures; a
chat that sent `/breaking on` and follows nothing gets it once, edited the same way; a different
attack the same day is alerted on its own (tests/fixtures/breaking/attack.yaml).
"""

from __future__ import annotations

import html
import math
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from postbot.alerts.html import RLM
from support.botapi import BotApiDouble, BotMessage
from support.feedserver import FeedItem, FeedServer
from support.process import BotProcess, Say, alerts, converse, publish, query_db, says, write_config

pytestmark = pytest.mark.e2e

ATTACK = YAML(typ="safe").load(
    (Path(__file__).parents[1] / "fixtures" / "breaking" / "attack.yaml").read_text(
        encoding="utf-8"
    )
)
OUTLETS = {
    "aljazeera": "الجزيرة نت",
    "skynewsarabia": "سكاي نيوز عربية",
    "shafaq": "شفق نيوز",
    "alsumaria": "السومرية",
}
ARABIC_READER, ENGLISH_READER, BREAKING_ONLY = 5201, 5202, 5203
GROUP, ADMIN, MEMBER = -100777, 6001, 6002
FLAG_EN = re.compile(r"🔴 Breaking: (\d+) outlets in (\d+) min")
FLAG_AR = re.compile(r"🔴 عاجل: (\d+) مصادر خلال (\d+) دقيقة")


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


def links_of(message: BotMessage) -> list[str]:
    """The URLs the message links to, in order."""
    return [str(e["url"]) for e in message.entities if e.get("type") == "text_link"]


def real_figures(bot: BotProcess, outlets: int) -> tuple[int, int]:
    """(outlets, minutes) from the stored first-seen times of the attack's first `outlets`
    copies: what the breaking line must say."""
    links = [e["link"] for e in ATTACK["event"][:outlets]]
    rows = query_db(bot, "SELECT link, first_seen_at FROM story WHERE link IS NOT NULL")
    seen = sorted(_instant(at) for link, at in rows if link in links)
    assert len(seen) == outlets
    return outlets, max(1, math.ceil((seen[-1] - seen[0]) / 60))


def _instant(value: object) -> float:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def test_four_outlets_one_alert_each_marked_breaking_and_a_breaking_chat_gets_it_once(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    replies = converse(
        double,
        [
            Say(ARABIC_READER, "/start topic_isis", lang="ar"),
            Say(ENGLISH_READER, "/start topic_isis", lang="en"),
            Say(BREAKING_ONLY, "/breaking on", lang="en"),
        ],
    )
    assert replies[BREAKING_ONLY] == [says("en", "breaking_on", outlets=3, minutes=30)]
    # the replies went out through the bot's rate limiter, which the dispatcher's per-chat
    # spacing does not see: an alert within a second of them would meet Telegram's 429
    time.sleep(1.1)
    first, second, third, fourth = ATTACK["event"]
    publish(bot, feeds, item(first, "aj-1"), "/aljazeera.xml")
    double.wait_for(
        lambda d: len(alerts(d, ARABIC_READER)) == 1 and len(alerts(d, ENGLISH_READER)) == 1,
        timeout=20,
        what="the first outlet's alert to both readers",
    )
    assert "🔴" not in alerts(double, ENGLISH_READER)[0].text  # one outlet is not breaking
    feeds.add_item("/skynewsarabia.xml", item(second, "sky-1"))
    feeds.add_item("/shafaq.xml", item(third, "sh-1"))
    publish(bot, feeds, item(fourth, "as-1"), "/alsumaria.xml")

    others = [e["link"] for e in (second, third, fourth)]

    def settled(d: BotApiDouble, chat: int, flag: re.Pattern[str]) -> bool:
        current = d.messages(chat)[-1]
        found = flag.search(current.text)
        return (
            current.text.startswith("🔔")
            and found is not None
            and found.group(1) == "4"
            and set(others) <= set(links_of(current))
        )

    double.wait_for(
        lambda d: (
            settled(d, ARABIC_READER, FLAG_AR)
            and settled(d, ENGLISH_READER, FLAG_EN)
            and settled(d, BREAKING_ONLY, FLAG_EN)
        ),
        timeout=60,
        what="every alert edited: breaking, four outlets, three linked",
    )
    outlets, minutes = real_figures(bot, 4)
    for chat, flag, label in (
        (ARABIC_READER, FLAG_AR, "ورد أيضاً في"),
        (ENGLISH_READER, FLAG_EN, "also in"),
        (BREAKING_ONLY, FLAG_EN, "also in"),
    ):
        (alert,) = alerts(double, chat)  # one message per chat, edited
        current = double.messages(chat)[-1]
        assert current.message_id == alert.message_id
        shown = flag.search(current.text)
        assert shown is not None and (int(shown.group(1)), int(shown.group(2))) == (
            outlets,
            minutes,
        )
        lines = [line.lstrip(RLM) for line in current.text.splitlines()]
        also = next(line for line in lines if line.startswith(label))
        for outlet in ("skynewsarabia", "shafaq", "alsumaria"):
            assert OUTLETS[outlet] in also
        assert OUTLETS["aljazeera"] not in also  # the alert's own source is not "also in"
        # the three other outlets' own articles (in the order they came), then the story's
        # own "read" link
        shown_links = links_of(current)
        assert len(shown_links) == 4 and shown_links[-1] == first["link"]
        assert sorted(shown_links[:3]) == sorted(others)
    assert "st:isis" in str(double.messages(ENGLISH_READER)[-1].reply_markup)
    breaking_alert = alerts(double, BREAKING_ONLY)[0]
    assert "Breaking news" in breaking_alert.text.splitlines()[0]  # why it came

    publish(bot, feeds, item(ATTACK["other"], "aj-2"), "/aljazeera.xml")
    double.wait_for(
        lambda d: len(alerts(d, ARABIC_READER)) == 2 and len(alerts(d, ENGLISH_READER)) == 2,
        timeout=20,
        what="the other attack's own alert",
    )
    other = alerts(double, ENGLISH_READER)[-1]
    assert "طوزخورماتو" in other.text
    assert "also in" not in other.text and "🔴" not in other.text
    assert len(alerts(double, BREAKING_ONLY)) == 1  # one outlet: not breaking, not for it
    assert double.stats()["rejected_429"] == 0


def test_breaking_command_shows_sets_refuses_and_groups_need_an_admin(
    bot: BotProcess, double: BotApiDouble
) -> None:
    double.set_admins(GROUP, [ADMIN])

    def member(line: str) -> Say:
        return Say(GROUP, line, user_id=MEMBER, chat_type="supergroup")

    replies = converse(
        double,
        [
            Say(ARABIC_READER, "/breaking", lang="ar"),
            Say(ARABIC_READER, "/breaking تشغيل", lang="ar"),
            Say(ARABIC_READER, "/breaking", lang="ar"),
            Say(ARABIC_READER, "/breaking <b>maybe</b>", lang="ar"),
            Say(ARABIC_READER, "/breaking OFF", lang="ar"),
            member("/breaking on"),
            member("/breaking"),
            Say(GROUP, "/breaking on", user_id=ADMIN, chat_type="supergroup"),
        ],
    )
    on_ar, off_ar = (says("ar", k, outlets=3, minutes=30) for k in ("breaking_on", "breaking_off"))
    assert replies[ARABIC_READER] == [
        off_ar,
        on_ar,
        on_ar,
        says("ar", "breaking_bad", value=html.escape("<b>maybe</b>")),  # shown, not obeyed
        off_ar,
    ]
    assert replies[GROUP] == [
        says("en", "group_admins_only"),
        says("en", "breaking_off", outlets=3, minutes=30),
        says("en", "breaking_on", outlets=3, minutes=30),
    ]
    stored = dict(query_db(bot, "SELECT id, breaking FROM chat"))
    assert not stored[ARABIC_READER] and stored[GROUP]
