"""Why a story goes to a chat, as stored with its delivery (pure: no session, no I/O).

Routing matches a story once and stores, per chat, what matched: topic ids, watches (their
id and their query text as it was, so that an alert can name a watch removed before it went
out) and the spans of the story's text to bold. Sending reads them back and never parses a
query or matches the story again.

Three columns of the delivery row hold them:
    reasons     ["topic:<id>", "watch:<query>", "breaking"]: what the header names, in order
    watch_ids   {"<query>": watch id}, the watches behind the "watch:" reasons
    highlights  {"chars": N, "spans": [[start, end], ...]}: offsets into the story's title, a
                line break and its summary (N characters), as routing matched them
Rows queued before revision 0006 have only `reasons`: their buttons name the chat's current
watch of each query (delivery/jobs.ChatButtons), and they are shown without bold words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

TOPIC = "topic:"
WATCH = "watch:"
BREAKING = "breaking"  # an alert sent only because the story is breaking (match/breaking.py)

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class WatchReason:
    """A watch that matched: its id (None: unknown, e.g. queued before ids were stored), and
    its number in the chat, looked up when sending (never stored: it never changes)."""

    id: int | None
    query: str
    number: int | None = None


@dataclass(frozen=True, slots=True)
class Reasons:
    """What made a story go to one chat, and the words to bold in its alert."""

    topics: tuple[str, ...] = ()
    watches: tuple[WatchReason, ...] = ()
    breaking: bool = False
    spans: tuple[Span, ...] = ()
    chars: int | None = None  # length of the text the spans point into (None: no spans)

    def labels(self) -> list[str]:
        """The stored `reasons` strings, topics first, then watches, then breaking."""
        out = [TOPIC + t for t in self.topics] + [WATCH + w.query for w in self.watches]
        return [*out, BREAKING] if self.breaking else out

    def watch_ids(self) -> dict[str, int]:
        """The stored `watch_ids` column: each known watch's id by its query."""
        return {w.query: w.id for w in self.watches if w.id is not None}

    def highlights(self) -> dict[str, Any] | None:
        """The stored `highlights` column."""
        if self.chars is None:
            return None
        return {"chars": self.chars, "spans": [list(s) for s in self.spans]}

    def spans_for(self, text: str) -> tuple[Span, ...]:
        """The spans to bold in `text`: none if it is not the text routing matched."""
        return self.spans if self.chars == len(text) else ()


def reasons_of(
    labels: Sequence[str],
    watch_ids: Mapping[str, int] | None = None,
    highlights: Mapping[str, Any] | None = None,
) -> Reasons:
    """A delivery's stored columns (either format) back into `Reasons`."""
    ids = watch_ids or {}
    topics = tuple(r.removeprefix(TOPIC) for r in labels if r.startswith(TOPIC))
    watches = tuple(
        WatchReason(ids.get(q), q)
        for q in (r.removeprefix(WATCH) for r in labels if r.startswith(WATCH))
    )
    spans: tuple[Span, ...] = ()
    chars = None
    if highlights is not None:
        chars = int(highlights["chars"])
        spans = tuple((int(a), int(b)) for a, b in highlights["spans"])
    return Reasons(topics, watches, BREAKING in labels, spans, chars)
