"""A real `postbot run` whose feed URLs carry credentials: admins and logs never see them.

One feed (with `user:password@` in its configured URL) redirects to a private address with
other credentials in the Location; the bot refuses the redirect, and after three failures tells
the admin. The notice, /feedstatus and the log name the hosts but hold neither password.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import (
    ADMIN_ID,
    TOKEN,
    BotProcess,
    Say,
    bot_process,
    converse,
    wait_db,
    write_config,
)

pytestmark = pytest.mark.e2e

SECRETS = ("hunter2", "s3cr%40t", "s3cr@t", "opspass")


@pytest.fixture
def double() -> Iterator[BotApiDouble]:
    with BotApiDouble(token=TOKEN) as api:
        yield api


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.set_feed("/news.xml", [FeedItem("عنوان", "https://example.org/1", "نص")])
        server.set_raw(
            "/moved.xml",
            b"moved",
            status=302,
            headers={"Location": "http://ops:opspass@10.20.30.40/internal.xml"},
        )
        yield server


def _with_userinfo(url: str, userinfo: str) -> str:
    return url.replace("http://", f"http://{userinfo}@", 1)


def test_feed_credentials_never_reach_admins_or_the_log(
    tmp_path: Path, double: BotApiDouble, feeds: FeedServer
) -> None:
    config = write_config(
        tmp_path / "postbot.yaml",
        [
            ("good", "مصدر سليم", _with_userinfo(feeds.url("/news.xml"), "reader:hunter2")),
            ("moved", "مصدر منقول", _with_userinfo(feeds.url("/moved.xml"), "u:s3cr%40t")),
        ],
    )
    bot: BotProcess = bot_process(tmp_path, double.url, config).start()
    try:
        double.wait_for(lambda d: d.active_polls > 0, timeout=30, what="bot long-polls")
        converse(double, [Say(ADMIN_ID, "/start")])
        for errors in (1, 2, 3):
            bot.poll_now()
            wait_db(
                bot,
                "SELECT consecutive_errors FROM feed WHERE id = 'moved'",
                lambda rows, n=errors: rows == [(n,)],
                what=f"{errors} failures of the moved feed",
            )

        def failing() -> list[str]:
            return [m.text for m in double.messages(ADMIN_ID) if "is failing" in m.text]

        double.wait_for(lambda d: failing(), timeout=15, what="failing notice")
        status = converse(double, [Say(ADMIN_ID, "/feedstatus")])[ADMIN_ID][0]
    finally:
        if bot.alive():
            bot.stop()
    notice = failing()[0]
    assert "refusing redirect" in notice and "10.20.30.40" in notice
    assert "refusing redirect" in status
    logs = bot.logs()
    assert "refusing redirect" in logs
    for text in (notice, status, logs):
        assert not [s for s in SECRETS if s in text], text[-2000:]
    assert feeds.hits("/news.xml") >= 1  # the good feed was fetched with its credentials
    assert not re.search("Traceback", logs), logs[-4000:]
