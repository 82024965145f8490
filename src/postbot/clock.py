"""The current time, in one place: every timestamp postbot stores is timezone-aware UTC.

For rehearsals and end-to-end tests the clock can be moved forward without waiting: when the
environment names a file in `POSTBOT_CLOCK_OFFSET_FILE`, the number of seconds written in it is
added to the real time (read again whenever the file changes). Digests, quiet hours, polls and
leases then all see the same shifted time; sleeps and Telegram's pacing stay in real time.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta

log = logging.getLogger(__name__)

OFFSET_FILE_ENV = "POSTBOT_CLOCK_OFFSET_FILE"
_offset: tuple[int, timedelta] = (-1, timedelta(0))  # (file mtime, offset)


def _shift() -> timedelta:
    global _offset
    path = os.environ.get(OFFSET_FILE_ENV)
    if not path:
        return timedelta(0)
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return timedelta(0)
    if mtime != _offset[0]:
        try:
            with open(path, encoding="utf-8") as handle:
                seconds = float(handle.read().strip() or 0)
        except (OSError, ValueError) as exc:
            log.warning("clock offset file %s unreadable (%s): using the real time", path, exc)
            seconds = 0.0
        _offset = (mtime, timedelta(seconds=seconds))
    return _offset[1]


def utcnow() -> datetime:
    """The current time in UTC (shifted by the offset file, if one is set)."""
    return datetime.now(UTC) + _shift()
