"""The template databases: each copy is migrated to head, matches the models and is its own."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import Session, SQLModel

from postbot.store.db import current_revision, head_revision, make_engine
from postbot.store.models import Chat, modeled
from support.databases import SqliteTemplate, pg_admin_url, temporary_pg_database

NOW = datetime(2026, 12, 1, tzinfo=UTC)


Copy = Callable[[], sa.Engine]


@pytest.fixture(params=["sqlite-file", "sqlite-memory", "postgresql"])
def copy(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: SqliteTemplate
) -> Iterator[Copy]:
    """A factory of fresh copies of the template on one backend."""
    backend: str = request.param
    pg = request.getfixturevalue("pg_template_name") if backend == "postgresql" else None
    numbers = itertools.count()
    with ExitStack() as stack:

        def make() -> sa.Engine:
            if backend == "sqlite-memory":
                engine = make_engine("sqlite://")
                sqlite_template.load_into(engine)
            elif backend == "sqlite-file":
                path = tmp_path / f"copy{next(numbers)}.db"
                engine = make_engine(sqlite_template.file_url(path))
            else:
                assert pg is not None
                url = stack.enter_context(temporary_pg_database(pg_admin_url(), template=pg))
                engine = make_engine(url)
            stack.callback(engine.dispose)
            return engine

        yield make


def _add_chat(engine: sa.Engine, chat_id: int) -> None:
    with Session(engine) as session:
        session.add(Chat(id=chat_id, kind="private", lang="ar", created_at=NOW, updated_at=NOW))
        session.commit()


def _chat_ids(engine: sa.Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT id FROM chat ORDER BY id")).scalars())


def test_a_copy_is_at_head_and_matches_the_models(copy: Copy) -> None:
    engine = copy()
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": modeled}
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_copies_do_not_share_rows(copy: Copy) -> None:
    first, second = copy(), copy()
    _add_chat(first, 7)
    assert _chat_ids(first) == [7]
    assert _chat_ids(second) == []
    _add_chat(copy(), 8)
    assert _chat_ids(first) == [7]


def test_a_copy_enforces_foreign_keys(copy: Copy) -> None:
    engine = copy()
    with engine.begin() as conn, pytest.raises(sa.exc.IntegrityError):
        conn.execute(
            sa.text("INSERT INTO watch (chat_id, query, created_at) VALUES (424242, 'x', :now)"),
            {"now": NOW},
        )
