"""Alembic environment for postbot.

The connection (or URL) comes from `Config.attributes`, set by `postbot.store.db`, never from an
ini file or the environment, so migrations run the same from a checkout or an installed wheel.
SQLite gets batch mode because it cannot ALTER most things in place.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

from postbot.config.urls import database_url
from postbot.store import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from postbot.store.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def _run_with(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = config.attributes.get("url")
    if not url:
        raise RuntimeError(
            "postbot migrations need a 'connection' or 'url' in Config.attributes; "
            "run them with postbot.store.db.upgrade()"
        )
    return database_url(str(url))


def run_migrations_offline() -> None:
    """Emit SQL for the configured URL instead of running it."""
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against the given connection, or open one on the given URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_with(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.begin() as conn:
            _run_with(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
