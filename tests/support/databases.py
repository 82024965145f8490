"""Databases for tests: the real PostgreSQL from POSTBOT_TEST_DATABASE_URL, SQLite otherwise.

Every database a test gets starts from a template migrated once per session (once per xdist
worker): SQLite files are copies of a migrated file, in-memory SQLite databases are loaded from
its bytes, and PostgreSQL databases are made with `CREATE DATABASE … TEMPLATE`. Only
tests/store/test_db.py still runs the migrations from scratch, on each backend.

PostgreSQL databases are throwaway `postbot_test_<hex>` databases on that server, dropped
afterwards, so parallel workers never share one. Without the variable, PostgreSQL tests are
skipped with that reason.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from doubles.databases import temporary_pg_database
from postbot.store.db import database_url, make_engine, upgrade_engine

PG_ENV = "POSTBOT_TEST_DATABASE_URL"

__all__ = [
    "PG_ENV",
    "SqliteTemplate",
    "migrated_engine",
    "pg_admin_url",
    "pg_template",
    "temporary_pg_database",
    "truncate_all",
]


def pg_admin_url() -> str:
    """The server URL from the environment, or skip the test saying why."""
    raw = os.environ.get(PG_ENV)
    if not raw:
        pytest.skip(f"{PG_ENV} not set")
    return database_url(raw)


@contextmanager
def pg_template(admin_url: str) -> Iterator[str]:
    """A migrated PostgreSQL database to copy from; yields its name, dropped afterwards.

    Nobody may stay connected to it: PostgreSQL copies a template only while it is idle.
    """
    with temporary_pg_database(admin_url) as url:
        engine = make_engine(url)
        try:
            upgrade_engine(engine)
        finally:
            engine.dispose()
        name = sa.make_url(url).database
        assert name is not None
        yield name


@dataclass(frozen=True)
class SqliteTemplate:
    """A migrated SQLite file, and its bytes for in-memory databases."""

    path: Path
    image: bytes

    @classmethod
    def migrate(cls, directory: Path) -> SqliteTemplate:
        """Run the migrations once into `directory`/template.db."""
        path = directory / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        try:
            upgrade_engine(engine)
        finally:
            engine.dispose()  # the last connection checkpoints the WAL into the file
        # back to a rollback journal: a WAL database cannot be loaded into memory, and a copy
        # of the file then needs no -wal beside it (make_engine turns WAL on for each copy)
        source = sqlite3.connect(path)
        try:
            source.execute("PRAGMA journal_mode=DELETE")
            image = source.serialize()
        finally:
            source.close()
        return cls(path, image)

    def file_url(self, path: Path) -> str:
        """Copy the template to `path` and return its URL."""
        shutil.copyfile(self.path, path)
        return f"sqlite:///{path}"

    def load_into(self, engine: sa.Engine) -> None:
        """Give an in-memory engine's connection (one per thread) the migrated schema."""
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert isinstance(raw, sqlite3.Connection)
            raw.deserialize(self.image)  # the connection's own pragmas (foreign keys) stay


def truncate_all(engine: sa.Engine) -> None:
    """Empty every table of a PostgreSQL test database (ids restart)."""
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@contextmanager
def migrated_engine(
    backend: str, tmp_path: Path, pg_url: str | None, sqlite: SqliteTemplate
) -> Iterator[sa.Engine]:
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
    engine = make_engine(sqlite.file_url(tmp_path / "postbot.db"))
    try:
        yield engine
    finally:
        engine.dispose()
