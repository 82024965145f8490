"""What /unwatch, /mute and /pause are given, read strictly (pure: no I/O).

`/unwatch 1 2`, `/unwatch 1,2`, `/unwatch ١ ٢`, `/unwatch all` («الكل»), `/unwatch <query>`;
`/mute <number or topic> [2h|1d|1w] [hold]` and `/pause [2h|1d] [hold]`. A duration is a whole
number and a unit: h (hours), d (days), w (weeks), also in Arabic («2س», «ساعتين», «يوم»,
«أسبوع»); it may not pass MAX_SILENCE. The word `hold` («احتفظ») keeps the alerts of that time
for a digest at its end instead of dropping them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from postbot.ids import parse_number, to_ascii_digits

MUTE_DEFAULT = timedelta(days=1)  # also what the 🔕 button under an alert does
PAUSE_DEFAULT = timedelta(hours=2)
MAX_SILENCE = timedelta(days=30)
MAX_NUMBERS = 50  # as many as a chat may have watches

ALL_WORDS = frozenset({"all", "الكل", "الجميع", "كل", "*"})
HOLD_WORDS = frozenset({"hold", "held", "keep", "احتفظ", "احفظ", "احتفاظ", "حفظ"})
_UNITS = {
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "d": "d",
    "day": "d",
    "days": "d",
    "w": "w",
    "wk": "w",
    "week": "w",
    "weeks": "w",
    "س": "h",
    "ساعة": "h",
    "ساعه": "h",
    "ساعات": "h",
    "ي": "d",
    "يوم": "d",
    "أيام": "d",
    "ايام": "d",
    "أ": "w",
    "أسبوع": "w",
    "اسبوع": "w",
    "أسابيع": "w",
    "اسابيع": "w",
}
# words that carry their number: «ساعتين» two hours, «يومين» two days, «أسبوعين» two weeks
_DUALS = {"ساعتين": (2, "h"), "ساعتان": (2, "h"), "يومين": (2, "d"), "يومان": (2, "d")}
_DUALS |= {"أسبوعين": (2, "w"), "اسبوعين": (2, "w"), "أسبوعان": (2, "w")}
_STEP = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_DURATION = re.compile(r"([0-9]{1,4})\s*([^\s0-9]+)")
_SEPARATORS = re.compile(r"[,،;؛\s]+")


class DurationError(ValueError):
    """A duration that is malformed ("bad") or longer than MAX_SILENCE ("long")."""

    def __init__(self, code: str, value: str) -> None:
        self.code, self.value = code, value
        super().__init__(f"{code} duration: {value!r}")


def parse_duration(word: str) -> timedelta | None:
    """ "2h", "1d", "1w", «٢س», «ساعتين», «يوم» as a timedelta; None if it is no duration;
    DurationError when it is one but zero or longer than MAX_SILENCE."""
    cleaned = to_ascii_digits(word.strip().lower())
    if cleaned in _DUALS:
        count, unit = _DUALS[cleaned]
    elif cleaned in _UNITS:
        count, unit = 1, _UNITS[cleaned]
    else:
        match = _DURATION.fullmatch(cleaned)
        if match is None or match.group(2) not in _UNITS:
            return None
        count, unit = int(match.group(1)), _UNITS[match.group(2)]
    span = count * _STEP[unit]
    if span <= timedelta(0) or span > MAX_SILENCE:
        raise DurationError("long" if span else "bad", word.strip())
    return span


@dataclass(frozen=True, slots=True)
class SilenceArgs:
    """/mute or /pause arguments: what (empty for /pause), for how long, and whether to hold."""

    target: str
    duration: timedelta | None
    hold: bool


def parse_silence(args: str) -> SilenceArgs:
    """Split `<target> [duration] [hold]` (duration and hold in either order, at the end)."""
    words = args.split()
    duration: timedelta | None = None
    hold = False
    while words:
        last = words[-1]
        if last.lower() in HOLD_WORDS and not hold:
            hold = True
        elif (
            duration is None
            and last.lower() in _UNITS
            and len(words) >= 2
            and (parse_number(words[-2], low=0) is not None)
        ):
            duration = parse_duration(words[-2] + last)  # "2 h", typed with a space
            words.pop()
        elif duration is None and (found := parse_duration(last)) is not None:
            duration = found
        else:
            break
        words.pop()
    return SilenceArgs(" ".join(words), duration, hold)


@dataclass(frozen=True, slots=True)
class UnwatchArgs:
    """/unwatch arguments: all of them, some numbers, or a query's text."""

    all: bool = False
    numbers: tuple[int, ...] = ()
    text: str = ""


def parse_unwatch(args: str) -> UnwatchArgs:
    """Numbers if every word is one (`#` allowed, commas or spaces between), `all`, else text."""
    cleaned = args.strip()
    if cleaned.lower() in ALL_WORDS:
        return UnwatchArgs(all=True)
    parts = [p.removeprefix("#") for p in _SEPARATORS.split(cleaned) if p]
    numbers = [parse_number(p, low=0) for p in parts]
    if parts and len(parts) <= MAX_NUMBERS and all(n is not None for n in numbers):
        return UnwatchArgs(numbers=tuple(dict.fromkeys(n for n in numbers if n is not None)))
    return UnwatchArgs(text=cleaned)
