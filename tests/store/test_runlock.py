"""One `postbot run` per database (issue 16): the lock and its refusal, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
import sqlalchemy as sa

from postbot.store.db import make_engine
from postbot.store.runlock import AlreadyRunning, run_lock

Fresh = Callable[[str], AbstractContextManager[sa.Engine]]


@pytest.mark.parametrize("backend", ["sqlite-file", "postgresql"])
def test_a_second_run_is_refused_naming_the_first(fresh_database: Fresh, backend: str) -> None:
    with fresh_database(backend) as engine:
        other = make_engine(engine.url.render_as_string(hide_password=False))
        try:
            with run_lock(engine):
                with pytest.raises(AlreadyRunning) as refused, run_lock(other):
                    pytest.fail("a second run took the lock")
                message = str(refused.value)
                assert "another postbot run is already serving" in message
                assert f"pid {os.getpid()}" in message  # who holds it
                assert "long polling" in message
            with run_lock(other):  # released when the first stops: a restart starts
                pass
        finally:
            other.dispose()


def test_postgresql_webhook_runs_share_but_exclude_long_polling(fresh_database: Fresh) -> None:
    with fresh_database("postgresql") as engine:
        engines = [make_engine(engine.url.render_as_string(hide_password=False)) for _ in "ab"]
        try:
            with (
                run_lock(engine, webhook=True),
                run_lock(engines[0], webhook=True),
                pytest.raises(AlreadyRunning, match="webhook"),
                run_lock(engines[1]),
            ):
                pytest.fail("a long-polling run started beside webhook runs")
            with (
                run_lock(engines[1]),
                pytest.raises(AlreadyRunning),
                run_lock(engine, webhook=True),
            ):
                pytest.fail("a webhook run started beside a long-polling one")
        finally:
            for other in engines:
                other.dispose()


def test_postgresql_lock_never_goes_back_to_the_pool_held(fresh_database: Fresh) -> None:
    with fresh_database("postgresql") as engine:
        with run_lock(engine):
            pass
        with engine.connect() as conn:  # whatever connection the pool hands out now
            held = conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())"  # other tests' runs hold theirs
                )
            ).scalar()
        assert held == 0


def test_sqlite_lock_file_says_who_holds_it_and_is_emptied_after(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    lock_file = tmp_path / "bot.db.run.lock"
    try:
        with run_lock(engine, webhook=True):
            assert f"pid {os.getpid()}" in lock_file.read_text()
        assert lock_file.read_text() == ""
    finally:
        engine.dispose()


def test_in_memory_sqlite_needs_no_lock() -> None:
    engine = make_engine("sqlite://")
    try:
        with run_lock(engine), run_lock(engine):  # private to this process: nothing to share
            pass
    finally:
        engine.dispose()
