"""Databases for tests: the real PostgreSQL from POSTBOT_TEST_DATABASE_URL, SQLite otherwise.

Each run creates its own throwaway PostgreSQL database `postbot_test_<hex>` on that server and
drops it afterwards. Without the variable, PostgreSQL tests are skipped with that reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from doubles.databases import temporary_pg_database
from postbot.store.db import database_url, make_engine, upgrade_engine

__all__ = ["migrated_engine", "pg_admin_url", "temporary_pg_database", "truncate_all"]

PG_ENV = "POSTBOT_TEST_DATABASE_URL"


def pg_admin_url() -> str:
    """The server URL from the environment, or skip the test saying why."""
    raw = os.environ.get(PG_ENV)
    if not raw:
        pytest.skip(f"{PG_ENV} not set")
    return database_url(raw)


def truncate_all(engine: sa.Engine) -> None:
    """Empty every table of a PostgreSQL test database (ids restart)."""
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@contextmanager
def migrated_engine(backend: str, tmp_path: Path, pg_url: str | None) -> Iterator[sa.Engine]:
    """A migrated, empty database: "sqlite" (a file) or "postgresql" (`pg_url`, emptied after)."""
    if backend == "postgresql":
        assert pg_url is not None
        engine = make_engine(pg_url)
        try:
            yield engine
        finally:
            truncate_all(engine)
            engine.dispose()
        return
    engine = make_engine(f"sqlite:///{tmp_path / 'postbot.db'}")
    upgrade_engine(engine)
    try:
        yield engine
    finally:
        engine.dispose()
