"""Group rules (SPEC §5): only the group's administrators change settings; reading is for everyone.

Each check runs in its own group, so that no group waits out the 20-messages-a-minute pacing.
"""

from __future__ import annotations

import pytest

from postbot.alerts.texts import text
from support.botapi import BotApiDouble
from support.process import BotProcess, Say, converse, press, query_db, says, seed_chats

pytestmark = pytest.mark.e2e

ADMIN, MEMBER = 6001, 6002
REFUSED, ADMIN_WATCH, ANONYMOUS, LISTING, BUTTONS, HELP, FEEDS = range(-1006001, -1006008, -1)


def member(chat_id: int, line: str) -> Say:
    return Say(chat_id, line, user_id=MEMBER, chat_type="supergroup")


def watches_of(bot: BotProcess, chat_id: int) -> list[str]:
    rows = query_db(bot, "SELECT query FROM watch WHERE chat_id = :c ORDER BY id", c=chat_id)
    return [row[0] for row in rows]


def test_only_group_admins_change_settings(bot: BotProcess, double: BotApiDouble) -> None:
    for group in (REFUSED, ADMIN_WATCH, ANONYMOUS, LISTING, BUTTONS, HELP, FEEDS):
        double.set_admins(group, [ADMIN])
    seed_chats(bot, [LISTING], watches=["الرطبة"], lang="en")
    replies = converse(
        double,
        [
            member(REFUSED, "/watch الأنبار"),
            Say(ADMIN_WATCH, "/watch داعش", user_id=ADMIN, chat_type="supergroup"),
            Say(ANONYMOUS, "/watch الرطبة", anonymous=True),
            member(LISTING, "/watches"),
            member(BUTTONS, "/topics"),
            Say(BUTTONS, "/topics", user_id=ADMIN, chat_type="supergroup"),
            member(HELP, "/help"),
            member(FEEDS, "/feeds"),
        ],
    )
    assert replies[REFUSED] == [says("en", "group_admins_only")]
    assert watches_of(bot, REFUSED) == []
    assert replies[ADMIN_WATCH] == [says("en", "watch_added", number=1, query="داعش")]
    assert watches_of(bot, ADMIN_WATCH) == ["داعش"]
    assert replies[ANONYMOUS] == [says("en", "watch_added", number=1, query="الرطبة")]
    assert watches_of(bot, ANONYMOUS) == ["الرطبة"]

    # reading is open to every member
    assert replies[LISTING][0].splitlines()[:2] == [says("en", "watches_header"), "1. الرطبة"]
    # without the bot-admin part
    assert replies[HELP] == [
        says("en", "help") + says("en", "help_chatsettings") + says("en", "help_watchstate")
    ]
    assert replies[FEEDS][0].splitlines() == [
        says("en", "feeds_header", count=1),
        "• وكالة الاختبار",
    ]
    # members read lists without the buttons they may not press (issue 16)
    listing = double.messages(LISTING)[-1]
    assert listing.reply_markup is None
    assert replies[LISTING][0].splitlines()[-1] == says("en", "watches_readonly_hint")
    assert "❌" not in replies[LISTING][0]
    assert replies[BUTTONS][0].splitlines()[0] == says("en", "topics_readonly")
    assert double.messages(BUTTONS)[-2].reply_markup is None
    assert replies[BUTTONS][1] == says("en", "topics_header")  # an admin gets the buttons

    # a member pressing a topic button is told no, in an alert, and nothing changes
    keyboard = double.messages(BUTTONS)[-1]
    answer = press(double, BUTTONS, keyboard.message_id, "topic:isis", user_id=MEMBER)
    assert answer.show_alert
    assert answer.text == text("en", "group_admins_only")
    assert query_db(bot, "SELECT count(*) FROM topic_subscription") == [(0,)]
    assert [e for e in double.edits if e.chat_id == BUTTONS] == []
