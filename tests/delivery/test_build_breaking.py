"""From stored rows to text: a breaking story's line and linked outlets in an alert, and
breaking stories first in a digest (the builder the dispatcher uses)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from postbot.alerts.html import visible_text
from postbot.config.catalog import CatalogRef
from postbot.delivery.jobs import AlertBuilder, story_view
from postbot.match.breaking import REASON
from postbot.store.models import Chat, Delivery, StoryRow
from postbot.store.reasons import reasons_of
from support.catalogs import catalog

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
FEEDS = [("aj", "الجزيرة نت", "https://aj.example/rss"), ("sky", "Sky News", "https://s.example")]


def _builder() -> AlertBuilder:
    return AlertBuilder(CatalogRef(catalog(FEEDS)))


def _story(story_id: int, title: str, *, breaking: tuple[int, int] | None = None) -> StoryRow:
    outlets, minutes = breaking or (None, None)
    return StoryRow(
        id=story_id,
        feed_id="aj",
        key=f"k{story_id}",
        title=title,
        link=f"https://aj.example/{story_id}",
        summary="هجوم لداعش قرب كركوك.",
        first_seen_at=NOW,
        also_in=["sky"] if breaking else [],
        breaking_at=NOW if breaking else None,
        breaking_outlets=outlets,
        breaking_minutes=minutes,
    )


def test_alert_of_a_breaking_story_shows_the_figures_and_links_the_other_outlet() -> None:
    story = _story(1, "هجوم لداعش", breaking=(4, 12))
    links = [("sky", "https://s.example/a?x=1&y=2")]
    markup = _builder().html(story_view(story, links), "en", reasons_of(["topic:isis"]))
    lines = visible_text(markup).split("\n")
    assert lines[0].startswith("🔔") and lines[1] == "🔴 Breaking: 4 outlets in 12 min"
    assert '<a href="https://s.example/a?x=1&amp;y=2">Sky News</a>' in markup
    calm = _builder().html(story_view(_story(2, "هجوم لداعش")), "ar", reasons_of(["topic:isis"]))
    assert "🔴" not in calm and "ورد أيضاً في" not in calm


def test_an_alert_sent_only_because_it_is_breaking_says_so() -> None:
    markup = _builder().html(
        story_view(_story(1, "هجوم", breaking=(3, 5)), []), "ar", reasons_of([REASON])
    )
    assert visible_text(markup).split("\n")[0] == "🔔 أخبار عاجلة"


def test_digest_lists_the_breaking_story_first() -> None:
    chat = Chat(id=7, lang="en", digest="hourly", created_at=NOW, updated_at=NOW)
    stories = {1: _story(1, "calm-one"), 2: _story(2, "urgent", breaking=(3, 9))}
    rows = [
        Delivery(
            id=10,
            chat_id=7,
            story_id=1,
            reasons=["topic:isis"],
            next_attempt_at=NOW,
            created_at=NOW,
        ),
        Delivery(
            id=11,
            chat_id=7,
            story_id=2,
            reasons=["topic:isis"],
            next_attempt_at=NOW,
            created_at=NOW,
        ),
    ]
    held = [(reasons_of(r.reasons), story_view(stories[r.story_id])) for r in rows]
    ((markup, listed),) = _builder().digest_messages(chat, held, NOW)
    shown = visible_text(markup)
    assert re.findall(r"urgent|calm-one", shown) == ["urgent", "calm-one"]
    assert "🔴 Breaking" in shown
    assert sorted(listed) == [0, 1]
