"""Fixtures for end-to-end tests: the Bot API double, a feed server, a `postbot run` process."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.botapi import BotApiDouble
from support.databases import SqliteTemplate, pg_admin_url, temporary_pg_database
from support.feedserver import FeedItem, FeedServer
from support.process import TOKEN, BotProcess, bot_process, write_config

BACKLOG = FeedItem(
    title="«داعش» يتبنى هجوماً قديماً في الأنبار",
    link="https://news.example/old-isis",
    description="خبر قديم كان في الموجز قبل تشغيل البوت.",
    guid="old-1",
)


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.set_feed("/news.xml", [BACKLOG], title="وكالة الاختبار")
        yield server


@pytest.fixture
def pg_url(pg_template_name: str) -> Iterator[str]:
    """An empty PostgreSQL database of this test's own, migrated (a copy of the template)."""
    with temporary_pg_database(pg_admin_url(), template=pg_template_name) as url:
        yield url


@pytest.fixture
def config(tmp_path: Path, feeds: FeedServer) -> Path:
    return write_config(
        tmp_path / "postbot.yaml", [("testnews", "وكالة الاختبار", feeds.url("/news.xml"))]
    )


@pytest.fixture
def bot(
    tmp_path: Path,
    double: BotApiDouble,
    config: Path,
    feeds: FeedServer,
    sqlite_template: SqliteTemplate,
) -> Iterator[BotProcess]:
    """A started `postbot run` whose first poll is done; stopped (and its log checked) after.

    Its database is a copy of the migrated template, so its start-up upgrade has nothing to do
    (tests/bot/test_e2e_startup.py and others start processes on empty databases)."""
    sqlite_template.file_url(tmp_path / "postbot.db")  # where bot_process puts its database
    process = bot_process(tmp_path, double.url, config).start()
    try:
        double.wait_for(lambda d: d.active_polls > 0, timeout=30, what="bot long-polls")
        feeds.wait_for_hits("/news.xml", 1, timeout=15)
        wait_first_poll(process)
        yield process
    finally:
        if process.alive():
            process.stop()
        logs = process.logs()
        assert TOKEN not in logs
        assert TOKEN.split(":")[1] not in logs
        assert not re.search(r"Traceback", logs), logs[-4000:]


def wait_first_poll(process: BotProcess, timeout: float = 15.0) -> None:
    """Block until every feed row has been polled once (its backlog recorded)."""
    process.wait_first_poll(timeout)
