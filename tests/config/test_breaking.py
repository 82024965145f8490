"""The `breaking: {outlets, minutes}` section: defaults, valid values, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from postbot.config.load import load_config, parse_config
from postbot.config.model import BreakingConfig
from postbot.errors import ConfigError

SHIPPED = Path(__file__).resolve().parent.parent.parent / "config" / "postbot.yaml"


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("", BreakingConfig(3, 30)),
        ("breaking:\n  outlets: 4\n", BreakingConfig(4, 30)),
        ("breaking:\n  minutes: 15\n", BreakingConfig(3, 15)),
        ("breaking: {outlets: 2, minutes: 1440}\n", BreakingConfig(2, 1440)),
        ("breaking: {}\n", BreakingConfig(3, 30)),
    ],
    ids=["default", "outlets", "minutes", "bounds", "empty-mapping"],
)
def test_breaking_section(section: str, expected: BreakingConfig) -> None:
    text = f"{section}feeds: []\ntopics: []\n"
    assert parse_config(text, filename="c.yaml").breaking == expected


@pytest.mark.parametrize(
    ("section", "line", "problem"),
    [
        (
            "breaking:\n  outlets: 1\n",
            2,
            "'outlets' must be a whole number from 2 to 100, not an integer (1)",
        ),
        ("breaking:\n  minutes: 0\n", 2, "'minutes' must be a whole number from 1 to 1440"),
        ("breaking:\n  minutes: 30m\n", 2, "not the text '30m'"),
        ("breaking:\n  outlets: 2.5\n", 2, "not a number (2.5)"),
        ("breaking:\n  outlets: true\n", 2, "not a boolean (true)"),
        ("breaking:\n  sources: 3\n", 2, "unknown key 'sources' in breaking"),
        ("breaking: 3\n", 1, "'breaking' must be a mapping such as {outlets: 3, minutes: 30}"),
    ],
    ids=["one-outlet", "zero-minutes", "interval-text", "fraction", "bool", "unknown", "scalar"],
)
def test_bad_breaking_values_are_reported_at_their_line(
    section: str, line: int, problem: str
) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(f"{section}feeds: []\ntopics: []\n", filename="c.yaml")
    (found,) = err.value.problems
    assert found.line == line and problem in found.message


def test_shipped_config_states_the_defaults() -> None:
    assert load_config(SHIPPED).breaking == BreakingConfig(outlets=3, minutes=30)
