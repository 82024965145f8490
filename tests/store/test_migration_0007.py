"""Revision 0007 numbers the watches a chat already has, in creation order, and starts the
chat's counter after them; nothing else is touched (SQLite rebuilds no table)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
import sqlalchemy as sa

from postbot.store.db import downgrade_engine, upgrade_engine

FreshDatabase = Callable[[str], AbstractContextManager[sa.Engine]]

ROWS = [
    "INSERT INTO chat (id, kind, lang, active, digest, tz, created_at, updated_at, breaking)"
    " VALUES (42, 'private', 'ar', true, 'off', 'Asia/Baghdad', :t, :t, false)",
    "INSERT INTO chat (id, kind, lang, active, digest, tz, created_at, updated_at, breaking)"
    " VALUES (43, 'private', 'ar', true, 'off', 'Asia/Baghdad', :t, :t, false)",
    # ids out of creation order: numbers follow creation, as /watches listed them
    "INSERT INTO watch (id, chat_id, query, created_at)"
    " VALUES (5, 42, 'الرطبة', '2026-11-28 10:02:00')",
    "INSERT INTO watch (id, chat_id, query, created_at)"
    " VALUES (6, 42, 'داعش', '2026-11-28 10:00:00')",
    "INSERT INTO watch (id, chat_id, query, created_at)"
    " VALUES (7, 42, 'هيت', '2026-11-28 10:01:00')",
    "INSERT INTO watch (id, chat_id, query, created_at) VALUES (8, 43, 'الأنبار', :t)",
    "INSERT INTO feed (id, url, name, enabled, consecutive_errors, next_poll_at,"
    " failing_notified, first_polled) VALUES ('f', 'u', 'n', true, 0, :t, false, true)",
    "INSERT INTO story (id, feed_id, key, title, summary, first_seen_at, also_in)"
    " VALUES (7, 'f', 'k', 'title', '', :t, '[]')",
    "INSERT INTO delivery (chat_id, story_id, reasons, status, attempts, next_attempt_at,"
    " created_at, in_digest) VALUES (42, 7, '[]', 'held', 0, :t, :t, false)",
]


@pytest.mark.parametrize("backend_name", ["sqlite-file", "postgresql"])
def test_existing_watches_are_numbered_by_creation(
    fresh_database: FreshDatabase, backend_name: str
) -> None:
    with fresh_database(backend_name) as engine:
        upgrade_engine(engine, "0006")
        with engine.begin() as conn:
            for sql in ROWS:
                conn.execute(sa.text(sql), {"t": "2026-11-28 10:00:00"})
        upgrade_engine(engine, "0007")
        with engine.connect() as conn:
            watches = conn.execute(
                sa.text("SELECT chat_id, query, number FROM watch ORDER BY chat_id, number")
            ).all()
            seqs = conn.execute(sa.text("SELECT id, watch_seq FROM chat ORDER BY id")).all()
            delivery = conn.execute(sa.text("SELECT status, hold FROM delivery")).one()
        assert [tuple(w) for w in watches] == [
            (42, "داعش", 1),
            (42, "هيت", 2),
            (42, "الرطبة", 3),
            (43, "الأنبار", 1),
        ]
        assert [tuple(s) for s in seqs] == [(42, 3), (43, 1)]
        assert tuple(delivery) == ("held", None)  # the chat's deliveries survived the upgrade
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO watch (chat_id, query, created_at, number)"
                    " VALUES (42, 'x', '2026-11-28 10:00:00', 2)"
                )
            )
        downgrade_engine(engine, "0006")
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM watch")).scalar() == 4
            assert conn.execute(sa.text("SELECT count(*) FROM delivery")).scalar() == 1
