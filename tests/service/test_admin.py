"""Admin services: /stats figures, feed rows for /feedstatus, a config read again."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from postbot.errors import ConfigError
from postbot.service import admin, chats, watches
from postbot.service.admin import Stats
from postbot.store import repo
from support.process import write_config

NOW = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)


def test_stats_count_active_chats_and_their_watches(engine: sa.Engine) -> None:
    for chat_id in (1, 2):
        chats.ensure_chat(engine, chat_id=chat_id, kind="private", title=None, lang="ar", now=NOW)
        watches.add_watch(engine, chat_id=chat_id, owner_id=None, query="داعش", now=NOW)
    chats.stop_chat(engine, chat_id=2, now=NOW)
    with Session(engine) as session:
        repo.upsert_feeds(
            session=session,
            feeds=[
                repo.FeedSpec("a", "https://a.example/rss", "A"),
                repo.FeedSpec("b", "https://b.example/rss", "B"),
            ],
        )
        repo.record_poll_failure(
            session=session, feed_id="b", error="boom", now=NOW, next_poll_at=NOW
        )
        session.commit()
    assert admin.stats(engine, now=NOW) == Stats(
        chats=1, watches=1, sent=0, pending=0, failing=1, feeds=2
    )
    assert [f.id for f in admin.feed_statuses(engine)] == ["a", "b"]


def test_load_catalog_reads_the_file_again_or_says_what_is_wrong(tmp_path: Path) -> None:
    path = write_config(tmp_path / "c.yaml", [("a", "A", "https://a.example/rss")], admins=[5])
    catalog = admin.load_catalog(path, frozenset({6}))
    assert [f.id for f in catalog.config.feeds] == ["a"]
    assert catalog.admins == frozenset({5, 6})
    path.write_text("feeds: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        admin.load_catalog(path, frozenset())
