"""How `postbot scan` prints stories: JSON lines (SPEC §2) or the alert as a person reads it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from postbot.alerts.content import compose_alert, summary_sentences, summary_text
from postbot.alerts.direction import strip_marks
from postbot.alerts.html import render_alert, visible_text
from postbot.pipeline.scan import FeedScan, ScannedStory


def story_record(feed_id: str, scanned: ScannedStory) -> dict[str, Any]:
    """The documented JSON object for one story."""
    story, match = scanned.story, scanned.match
    return {
        "feed": feed_id,
        "title": story.title,
        "link": story.link,
        "published": story.published.isoformat() if story.published else None,
        "topics": list(match.topics),
        "watches": list(match.watches),
        "terms": match.terms,
        "troop_counts": [
            {"low": c.low, "high": c.high, "unit": c.unit, "text": c.text}
            for c in match.troop_counts
        ],
        "summary": summary_text(match, summary_sentences(match)),
    }


def story_jsonl(feed_id: str, scanned: ScannedStory) -> str:
    """One JSON line, UTF-8 text kept readable."""
    return json.dumps(story_record(feed_id, scanned), ensure_ascii=False)


def story_text(scan: FeedScan, scanned: ScannedStory, topic_names: Mapping[str, str]) -> str:
    """The alert a subscriber would read (plain text), or a one-line note for a non-match."""
    if not scanned.match.matched:
        return f"· ({scan.feed.id}) {scanned.story.title}\n  {scanned.story.link or ''}".rstrip()
    alert = compose_alert(
        scanned.story,
        scanned.match,
        topic_names=topic_names,
        watch_labels={w: f"«{w}»" for w in scanned.match.watches},
        source=scan.feed.name or scan.feed.id,
    )
    # a terminal lays text out by itself (or not at all): no direction marks, which some show
    body = strip_marks(visible_text(render_alert(alert, "ar")))
    if scanned.story.link:
        body += f"\n{scanned.story.link}"
    return body
