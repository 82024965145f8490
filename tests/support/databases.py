"""Databases for tests: the real PostgreSQL from POSTBOT_TEST_DATABASE_URL, SQLite otherwise.

Each run creates its own throwaway PostgreSQL database `postbot_test_<hex>` on that server and
drops it afterwards. Without the variable, PostgreSQL tests are skipped with that reason.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from postbot.store.db import database_url, make_engine, upgrade_engine

PG_ENV = "POSTBOT_TEST_DATABASE_URL"


def pg_admin_url() -> str:
    """The server URL from the environment, or skip the test saying why."""
    raw = os.environ.get(PG_ENV)
    if not raw:
        pytest.skip(f"{PG_ENV} not set")
    return database_url(raw)


@contextmanager
def temporary_pg_database(admin_url: str) -> Iterator[str]:
    """Create `postbot_test_<hex>` on the server, yield its URL, then drop it."""
    name = f"postbot_test_{secrets.token_hex(6)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = sa.make_url(admin_url).set(database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


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
