"""Built-in topics and user watches matched together against one story (pure)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from postbot.match.matcher import Document, Matcher, Span, make_document
from postbot.match.query import Node, parse_query
from postbot.match.troops import TroopCount, extract_troop_counts

W = TypeVar("W", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Topic:
    """A built-in topic: a query, a troop-count test, or both (then both must hold).

    `context` is a second query that must also hold, for names that are also common words
    («عين الأسد» is a village too): its words confirm the sense but are not why the story
    matched, so they are not highlighted.
    """

    id: str
    name_ar: str
    name_en: str
    query: Node | None
    troop_counts: bool = False
    context: Node | None = None

    @classmethod
    def from_text(
        cls,
        id: str,
        name_ar: str,
        name_en: str,
        query: str | None,
        troop_counts: bool = False,
        context: str | None = None,
    ) -> Topic:
        """Build a topic from its query texts (raises QuerySyntaxError)."""
        node = parse_query(query, max_length=None) if query else None
        ctx = parse_query(context, max_length=None) if context else None
        return cls(id, name_ar, name_en, node, troop_counts, ctx)

    def name(self, lang: str) -> str:
        """The topic's display name in `lang` ("ar" or "en")."""
        return self.name_ar if lang == "ar" else self.name_en


@dataclass(frozen=True, slots=True)
class StoryMatch(Generic[W]):
    """What a story matched: topic ids, watch keys, highlighted spans and troop figures."""

    document: Document
    topics: tuple[str, ...]
    watches: tuple[W, ...]
    spans: tuple[Span, ...]
    troop_counts: tuple[TroopCount, ...]

    @property
    def matched(self) -> bool:
        """True when any topic or watch matched."""
        return bool(self.topics or self.watches)

    @property
    def terms(self) -> list[str]:
        """The matched words as they appear in the text, in order, without repeats."""
        return list(dict.fromkeys(self.document.text[a:b] for a, b in self.spans))


@dataclass(frozen=True, slots=True)
class _TopicKey:
    id: str
    context: bool = False


class StoryMatcher(Generic[W]):
    """All topics and watches compiled into one `Matcher`; `match` runs a story through it."""

    def __init__(self, topics: Sequence[Topic], watches: Mapping[W, Node]) -> None:
        self.topics = tuple(topics)
        queries: dict[_TopicKey | W, Node] = {}
        for topic in self.topics:
            if topic.query is not None:
                queries[_TopicKey(topic.id)] = topic.query
            if topic.context is not None:
                queries[_TopicKey(topic.id, context=True)] = topic.context
        for wkey, node in watches.items():
            queries[wkey] = node
        self._matcher: Matcher[_TopicKey | W] = Matcher(queries)

    def match(self, title: str, body: str) -> StoryMatch[W]:
        """Match one story's title and body."""
        doc = make_document(title, body)
        hits = self._matcher.match(doc)
        counts = tuple(extract_troop_counts(doc.text))
        topic_ids: list[str] = []
        spans: set[Span] = set()
        for topic in self.topics:
            key = _TopicKey(topic.id)
            if topic.query is not None and key not in hits:
                continue
            if topic.context is not None and _TopicKey(topic.id, context=True) not in hits:
                continue
            if topic.troop_counts and not counts:
                continue
            topic_ids.append(topic.id)
            spans.update(hits.get(key, ()))
            if topic.troop_counts:
                spans.update((c.start, c.end) for c in counts)
        watches: list[W] = []
        for hit_key, found in hits.items():
            if not isinstance(hit_key, _TopicKey):
                watches.append(hit_key)
                spans.update(found)
        return StoryMatch(doc, tuple(topic_ids), tuple(watches), _merge(spans), counts)


def _merge(spans: set[Span]) -> tuple[Span, ...]:
    """Sorted spans with overlaps merged, so bolding never nests."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return tuple(out)
