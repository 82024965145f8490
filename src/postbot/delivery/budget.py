"""The overall flood budget shared through the database, for several sending processes (§8).

Each process books its overall send slots from one `flood_budget` row (a few at a time, under a
row lock), so two, four or ten processes together stay within Telegram's 30 messages a second
instead of each using all of it. Times are converted between the database's UTC and the gate's
monotonic clock at booking; the processes' clocks are assumed to agree (NTP), as leases already
assume.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from postbot.delivery.flood import Clock, FloodGate
from postbot.store import repo

# slots booked per database round trip: a sixth of a second's worth (5 at 29/s)
BOOK_SECONDS = 1 / 6


class DatabaseBooker:
    """Books overall send slots in the shared `flood_budget` row."""

    def __init__(self, engine: sa.Engine, *, clock: Clock = time.monotonic) -> None:
        self.engine = engine
        self.clock = clock

    async def book(self, count: int, spacing: float, now: float) -> float:
        """Book `count` slots; returns the first on the gate's clock."""
        return await asyncio.to_thread(self._book, count, spacing)

    def _book(self, count: int, spacing: float) -> float:
        wall = datetime.now(UTC)
        mono = self.clock()
        with Session(self.engine) as session:
            start = repo.book_send_slots(
                session=session, now=wall, spacing=timedelta(seconds=spacing), count=count
            )
            session.commit()
        return mono + (start - wall).total_seconds()


def make_gate(engine: sa.Engine, per_second: float) -> FloodGate:
    """The process's FloodGate: its overall budget shared through PostgreSQL, local on SQLite
    (which runs one process)."""
    if engine.dialect.name == "sqlite":
        return FloodGate(per_second=per_second)
    batch = max(1, round(per_second * BOOK_SECONDS))
    return FloodGate(per_second=per_second, booker=DatabaseBooker(engine), batch=batch)
