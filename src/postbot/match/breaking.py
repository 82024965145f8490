"""Breaking news: how fast outlets pile onto one story (pure).

A story is breaking when `outlets` distinct outlets carried it within `minutes` of the time it
was first seen (config `breaking: {outlets: 3, minutes: 30}`). The times are the stories'
first-seen times as stored, one per outlet (its earliest copy), so every process computes the
same from the database. The figures shown ("4 outlets in 12 min") count the outlets within the
window and the minutes from the first sight to the last of them, rounded up: outlets arriving
after the window neither make a story breaking nor change its figures, so the badge measures
speed, not lasting coverage.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

REASON = "breaking"  # the stored reason of an alert sent only because the story is breaking


@dataclass(frozen=True, slots=True)
class Velocity:
    """Distinct outlets within the window, and the whole minutes they took (at least 1)."""

    outlets: int
    minutes: int


def velocity(
    sightings: Iterable[tuple[str, datetime]], *, start: datetime, window: timedelta
) -> Velocity:
    """Outlets whose first copy came within `window` of `start`, and the minutes they took.

    `sightings` are (outlet, first-seen time) of every story of the cluster, the first story
    included; an outlet seen twice counts once, at its earliest time. A time before `start`
    (clocks of two processes a little apart) counts as `start`.
    """
    first: dict[str, datetime] = {}
    for outlet, seen in sightings:
        if outlet not in first or seen < first[outlet]:
            first[outlet] = seen
    within = [max(seen - start, timedelta(0)) for seen in first.values()]
    within = [delay for delay in within if delay <= window]
    if not within:
        return Velocity(0, 1)
    seconds = max(within).total_seconds()
    return Velocity(len(within), max(1, math.ceil(seconds / 60)))


def is_breaking(speed: Velocity, *, outlets: int) -> bool:
    """Whether enough outlets came within the window."""
    return speed.outlets >= outlets
