"""Telegram refusing or losing an alert (SPEC §7): 429, can't parse entities, a migrated group,
a dropped connection. Each time the alert arrives exactly once, where it should."""

from __future__ import annotations

import pytest

from postbot.alerts.html import visible_text
from support.botapi import BotApiDouble, SentRecord
from support.feedserver import FeedItem, FeedServer
from support.process import (
    BotProcess,
    Say,
    alerts,
    converse,
    publish,
    query_db,
    seed_chats,
)

pytestmark = pytest.mark.e2e

READER = 7301
ADMIN = 7302
OLD_GROUP, NEW_GROUP = -7303, -1007303

STORY = FeedItem(
    title="اعتقال خلية تابعة لداعش في تكريت",
    link="https://news.example/errors/tikrit",
    description="أعلنت الشرطة اعتقال أربعة متهمين بالانتماء إلى داعش في تكريت.",
    guid="errors-tikrit",
)


def alert_tries(double: BotApiDouble, chat_id: int) -> list[float]:
    """When each attempt to send an alert to `chat_id` reached the double."""
    return [
        c.time
        for c in double.calls
        if c.method == "sendMessage"
        and str(c.params.get("chat_id")) == str(chat_id)
        and str(c.params.get("text", "")).startswith("🔔")
    ]


def only_alert(double: BotApiDouble, chat_id: int) -> SentRecord:
    found = alerts(double, chat_id)
    assert len(found) == 1, [a.text[:60] for a in found]
    return found[0]


def test_429_waits_retry_after_and_sends_the_same_alert_once(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    converse(double, [Say(READER, "/watch تكريت", lang="ar")])
    double.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 1", retry_after=1
    )
    publish(bot, feeds, STORY)
    double.wait_for(lambda d: alerts(d, READER), timeout=15, what="alert after 429")
    tries = alert_tries(double, READER)
    alert = only_alert(double, READER)
    assert len(tries) == 2
    assert alert.time - tries[0] >= 1.0
    assert double.stats()["rejected_429"] == 0  # the injected one is not the double's own
    assert double.stats()["injected_faults"] == 1


def test_cant_parse_entities_falls_back_to_plain_text(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    converse(double, [Say(READER, "/watch تكريت", lang="ar")])
    double.fail_next(
        "sendMessage",
        error_code=400,
        description="Bad Request: can't parse entities: Unsupported start tag at byte offset 3",
    )
    publish(bot, feeds, STORY)
    double.wait_for(lambda d: alerts(d, READER), timeout=15, what="plain-text alert")
    alert = only_alert(double, READER)
    assert alert.parse_mode is None
    assert alert.entities == ()
    html_try = next(
        c for c in double.calls if str(c.params.get("text", "")).startswith("🔔")
    ).params
    assert html_try["parse_mode"] == "HTML"
    assert alert.text == visible_text(str(html_try["text"])).strip()
    assert STORY.title in alert.text


def test_migrated_group_gets_the_alert_at_its_new_id(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    double.register_chat(OLD_GROUP, "group")
    seed_chats(bot, [OLD_GROUP], watches=["تكريت"], lang="en")
    double.set_admins(NEW_GROUP, [ADMIN])
    double.migrate(OLD_GROUP, NEW_GROUP, notify=False)  # the bot learns it from the 400
    publish(bot, feeds, STORY)
    double.wait_for(lambda d: alerts(d, NEW_GROUP), timeout=20, what="alert in the new group")
    only_alert(double, NEW_GROUP)
    assert alerts(double, OLD_GROUP) == []
    assert len(alert_tries(double, OLD_GROUP)) == 1
    assert query_db(bot, "SELECT id FROM chat WHERE id IN (:o, :n)", o=OLD_GROUP, n=NEW_GROUP) == [
        (NEW_GROUP,)
    ]

    listing = converse(double, [Say(NEW_GROUP, "/watches", user_id=ADMIN, chat_type="supergroup")])[
        NEW_GROUP
    ][0]
    assert "1. تكريت" in listing.splitlines()


def test_dropped_connection_is_retried_and_delivered_once(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    converse(double, [Say(READER, "/watch تكريت", lang="ar")])
    double.drop_next("sendMessage")
    publish(bot, feeds, STORY)
    double.wait_for(lambda d: alerts(d, READER), timeout=20, what="alert after the retry")
    tries = alert_tries(double, READER)
    alert = only_alert(double, READER)
    assert len(tries) == 2
    assert alert.time - tries[0] >= 4.5  # the first network backoff is 5 s
    assert double.stats()["dropped"] == 1
    assert double.stats()["duplicates"] == 0
