"""From a matched story to the `Alert` value the renderer shows (pure)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

from postbot.alerts.html import Alert, Breaking, Outlet
from postbot.alerts.summarize import Sentence, split_sentences, summarize
from postbot.feeds.story import Story
from postbot.match.topics import StoryMatch

W = TypeVar("W", bound=Hashable)


def summary_sentences(match: StoryMatch[W]) -> list[Sentence]:
    """The 2-3 body sentences that best show why the story matched."""
    doc = match.document
    body_start = doc.title_end + 1
    sentences = split_sentences(doc.text[body_start:], offset=body_start)
    return summarize(doc.text, sentences, match.spans)


def summary_text(match: StoryMatch[W], sentences: Sequence[Sentence]) -> str:
    """The chosen sentences as one plain string."""
    return " ".join(match.document.text[s.start : s.end] for s in sentences)


def compose_alert(
    story: Story,
    match: StoryMatch[W],
    *,
    topic_names: Mapping[str, str],
    watch_labels: Mapping[W, str],
    source: str,
    also_in: Sequence[str | Outlet] = (),
    breaking: Breaking | None = None,
) -> Alert:
    """Collect what one alert shows: reasons, title, summary, troop figures, source, link."""
    reasons = [topic_names.get(t, t) for t in match.topics]
    reasons += [watch_labels.get(w, str(w)) for w in match.watches]
    troops = tuple(dict.fromkeys(c.text for c in match.troop_counts))
    return Alert(
        reasons=tuple(dict.fromkeys(reasons)),
        text=match.document.text,
        title_end=match.document.title_end,
        spans=match.spans,
        summary=tuple(summary_sentences(match)),
        troop_texts=troops,
        source=source,
        published=story.published,
        link=story.link,
        also_in=tuple(also_in),
        breaking=breaking,
    )
