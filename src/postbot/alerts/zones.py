"""Time zones as people type them, and how a time is shown in one (pure).

`/tz` takes an IANA name in any case ("asia/baghdad"), a city in Arabic or English («بغداد»,
«البصره», "New York"; Arabic spelling is normalized as for matching), or a UTC offset ("UTC+3",
"GMT-5", "+03:00", "UTC+5:30"). A whole-hour offset is stored as its IANA fixed zone
("Etc/GMT-3" for UTC+3: the Etc names carry the POSIX sign, inverted); an offset with minutes,
which has no IANA name, as "UTC+05:30". Both round-trip: `zone_of` reads every stored form.

Every time a chat reads is shown on its wall clock followed by `zone_label`: the zone's
abbreviation when tzdata has a real one ("CET", "GMT", "IST"), else the offset as "UTC+03" or
"UTC+05:30" (Baghdad shows "UTC+03").
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from postbot.ids import to_ascii_digits
from postbot.match.normalize import normalize

# Direction marks that Telegram clients may put around Arabic-script input.
_MARKS = str.maketrans("", "", "\u200e\u200f\u061c\u2066\u2067\u2068\u2069")
# Entries in the system zone directory that are not IANA zones a user means.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})
# "UTC+3", "GMT -5", "+03:00", "UTC+5:30", "utc−3", "UTC+0530"; a bare "UTC"/"GMT" is a zone name
_OFFSET = re.compile(
    r"(?:utc|gmt|ت\s*ع\s*م)?\s*([+\-−–])\s*([0-9]{1,2})(?:(?::|\.|٫)?([0-9]{2}))?", re.IGNORECASE
)
_FIXED = re.compile(r"UTC([+-])([0-9]{2}):([0-9]{2})")
MAX_OFFSET = timedelta(hours=14)

# Cities people name, in Arabic and English, with the zone they mean. Arabic keys are matched
# after normalization (hamza forms, ة/ه, ى/ي, tashkeel), English ones in lower case.
CITIES: dict[str, str] = {
    # Iraq
    "بغداد": "Asia/Baghdad",
    "اربيل": "Asia/Baghdad",
    "البصرة": "Asia/Baghdad",
    "الموصل": "Asia/Baghdad",
    "النجف": "Asia/Baghdad",
    "كربلاء": "Asia/Baghdad",
    "كركوك": "Asia/Baghdad",
    "السليمانية": "Asia/Baghdad",
    "الرمادي": "Asia/Baghdad",
    "العراق": "Asia/Baghdad",
    "baghdad": "Asia/Baghdad",
    "erbil": "Asia/Baghdad",
    "basra": "Asia/Baghdad",
    "basrah": "Asia/Baghdad",
    "mosul": "Asia/Baghdad",
    "najaf": "Asia/Baghdad",
    "kirkuk": "Asia/Baghdad",
    "sulaymaniyah": "Asia/Baghdad",
    "iraq": "Asia/Baghdad",
    # the region
    "دمشق": "Asia/Damascus",
    "حلب": "Asia/Damascus",
    "حمص": "Asia/Damascus",
    "سوريا": "Asia/Damascus",
    "damascus": "Asia/Damascus",
    "aleppo": "Asia/Damascus",
    "homs": "Asia/Damascus",
    "syria": "Asia/Damascus",
    "بيروت": "Asia/Beirut",
    "لبنان": "Asia/Beirut",
    "beirut": "Asia/Beirut",
    "lebanon": "Asia/Beirut",
    "عمان": "Asia/Amman",  # «عمّان» once normalized; the Sultanate is «مسقط»
    "الاردن": "Asia/Amman",
    "amman": "Asia/Amman",
    "jordan": "Asia/Amman",
    "القدس": "Asia/Jerusalem",
    "jerusalem": "Asia/Jerusalem",
    "غزة": "Asia/Gaza",
    "gaza": "Asia/Gaza",
    "الرياض": "Asia/Riyadh",
    "جدة": "Asia/Riyadh",
    "مكة": "Asia/Riyadh",
    "السعودية": "Asia/Riyadh",
    "riyadh": "Asia/Riyadh",
    "jeddah": "Asia/Riyadh",
    "mecca": "Asia/Riyadh",
    "الكويت": "Asia/Kuwait",
    "kuwait": "Asia/Kuwait",
    "المنامة": "Asia/Bahrain",
    "البحرين": "Asia/Bahrain",
    "manama": "Asia/Bahrain",
    "bahrain": "Asia/Bahrain",
    "الدوحة": "Asia/Qatar",
    "قطر": "Asia/Qatar",
    "doha": "Asia/Qatar",
    "qatar": "Asia/Qatar",
    "دبي": "Asia/Dubai",
    "ابوظبي": "Asia/Dubai",
    "ابو ظبي": "Asia/Dubai",
    "الامارات": "Asia/Dubai",
    "dubai": "Asia/Dubai",
    "abu dhabi": "Asia/Dubai",
    "uae": "Asia/Dubai",
    "مسقط": "Asia/Muscat",
    "muscat": "Asia/Muscat",
    "صنعاء": "Asia/Aden",
    "عدن": "Asia/Aden",
    "sanaa": "Asia/Aden",
    "aden": "Asia/Aden",
    "القاهرة": "Africa/Cairo",
    "الاسكندرية": "Africa/Cairo",
    "مصر": "Africa/Cairo",
    "cairo": "Africa/Cairo",
    "alexandria": "Africa/Cairo",
    "egypt": "Africa/Cairo",
    "الخرطوم": "Africa/Khartoum",
    "khartoum": "Africa/Khartoum",
    "طرابلس": "Africa/Tripoli",
    "tripoli": "Africa/Tripoli",
    "تونس": "Africa/Tunis",
    "tunis": "Africa/Tunis",
    "الجزائر": "Africa/Algiers",
    "algiers": "Africa/Algiers",
    "الرباط": "Africa/Casablanca",
    "الدار البيضاء": "Africa/Casablanca",
    "rabat": "Africa/Casablanca",
    "casablanca": "Africa/Casablanca",
    "طهران": "Asia/Tehran",
    "ايران": "Asia/Tehran",
    "tehran": "Asia/Tehran",
    "iran": "Asia/Tehran",
    "انقرة": "Europe/Istanbul",
    "اسطنبول": "Europe/Istanbul",
    "تركيا": "Europe/Istanbul",
    "ankara": "Europe/Istanbul",
    "istanbul": "Europe/Istanbul",
    "turkey": "Europe/Istanbul",
    # further away
    "لندن": "Europe/London",
    "london": "Europe/London",
    "باريس": "Europe/Paris",
    "paris": "Europe/Paris",
    "برلين": "Europe/Berlin",
    "berlin": "Europe/Berlin",
    "بروكسل": "Europe/Brussels",
    "brussels": "Europe/Brussels",
    "روما": "Europe/Rome",
    "rome": "Europe/Rome",
    "مدريد": "Europe/Madrid",
    "madrid": "Europe/Madrid",
    "جنيف": "Europe/Zurich",
    "geneva": "Europe/Zurich",
    "ستوكهولم": "Europe/Stockholm",
    "stockholm": "Europe/Stockholm",
    "موسكو": "Europe/Moscow",
    "moscow": "Europe/Moscow",
    "كييف": "Europe/Kyiv",
    "kyiv": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "واشنطن": "America/New_York",
    "نيويورك": "America/New_York",
    "washington": "America/New_York",
    "new york": "America/New_York",
    "شيكاغو": "America/Chicago",
    "chicago": "America/Chicago",
    "لوس انجلوس": "America/Los_Angeles",
    "los angeles": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "تورنتو": "America/Toronto",
    "toronto": "America/Toronto",
    "كابول": "Asia/Kabul",
    "kabul": "Asia/Kabul",
    "اسلام اباد": "Asia/Karachi",
    "islamabad": "Asia/Karachi",
    "karachi": "Asia/Karachi",
    "نيودلهي": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "بكين": "Asia/Shanghai",
    "beijing": "Asia/Shanghai",
    "طوكيو": "Asia/Tokyo",
    "tokyo": "Asia/Tokyo",
    "سيدني": "Australia/Sydney",
    "sydney": "Australia/Sydney",
}


# words people put before a city: «توقيت مكة», «مدينة دبي», "time in London"
_LEADS = ("توقيت ", "مدينه ", "time in ", "time ")


def _key(name: str) -> str:
    """A city name as looked up: Arabic normalized, Latin lower-cased, spaces single."""
    return " ".join(normalize(name).lower().split())


@cache
def _cities() -> dict[str, str]:
    return {_key(name): zone for name, zone in CITIES.items()}


@cache
def _zones() -> dict[str, str]:
    """Every known IANA zone, keyed by its lower-case name (read once)."""
    return {name.lower(): name for name in available_timezones() if name not in _NOT_ZONES}


def _clean(text: str) -> str:
    return to_ascii_digits(text.translate(_MARKS)).strip()


def offset_zone(offset: timedelta) -> str:
    """The stored name of a fixed UTC offset: "Etc/GMT-3" for +3 h, "UTC+05:30" with minutes."""
    if abs(offset) > MAX_OFFSET:
        raise ValueError(f"UTC offsets run from -14:00 to +14:00, not {offset}")
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes > 0 else "-"
    if rest == 0 and hours <= 12:
        # the Etc zones use the POSIX sign: Etc/GMT-3 is three hours ahead of UTC
        return f"Etc/GMT{'-' if minutes > 0 else '+'}{hours}"
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def _read_offset(text: str) -> str | None:
    match = _OFFSET.fullmatch(text)
    if match is None:
        return None
    sign = -1 if match.group(1) != "+" else 1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if minutes >= 60 or minutes % 15:
        raise ValueError(f"not a UTC offset: {text!r}")
    return offset_zone(sign * timedelta(hours=hours, minutes=minutes))


def parse_zone(text: str) -> str:
    """The zone a user means, as stored; ValueError when it is not one we know."""
    cleaned = _clean(text)
    if not cleaned:
        raise ValueError("empty time zone")
    canonical = _zones().get(cleaned.lower())
    if canonical is not None:
        return canonical
    fixed = _FIXED.fullmatch(cleaned.upper())
    if fixed is not None:  # our own stored form, typed back
        return _read_offset(cleaned.upper()) or cleaned.upper()
    offset = _read_offset(cleaned)
    if offset is not None:
        return offset
    key = _key(cleaned.replace("_", " "))
    for lead in _LEADS:  # «توقيت بغداد», "time in London"
        key = key.removeprefix(lead)
    city = _cities().get(key)
    if city is not None:
        return city
    raise ValueError(f"unknown time zone: {cleaned!r}")


def check_zone(name: str) -> str:
    """A stored zone's canonical form: an IANA name or "UTC±HH:MM"; ValueError otherwise."""
    cleaned = _clean(name)
    canonical = _zones().get(cleaned.lower())
    if canonical is not None:
        return canonical
    fixed = _FIXED.fullmatch(cleaned.upper())
    if fixed is not None:
        sign = 1 if fixed.group(1) == "+" else -1
        offset = sign * timedelta(hours=int(fixed.group(2)), minutes=int(fixed.group(3)))
        if abs(offset) <= MAX_OFFSET and int(fixed.group(3)) < 60:
            return cleaned.upper()
    raise ValueError(f"unknown time zone: {cleaned!r} (use an IANA name, e.g. Asia/Baghdad)")


