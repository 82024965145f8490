"""Breaking-news velocity: distinct outlets within the window of the first sight (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from postbot.match.breaking import Velocity, is_breaking, velocity

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=30)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("sightings", "expected"),
    [
        pytest.param([("a", at(0))], Velocity(1, 1), id="alone"),
        pytest.param([("a", at(0)), ("b", at(4)), ("c", at(12))], Velocity(3, 12), id="three"),
        pytest.param(
            [("a", at(0)), ("b", at(3)), ("c", at(7.5)), ("d", at(11.2))],
            Velocity(4, 12),
            id="minutes-rounded-up",
        ),
        pytest.param(
            [("a", at(0)), ("b", at(2)), ("b", at(5)), ("a", at(6))],
            Velocity(2, 2),
            id="an-outlet-twice-counts-once-at-its-first",
        ),
        pytest.param(
            [("a", at(0)), ("b", at(10)), ("c", at(30)), ("d", at(31))],
            Velocity(3, 30),
            id="window-edge-in-after-out",
        ),
        pytest.param(
            [("a", at(0)), ("b", at(45)), ("c", at(50)), ("d", at(55))],
            Velocity(1, 1),
            id="late-pile-on-is-not-fast",
        ),
        pytest.param(
            [("a", at(0)), ("b", at(-0.5)), ("c", at(0.2))],
            Velocity(3, 1),
            id="clock-skew-before-start-counts-as-start",
        ),
        pytest.param(
            [("b", at(20)), ("a", at(0)), ("c", at(1))],
            Velocity(3, 20),
            id="order-does-not-matter",
        ),
        pytest.param([], Velocity(0, 1), id="nothing"),
    ],
)
def test_velocity(sightings: list[tuple[str, datetime]], expected: Velocity) -> None:
    assert velocity(sightings, start=T0, window=WINDOW) == expected


@pytest.mark.parametrize(
    ("outlets", "threshold", "breaking"),
    [(2, 3, False), (3, 3, True), (4, 3, True), (2, 2, True), (9, 10, False)],
)
def test_is_breaking(outlets: int, threshold: int, breaking: bool) -> None:
    assert is_breaking(Velocity(outlets, 5), outlets=threshold) is breaking


def test_a_shorter_window_leaves_slower_outlets_out() -> None:
    seen = [("a", at(0)), ("b", at(4)), ("c", at(9)), ("d", at(14))]
    assert velocity(seen, start=T0, window=timedelta(minutes=10)) == Velocity(3, 9)
    assert velocity(seen, start=T0, window=timedelta(minutes=3)) == Velocity(1, 1)
