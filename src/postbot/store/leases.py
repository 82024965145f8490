"""Leases: how a process claims feed polls and deliveries so that no two do the same work.

A row is free when it has no lease or its lease has expired (its holder died or stalled). A
claim selects free rows with FOR UPDATE SKIP LOCKED (PostgreSQL; SQLite ignores it and relies on
its single writer), stamps owner and expiry, and flushes; the caller commits soon after.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col
from sqlmodel.sql.expression import SelectOfScalar

from postbot.store.models import Chat, Delivery, Feed

Row = TypeVar("Row", Feed, Delivery)


def unleased(model: type[Feed] | type[Delivery], now: datetime) -> sa.ColumnElement[bool]:
    """Condition: the row has no lease, or its lease has expired."""
    return sa.or_(col(model.lease_until).is_(None), col(model.lease_until) <= now)


def take_leases(
    session: Session, stmt: SelectOfScalar[Row], *, owner: str, lease_until: datetime, **lock: Any
) -> list[Row]:
    """Lock the rows `stmt` selects (skipping locked ones) and lease them to `owner`."""
    rows = list(session.exec(stmt.with_for_update(skip_locked=True, **lock)).all())
    for row in rows:
        row.lease_owner, row.lease_until = owner, lease_until
        session.add(row)
    session.flush()
    return rows


def release_all_leases(*, session: Session) -> int:
    """Drop every lease (SQLite runs one process: a lease found at start is a dead process's)."""
    count = 0
    for model in (Feed, Delivery):
        stmt = (
            sa.update(model)
            .where(col(model.lease_owner).is_not(None))
            .values(lease_owner=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
        count += int(session.exec(stmt).rowcount)
    chats = (
        sa.update(Chat)
        .where(col(Chat.send_lease_owner).is_not(None))
        .values(send_lease_owner=None, send_lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return count + int(session.exec(chats).rowcount)
