"""A user who blocks the bot (SPEC §7): one 403, then nothing more is sent until they return."""

from __future__ import annotations

import pytest

from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import (
    BotProcess,
    Say,
    alerts,
    converse,
    publish,
    says,
    send_attempts,
    wait_db,
)

pytestmark = pytest.mark.e2e

STAYS, LEAVES = 7001, 7002


def story(n: int, title: str) -> FeedItem:
    return FeedItem(
        title=title,
        link=f"https://news.example/blocked/{n}",
        description=f"تفاصيل الخبر رقم {n} من قضاء حديثة غربي الأنبار.",
        guid=f"blocked-{n}",
    )


FIRST = story(1, "انقطاع الكهرباء عن أحياء في حديثة لساعات")
SECOND = story(2, "مزارعو حديثة يطالبون بحصص مائية إضافية")
THIRD = story(3, "إعادة افتتاح سوق حديثة الكبير بعد ترميمه")


def test_blocked_chat_gets_one_403_and_nothing_more_until_it_returns(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    converse(
        double,
        [Say(STAYS, "/watch حديثة", lang="ar"), Say(LEAVES, "/watch حديثة", lang="ar")],
    )
    double.block(LEAVES)
    tried_before = send_attempts(double, LEAVES)

    publish(bot, feeds, FIRST)
    double.wait_for(lambda d: alerts(d, STAYS), timeout=15, what="first alert")
    wait_db(
        bot,
        "SELECT active FROM chat WHERE id = :c",
        lambda rows: rows == [(0,)],
        what="blocked chat deactivated",
        c=LEAVES,
    )
    assert send_attempts(double, LEAVES) == tried_before + 1
    assert double.stats()["rejected_403"] == 1
    assert alerts(double, LEAVES) == []
    failed = wait_db(
        bot,
        "SELECT status, last_error FROM delivery WHERE chat_id = :c",
        lambda rows: len(rows) == 1 and rows[0][0] == "failed",
        c=LEAVES,
    )
    assert "403" in failed[0][1]

    publish(bot, feeds, SECOND)
    double.wait_for(lambda d: len(alerts(d, STAYS)) == 2, timeout=15, what="second alert")
    assert send_attempts(double, LEAVES) == tried_before + 1  # not even tried
    assert double.stats()["rejected_403"] == 1

    double.unblock(LEAVES)
    welcome = converse(double, [Say(LEAVES, "/start", lang="ar")])[LEAVES][0]
    assert says("ar", "resumed") in welcome
    publish(bot, feeds, THIRD)
    back = double.wait_for(lambda d: alerts(d, LEAVES), timeout=15, what="alert after return")
    assert [a.text.splitlines()[1] for a in back] == [THIRD.title]
    double.wait_for(lambda d: len(alerts(d, STAYS)) == 3, timeout=15, what="third alert")
    assert double.stats()["rejected_403"] == 1
