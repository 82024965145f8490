"""Numbers that people type or buttons carry (watch numbers, row ids, user ids), parsed strictly.

`str.isdigit` is the wrong test for these: it accepts superscripts («²»), circled digits («①»)
and other scripts' digits that `int` then refuses or reads in ways no user meant, and a forged
button can carry twenty digits that overflow the database's integer. Here a number is written
entirely in one of the digit sets an Arabic-speaking user may type: ASCII, Arabic-Indic
(٠-٩) or Extended Arabic-Indic (۰-۹, Persian and Urdu keyboards). Mixing two sets in one number
is refused as ambiguous, and the value must lie in the range the caller gives.
"""

from __future__ import annotations

# the store's integer primary keys (watch ids): PostgreSQL INTEGER, the narrower of our backends
ROW_ID_MAX = 2**31 - 1
# Telegram user ids fit in 52 bits (Bot API docs: "at most 52 significant bits")
USER_ID_MAX = 2**52 - 1

ASCII_DIGITS = "0123456789"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
EXTENDED_ARABIC_INDIC_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
DIGIT_SETS = (ASCII_DIGITS, ARABIC_INDIC_DIGITS, EXTENDED_ARABIC_INDIC_DIGITS)
_TO_ASCII = str.maketrans(
    ARABIC_INDIC_DIGITS + EXTENDED_ARABIC_INDIC_DIGITS, ASCII_DIGITS + ASCII_DIGITS
)


def to_ascii_digits(text: str) -> str:
    """`text` with every Arabic-Indic and Extended Arabic-Indic digit written in ASCII."""
    return text.translate(_TO_ASCII)


def ascii_digits(text: str) -> str | None:
    """`text` with its digits written in ASCII, if it is all digits of one set; else None."""
    for digits in DIGIT_SETS:
        if text and all(c in digits for c in text):
            return to_ascii_digits(text)
    return None


def parse_number(text: str, *, low: int = 1, high: int = ROW_ID_MAX) -> int | None:
    """The whole number `text` spells, if it lies in [low, high]; None for anything else.

    No sign, no spaces, no separators: callers strip what their syntax allows first.
    """
    digits = ascii_digits(text)
    if digits is None:
        return None
    significant = digits.lstrip("0") or "0"
    # compared by length first so that a 5,000-digit string never reaches int() (which refuses
    # more than 4,300 digits with an error of its own)
    if len(significant) > len(str(high)):
        return None
    value = int(significant)
    return value if low <= value <= high else None
