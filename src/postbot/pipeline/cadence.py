"""Adaptive polling (pure): busy sources at their configured interval, quiet ones less often.

"Published" is when a poll last brought a story new to postbot (`feed.last_new_at`; the first
poll's backlog counts, as postbot has just seen it): an item's own date can be missing, late
or wrong, the time a story reached us cannot.

A source that published a new story within the last hour is polled at its configured interval;
one quiet for a day or more (or that never published) at up to 4x that interval, scaled
linearly in between. The stretched interval never passes 30 minutes, and no interval is ever
below the configured one (a feed configured at 1 h stays at 1 h).
"""

from __future__ import annotations

from datetime import timedelta

BUSY = timedelta(hours=1)  # published within this: the configured interval
QUIET = timedelta(days=1)  # quiet this long: the full stretch
MAX_STRETCH = 4.0
MAX_STRETCHED = timedelta(minutes=30)


def adaptive_interval(configured: timedelta, quiet_for: timedelta | None) -> timedelta:
    """The interval until the next poll of a source that last published `quiet_for` ago
    (None: never seen to publish)."""
    if quiet_for is None or quiet_for >= QUIET:
        stretch = MAX_STRETCH
    elif quiet_for <= BUSY:
        stretch = 1.0
    else:
        stretch = 1.0 + (MAX_STRETCH - 1.0) * ((quiet_for - BUSY) / (QUIET - BUSY))
    return max(configured, min(configured * stretch, MAX_STRETCHED))
