"""Which language a text speaks (issue 16): an Arabic text has no English sentence, an English
text no Arabic one, outside what the scan leaves aside (code, quotes, commands, durations,
tags). Shared by the texts' own test (tests/alerts/test_texts_language.py) and the end-to-end
walk (tests/bot/test_e2e_walk.py)."""

from __future__ import annotations

import re

# Latin words an Arabic text may show: the product and service names, operators of the query
# language, the arguments commands take, time notation and language codes.
ALLOWED_LATIN = {
    "postbot", "telegram", "iana", "utc",
    "or", "and", "not",
    "on", "off", "hourly", "daily", "ar", "en", "hold", "full", "compact", "all",
    "hh", "mm", "asia", "baghdad", "damascus", "europe", "london",
}  # fmt: skip

_CODE = re.compile(r"<(code|pre)\b[^>]*>.*?</\1>", re.DOTALL)
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z_]+")
_DURATION = re.compile(r"(?<![\w])\d+[hdwm]\b")  # a command's argument: 2h, 30d, 1w
_TAG = re.compile(r"<[^>]+>")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
ARABIC_WORD = re.compile(r"[\u0600-\u06ff]+")


def prose(markup: str) -> str:
    """What the text says in its own words: no code, quotes, commands or tags."""
    for pattern in (_CODE, _QUOTED, _COMMAND, _DURATION, _TAG):
        markup = pattern.sub(" ", markup)
    return markup


def latin_outside_allowed(arabic_text: str) -> list[str]:
    """Latin words of an Arabic text's own words that are not names, operators or arguments."""
    return [w for w in _LATIN_WORD.findall(prose(arabic_text)) if w.lower() not in ALLOWED_LATIN]


def arabic_runs(english_text: str) -> list[str]:
    """Runs of two or more Arabic words in an English text's own words (examples of single
    letters or spellings such as «ة/ه» are one word each)."""
    plain = prose(english_text)
    return [m.group() for m in re.finditer(r"[\u0600-\u06ff]+(?:\s+[\u0600-\u06ff]+)+", plain)]
