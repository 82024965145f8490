"""Reading figures from tokens: digits in any script, Arabic number words, ranges, vague counts."""

from __future__ import annotations

import pytest

from postbot.match.normalize import tokenize
from postbot.match.numbers import clitic_splits, read_quantity

# (id, text, between, (low, high, tokens read, yearlike) or None)
CASES: list[tuple[str, str, bool, tuple[int | None, int | None, int, bool] | None]] = [
    ("digits", "500", False, (500, 500, 1, False)),
    ("comma-groups", "2,500", False, (2500, 2500, 2, False)),
    ("arabic-sep-groups", "١٬٢٠٠٬٠٠٠", False, (1200000, 1200000, 3, False)),
    ("dot-groups", "2.500", False, (2500, 2500, 2, False)),
    ("dot-not-three-digits", "2.50", False, (2, 2, 1, False)),
    ("four-digit-first-group", "2014,500", False, (2014, 2014, 1, True)),
    ("decimal-thousand", "1.5 ألف", False, (1500, 1500, 3, False)),
    ("arabic-decimal-thousand", "١٫٥ ألف", False, (1500, 1500, 3, False)),
    ("year-like", "2014", False, (2014, 2014, 1, True)),
    ("grouped-not-year-like", "2,014", False, (2014, 2014, 2, False)),
    ("units-masculine", "ثلاثة", False, (3, 3, 1, False)),
    ("units-feminine", "سبع", False, (7, 7, 1, False)),
    ("teen", "خمسة عشر", False, (15, 15, 2, False)),
    ("eleven", "أحد عشر", False, (11, 11, 2, False)),
    ("ahad-alone-is-not-a-number", "أحد", False, None),
    ("twelve", "اثنا عشر", False, (12, 12, 2, False)),
    ("tens", "أربعين", False, (40, 40, 1, False)),
    ("unit-and-tens", "خمسة وعشرون", False, (25, 25, 2, False)),
    ("hundred-and-tens", "مئة وخمسون", False, (150, 150, 2, False)),
    ("hundreds-one-word", "تسعمائة", False, (900, 900, 1, False)),
    ("hundreds-two-words", "أربع مئة", False, (400, 400, 2, False)),
    ("full-compound", "ثلاثمائة وخمسة وعشرون", False, (325, 325, 3, False)),
    ("alf", "ألف", False, (1000, 1000, 1, False)),
    ("alfayn", "ألفين", False, (2000, 2000, 1, False)),
    ("alfan-and-hundreds", "ألفان وخمسمائة", False, (2500, 2500, 2, False)),
    ("plural-thousands", "ثلاثة آلاف", False, (3000, 3000, 2, False)),
    ("twenty-thousand-accusative", "عشرين ألفاً", False, (20000, 20000, 2, False)),
    ("fifteen-thousand", "خمسة عشر ألف", False, (15000, 15000, 3, False)),
    ("hundred-thousand", "مئة ألف", False, (100000, 100000, 2, False)),
    ("digits-thousand-and-digits", "5 آلاف و500", False, (5500, 5500, 3, False)),
    ("separate-waw", "ألف و 500", False, (1500, 1500, 3, False)),
    ("second-thousands-not-a-sum", "5 آلاف و6 آلاف", False, (5000, 5000, 2, False)),
    ("english-thousand", "5 thousand", False, (5000, 5000, 2, False)),
    ("million", "مليون", False, (1000000, 1000000, 1, False)),
    ("range-dash", "250–300", False, (250, 300, 2, False)),
    ("range-ila", "250 إلى 300", False, (250, 300, 3, False)),
    ("range-to", "2,000 to 3,000", False, (2000, 3000, 5, False)),
    ("range-shared-multiplier", "5 إلى 6 آلاف", False, (5000, 6000, 4, False)),
    ("range-bayn-wa-glued", "200 و300", True, (200, 300, 2, False)),
    ("range-bayn-words", "خمسين وستين", True, (50, 60, 2, False)),
    ("range-bayn-compound", "ألف وخمسمائة وألفين", True, (1500, 2000, 3, False)),
    ("wa-without-bayn-is-no-range", "200 و300", False, (200, 200, 1, False)),
    ("bayn-needs-a-range", "200 جندي", True, None),
    ("descending-is-no-range", "300-250", False, (300, 300, 1, False)),
    ("year-range", "2024-2026", False, (2024, 2026, 2, True)),
    ("clitic-on-digits", "ب500", False, (500, 500, 1, False)),
    ("vague-tens", "عشرات", False, (None, None, 1, False)),
    ("vague-hundreds-of-thousands", "مئات الآلاف", False, (None, None, 2, False)),
    ("vague-few", "بضعة آلاف", False, (None, None, 2, False)),
    ("vague-several-alone", "عدة جنود", False, None),
    ("vague-english", "hundreds", False, (None, None, 1, False)),
    ("vague-tens-of-thousands", "tens of thousands", False, (None, None, 3, False)),
    ("tens-alone", "tens", False, None),
    ("not-a-number", "جندي", False, None),
    ("zero", "0", False, None),
]


@pytest.mark.parametrize(
    ("text", "between", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_read_quantity(
    text: str, between: bool, expected: tuple[int | None, int | None, int, bool] | None
) -> None:
    tokens = tokenize(text)
    q = read_quantity(tokens, 0, text, between=between)
    got = None if q is None else (q.low, q.high, q.last + 1, q.yearlike)
    assert got == expected
    if q is not None:
        assert q.vague == (q.low is None)


def test_clitic_splits_start_with_the_bare_word() -> None:
    assert clitic_splits("والاف") == [(0, "والاف"), (1, "الاف"), (3, "اف")]
