"""Admin commands and feed-health notices (SPEC §3, §5, §7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from postbot.alerts.direction import strip_marks
from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import (
    ADMIN_ID,
    BotProcess,
    Say,
    converse,
    interleave,
    says,
    wait_db,
    write_config,
)

pytestmark = pytest.mark.e2e

STRANGER = 9501


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of `path` containing `needle`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_admin_commands_and_reload(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer, config: Path
) -> None:
    replies = converse(
        double,
        interleave(
            [
                Say(ADMIN_ID, "/start"),
                Say(ADMIN_ID, "/stats"),
                Say(ADMIN_ID, "/feedstatus"),
                Say(ADMIN_ID, "/help"),
            ],
            [
                Say(STRANGER, "/stats"),
                Say(STRANGER, "/feedstatus"),
                Say(STRANGER, "/reload"),
                Say(STRANGER, "/help"),
            ],
        ),
    )
    stats = replies[ADMIN_ID][1]
    assert stats.startswith("📊 Active subscribers: 2")
    assert "Alerts sent in 24 h: 0" in stats and "Feeds failing: 0 of 1" in stats
    status = replies[ADMIN_ID][2].splitlines()
    assert status[0] == "✅ وكالة الاختبار (testnews)"
    assert "errors in a row: 0" in status[1] and "last success: 20" in status[1]
    assert replies[ADMIN_ID][3].endswith(says("en", "help_admin").strip())
    assert replies[STRANGER][:3] == [says("en", "admins_only")] * 3
    assert replies[STRANGER][3] == says("en", "help") + says("en", "help_chatsettings") + says(
        "en", "help_watchstate"
    )

    # an invalid file: the running config stays, the reply says where the problems are
    good = config.read_text(encoding="utf-8")
    config.write_text(
        good.replace("interval: 10s", "interval: 5s") + "bogus: 1\n", encoding="utf-8"
    )
    refused = converse(double, [Say(ADMIN_ID, "/reload")])[ADMIN_ID][0]
    assert refused.startswith("⚠️ The new config is invalid; the running one is kept:")
    assert f"{config}:{line_of(config, 'interval: 5s')}: " in refused
    assert f"{config}:{line_of(config, 'bogus')}: unknown key 'bogus'" in refused
    assert bot.alive()
    hits = feeds.hits("/news.xml")
    bot.poll_now()
    feeds.wait_for_hits("/news.xml", hits + 1)

    # a second feed: reloaded, and polled without being asked
    feeds.set_feed(
        "/second.xml",
        [FeedItem("خبر من المصدر الثاني", "https://second.example/1", "نص", guid="s-1")],
    )
    write_config(
        config,
        [
            ("testnews", "وكالة الاختبار", feeds.url("/news.xml")),
            ("second", "المصدر الثاني", feeds.url("/second.xml")),
        ],
    )
    reloaded = converse(double, [Say(ADMIN_ID, "/reload")])[ADMIN_ID][0]
    assert reloaded.splitlines() == [
        says("en", "reloaded", feeds=2, topics=3),
        says("en", "reload_feeds_added", names="المصدر الثاني (second)"),
    ]
    feeds.wait_for_hits("/second.xml", 1, timeout=15)
    wait_db(
        bot,
        "SELECT first_polled FROM feed WHERE id = 'second'",
        lambda rows: rows == [(1,)],
        what="second feed polled",
    )
    feeds_list = converse(double, [Say(STRANGER, "/feeds")])[STRANGER][0]
    assert feeds_list.splitlines()[1:] == ["• وكالة الاختبار", "• المصدر الثاني"]


def test_admins_hear_once_when_a_feed_fails_and_once_when_it_recovers(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    converse(double, [Say(ADMIN_ID, "/start")])

    def notices(kind: str) -> list[str]:
        return [strip_marks(m.text) for m in double.messages(ADMIN_ID) if kind in m.text]

    def poll_and_wait(errors: int) -> None:
        bot.poll_now()
        wait_db(
            bot,
            "SELECT consecutive_errors FROM feed WHERE id = 'testnews'",
            lambda rows: rows == [(errors,)],
            what=f"{errors} errors in a row",
        )

    feeds.set_status("/news.xml", 500)
    for errors in (1, 2):
        poll_and_wait(errors)
    assert notices("is failing") == []
    poll_and_wait(3)
    double.wait_for(lambda d: notices("is failing"), what="failing notice")
    poll_and_wait(4)
    failing = notices("is failing")[0]
    assert failing.startswith("⚠️ Feed “وكالة الاختبار” (testnews) is failing:")
    assert "500" in failing

    feeds.set_status("/news.xml", None)
    poll_and_wait(0)
    double.wait_for(lambda d: notices("has recovered"), what="recovered notice")
    hits = feeds.hits("/news.xml")
    bot.poll_now()
    feeds.wait_for_hits("/news.xml", hits + 1)
    wait_db(
        bot,
        "SELECT lease_owner FROM feed WHERE id = 'testnews'",
        lambda rows: rows == [(None,)],
        what="poll finished",
    )
    # a reply queued behind any notice the last polls might still have been sending
    converse(double, [Say(ADMIN_ID, "/help")])
    assert notices("has recovered") == [
        says("en", "feed_recovered", feed="وكالة الاختبار", feed_id="testnews")
    ]
    assert len(notices("is failing")) == 1
