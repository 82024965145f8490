"""Store fixtures: every store test runs on SQLite (file and in-memory) and PostgreSQL.

PostgreSQL comes from POSTBOT_TEST_DATABASE_URL; each run creates its own throwaway database
`postbot_test_<hex>` on that server and drops it afterwards. Without the variable those params
are skipped with an explicit reason. Migrated databases are copies of a per-session template
(tests/support/databases.py); `fresh_database` gives empty ones for the migration tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from postbot.store import models
from postbot.store.db import make_engine
from support.databases import SqliteTemplate, pg_admin_url, temporary_pg_database, truncate_all

NOW = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)

BACKENDS = ["sqlite-file", "sqlite-memory", "postgresql"]


@pytest.fixture
def fresh_database(
    tmp_path: Path,
) -> Callable[[str], AbstractContextManager[sa.Engine]]:
    """A factory of empty, unmigrated databases for a backend name."""

    @contextmanager
    def make(backend: str) -> Iterator[sa.Engine]:
        if backend == "postgresql":
            with temporary_pg_database(pg_admin_url()) as url:
                engine = make_engine(url)
                try:
                    yield engine
                finally:
                    engine.dispose()
            return
        url = "sqlite://" if backend == "sqlite-memory" else f"sqlite:///{tmp_path / 'fresh.db'}"
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()

    return make


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend name of this test run."""
    name: str = request.param
    if name == "postgresql":
        pg_admin_url()
    return name


@pytest.fixture
def engine(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, sqlite_template: SqliteTemplate
) -> Iterator[sa.Engine]:
    """A migrated, empty database on each backend (a copy of the session's template)."""
    if backend == "postgresql":
        url: str = request.getfixturevalue("pg_migrated_url")
        engine = make_engine(url)
        try:
            yield engine
        finally:
            truncate_all(engine)
            engine.dispose()
        return
    if backend == "sqlite-memory":
        engine = make_engine("sqlite://")
        sqlite_template.load_into(engine)
    else:
        engine = make_engine(sqlite_template.file_url(tmp_path / "postbot.db"))
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def session(engine: sa.Engine) -> Iterator[Session]:
    """A session on the migrated database; tests commit when they mean to."""
    with Session(engine) as s:
        yield s


@pytest.fixture
def make_feed(session: Session) -> Callable[..., str]:
    """Factory: insert a feed row (committed) and return its id."""

    def make(feed_id: str = "aljazeera", **fields: Any) -> str:
        values: dict[str, Any] = {
            "url": f"https://example.com/{feed_id}.xml",
            "name": feed_id,
            "next_poll_at": NOW,
        }
        values.update(fields)
        session.add(models.Feed(id=feed_id, **values))
        session.commit()
        return feed_id

    return make


@pytest.fixture
def make_chat(session: Session) -> Callable[..., int]:
    """Factory: insert a chat row (committed) and return its id."""

    def make(chat_id: int = 1001, **fields: Any) -> int:
        values: dict[str, Any] = {"kind": "private", "lang": "ar", "created_at": NOW}
        values["updated_at"] = NOW
        values.update(fields)
        session.add(models.Chat(id=chat_id, **values))
        session.commit()
        return chat_id

    return make


@pytest.fixture
def make_story(session: Session, make_feed: Callable[..., str]) -> Callable[..., int]:
    """Factory: insert a story (and its feed if missing), committed; returns the story id."""

    def make(key: str = "k1", feed_id: str = "aljazeera", **fields: Any) -> int:
        if session.get(models.Feed, feed_id) is None:
            make_feed(feed_id)
        values: dict[str, Any] = {
            "title": "قاعدة عين الأسد",
            "link": f"https://example.com/{feed_id}/{key}",
            "summary": "",
            "first_seen_at": NOW,
        }
        values.update(fields)
        row = models.StoryRow(feed_id=feed_id, key=key, **values)
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id

    return make
