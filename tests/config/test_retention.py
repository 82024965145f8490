"""`retention_days`: 180 by default, a whole number of days from 1 to 3650, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from postbot.config.load import load_config, parse_config
from postbot.errors import ConfigError


@pytest.mark.parametrize(
    ("section", "days"),
    [("", 180), ("retention_days: 30\n", 30), ("retention_days: 3650\n", 3650)],
    ids=["default", "set", "upper-bound"],
)
def test_retention_days(section: str, days: int) -> None:
    text = f"{section}feeds: []\ntopics: []\n"
    assert parse_config(text, filename="c.yaml").retention_days == days


@pytest.mark.parametrize("value", ["0", "3651", "'90'", "true", "1.5", "[90]"])
def test_bad_retention_days_are_refused_with_their_line(value: str) -> None:
    text = f"feeds: []\nretention_days: {value}\ntopics: []\n"
    with pytest.raises(ConfigError) as caught:
        parse_config(text, filename="c.yaml")
    problem = str(caught.value)
    assert "c.yaml:2:" in problem
    assert "'retention_days' must be a whole number from 1 to 3650" in problem


def test_the_shipped_config_states_the_default() -> None:
    shipped = Path(__file__).resolve().parent.parent.parent / "config" / "postbot.yaml"
    assert load_config(shipped).retention_days == 180
