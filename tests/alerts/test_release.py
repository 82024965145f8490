"""Digest times, quiet hours and chat time zones: parsing, DST, half-hour zones, boundaries."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone

import pytest

from postbot.alerts.release import (
    DEFAULT_DIGEST_AT,
    in_quiet,
    next_digest,
    parse_hhmm,
    parse_quiet,
    release_at,
)
from postbot.alerts.zones import check_zone


def u(y: int, mo: int, d: int, h: int, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    """An aware UTC instant."""
    return datetime(y, mo, d, h, mi, s, us, tzinfo=UTC)


# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8:00", "08:00"),
        ("08:00", "08:00"),
        ("0:00", "00:00"),
        (" 23:59 ", "23:59"),
        ("٠٨:٠٠", "08:00"),
        ("٢٣:٣٠", "23:30"),
        ("۰۸:۳۰", "08:30"),  # Persian digits
        ("8.00", "08:00"),  # a dot, as phone keyboards offer it
        ("\u200f٠٨:٠٠", "08:00"),  # a right-to-left mark pasted with Arabic input
    ],
    ids=[
        "h:mm",
        "hh:mm",
        "midnight",
        "spaces",
        "arabic-indic",
        "arabic-late",
        "persian",
        "dot",
        "rlm",
    ],
)
def test_parse_hhmm_accepts(text: str, expected: str) -> None:
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize(
    "text",
    ["24:00", "7", "ab:cd", "08:60", "", "8:0", "123:00", "08:00:00", "-1:00", "8h00", "٠٨"],
    ids=lambda t: repr(t),
)
def test_parse_hhmm_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"HH:MM|00-23|00-59"):
        parse_hhmm(text)


def test_default_digest_time_is_canonical() -> None:
    assert parse_hhmm(DEFAULT_DIGEST_AT) == DEFAULT_DIGEST_AT == "08:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23:00-07:00", ("23:00", "07:00")),
        ("23:00 - 07:00", ("23:00", "07:00")),
        ("23:00–07:00", ("23:00", "07:00")),
        ("23:00 — 07:00", ("23:00", "07:00")),
        ("٢٣:٠٠-٠٧:٠٠", ("23:00", "07:00")),
        ("8:00-9:30", ("08:00", "09:30")),
    ],
    ids=["hyphen", "spaced", "en-dash", "em-dash", "arabic-indic", "short-hours"],
)
def test_parse_quiet_accepts(text: str, expected: tuple[str, str]) -> None:
    assert parse_quiet(text) == expected


@pytest.mark.parametrize(
    "text",
    ["23:00", "23:00-", "-07:00", "23:00-07:00-08:00", "07:00-07:00", "off", "25:00-07:00", ""],
    ids=lambda t: repr(t),
)
def test_parse_quiet_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_quiet(text)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Asia/Baghdad", "Asia/Baghdad"),
        ("asia/baghdad", "Asia/Baghdad"),
        ("ASIA/KOLKATA", "Asia/Kolkata"),
        ("america/new_york", "America/New_York"),
        ("  Europe/Berlin ", "Europe/Berlin"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
    ],
)
def test_check_tz_canonical_spelling(name: str, expected: str) -> None:
    assert check_zone(name) == expected


@pytest.mark.parametrize(
    "name",
    ["", "   ", "../etc", "../../etc/passwd", "/etc/localtime", "Asia/../Asia/Baghdad",
     "Mars/Olympus", "localtime", "Asia/Baghdad\x00", "Baghdad"],
    ids=lambda n: repr(n),
)  # fmt: skip
def test_check_tz_rejects(name: str) -> None:
    with pytest.raises(ValueError, match="time zone"):
        check_zone(name)


# --- next_digest -----------------------------------------------------------------------------

BAGHDAD, BERLIN, NEW_YORK, KOLKATA = (
    "Asia/Baghdad",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
)


@pytest.mark.parametrize(
    ("now", "mode", "at", "tz", "expected"),
    [
        # Baghdad is UTC+3 all year.
        (u(2026, 11, 28, 4), "daily", None, BAGHDAD, u(2026, 11, 28, 5)),
        (u(2026, 11, 28, 5), "daily", None, BAGHDAD, u(2026, 11, 29, 5)),
        (u(2026, 11, 28, 5, 0, 1), "daily", "08:00", BAGHDAD, u(2026, 11, 29, 5)),
        (u(2026, 11, 28, 4, 59, 59), "daily", "08:00", BAGHDAD, u(2026, 11, 28, 5)),
        (u(2026, 11, 28, 21), "daily", "23:30", BAGHDAD, u(2026, 11, 29, 20, 30)),
        (u(2026, 11, 28, 20), "daily", "00:00", BAGHDAD, u(2026, 11, 28, 21)),
        (u(2026, 11, 28, 14), "hourly", None, BAGHDAD, u(2026, 11, 28, 15)),
        (u(2026, 11, 28, 14, 0, 0, 1), "hourly", None, BAGHDAD, u(2026, 11, 28, 15)),
        (u(2026, 11, 28, 13, 59, 59), "hourly", None, BAGHDAD, u(2026, 11, 28, 14)),
        (u(2026, 12, 31, 23, 30), "hourly", None, "UTC", u(2027, 1, 1, 0)),
        # Kolkata is UTC+5:30: local hours start at half past in UTC.
        (u(2026, 11, 28, 14), "hourly", None, KOLKATA, u(2026, 11, 28, 14, 30)),
        (u(2026, 11, 28, 14, 30), "hourly", None, KOLKATA, u(2026, 11, 28, 15, 30)),
        (u(2026, 11, 28, 1), "daily", "08:00", KOLKATA, u(2026, 11, 28, 2, 30)),
        (u(2026, 11, 28, 2, 30), "daily", "08:00", KOLKATA, u(2026, 11, 29, 2, 30)),
        # Kathmandu is UTC+5:45.
        (u(2026, 11, 28, 12), "hourly", None, "Asia/Kathmandu", u(2026, 11, 28, 12, 15)),
        # Berlin springs forward 2026-03-29 at 01:00 UTC: 02:00 CET becomes 03:00 CEST.
        (u(2026, 3, 28, 12), "daily", "02:30", BERLIN, u(2026, 3, 29, 1)),
        (u(2026, 3, 29, 1), "daily", "02:30", BERLIN, u(2026, 3, 30, 0, 30)),
        (u(2026, 3, 28, 12), "daily", "08:00", BERLIN, u(2026, 3, 29, 6)),
        (u(2026, 3, 29, 0, 30), "hourly", None, BERLIN, u(2026, 3, 29, 1)),
        # Berlin falls back 2026-10-25 at 01:00 UTC: 03:00 CEST becomes 02:00 CET.
        (u(2026, 10, 24, 12), "daily", "02:30", BERLIN, u(2026, 10, 25, 0, 30)),
        (u(2026, 10, 25, 0, 30), "daily", "02:30", BERLIN, u(2026, 10, 26, 1, 30)),
        (u(2026, 10, 24, 12), "daily", "08:00", BERLIN, u(2026, 10, 25, 7)),
        (u(2026, 10, 25, 0, 30), "hourly", None, BERLIN, u(2026, 10, 25, 1)),
        # New York springs forward 2026-03-08 at 07:00 UTC (02:00 EST → 03:00 EDT).
        (u(2026, 3, 7, 12), "daily", "02:30", NEW_YORK, u(2026, 3, 8, 7)),
        (u(2026, 3, 8, 6, 30), "hourly", None, NEW_YORK, u(2026, 3, 8, 7)),
        # ... and falls back 2026-11-01 at 06:00 UTC (02:00 EDT → 01:00 EST).
        (u(2026, 10, 31, 12), "daily", "01:30", NEW_YORK, u(2026, 11, 1, 5, 30)),
        (u(2026, 11, 1, 5, 30), "daily", "01:30", NEW_YORK, u(2026, 11, 2, 6, 30)),
        (u(2026, 11, 1, 5, 30), "hourly", None, NEW_YORK, u(2026, 11, 1, 6)),
        (u(2026, 11, 1, 6), "hourly", None, NEW_YORK, u(2026, 11, 1, 7)),
    ],
    ids=[
        "baghdad-default-at",
        "baghdad-exactly-at-is-next-day",
        "baghdad-just-after",
        "baghdad-just-before",
        "baghdad-late-time-after-local-midnight",
        "baghdad-local-midnight",
        "baghdad-on-the-hour-is-next-hour",
        "baghdad-just-past-the-hour",
        "baghdad-just-before-the-hour",
        "utc-new-year",
        "kolkata-hourly-half-past-utc",
        "kolkata-hourly-exactly",
        "kolkata-daily",
        "kolkata-daily-exactly",
        "kathmandu-quarter-hour",
        "berlin-spring-skipped-time-to-gap-end",
        "berlin-spring-day-after",
        "berlin-spring-morning",
        "berlin-spring-hourly-jumps",
        "berlin-fall-ambiguous-first",
        "berlin-fall-no-second-digest",
        "berlin-fall-morning",
        "berlin-fall-hourly-repeated-hour",
        "newyork-spring-skipped-time",
        "newyork-spring-hourly",
        "newyork-fall-ambiguous-first",
        "newyork-fall-no-second-digest",
        "newyork-fall-hourly-first-1am-to-second",
        "newyork-fall-hourly-after",
    ],
)
def test_next_digest(now: datetime, mode: str, at: str | None, tz: str, expected: datetime) -> None:
    got = next_digest(now, mode=mode, at=at, tz=tz)
    assert got == expected
    assert got is not None and got.tzinfo is UTC


def test_next_digest_off_is_none() -> None:
    assert next_digest(u(2026, 11, 28, 4), mode="off", at="08:00", tz=BAGHDAD) is None


def test_next_digest_accepts_any_aware_now() -> None:
    baghdad_time = datetime(2026, 11, 28, 7, 0, tzinfo=timezone(timedelta(hours=3)))
    assert next_digest(baghdad_time, mode="daily", at=None, tz=BAGHDAD) == u(2026, 11, 28, 5)


@pytest.mark.parametrize(
    ("now", "mode", "at", "tz"),
    [
        (datetime(2026, 11, 28, 4), "daily", None, BAGHDAD),
        (u(2026, 11, 28, 4), "weekly", None, BAGHDAD),
        (u(2026, 11, 28, 4), "daily", "25:00", BAGHDAD),
        (u(2026, 11, 28, 4), "daily", None, "Mars/Olympus"),
    ],
    ids=["naive-now", "unknown-mode", "bad-at", "bad-tz"],
)
def test_next_digest_rejects(now: datetime, mode: str, at: str | None, tz: str) -> None:
    with pytest.raises(ValueError):
        next_digest(now, mode=mode, at=at, tz=tz)


def test_hourly_digests_are_an_hour_apart_across_a_day() -> None:
    now = u(2026, 3, 28, 20)
    seen = []
    for _ in range(30):
        got = next_digest(now, mode="hourly", at=None, tz=BERLIN)
        assert got is not None
        seen.append(got)
        now = got
    assert all(b - a == timedelta(hours=1) for a, b in itertools.pairwise(seen))


# --- in_quiet --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "start", "end", "tz", "expected"),
    [
        # 23:00-07:00 in Baghdad is 20:00-04:00 UTC, crossing midnight.
        (u(2026, 11, 28, 20), "23:00", "07:00", BAGHDAD, u(2026, 11, 29, 4)),
        (u(2026, 11, 28, 19, 59, 59), "23:00", "07:00", BAGHDAD, None),
        (u(2026, 11, 28, 22), "23:00", "07:00", BAGHDAD, u(2026, 11, 29, 4)),
        (u(2026, 11, 29, 3, 59, 59), "23:00", "07:00", BAGHDAD, u(2026, 11, 29, 4)),
        (u(2026, 11, 29, 4), "23:00", "07:00", BAGHDAD, None),
        (u(2026, 11, 29, 12), "23:00", "07:00", BAGHDAD, None),
        # A window within one day.
        (u(2026, 11, 28, 11), "13:00", "15:00", BAGHDAD, u(2026, 11, 28, 12)),
        (u(2026, 11, 28, 10), "13:00", "15:00", BAGHDAD, u(2026, 11, 28, 12)),
        (u(2026, 11, 28, 12), "13:00", "15:00", BAGHDAD, None),
        (u(2026, 11, 28, 9, 59), "13:00", "15:00", BAGHDAD, None),
        # Kolkata: 22:00-06:00 local is 16:30-00:30 UTC.
        (u(2026, 11, 28, 17), "22:00", "06:00", KOLKATA, u(2026, 11, 29, 0, 30)),
        (u(2026, 11, 28, 16, 29), "22:00", "06:00", KOLKATA, None),
        # Berlin, spring forward night: 06:00 CEST is 04:00 UTC.
        (u(2026, 3, 29, 0, 30), "01:00", "06:00", BERLIN, u(2026, 3, 29, 4)),
        # ... a window that ends at a skipped time ends when the clock jumps.
        (u(2026, 3, 28, 23, 30), "22:00", "02:30", BERLIN, u(2026, 3, 29, 1)),
        # Berlin, fall back night: 02:10 CET (after the first 02:30 passed) ends at the second.
        (u(2026, 10, 25, 1, 10), "22:00", "02:30", BERLIN, u(2026, 10, 25, 1, 30)),
        (u(2026, 10, 25, 0, 10), "22:00", "02:30", BERLIN, u(2026, 10, 25, 0, 30)),
        # New York, fall back: 07:00 EST is 12:00 UTC.
        (u(2026, 11, 1, 4), "23:00", "07:00", NEW_YORK, u(2026, 11, 1, 12)),
        (None, None, "07:00", BAGHDAD, None),
        (None, "23:00", None, BAGHDAD, None),
    ],
    ids=[
        "at-start-is-inside",
        "just-before-start",
        "before-midnight",
        "just-before-end",
        "at-end-is-outside",
        "midday-outside",
        "same-day-inside",
        "same-day-at-start",
        "same-day-at-end",
        "same-day-before",
        "kolkata-inside",
        "kolkata-before",
        "berlin-spring-night",
        "berlin-end-in-gap",
        "berlin-fall-second-pass",
        "berlin-fall-first-pass",
        "newyork-fall-night",
        "no-start",
        "no-end",
    ],
)
def test_in_quiet(
    now: datetime | None, start: str | None, end: str | None, tz: str, expected: datetime | None
) -> None:
    got = in_quiet(now or u(2026, 11, 28, 21), start=start, end=end, tz=tz)
    assert got == expected


# --- release_at ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "digest", "at", "quiet", "expected"),
    [
        (u(2026, 11, 28, 12), "off", None, None, None),
        (u(2026, 11, 28, 12), "off", None, ("23:00", "07:00"), None),
        (u(2026, 11, 28, 21), "off", None, ("23:00", "07:00"), u(2026, 11, 29, 4)),
        (u(2026, 11, 28, 12, 10), "hourly", None, None, u(2026, 11, 28, 13)),
        (u(2026, 11, 28, 12, 10), "hourly", None, ("23:00", "07:00"), u(2026, 11, 28, 13)),
        (u(2026, 11, 28, 21, 10), "hourly", None, ("23:00", "07:00"), u(2026, 11, 29, 4)),
        (u(2026, 11, 28, 19, 10), "hourly", None, ("23:00", "07:00"), u(2026, 11, 29, 4)),
        (u(2026, 11, 28, 3, 10), "hourly", None, ("23:00", "07:00"), u(2026, 11, 28, 4)),
        (u(2026, 11, 28, 10), "daily", "06:00", ("23:00", "07:00"), u(2026, 11, 29, 4)),
        (u(2026, 11, 28, 22), "daily", None, ("23:00", "07:00"), u(2026, 11, 29, 5)),
        (u(2026, 11, 28, 10), "daily", "20:00", None, u(2026, 11, 28, 17)),
    ],
    ids=[
        "instant-no-quiet",
        "instant-outside-quiet",
        "instant-inside-quiet-held-to-end",
        "hourly",
        "hourly-outside-quiet",
        "hourly-into-quiet-waits-for-end",
        "hourly-at-quiet-start-waits",
        "hourly-at-quiet-end-goes",
        "daily-inside-quiet-waits-for-end",
        "daily-after-quiet",
        "daily-evening",
    ],
)
def test_release_at(
    now: datetime,
    digest: str,
    at: str | None,
    quiet: tuple[str, str] | None,
    expected: datetime | None,
) -> None:
    start, end = quiet or (None, None)
    got = release_at(now, digest=digest, digest_at=at, tz=BAGHDAD, quiet_start=start, quiet_end=end)
    assert got == expected


def test_release_never_lands_inside_quiet_hours() -> None:
    now = u(2026, 3, 27, 0)
    for step in range(0, 4 * 24 * 4):  # every 15 minutes over four days, across Berlin's DST
        moment = now + timedelta(minutes=15 * step)
        for digest in ("off", "hourly", "daily"):
            got = release_at(
                moment, digest=digest, digest_at="02:30", tz=BERLIN,
                quiet_start="22:00", quiet_end="06:00",
            )  # fmt: skip
            if got is None:
                assert digest == "off"
                assert in_quiet(moment, start="22:00", end="06:00", tz=BERLIN) is None
                continue
            assert got > moment
            assert in_quiet(got, start="22:00", end="06:00", tz=BERLIN) is None
