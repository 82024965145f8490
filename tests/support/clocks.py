"""A clock the test moves by hand (pass it as `now=`)."""

from __future__ import annotations

from datetime import UTC, datetime


class Clock:
    """Starts at the real time; tests set or advance `now`."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now
