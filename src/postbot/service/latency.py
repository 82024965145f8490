"""Publish-to-alert latency per source over the last 24 hours, for admins' /stats."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from postbot.store import repo

WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Latency:
    """Delays of one source's alerts (or of all of them: feed_id None), in seconds."""

    feed_id: str | None
    count: int
    p50: float
    p95: float


@dataclass(frozen=True, slots=True)
class LatencySummary:
    """All alerts together, then each source, slowest (by p95) first."""

    overall: Latency | None
    feeds: tuple[Latency, ...]


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile of sorted `values` (share in 0..1)."""
    if not values:
        raise ValueError("no values")
    rank = max(1, math.ceil(share * len(values)))
    return values[rank - 1]


def summarize(delays: Sequence[tuple[str, float]]) -> LatencySummary:
    """p50 and p95 overall and per source of (feed id, seconds) pairs."""
    if not delays:
        return LatencySummary(None, ())
    by_feed: dict[str, list[float]] = defaultdict(list)
    for feed_id, seconds in delays:
        by_feed[feed_id].append(seconds)
    feeds = []
    for feed_id, values in by_feed.items():
        values.sort()
        feeds.append(
            Latency(feed_id, len(values), percentile(values, 0.5), percentile(values, 0.95))
        )
    feeds.sort(key=lambda lat: (-lat.p95, -lat.p50, lat.feed_id or ""))
    every = sorted(seconds for _, seconds in delays)
    overall = Latency(None, len(every), percentile(every, 0.5), percentile(every, 0.95))
    return LatencySummary(overall, tuple(feeds))


def latency_summary(engine: sa.Engine, *, now: datetime) -> LatencySummary:
    """The last 24 hours' publish-to-alert delays, overall and per source."""
    with Session(engine) as session:
        delays = repo.publish_delays(session=session, since=now - WINDOW)
    return summarize(delays)