@cache
def zone_of(name: str) -> tzinfo:
    """The tzinfo of a stored zone (an IANA name, or a fixed "UTC±HH:MM")."""
    canonical = check_zone(name)
    fixed = _FIXED.fullmatch(canonical)
    if fixed is None:
        return ZoneInfo(canonical)
    sign = 1 if fixed.group(1) == "+" else -1
    offset = sign * timedelta(hours=int(fixed.group(2)), minutes=int(fixed.group(3)))
    return timezone(offset, canonical)


def zone_label(moment: datetime) -> str:
    """How a local time names its zone: "CET", "GMT", else the offset ("UTC+03", "UTC+05:30")."""
    abbr = moment.strftime("%Z")
    if abbr and abbr[:1] not in "+-" and not abbr.startswith("UTC") and abbr.isalpha():
        return abbr
    offset = moment.utcoffset()
    if offset is None or offset == timedelta(0):
        return "UTC"
    minutes = int(offset.total_seconds()) // 60
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes > 0 else "-"
    return f"UTC{sign}{hours:02d}" + (f":{rest:02d}" if rest else "")


def local_stamp(when: datetime, tz: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An instant on the zone's wall clock with the zone's label: "2026-11-28 14:05 UTC+03"."""
    if when.tzinfo is None:  # stored instants are UTC
        when = when.replace(tzinfo=UTC)
    try:
        zone = zone_of(tz)
    except ValueError:
        zone = UTC
    local = when.astimezone(zone)
    return f"{local.strftime(fmt)} {zone_label(local)}"


def zone_name(tz: str, now: datetime) -> str:
    """A stored zone as a reply names it: its IANA name, or for a fixed offset its label
    ("UTC+03", "UTC+05:30"; never "Etc/GMT-3", whose sign reads backwards)."""
    if not tz.startswith(("Etc/", "UTC")):
        return tz
    try:
        return zone_label(now.astimezone(zone_of(tz)))
    except ValueError:
        return tz
