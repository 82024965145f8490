"""Engine building, URL mapping and migrations on every backend."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from postbot.store.db import (
    MIGRATIONS_DIR,
    current_revision,
    database_url,
    downgrade_engine,
    head_revision,
    make_engine,
    upgrade,
    upgrade_engine,
)

TABLES = {"feed", "story", "chat", "watch", "topic_subscription", "delivery", "flood_budget"}

FreshDatabase = Callable[[str], AbstractContextManager[sa.Engine]]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgres://u:p@db:5432/bot", "postgresql+psycopg://u:p@db:5432/bot"),
        ("postgresql://u@127.0.0.1/bot", "postgresql+psycopg://u@127.0.0.1/bot"),
        ("postgresql+psycopg://u@h/bot", "postgresql+psycopg://u@h/bot"),
        ("postgresql+psycopg2://u@h/bot", "postgresql+psycopg2://u@h/bot"),
        ("postgresql+asyncpg://u@h/bot", "postgresql+asyncpg://u@h/bot"),
        ("sqlite:///postbot.db", "sqlite:///postbot.db"),
        ("sqlite://", "sqlite://"),
        ("  postgres://u@h/bot\n", "postgresql+psycopg://u@h/bot"),
    ],
    ids=[
        "postgres",
        "postgresql",
        "explicit-psycopg",
        "psycopg2",
        "asyncpg",
        "sqlite-file",
        "sqlite-memory",
        "whitespace",
    ],
)
def test_database_url_maps_driverless_postgres_to_psycopg(raw: str, expected: str) -> None:
    assert database_url(raw) == expected


def _pragma(engine: sa.Engine, name: str) -> object:
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


@pytest.mark.parametrize(
    ("memory", "journal"), [(False, "wal"), (True, "memory")], ids=["file", "memory"]
)
def test_sqlite_engine_turns_on_foreign_keys_and_wal_for_files(
    tmp_path: Path, memory: bool, journal: str
) -> None:
    engine = make_engine("sqlite://" if memory else f"sqlite:///{tmp_path / 'x.db'}")
    try:
        assert _pragma(engine, "foreign_keys") == 1
        assert _pragma(engine, "journal_mode") == journal
    finally:
        engine.dispose()


def test_postgres_engine_uses_psycopg_and_pre_ping() -> None:
    engine = make_engine("postgresql://postgres@127.0.0.1:5432/test")
    assert engine.dialect.driver == "psycopg"
    assert engine.pool._pre_ping is True
    engine.dispose()


def _diff(engine: sa.Engine) -> list[object]:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, SQLModel.metadata))


@pytest.mark.parametrize("backend_name", ["sqlite-file", "sqlite-memory", "postgresql"])
def test_upgrade_creates_schema_matching_models(
    fresh_database: FreshDatabase, backend_name: str
) -> None:
    with fresh_database(backend_name) as engine:
        assert current_revision(engine) is None
        upgrade_engine(engine)
        assert current_revision(engine) == head_revision() == "0007"
        assert set(sa.inspect(engine).get_table_names()) >= TABLES
        assert _diff(engine) == []


@pytest.mark.parametrize("backend_name", ["sqlite-file", "postgresql"])
def test_downgrade_to_base_then_upgrade_again(
    fresh_database: FreshDatabase, backend_name: str
) -> None:
    with fresh_database(backend_name) as engine:
        upgrade_engine(engine)
        upgrade_engine(engine)  # already at head: a no-op, not an error
        downgrade_engine(engine, "base")
        assert current_revision(engine) is None
        assert not TABLES & set(sa.inspect(engine).get_table_names())
        upgrade_engine(engine)
        assert _diff(engine) == []


def test_upgrade_by_url_needs_no_ini_and_ignores_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    monkeypatch.chdir(workdir)  # no alembic.ini here, nor a migrations folder
    db_path = tmp_path / "by-url.db"
    upgrade(f"sqlite:///{db_path}")
    engine = make_engine(f"sqlite:///{db_path}")
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
    assert not (workdir / "alembic.ini").exists()


def test_upgrade_by_url_on_postgres(fresh_database: FreshDatabase) -> None:
    with fresh_database("postgresql") as engine:
        upgrade(engine.url.render_as_string(hide_password=False))
        assert current_revision(engine) == head_revision()


def test_migrations_ship_with_the_package() -> None:
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()
    assert (MIGRATIONS_DIR / "versions" / "0001_initial.py").is_file()


def test_env_refuses_to_run_without_a_connection_or_url() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with pytest.raises(RuntimeError, match="connection' or 'url'"):
        command.upgrade(cfg, "head")


@pytest.mark.parametrize("backend_name", ["sqlite-file", "postgresql"])
def test_0002_upgrades_a_0001_database_with_its_data(
    fresh_database: FreshDatabase, backend_name: str
) -> None:
    with fresh_database(backend_name) as engine:
        upgrade_engine(engine, "0001")
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO chat (id, kind, lang, active, digest, tz, created_at, updated_at)"
                    " VALUES (42, 'private', 'ar', true, 'off', 'Asia/Baghdad', :t, :t)"
                ),
                {"t": "2026-11-28 10:00:00"},
            )
        upgrade_engine(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            row = conn.execute(sa.text("SELECT id, send_lease_owner FROM chat")).one()
        assert tuple(row) == (42, None)
        assert "flood_budget" in sa.inspect(engine).get_table_names()
        downgrade_engine(engine, "0001")
        assert "flood_budget" not in sa.inspect(engine).get_table_names()


@pytest.mark.parametrize("backend_name", ["sqlite-file", "postgresql"])
def test_0003_upgrades_a_0002_database_with_its_stories_and_deliveries(
    fresh_database: FreshDatabase, backend_name: str
) -> None:
    with fresh_database(backend_name) as engine:
        upgrade_engine(engine, "0002")
        t = {"t": "2026-11-28 10:00:00"}
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO chat (id, kind, lang, active, digest, tz, created_at, updated_at)"
                    " VALUES (42, 'private', 'ar', true, 'off', 'Asia/Baghdad', :t, :t)"
                ),
                t,
            )
            conn.execute(
                sa.text(
                    "INSERT INTO feed (id, url, name, enabled, consecutive_errors, next_poll_at,"
                    " failing_notified, first_polled) VALUES ('f', 'u', 'n', true, 0, :t,"
                    " false, true)"
                ),
                t,
            )
            conn.execute(
                sa.text(
                    "INSERT INTO story (id, feed_id, key, title, summary, first_seen_at, also_in)"
                    " VALUES (7, 'f', 'k', 'title', '', :t, '[]')"
                ),
                t,
            )
            conn.execute(
                sa.text(
                    "INSERT INTO delivery (chat_id, story_id, reasons, status, attempts,"
                    " next_attempt_at, created_at) VALUES (42, 7, '[]', 'sent', 1, :t, :t)"
                ),
                t,
            )
        upgrade_engine(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            story = conn.execute(sa.text("SELECT id, canon_link, cluster_id FROM story")).one()
            delivery = conn.execute(sa.text("SELECT status, in_digest FROM delivery")).one()
        assert tuple(story) == (7, None, None)
        assert tuple(delivery) == ("sent", False)
        assert "story_band" in sa.inspect(engine).get_table_names()
        downgrade_engine(engine, "0002")
        assert "story_band" not in sa.inspect(engine).get_table_names()
