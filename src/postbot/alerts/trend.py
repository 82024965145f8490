"""Stories per day for /trend (pure): one count per story however many outlets carried it.

A story is a cluster (`cluster_id`, the first story of it): its copies in other outlets count
once, on the local day its first matching copy was published, for the outlet that carried it
first. A copy's day is its `published` time when the feed gave one no later than when postbot
saw it, otherwise the time postbot saw it. Days are the chat's local days; the window ends
with today. The 7-day average of a day is the mean of that day and the six before it, counted
from stories before the window too, so the line is right from the first day.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

AVERAGE_DAYS = 7


@dataclass(frozen=True, slots=True)
class Sighting:
    """One stored story that matched: its cluster, its outlet and when it came out."""

    root_id: int
    feed_id: str
    when: datetime  # timezone-aware


@dataclass(frozen=True, slots=True)
class Trend:
    """Stories per local day, by first outlet, with the trailing 7-day average."""

    days: tuple[date, ...]
    counts: tuple[int, ...]
    by_outlet: dict[str, tuple[int, ...]]  # first outlet → per day; largest total first
    average: tuple[float, ...]
    carried: dict[str, int]  # outlet → stories it carried (each story once per outlet)
    copies: int  # matching copies counted with a story already counted

    @property
    def total(self) -> int:
        """Stories in the window."""
        return sum(self.counts)

    @property
    def busiest(self) -> tuple[date, int] | None:
        """The day with most stories (the latest of equals), or None when there were none."""
        if not self.total:
            return None
        best = max(range(len(self.days)), key=lambda i: (self.counts[i], i))
        return self.days[best], self.counts[best]


def sighting_time(published: datetime | None, first_seen_at: datetime) -> datetime:
    """When a copy came out: its published time unless missing or later than first seen."""
    if published is None or published > first_seen_at:
        return first_seen_at
    return published


def window_days(today: date, days: int) -> tuple[date, ...]:
    """The `days` local days ending with `today`, oldest first."""
    return tuple(today - timedelta(days=days - 1 - i) for i in range(days))


def count_trend(sightings: Iterable[Sighting], *, tz: tzinfo, days: tuple[date, ...]) -> Trend:
    """Stories per day over `days` (consecutive), counted once per cluster."""
    first_day = days[0]
    lookback = first_day - timedelta(days=AVERAGE_DAYS - 1)
    earliest: dict[int, tuple[datetime, str]] = {}
    outlets: dict[int, set[str]] = defaultdict(set)
    members: Counter[int] = Counter()
    for s in sightings:
        members[s.root_id] += 1
        outlets[s.root_id].add(s.feed_id)
        known = earliest.get(s.root_id)
        if known is None or (s.when, s.feed_id) < known:
            earliest[s.root_id] = (s.when, s.feed_id)
    index = {day: i for i, day in enumerate(days)}
    per_day: Counter[date] = Counter()
    by_outlet: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    carried: Counter[str] = Counter()
    copies = 0
    for root, (when, feed_id) in earliest.items():
        day = when.astimezone(tz).date()
        if day < lookback or day > days[-1]:
            continue
        per_day[day] += 1
        if day >= first_day:
            by_outlet[feed_id][index[day]] += 1
            carried.update(outlets[root])
            copies += members[root] - 1
    counts = tuple(per_day[day] for day in days)
    average = tuple(
        sum(per_day[day - timedelta(days=k)] for k in range(AVERAGE_DAYS)) / AVERAGE_DAYS
        for day in days
    )
    ordered = sorted(by_outlet.items(), key=lambda item: (-sum(item[1]), item[0]))
    return Trend(
        days,
        counts,
        {feed: tuple(values) for feed, values in ordered},
        average,
        dict(sorted(carried.items(), key=lambda item: (-item[1], item[0]))),
        copies,
    )


@dataclass(frozen=True, slots=True)
class ChartText:
    """The chart's words in the reader's language (from alerts/texts_trend.py)."""

    title: str
    range: str
    axis: str
    average: str
    legend: str
    other: str
    months: tuple[str, ...]  # January first
    lang: str  # "ar" or "en"


def day_label(day: date, months: tuple[str, ...]) -> str:
    """A day as the axis and the caption show it: «3 كانون الأول», "3 Dec"."""
    return f"{day.day} {months[day.month - 1]}"
