"""Engine, migrations and dialect-aware helpers: the store's seam to SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

from postbot.config.urls import database_url as database_url  # re-exported: part of the seam

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# SQLite's memory, bounded so that a long run levels off (measured in bench/soak.py: SQLite's own
# heap grew all along as the file grew). Each pooled connection keeps a page cache (2 MiB by
# default) and sqlite3's prepared statements (128 by default; every length of an IN list is a
# statement of its own). Smaller per connection, and a soft limit on the whole process beyond
# which SQLite reuses cache pages instead of allocating more.
SQLITE_CACHE_KIB = 1024
SQLITE_STATEMENTS = 16
SQLITE_SOFT_HEAP_LIMIT = 8 * 1024 * 1024


def is_sqlite_memory(url: sa.URL) -> bool:
    """True for an in-memory SQLite URL (no file, so no WAL and one connection per thread)."""
    if url.get_backend_name() != "sqlite":
        return False
    database = url.database or ""
    return database in ("", ":memory:") or url.query.get("mode") == "memory"


def make_engine(url: str, *, echo: bool = False) -> sa.Engine:
    """Build an engine: SQLite with WAL and foreign keys, PostgreSQL with pre-ping."""
    parsed = sa.make_url(database_url(url))
    if parsed.get_backend_name() == "sqlite":
        # a writer waits up to 30 s for another's commit (sqlite3's default is 5) before
        # "database is locked": a poll storing a feed's first 50 stories can take a while
        engine = sa.create_engine(
            parsed,
            echo=echo,
            connect_args={
                "check_same_thread": False,
                "timeout": 30,
                "cached_statements": SQLITE_STATEMENTS,
            },
        )
        _install_sqlite_pragmas(engine, wal=not is_sqlite_memory(parsed))
        return engine
    return sa.create_engine(parsed, echo=echo, pool_pre_ping=True)


def _install_sqlite_pragmas(engine: sa.Engine, *, wal: bool) -> None:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            # SQLite leaves foreign keys off unless asked, on every new connection.
            cursor.execute("PRAGMA foreign_keys=ON")
            if wal:  # a file (an in-memory database *is* its page cache: no limit there)
                cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
                cursor.execute(f"PRAGMA soft_heap_limit={SQLITE_SOFT_HEAP_LIMIT}")  # process-wide
            if wal:
                # WAL lets readers (the bot) proceed while the poller writes.
                cursor.execute("PRAGMA journal_mode=WAL")
                # in WAL mode NORMAL still survives a killed process (only a power cut can lose
                # the last commits) and spares an fsync per commit: one per alert sent
                cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    sa.event.listen(engine, "connect", on_connect)


def _alembic_config() -> Config:
    cfg = Config()
    # configparser interpolation would choke on a '%' in the path.
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    return cfg


def upgrade_engine(engine: sa.Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` through `engine` (works for in-memory SQLite too)."""
    cfg = _alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def downgrade_engine(engine: sa.Engine, revision: str) -> None:
    """Revert migrations down to `revision` ("base" removes every table)."""
    cfg = _alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision` on the database at `url`."""
    engine = make_engine(url)
    try:
        upgrade_engine(engine, revision)
    finally:
        engine.dispose()


def current_revision(engine: sa.Engine) -> str | None:
    """The schema revision the database is at, or None before the first migration."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with this package."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table behind a SQLModel table class."""
    table = sa.inspect(model).local_table
    assert isinstance(table, sa.Table)
    return table


def insert_ignore(
    session: Session,
    model: type[SQLModel],
    values: Mapping[str, Any],
    conflict_columns: Sequence[str],
) -> bool:
    """INSERT one row unless it collides on `conflict_columns`; True when a row was inserted."""
    dialect = session.get_bind().dialect.name
    table = table_of(model)
    if dialect == "postgresql":
        pg_stmt = postgresql.insert(table).values(**values)
        stmt: sa.Insert = pg_stmt.on_conflict_do_nothing(index_elements=list(conflict_columns))
    elif dialect == "sqlite":
        lite_stmt = sqlite.insert(table).values(**values)
        stmt = lite_stmt.on_conflict_do_nothing(index_elements=list(conflict_columns))
    else:  # pragma: no cover - only the two supported backends reach here
        raise NotImplementedError(f"unsupported database dialect {dialect!r}")
    # RETURNING tells inserted from ignored on both backends; Core INSERT rowcount is not kept.
    result = session.exec(stmt.returning(sa.literal(1)))
    return result.first() is not None
