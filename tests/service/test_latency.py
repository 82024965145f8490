"""Latency figures for /stats: nearest-rank percentiles, slowest sources first, the block."""

from __future__ import annotations

import pytest

from postbot.bot.stats_latency import duration, latency_block
from postbot.service.latency import LatencySummary, percentile, summarize


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50 and percentile(values, 0.95) == 95
    assert percentile([7.0], 0.95) == 7
    assert percentile([1.0, 2.0], 0.5) == 1 and percentile([1.0, 2.0], 0.95) == 2
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_summary_sorts_the_slowest_source_first() -> None:
    delays = [("fast", 30.0)] * 10 + [("slow", 3600.0), ("slow", 600.0), ("mid", 900.0)]
    summary = summarize(delays)
    assert [f.feed_id for f in summary.feeds] == ["slow", "mid", "fast"]
    slow = summary.feeds[0]
    assert (slow.count, slow.p50, slow.p95) == (2, 600.0, 3600.0)
    assert summary.overall is not None
    assert (summary.overall.count, summary.overall.p50) == (13, 30.0)
    assert summarize([]) == LatencySummary(None, ())


@pytest.mark.parametrize(
    ("seconds", "en", "ar"),
    [(44.6, "45s", "45 ث"), (119, "119s", "119 ث"), (600, "10m", "10 د"), (9000, "2h", "2 س")],
)
def test_durations_read_short_in_both_languages(seconds: float, en: str, ar: str) -> None:
    assert duration(seconds, "en") == en and duration(seconds, "ar") == ar


def test_block_lists_the_five_slowest_and_counts_the_rest() -> None:
    delays = [(f"f{i}", 60.0 * (i + 1)) for i in range(7)]
    names = {f"f{i}": f"Feed <{i}>" for i in range(7)}
    block = latency_block(summarize(delays), "en", names.__getitem__)
    lines = block.strip("\n").splitlines()
    assert lines[0] == "⏱ Delay from publishing to alert (24 h, 7 alerts): median 4m, p95 7m"
    assert lines[1] == "• Feed &lt;6&gt;: median 7m, p95 7m (1)"
    assert len(lines) == 7 and lines[-1] == "… and 2 more feeds"
    arabic = latency_block(summarize(delays), "ar", names.__getitem__)
    assert "الوسيط 7 د" in arabic and "… و2 مصادر أخرى" in arabic
    assert latency_block(summarize([]), "en", names.__getitem__) == ""
