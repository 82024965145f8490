"""A clock the test moves by hand (pass it as `now=`)."""

from __future__ import annotations

from datetime import UTC, datetime


class Clock:
    """Starts at `start` (default: the real time); tests set or advance `now`."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now
