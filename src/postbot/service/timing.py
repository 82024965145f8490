"""When a chat takes its alerts: digest mode, time zone, quiet hours.

Each change also moves the chat's held alerts to the time the new settings release them, in
the same transaction: `/digest off` outside quiet hours sends what was held right away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from postbot.alerts.release import release_for
from postbot.store import repo
from postbot.store.models import Chat


@dataclass(frozen=True, slots=True)
class Held:
    """Held alerts moved by a settings change: how many, and when they go out (None: now)."""

    count: int
    at: datetime | None


@dataclass(frozen=True, slots=True)
class Changed:
    """The chat's settings after a change (row detached), and the held alerts it moved."""

    chat: Chat
    held: Held | None


def _reschedule_held(session: Session, chat: Chat, now: datetime) -> Held | None:
    release = release_for(chat, now) or now
    moved = repo.reschedule_held(session=session, chat_id=chat.id, release_at=release)
    if not moved:
        return None
    return Held(moved, None if release <= now else release)


def set_digest(
    engine: sa.Engine, *, chat_id: int, mode: str, at: str | None, now: datetime
) -> Changed:
    """Instant alerts ("off") or an hourly/daily digest (at "HH:MM")."""
    with Session(engine, expire_on_commit=False) as session:
        row = repo.set_chat_digest(session=session, chat_id=chat_id, digest=mode, at=at, now=now)
        held = _reschedule_held(session, row, now)
        session.commit()
    return Changed(row, held)


def set_tz(engine: sa.Engine, *, chat_id: int, tz: str, now: datetime) -> Changed:
    """The chat's IANA time zone (checked by the caller)."""
    with Session(engine, expire_on_commit=False) as session:
        row = repo.set_chat_tz(session=session, chat_id=chat_id, tz=tz, now=now)
        held = _reschedule_held(session, row, now)
        session.commit()
    return Changed(row, held)


def set_quiet(
    engine: sa.Engine, *, chat_id: int, start: str | None, end: str | None, now: datetime
) -> Changed:
    """Quiet hours "HH:MM"-"HH:MM", or none (None, None)."""
    with Session(engine, expire_on_commit=False) as session:
        row = repo.set_chat_quiet(session=session, chat_id=chat_id, start=start, end=end, now=now)
        held = _reschedule_held(session, row, now)
        session.commit()
    return Changed(row, held)
