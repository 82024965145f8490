"""Time zones as people type them (/tz) and how times are labelled (issue 16 item 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from postbot.alerts.release import next_digest
from postbot.alerts.zones import (
    CITIES,
    check_zone,
    local_stamp,
    offset_zone,
    parse_zone,
    zone_label,
    zone_name,
    zone_of,
)

WINTER = datetime(2026, 11, 28, 11, 5, tzinfo=UTC)
SUMMER = datetime(2026, 7, 1, 11, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Asia/Baghdad", "Asia/Baghdad"),
        ("asia/BAGHDAD", "Asia/Baghdad"),
        ("بغداد", "Asia/Baghdad"),
        ("أربيل", "Asia/Baghdad"),
        ("البصرة", "Asia/Baghdad"),
        ("البصره", "Asia/Baghdad"),  # ة/ه
        ("الموصل", "Asia/Baghdad"),
        ("دمشق", "Asia/Damascus"),
        ("حلب", "Asia/Damascus"),
        ("بيروت", "Asia/Beirut"),
        ("عمّان", "Asia/Amman"),  # shadda
        ("الرياض", "Asia/Riyadh"),
        ("القاهرة", "Africa/Cairo"),
        ("طهران", "Asia/Tehran"),
        ("أنقرة", "Europe/Istanbul"),
        ("إسطنبول", "Europe/Istanbul"),
        ("\u200fبغداد\u200f", "Asia/Baghdad"),  # direction marks from the client
        ("London", "Europe/London"),
        ("paris", "Europe/Paris"),
        ("Berlin", "Europe/Berlin"),
        ("Washington", "America/New_York"),
        ("new  york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("Moscow", "Europe/Moscow"),
        ("توقيت مكة", "Asia/Riyadh"),
        ("مدينة دبي", "Asia/Dubai"),
        ("time in London", "Europe/London"),
        ("Dubai", "Asia/Dubai"),
        ("Doha", "Asia/Qatar"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("UTC+3", "Etc/GMT-3"),
        ("GMT-5", "Etc/GMT+5"),
        ("+03:00", "Etc/GMT-3"),
        ("utc +3", "Etc/GMT-3"),
        ("UTC−3", "Etc/GMT+3"),  # a typographic minus
        ("UTC+٣", "Etc/GMT-3"),  # Arabic-Indic digit
        ("UTC+0", "UTC"),
        ("UTC+5:30", "UTC+05:30"),
        ("UTC+0530", "UTC+05:30"),
        ("utc+05:30", "UTC+05:30"),
        ("UTC-3:30", "UTC-03:30"),
        ("UTC+14", "UTC+14:00"),
        ("UTC+12", "Etc/GMT-12"),
        ("UTC-12", "Etc/GMT+12"),
    ],
)
def test_parse_zone(typed: str, zone: str) -> None:
    assert parse_zone(typed) == zone
    assert check_zone(zone) == zone  # what is stored is read back


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "Mars",
        "Mars/Olympus",
        "../../etc/passwd",
        "UTC+15",
        "UTC+5:20",
        "UTC+3:75",
        "<b>Baghdad</b>",
        "localtime",
        "+",
        "UTC+3 please",
    ],
)
def test_parse_zone_refuses(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_zone(typed)


def test_every_city_names_a_real_zone() -> None:
    for zone in CITIES.values():
        assert check_zone(zone) == zone


def test_offsets_round_trip() -> None:
    for minutes in range(-12 * 60, 14 * 60 + 1, 15):
        stored = offset_zone(timedelta(minutes=minutes))
        assert WINTER.astimezone(zone_of(stored)).utcoffset() == timedelta(minutes=minutes)
        assert parse_zone(stored) == stored
    with pytest.raises(ValueError):
        offset_zone(timedelta(hours=15))


@pytest.mark.parametrize(
    ("zone", "when", "label"),
    [
        ("Asia/Baghdad", WINTER, "2026-11-28 14:05 UTC+03"),
        ("Etc/GMT-3", WINTER, "2026-11-28 14:05 UTC+03"),
        ("UTC", WINTER, "2026-11-28 11:05 UTC"),
        ("Europe/London", WINTER, "2026-11-28 11:05 GMT"),
        ("Europe/London", SUMMER, "2026-07-01 12:05 BST"),
        ("Europe/Paris", WINTER, "2026-11-28 12:05 CET"),
        ("America/New_York", WINTER, "2026-11-28 06:05 EST"),
        ("Asia/Kolkata", WINTER, "2026-11-28 16:35 IST"),
        ("UTC+05:30", WINTER, "2026-11-28 16:35 UTC+05:30"),
        ("Etc/GMT+5", WINTER, "2026-11-28 06:05 UTC-05"),
        ("Not/AZone", WINTER, "2026-11-28 11:05 UTC"),  # never a crash
    ],
)
def test_local_stamp(zone: str, when: datetime, label: str) -> None:
    assert local_stamp(when, zone) == label


def test_zone_label_and_name() -> None:
    assert zone_label(WINTER.astimezone(zone_of("Asia/Tehran"))) == "UTC+03:30"
    assert zone_name("Etc/GMT-3", WINTER) == "UTC+03"  # never the backwards POSIX sign
    assert zone_name("UTC+05:30", WINTER) == "UTC+05:30"
    assert zone_name("Asia/Baghdad", WINTER) == "Asia/Baghdad"


def test_digests_run_in_a_fixed_offset_zone() -> None:
    due = next_digest(WINTER, mode="daily", at="08:00", tz="UTC+05:30")
    assert due is not None
    assert due.astimezone(zone_of("UTC+05:30")).strftime("%H:%M") == "08:00"
