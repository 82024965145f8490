"""The current time, in one place: every timestamp postbot stores is timezone-aware UTC.

For rehearsals and end-to-end tests the clock can be moved forward without waiting: when the
environment names a file in `POSTBOT_CLOCK_OFFSET_FILE` at start (`main` calls
`configure_from_environment` once), the number of seconds written in it is added to the real
time, read again whenever the file changes. Digests, quiet hours, polls and leases then all see
the same shifted time; sleeps and Telegram's pacing stay in real time. Without it `utcnow` is
the real time and costs no environment look-up or file check.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

log = logging.getLogger(__name__)

OFFSET_FILE_ENV = "POSTBOT_CLOCK_OFFSET_FILE"

_offset_file: str | None = None
_offset: tuple[int, timedelta] = (-1, timedelta(0))  # (file mtime, offset)


def use_offset_file(path: str | None) -> None:
    """Shift `utcnow` by the seconds written in `path` from now on (None: the real time)."""
    global _offset_file, _offset
    _offset_file = path or None
    _offset = (-1, timedelta(0))


def configure_from_environment(environ: Mapping[str, str] = os.environ) -> None:
    """Take the offset file from `POSTBOT_CLOCK_OFFSET_FILE`, once, at process start."""
    use_offset_file(environ.get(OFFSET_FILE_ENV))


def _shift(path: str) -> timedelta:
    global _offset
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
    path = _offset_file
    if path is None:
        return datetime.now(UTC)
    return datetime.now(UTC) + _shift(path)
