"""Stories per day (alerts/trend.py): one count per cluster, local days, the 7-day average."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from postbot.alerts.trend import Sighting, count_trend, sighting_time, window_days

BAGHDAD = ZoneInfo("Asia/Baghdad")  # UTC+3
DAYS = window_days(date(2026, 12, 6), 7)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in Baghdad time, December 2026."""
    return datetime(2026, 12, day, hour, minute, tzinfo=BAGHDAD)


def test_window_days_end_today_oldest_first() -> None:
    assert window_days(date(2026, 12, 6), 3) == (
        date(2026, 12, 4),
        date(2026, 12, 5),
        date(2026, 12, 6),
    )


def test_copies_of_one_story_count_once_on_the_first_copys_day_and_outlet() -> None:
    sightings = [
        # story 1: three outlets, the first on the 4th late evening, copies past midnight
        Sighting(1, "shafaq", at(4, 23, 50)),
        Sighting(1, "alsumaria", at(5, 0, 10)),
        Sighting(1, "ina", at(5, 0, 30)),
        # story 2: one outlet
        Sighting(2, "ina", at(5, 9)),
        # story 3: two outlets, listed latest first (order of the input does not matter)
        Sighting(3, "alsumaria", at(6, 12, 30)),
        Sighting(3, "shafaq", at(6, 12)),
    ]
    trend = count_trend(sightings, tz=BAGHDAD, days=DAYS)
    assert trend.counts == (0, 0, 0, 0, 1, 1, 1)
    assert trend.total == 3
    assert trend.by_outlet == {
        "shafaq": (0, 0, 0, 0, 1, 0, 1),
        "ina": (0, 0, 0, 0, 0, 1, 0),
    }
    # each outlet once per story it carried
    assert trend.carried == {"shafaq": 2, "alsumaria": 2, "ina": 2}
    assert trend.copies == 3


def test_days_are_local_days_of_the_chats_zone() -> None:
    # 22:30 UTC on the 5th is the 6th in Baghdad and still the 5th in UTC
    late = datetime(2026, 12, 5, 22, 30, tzinfo=UTC)
    in_baghdad = count_trend([Sighting(1, "a", late)], tz=BAGHDAD, days=DAYS)
    in_utc = count_trend([Sighting(1, "a", late)], tz=UTC, days=DAYS)
    assert in_baghdad.counts[-1] == 1 and in_baghdad.counts[-2] == 0
    assert in_utc.counts[-2] == 1 and in_utc.counts[-1] == 0


def test_the_average_counts_the_six_days_before_the_window() -> None:
    # one story a day for the six days before the window and the window's first day
    before = [Sighting(n, "a", at(1, 10) - timedelta(days=6 - n)) for n in range(7)]
    trend = count_trend(before, tz=BAGHDAD, days=window_days(date(2026, 12, 7), 7))
    assert trend.counts == (1, 0, 0, 0, 0, 0, 0)
    assert trend.average[0] == pytest.approx(1.0)  # 7 stories over its 7 days
    assert trend.average[-1] == pytest.approx(1 / 7)
    assert trend.total == 1  # days before the window are not counted in it
    assert trend.carried == {"a": 1}


def test_busiest_day_is_the_latest_of_equals_and_none_without_stories() -> None:
    sightings = [
        Sighting(1, "a", at(2, 9)),
        Sighting(2, "a", at(4, 9)),
        Sighting(3, "b", at(4, 10)),
    ]
    trend = count_trend(sightings, tz=BAGHDAD, days=DAYS)
    assert trend.busiest == (date(2026, 12, 4), 2)
    tie = count_trend(sightings[:2], tz=BAGHDAD, days=DAYS)
    assert tie.busiest == (date(2026, 12, 4), 1)
    empty = count_trend([], tz=BAGHDAD, days=DAYS)
    assert empty.busiest is None and empty.total == 0 and empty.copies == 0


def test_stories_after_today_are_left_out() -> None:
    trend = count_trend([Sighting(1, "a", at(7, 1))], tz=BAGHDAD, days=DAYS)
    assert trend.total == 0 and trend.by_outlet == {}


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        pytest.param(None, "seen", id="no-date"),
        pytest.param("before", "before", id="published-earlier"),
        pytest.param("after", "seen", id="claims-the-future"),
    ],
)
def test_a_copy_is_dated_by_its_published_time_unless_missing_or_later(
    published: str | None, expected: str
) -> None:
    seen = at(5, 12)
    times = {"seen": seen, "before": seen - timedelta(hours=5), "after": seen + timedelta(days=2)}
    assert sighting_time(times.get(published or ""), seen) == times[expected]
