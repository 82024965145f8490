"""When held alerts go out: digest times, quiet hours and chat time zones (pure).

Times of day are stored as canonical "HH:MM" strings and read in the chat's IANA time zone; every
instant taken or returned is timezone-aware UTC. Local times that the clock skips (spring forward)
resolve to the first instant after the gap; local times that happen twice (fall back) resolve to
the first occurrence for digests. A quiet window [start, end) is judged on the local wall clock and
may cross midnight ("23:00-07:00"); it ends at the next local `end` after now.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol

from postbot.alerts.zones import zone_of
from postbot.ids import to_ascii_digits

DEFAULT_DIGEST_AT = "08:00"

# Direction marks that Telegram clients may put around Arabic-script input.
_MARKS = str.maketrans("", "", "\u200e\u200f\u061c\u2066\u2067\u2068\u2069")
# "8:00", "08:00" and "8.00" (a dot is common on phone keyboards; minutes must have two digits).
_HHMM = re.compile(r"([0-9]{1,2})[:.٫]([0-9]{2})")
_DASH = re.compile(r"\s*[-–—−‐]\s*")
_QUARTER = timedelta(minutes=15)


def _clean(text: str) -> str:
    return to_ascii_digits(text.translate(_MARKS)).strip()


def parse_hhmm(text: str) -> str:
    """A time of day ("8:00", "٠٨:٠٠", "8.00") in canonical "HH:MM"; ValueError if malformed."""
    match = _HHMM.fullmatch(_clean(text))
    if match is None:
        raise ValueError(f"not a time of day: {text.strip()!r} (use HH:MM, e.g. 08:00)")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23:
        raise ValueError(f"hour must be 00-23: {text.strip()!r}")
    if minute > 59:
        raise ValueError(f"minutes must be 00-59: {text.strip()!r}")
    return f"{hour:02d}:{minute:02d}"


class EmptyQuietWindow(ValueError):
    """A quiet window that ends when it starts (`22:00-22:00`); `at` is that time."""

    def __init__(self, at: str) -> None:
        super().__init__("a quiet window must end at a different time than it starts")
        self.at = at


def parse_quiet(text: str) -> tuple[str, str]:
    """A quiet window "HH:MM-HH:MM" (any dash, spaces allowed) as (start, end); ValueError else."""
    parts = _DASH.split(_clean(text))
    if len(parts) != 2:
        raise ValueError(f"not a time window: {text.strip()!r} (use HH:MM-HH:MM, e.g. 23:00-07:00)")
    start, end = parse_hhmm(parts[0]), parse_hhmm(parts[1])
    if start == end:
        raise EmptyQuietWindow(start)
    return start, end


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)


def _time(hhmm: str) -> time:
    hour, minute = parse_hhmm(hhmm).split(":")
    return time(int(hour), int(minute))


def _occurrences(day: date, at: time, zone: tzinfo) -> list[datetime]:
    """The UTC instants at which the local clock in `zone` shows `at` on `day`, earliest first.

    Two for a time repeated at fall back; for a time skipped at spring forward, the one instant at
    which the clock jumps over it (the first valid instant after it).
    """
    wall = datetime.combine(day, at)
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    a, b = sorted((first.astimezone(UTC), second.astimezone(UTC)))
    if a == b:
        return [a]
    if a.astimezone(zone).replace(tzinfo=None) == wall:
        return [a, b]  # ambiguous: both instants show this wall time
    # Skipped: find the transition between a (old offset) and b (new offset), to the second.
    after = b.astimezone(zone).utcoffset()
    while b - a > timedelta(seconds=1):
        mid = a + (b - a) / 2
        mid = mid.replace(microsecond=0)
        if mid.astimezone(zone).utcoffset() == after:
            b = mid
        else:
            a = mid
    return [b]


def _next_local(now: datetime, at: time, zone: tzinfo, *, first_only: bool) -> datetime:
    """The first instant strictly after `now` at which the local clock shows `at`."""
    today = now.astimezone(zone).date()
    candidates: list[datetime] = []
    for shift in (-1, 0, 1, 2):
        found = _occurrences(today + timedelta(days=shift), at, zone)
        candidates.extend(found[:1] if first_only else found)
    return min(c for c in candidates if c > now)


def _next_hour(now: datetime, zone: tzinfo) -> datetime:
    """The first instant strictly after `now` at the top of a local hour."""
    # Every modern UTC offset is a whole number of quarter hours, so local tops of the hour fall
    # on UTC quarter hours; walk those.
    step = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0) + _QUARTER
    for _ in range(4 * 48):
        local = step.astimezone(zone)
        if local.minute == 0 and local.second == 0:
            return step
        step += _QUARTER
    # Only historic offsets with odd seconds get here: fall back to the next UTC hour.
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def next_digest(now: datetime, *, mode: str, at: str | None, tz: str) -> datetime | None:
    """The next digest instant (aware UTC) strictly after `now`, or None when digests are off."""
    now = _utc(now)
    zone = zone_of(tz)
    if mode == "off":
        return None
    if mode == "hourly":
        return _next_hour(now, zone)
    if mode == "daily":
        return _next_local(now, _time(at or DEFAULT_DIGEST_AT), zone, first_only=True)
    raise ValueError(f"unknown digest mode: {mode!r} (use off, hourly or daily)")


def in_quiet(now: datetime, *, start: str | None, end: str | None, tz: str) -> datetime | None:
    """The instant (aware UTC) the quiet window ends if `now` is inside [start, end), else None."""
    if start is None or end is None:
        return None
    now = _utc(now)
    zone = zone_of(tz)
    begin, finish = _time(start), _time(end)
    wall = now.astimezone(zone).time()
    # A window with begin > finish crosses midnight; begin == finish never gets stored.
    inside = begin <= wall < finish if begin < finish else wall >= begin or wall < finish
    if not inside:
        return None
    return _next_local(now, finish, zone, first_only=False)


def release_at(
    now: datetime,
    *,
    digest: str,
    digest_at: str | None,
    tz: str,
    quiet_start: str | None,
    quiet_end: str | None,
) -> datetime | None:
    """When a story matched at `now` goes out (aware UTC); None means send it now."""
    if digest == "off":
        return in_quiet(now, start=quiet_start, end=quiet_end, tz=tz)
    due = next_digest(now, mode=digest, at=digest_at, tz=tz)
    if due is None:  # unreachable: mode is not "off" here
        return None
    quiet_end_at = in_quiet(due, start=quiet_start, end=quiet_end, tz=tz)
    return quiet_end_at or due


class Timing(Protocol):
    """A chat's timing settings (the chat row has them)."""

    @property
    def digest(self) -> str: ...
    @property
    def digest_at(self) -> str | None: ...
    @property
    def tz(self) -> str: ...
    @property
    def quiet_start(self) -> str | None: ...
    @property
    def quiet_end(self) -> str | None: ...


def release_for(chat: Timing, now: datetime) -> datetime | None:
    """`release_at` for a chat's settings: None means send at once."""
    return release_at(
        now,
        digest=chat.digest,
        digest_at=chat.digest_at,
        tz=chat.tz,
        quiet_start=chat.quiet_start,
        quiet_end=chat.quiet_end,
    )
