"""The troop line shows each figure once (issue 16): «2,500 جندي · نحو 2,500 جندي» was one
figure twice; the most informative text (with its qualifier) is kept, in the first one's place."""

from __future__ import annotations

import pytest

from postbot.alerts.content import troop_texts
from postbot.match.troops import extract_troop_counts

CASES = [
    (
        "نشر 2,500 جندي في القاعدة. وقال المسؤول إن نحو 2,500 جندي سيصلون تباعاً.",
        ("نحو 2,500 جندي",),
    ),
    (
        "وصل 300 مستشار إلى القاعدة، وأكد البيان أن قرابة 300 مستشار باتوا هناك، "
        "إلى جانب 900 جندي.",
        ("قرابة 300 مستشار", "900 جندي"),
    ),
    ("خفضت واشنطن عدد جنودها من 2500 إلى 2000 جندي.", None),  # two figures, both kept
    ("The US has 2,500 troops in Iraq; about 2,500 troops remain.", ("about 2,500 troops",)),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_each_figure_once(text: str, expected: tuple[str, ...] | None) -> None:
    counts = extract_troop_counts(text)
    shown = troop_texts(counts)
    figures = {(c.low, c.high) for c in counts}
    assert len(shown) == len(figures)
    if expected is not None:
        assert shown == expected


def test_vague_counts_are_told_apart_by_text() -> None:
    counts = extract_troop_counts("أرسلت آلاف الجنود، ثم عشرات المستشارين.")
    assert len(troop_texts(counts)) == len({c.text for c in counts})
