"""Built-in topics and user watches matched together against one story (pure)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, Generic, Protocol, TypeVar

from postbot.match.matcher import Document, Matcher, Span, make_document
from postbot.match.query import Node, parse_query
from postbot.match.troops import TroopCount, extract_troop_counts, may_state_counts

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


class StoryMatch(Generic[W]):
    """What a story matched: topic ids, watch keys and troop figures.

    Highlighting is worked out on demand (`highlights`), for the topics and watches of the
    reader at hand: an alert bolds the words of that chat's own topics and watches.
    """

    __slots__ = (
        "_found",
        "_group_of",
        "_groups",
        "_matcher",
        "_spans",
        "_troop_topics",
        "document",
        "topics",
        "troop_counts",
        "watches",
    )

    def __init__(
        self,
        document: Document,
        topics: tuple[str, ...],
        watches: tuple[W, ...],
        troop_counts: tuple[TroopCount, ...],
        *,
        matcher: Matcher[Any],
        found: dict[int, list[tuple[int, int]]],
        groups: list[int],
        troop_topics: frozenset[str],
    ) -> None:
        self.document = document
        self.topics = topics
        self.watches = watches
        self.troop_counts = troop_counts
        self._matcher = matcher
        self._found = found
        self._groups = groups  # the matched groups; key → group is built if highlights ask
        self._group_of: dict[Any, int] | None = None
        self._troop_topics = troop_topics
        self._spans: tuple[Span, ...] | None = None

    @property
    def matched(self) -> bool:
        """True when any topic or watch matched."""
        return bool(self.topics or self.watches)

    def highlights(self, topics: Iterable[str], watches: Iterable[W]) -> tuple[Span, ...]:
        """Merged spans of the words that made these topics and watches match."""
        group_of = self._group_of
        if group_of is None:
            keys_of = self._matcher.keys_of
            group_of = self._group_of = {k: g for g in self._groups for k in keys_of(g)}
        groups = {group_of[k] for k in map(_TopicKey, topics) if k in group_of}
        groups.update(group_of[w] for w in watches if w in group_of)
        spans = set(self._matcher.highlight(self.document, self._found, groups))
        if self._troop_topics.intersection(topics):
            spans.update((c.start, c.end) for c in self.troop_counts)
        return _merge(spans)

    @property
    def spans(self) -> tuple[Span, ...]:
        """Highlights for every topic and watch that matched."""
        if self._spans is None:
            self._spans = self.highlights(self.topics, self.watches)
        return self._spans

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
        self._troop_topics = frozenset(t.id for t in self.topics if t.troop_counts)
        # what each topic needs, its keys made once (a story is matched against every topic)
        self._needs = tuple(
            (
                t.id,
                _TopicKey(t.id) if t.query is not None else None,
                _TopicKey(t.id, context=True) if t.context is not None else None,
                t.troop_counts,
            )
            for t in self.topics
        )
        # groups holding a topic key (a watch may share a topic's query); all others hold
        # watches only, so a story's matched watches are gathered without a test per key
        self._topic_groups = frozenset(
            g
            for g, keys in enumerate(self._matcher.group_keys)
            if any(isinstance(k, _TopicKey) for k in keys)
        )

    def match(self, title: str, body: str) -> StoryMatch[W]:
        """Match one story's title and body."""
        doc = make_document(title, body)
        matcher = self._matcher
        found = matcher.occurrences(doc)
        groups = matcher.matching_groups(found)
        group_keys, topic_groups = matcher.group_keys, self._topic_groups
        hit: set[_TopicKey] = set()
        if topic_groups.isdisjoint(groups):
            # watches only (most stories): their keys gathered in C, in group order
            watches: list[Any] = list(chain.from_iterable(map(group_keys.__getitem__, groups)))
        else:
            watches = []  # keys of watch-only groups, added without a cast per group
            for group in groups:
                if group in topic_groups:
                    for key in group_keys[group]:
                        if isinstance(key, _TopicKey):
                            hit.add(key)
                        else:
                            watches.append(key)
                else:
                    watches += group_keys[group]
        text = doc.text
        counts = tuple(extract_troop_counts(text)) if may_state_counts(doc.words, text) else ()
        topic_ids: list[str] = []
        for topic_id, query_key, context_key, troop_counts in self._needs:
            if query_key is not None and query_key not in hit:
                continue
            if context_key is not None and context_key not in hit:
                continue
            if troop_counts and not counts:
                continue
            topic_ids.append(topic_id)
        return StoryMatch(
            doc,
            tuple(topic_ids),
            tuple(watches),
            counts,
            matcher=matcher,
            found=found,
            groups=groups,
            troop_topics=self._troop_topics,
        )


def _merge(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Sorted spans with overlaps merged, so bolding never nests."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return tuple(out)


class Names(Protocol):
    """A name in Arabic and English."""

    @property
    def ar(self) -> str: ...
    @property
    def en(self) -> str: ...


class TopicSource(Protocol):
    """What the pipeline needs to know of a configured topic (config's TopicConfig)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> Names: ...
    @property
    def query(self) -> str | None: ...
    @property
    def troop_counts(self) -> bool: ...
    @property
    def context(self) -> str | None: ...


def build_topics(topics: Sequence[TopicSource]) -> list[Topic]:
    """Turn configured topics into matchable ones (raises QuerySyntaxError)."""
    return [
        Topic.from_text(t.id, t.name.ar, t.name.en, t.query, t.troop_counts, t.context)
        for t in topics
    ]
