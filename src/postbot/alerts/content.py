"""From a matched story to the `Alert` value the renderer shows (pure)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

from postbot.alerts.html import Alert, Breaking, Outlet
from postbot.alerts.summarize import Sentence, split_sentences, summarize
from postbot.feeds.story import Story
from postbot.match.topics import StoryMatch
from postbot.match.troops import TroopCount, extract_troop_counts

W = TypeVar("W", bound=Hashable)


def summary_sentences(match: StoryMatch[W]) -> list[Sentence]:
    """The 2-3 body sentences that best show why the story matched."""
    return _summary(match.document.text, match.document.title_end, match.spans)


def _summary(text: str, title_end: int, spans: Sequence[tuple[int, int]]) -> list[Sentence]:
    body_start = title_end + 1
    sentences = split_sentences(text[body_start:], offset=body_start)
    return summarize(text, sentences, spans)


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
    doc = match.document
    return _alert(
        story,
        doc.text,
        doc.title_end,
        match.spans,
        match.troop_counts,
        reasons=reasons,
        source=source,
        also_in=also_in,
        breaking=breaking,
    )


def story_text(story: Story) -> tuple[str, int]:
    """The text a story is matched on (title, a line break, summary) and where its title ends,
    as `match.matcher.make_document` builds it: stored highlight spans point into it."""
    text = f"{story.title}\n{story.summary}" if story.summary else story.title
    return text, len(story.title)


def alert_from_spans(
    story: Story,
    spans: Sequence[tuple[int, int]],
    *,
    reasons: Sequence[str],
    source: str,
    also_in: Sequence[str | Outlet] = (),
    breaking: Breaking | None = None,
) -> Alert:
    """An alert from highlight spans found when the story was routed (no matching here)."""
    text, title_end = story_text(story)
    troops = extract_troop_counts(text)
    return _alert(
        story,
        text,
        title_end,
        tuple(spans),
        troops,
        reasons=reasons,
        source=source,
        also_in=also_in,
        breaking=breaking,
    )


def _alert(
    story: Story,
    text: str,
    title_end: int,
    spans: tuple[tuple[int, int], ...],
    troop_counts: Sequence[TroopCount],
    *,
    reasons: Sequence[str],
    source: str,
    also_in: Sequence[str | Outlet],
    breaking: Breaking | None,
) -> Alert:
    return Alert(
        reasons=tuple(dict.fromkeys(reasons)),
        text=text,
        title_end=title_end,
        spans=spans,
        summary=tuple(_summary(text, title_end, spans)),
        troop_texts=troop_texts(troop_counts),
        source=source,
        published=story.published,
        link=story.link,
        also_in=tuple(also_in),
        breaking=breaking,
    )


def troop_texts(counts: Sequence[TroopCount]) -> tuple[str, ...]:
    """The troop line's figures, each once: counts of the same number or range («2,500 جندي»
    and «نحو 2,500 جندي») show one text, the most informative (the longest, which keeps the
    qualifier), in the place of the first; vague counts (no figure) are told apart by text.
    """
    chosen: dict[object, str] = {}
    for count in counts:
        key: object = (count.low, count.high) if count.low is not None else count.text
        text = " ".join(count.text.split())
        kept = chosen.get(key)
        if kept is None or len(text) > len(kept):
            chosen[key] = text
    return tuple(dict.fromkeys(chosen.values()))
