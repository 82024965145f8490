"""Strict number parsing for ids and list positions (issue 11, item 8)."""

from __future__ import annotations

import random

import pytest

from postbot.ids import ROW_ID_MAX, USER_ID_MAX, ascii_digits, parse_number, to_ascii_digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("7", 7, id="ascii"),
        pytest.param("0042", 42, id="leading-zeros"),
        pytest.param("٣", 3, id="arabic-indic"),
        pytest.param("١٢٠", 120, id="arabic-indic-several"),
        pytest.param("۴۵", 45, id="persian"),
        pytest.param(str(ROW_ID_MAX), ROW_ID_MAX, id="largest-row-id"),
        pytest.param("0" * 40 + "9", 9, id="many-leading-zeros"),
    ],
)
def test_numbers_people_type(text: str, expected: int) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("²", id="superscript"),
        pytest.param("①", id="circled"),
        pytest.param("߃", id="nko-digit"),
        pytest.param("১", id="bengali-digit"),
        pytest.param("１２", id="fullwidth"),
        pytest.param("𝟙", id="math-bold"),
        pytest.param("Ⅻ", id="roman-numeral"),
        pytest.param("1٢", id="mixed-ascii-arabic"),
        pytest.param("٣۳", id="mixed-arabic-persian"),
        pytest.param("-1", id="negative"),
        pytest.param("+1", id="plus"),
        pytest.param("1e9", id="exponent"),
        pytest.param("0x1f", id="hex"),
        pytest.param("1_000", id="underscore"),
        pytest.param("1,000", id="comma"),
        pytest.param("1.5", id="decimal"),
        pytest.param(" 3", id="space"),
        pytest.param("3\n", id="newline"),
        pytest.param("0", id="zero"),
        pytest.param(str(ROW_ID_MAX + 1), id="past-row-ids"),
        pytest.param("9" * 20, id="twenty-digits"),
        pytest.param("9" * 5000, id="past-int-digit-limit"),
        pytest.param("٩" * 5000, id="arabic-past-int-digit-limit"),
    ],
)
def test_anything_else_is_none(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "low", "high", "expected"),
    [
        pytest.param("0", 0, 10, 0, id="zero-allowed"),
        pytest.param("11", 0, 10, None, id="above"),
        pytest.param("4", 5, 10, None, id="below"),
        pytest.param(str(USER_ID_MAX), 1, USER_ID_MAX, USER_ID_MAX, id="user-id-max"),
        pytest.param(str(USER_ID_MAX + 1), 1, USER_ID_MAX, None, id="past-user-ids"),
    ],
)
def test_bounds(text: str, low: int, high: int, expected: int | None) -> None:
    assert parse_number(text, low=low, high=high) == expected


def test_random_strings_never_raise_and_stay_in_range() -> None:
    rng = random.Random(20261206)
    alphabet = "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹²³①߃১１𝟙-+ .,e_x\u200f\u0000"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        value = parse_number(text)
        assert value is None or 1 <= value <= ROW_ID_MAX
        if value is not None:
            assert ascii_digits(text) is not None


def test_the_one_digits_helper_writes_both_arabic_digit_sets_in_ascii() -> None:
    assert to_ascii_digits("٢١:٣٠ و۴۵ and 7") == "21:30 و45 and 7"
    assert ascii_digits("٢۴") is None  # two sets in one number stay ambiguous
