"""/search's arguments and pages, without a bot: the period, the page text and its buttons."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from postbot.bot.buttons import CALLBACK_DATA_MAX
from postbot.bot.search_cmds import render_page, split_period
from postbot.service.search import Found


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ('"عين الأسد" 30d', ('"عين الأسد"', 30, None)),
        ("داعش", ("داعش", 7, None)),
        ("داعش ٩٠d", ("داعش", 90, None)),
        ("داعش 7يوم", ("داعش", 7, None)),
        ("داعش 14d", ("داعش", None, "14d")),
        ("30d", ("", None, None)),
        ("5000 جندي", ("5000 جندي", 7, None)),
        ("troops 90D", ("troops", 90, None)),
    ],
)
def test_the_period_is_the_last_word(
    args: str, expected: tuple[str, int | None, str | None]
) -> None:
    assert split_period(args) == expected


def _state(count: int, *, complete: bool = True) -> dict[str, Any]:
    when = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    found = [
        Found(i, f"خبر <{i}>", f"https://news.example/{i}", ("الجزيرة", "BBC"), when)
        for i in range(count)
    ]
    return {
        "token": "0123abcd",
        "query": "داعش",
        "days": 30,
        "tz": "Asia/Baghdad",
        "found": found,
        "complete": complete,
    }


def test_pages_of_five_with_next_and_back() -> None:
    state = _state(12)
    body, markup = render_page(state, 0, "ar")
    assert "صفحة 1 من 3" in body and "12 خبراً" in body
    assert len(re.findall(r"^\d+\. <b>", body, re.M)) == 5
    assert "خبر &lt;0&gt;" in body  # titles are escaped
    assert "2026-12-01 12:30" in body  # the chat's time zone (Baghdad, UTC+3)
    assert "المصادر: الجزيرة، BBC" in body
    assert markup is not None
    (row,) = markup.inline_keyboard
    assert [(b.text, b.callback_data) for b in row] == [("التالي ◀", "srch:0123abcd:1")]
    body, markup = render_page(state, 2, "en")
    assert "page 3 of 3" in body and len(re.findall(r"^\d+\. <b>", body, re.M)) == 2
    assert markup is not None
    (row,) = markup.inline_keyboard
    assert [(b.text, b.callback_data) for b in row] == [("◀ Back", "srch:0123abcd:1")]
    for b in row:
        assert len(str(b.callback_data).encode()) <= CALLBACK_DATA_MAX


def test_a_bounded_search_says_so_on_its_last_page() -> None:
    body, markup = render_page(_state(3, complete=False), 0, "en")
    assert "older ones may exist" in body and markup is None
    body, _ = render_page(_state(3), 0, "en")
    assert "older ones may exist" not in body
