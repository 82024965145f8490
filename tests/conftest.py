"""Settings shared by every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from support.botapi import BotApiDouble
from support.databases import (
    SqliteTemplate,
    migrated_engine,
    pg_admin_url,
    pg_template,
    temporary_pg_database,
)
from support.process import TOKEN
from support.turns import turn

# PTB 22 warns on every RetryAfter unless durations are timedelta (`postbot` sets the same).
os.environ.setdefault("PTB_TIMEDELTA", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse a `test_e2e_*` file whose tests lack the e2e marker, so `-m "not e2e"` stays fast."""
    unmarked = [
        item.nodeid
        for item in items
        if item.path.name.startswith("test_e2e_") and item.get_closest_marker("e2e") is None
    ]
    if unmarked:
        raise pytest.UsageError(f"end-to-end tests without the e2e marker: {unmarked[:5]}")


@pytest.fixture(scope="session")
def _turns_dir(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """A folder all xdist workers of this run share (None when there is one process)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return None
    return tmp_path_factory.getbasetemp().parent


@pytest.fixture(autouse=True)
def _alone_when_asked(request: pytest.FixtureRequest, _turns_dir: Path | None) -> Iterator[None]:
    """Under xdist, a test marked `alone` waits for the tests running on other workers to end,
    and none starts until it has: its timing assertions hold only on an otherwise idle machine."""
    if _turns_dir is None:
        yield
        return
    with turn(_turns_dir, alone=request.node.get_closest_marker("alone") is not None):
        yield


@pytest.fixture
def double() -> Iterator[BotApiDouble]:
    """The Bot API double on 127.0.0.1 with the e2e token; it must end without internal errors
    (directories whose tests need another double define their own)."""
    with BotApiDouble(token=TOKEN) as api:
        yield api
        assert api.internal_errors == []


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    """SQLite migrated once per session (per xdist worker); tests get copies."""
    return SqliteTemplate.migrate(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def pg_template_name() -> Iterator[str]:
    """A PostgreSQL database migrated once per session (per worker), copied by CREATE DATABASE."""
    with pg_template(pg_admin_url()) as name:
        yield name


@pytest.fixture(scope="session")
def pg_migrated_url(pg_template_name: str) -> Iterator[str]:
    """One migrated PostgreSQL database for the whole run (tests truncate it after use)."""
    with temporary_pg_database(pg_admin_url(), template=pg_template_name) as url:
        yield url


@pytest.fixture(autouse=True)
def _keep_root_logging() -> Iterator[None]:
    """`main()` and setup_logging install a handler on the test's captured stderr, which is
    closed after the test: put the root logger back, or a later thread's record hits it."""
    import logging

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: SqliteTemplate
) -> Iterator[sa.Engine]:
    """A migrated database: a SQLite file, and the real PostgreSQL when it is configured
    (tests/store has its own, with in-memory SQLite too)."""
    pg_url = request.getfixturevalue("pg_migrated_url") if request.param == "postgresql" else None
    with migrated_engine(request.param, tmp_path, pg_url, sqlite_template) as eng:
        yield eng
