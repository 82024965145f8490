"""The latency lines of /stats: publish-to-alert delay overall and for the slowest sources."""

from __future__ import annotations

import html
from collections.abc import Callable

from postbot.alerts.texts import text
from postbot.service.latency import LatencySummary

SHOWN = 5  # the slowest sources listed; the rest are counted


def duration(seconds: float, lang: str) -> str:
    """45s, 12m, 3h: a delay at a glance."""
    if seconds < 120:
        return text(lang, "duration_s", n=round(seconds))
    if seconds < 2 * 3600:
        return text(lang, "duration_m", n=round(seconds / 60))
    return text(lang, "duration_h", n=round(seconds / 3600))


def latency_block(summary: LatencySummary, lang: str, name_of: Callable[[str], str]) -> str:
    """The block appended to /stats; empty when no dated alert went out in the window."""
    if summary.overall is None:
        return ""
    all_ = summary.overall
    lines = [
        text(
            lang,
            "stats_latency_head",
            count=all_.count,
            p50=duration(all_.p50, lang),
            p95=duration(all_.p95, lang),
        )
    ]
    for lat in summary.feeds[:SHOWN]:
        lines.append(
            text(
                lang,
                "stats_latency_line",
                feed=html.escape(name_of(lat.feed_id or "")),
                p50=duration(lat.p50, lang),
                p95=duration(lat.p95, lang),
                count=lat.count,
            )
        )
    if len(summary.feeds) > SHOWN:
        lines.append(text(lang, "stats_latency_more", count=len(summary.feeds) - SHOWN))
    return "\n\n" + "\n".join(lines)
