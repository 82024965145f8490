"""Reasons as stored with a delivery: both formats read back, spans only for their own text."""

from __future__ import annotations

import pytest

from postbot.match.breaking import REASON
from postbot.store.reasons import BREAKING, Reasons, WatchReason, reasons_of

ROUTED = Reasons(
    topics=("isis",),
    watches=(WatchReason(5, "الرطبة"), WatchReason(9, "داعش OR الأنبار")),
    spans=((0, 4), (10, 16)),
    chars=40,
)


def test_the_stored_columns_read_back_as_routed() -> None:
    assert ROUTED.labels() == ["topic:isis", "watch:الرطبة", "watch:داعش OR الأنبار"]
    assert ROUTED.watch_ids() == {"الرطبة": 5, "داعش OR الأنبار": 9}
    back = reasons_of(ROUTED.labels(), ROUTED.watch_ids(), ROUTED.highlights())
    assert back == ROUTED


@pytest.mark.parametrize(
    ("labels", "topics", "queries", "breaking"),
    [
        pytest.param(["topic:isis", "watch:الرطبة"], ("isis",), ("الرطبة",), False, id="both"),
        pytest.param([REASON], (), (), True, id="breaking"),
        pytest.param(["watch:a:b"], (), ("a:b",), False, id="colon-in-query"),
        pytest.param([], (), (), False, id="none"),
    ],
)
def test_labels_queued_before_0006_read_without_ids_or_spans(
    labels: list[str], topics: tuple[str, ...], queries: tuple[str, ...], breaking: bool
) -> None:
    old = reasons_of(labels)
    assert (old.topics, tuple(w.query for w in old.watches), old.breaking) == (
        topics,
        queries,
        breaking,
    )
    assert all(w.id is None for w in old.watches)
    assert old.spans == () and old.highlights() is None and old.labels() == labels


def test_spans_apply_only_to_the_text_they_were_found_in() -> None:
    assert ROUTED.spans_for("x" * 40) == ((0, 4), (10, 16))
    assert ROUTED.spans_for("x" * 41) == ()  # the story's text changed since it was routed


def test_the_breaking_label_is_the_one_match_breaking_stores() -> None:
    assert BREAKING == REASON
