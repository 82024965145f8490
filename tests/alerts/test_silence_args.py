"""What /unwatch, /mute and /pause are given, read strictly (alerts/silence.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from postbot.alerts.silence import (
    DurationError,
    SilenceArgs,
    UnwatchArgs,
    parse_duration,
    parse_silence,
    parse_unwatch,
)


@pytest.mark.parametrize(
    ("word", "span"),
    [
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1w", timedelta(weeks=1)),
        ("٢س", timedelta(hours=2)),
        ("12hours", timedelta(hours=12)),
        ("ساعتين", timedelta(hours=2)),
        ("يوم", timedelta(days=1)),
        ("3أيام", timedelta(days=3)),
        ("30d", timedelta(days=30)),
    ],
)
def test_durations_in_both_languages(word: str, span: timedelta) -> None:
    assert parse_duration(word) == span


@pytest.mark.parametrize("word", ["soon", "2", "h2", "داعش", "", "2x"])
def test_words_that_are_no_duration(word: str) -> None:
    assert parse_duration(word) is None


@pytest.mark.parametrize(("word", "code"), [("0h", "bad"), ("31d", "long"), ("5w", "long")])
def test_zero_and_too_long_durations_are_refused(word: str, code: str) -> None:
    with pytest.raises(DurationError) as caught:
        parse_duration(word)
    assert caught.value.code == code and caught.value.value == word


@pytest.mark.parametrize(
    ("args", "parsed"),
    [
        ("2", SilenceArgs("2", None, False)),
        ("2 2h", SilenceArgs("2", timedelta(hours=2), False)),
        ("2 hold 1d", SilenceArgs("2", timedelta(days=1), True)),
        ("قاعدة عين الأسد 1w احتفظ", SilenceArgs("قاعدة عين الأسد", timedelta(weeks=1), True)),
        ("2h hold", SilenceArgs("", timedelta(hours=2), True)),
        ("", SilenceArgs("", None, False)),
        ("3 2 h", SilenceArgs("3", timedelta(hours=2), False)),
    ],
)
def test_target_duration_and_hold(args: str, parsed: SilenceArgs) -> None:
    assert parse_silence(args) == parsed


@pytest.mark.parametrize(
    ("args", "parsed"),
    [
        ("1", UnwatchArgs(numbers=(1,))),
        ("1 2", UnwatchArgs(numbers=(1, 2))),
        ("1,2", UnwatchArgs(numbers=(1, 2))),
        ("١، ٢ ,#3 1", UnwatchArgs(numbers=(1, 2, 3))),
        ("all", UnwatchArgs(all=True)),
        ("ALL", UnwatchArgs(all=True)),
        ("الكل", UnwatchArgs(all=True)),
        ("داعش", UnwatchArgs(text="داعش")),
        ('"عين الأسد" OR 2', UnwatchArgs(text='"عين الأسد" OR 2')),
        ("²", UnwatchArgs(text="²")),
        ("9" * 40, UnwatchArgs(text="9" * 40)),
    ],
)
def test_unwatch_numbers_all_or_text(args: str, parsed: UnwatchArgs) -> None:
    assert parse_unwatch(args) == parsed
