"""Finished /trend charts kept for ten minutes: asking again within that time costs nothing."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from postbot.alerts.trend import Trend

CACHE_SECONDS = 600
DEFAULT_DAYS = 30
MIN_DAYS, MAX_DAYS = 7, 90
MAX_CHARTS = 200  # about 70 kB each: at most some 14 MB however many people ask


@dataclass(frozen=True, slots=True)
class Chart:
    """A rendered /trend answer: the PNG and its caption (HTML), or no stories at all."""

    png: bytes | None
    caption: str
    trend: Trend


@dataclass
class ChartCache:
    """Charts made in the last ten minutes, by (subject, days, language, time zone, config)."""

    seconds: float = CACHE_SECONDS
    charts: dict[tuple[object, ...], tuple[datetime, Chart]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: tuple[object, ...], now: datetime) -> Chart | None:
        """The chart made for `key` less than ten minutes before `now`, if any."""
        with self.lock:
            for old in [k for k, (at, _) in self.charts.items() if self._stale(at, now)]:
                del self.charts[old]
            found = self.charts.get(key)
        return found[1] if found is not None else None

    def put(self, key: tuple[object, ...], chart: Chart, now: datetime) -> None:
        """Keep `chart` for ten minutes from `now`."""
        with self.lock:
            self.charts[key] = (now, chart)
            while len(self.charts) > MAX_CHARTS:  # dicts keep insertion order: oldest first
                del self.charts[next(iter(self.charts))]

    def _stale(self, at: datetime, now: datetime) -> bool:
        return (now - at).total_seconds() >= self.seconds or now < at
