"""Many queries against one story in a single pass (pure).

How a word matches. Text and query are normalized alike (see `normalize`). A query word matches
a token when the token equals it, or equals it behind Arabic clitics: an optional conjunction
(و ف), then an optional preposition (ب ك ل), then an optional article (ال); «لل» stands for
ل + ال. So «داعش» matches «لداعش» and «والداعش», and «الأسد» matches «بالأسد» and «للأسد», but
only whole words: «الأسد» never matches «الأسدي». A prefix term (`word*`) matches any token
whose clitic-stripped form starts with the prefix. A phrase matches consecutive tokens in the
same segment (phrases do not run across sentence ends or line breaks), each word
clitic-tolerant, the last one a prefix when the phrase ends with `*`.

How it scales. All queries are compiled into one structure: identical terms are shared, single
words and phrase heads sit in hash indexes keyed by normalized word, prefixes in an index keyed
by prefix. A story is tokenized once; each token's candidate stems are looked up (with a cache,
since news vocabulary repeats), which yields the set of terms present. Only queries that contain
one of those terms positively are evaluated, so the cost follows the story, not the number of
watches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import Generic, TypeVar, cast

from postbot.match.normalize import clitic_stems, scan_words, word_spans
from postbot.match.query import And, Node, Not, Or, Term

K = TypeVar("K", bound=Hashable)

Span = tuple[int, int]
_CACHE_LIMIT = 200_000
_MISSING: object = object()


class Document:
    """A story's searchable text (title, a line break, then the body) and its normalized words.

    Word positions are worked out only when something matched and needs highlighting.
    """

    __slots__ = ("_spans", "norms", "segments", "text", "title_end")

    def __init__(self, text: str, title_end: int) -> None:
        self.text = text
        self.title_end = title_end
        self.norms, self.segments = scan_words(text)
        self._spans: list[Span] | None = None

    def span(self, first: int, last: int) -> Span:
        """Character span covering words `first` to `last` (inclusive)."""
        if self._spans is None:
            self._spans = word_spans(self.text)
        return (self._spans[first][0], self._spans[last][1])


def make_document(title: str, body: str) -> Document:
    """Tokenize a story's title and body into one searchable document."""
    text = f"{title}\n{body}" if body else title
    return Document(text, len(title))


_Compiled = tuple[str, object]  # ("t", term_id) | ("not", c) | ("and", [c...]) | ("or", [c...])


class Matcher(Generic[K]):
    """A set of queries compiled together; `match` tells which of them a document satisfies."""

    def __init__(self, queries: Mapping[K, Node]) -> None:
        self._terms: list[Term] = []
        self._term_ids: dict[Term, int] = {}
        self._words: dict[str, list[int]] = defaultdict(list)
        self._prefixes: dict[str, list[int]] = defaultdict(list)
        self._phrase_heads: dict[str, list[int]] = defaultdict(list)
        # identical queries (many people watch «داعش») are compiled and evaluated once
        self._groups: list[list[K]] = []
        group_of: dict[Node, int] = {}
        self._compiled: list[_Compiled] = []
        self._positive: list[list[int]] = []
        self._exact: list[bool] = []  # a candidate is a match: no need to evaluate
        all_clauses: list[list[set[int]]] = []
        for key, node in queries.items():
            qi = group_of.get(node)
            if qi is not None:
                self._groups[qi].append(key)
                continue
            qi = group_of[node] = len(self._groups)
            self._groups.append([key])
            positive: list[int] = []
            self._compiled.append(self._compile(node, positive, negated=False))
            self._positive.append(list(dict.fromkeys(positive)))
            clauses = self._clauses(node)
            all_clauses.append(clauses)
            self._exact.append(len(clauses) == 1 and _is_exact(node))
        # Each query is indexed under one required clause only. Without text statistics, the
        # clause whose terms the fewest queries use is the best guess at the rarest one: common
        # words ("العراق") recur across watches, names and places seldom do.
        usage: dict[int, int] = defaultdict(int)
        for clauses in all_clauses:
            for clause in clauses:
                for tid in clause:
                    usage[tid] += 1
        self._postings: dict[int, list[int]] = defaultdict(list)
        for qi, clauses in enumerate(all_clauses):
            anchor = min(clauses, key=lambda c: (sum(usage[t] for t in c), len(c)))
            for tid in anchor:
                self._postings[tid].append(qi)
        self._prefix_lengths = sorted({len(p) for p in self._prefixes})
        self._cache: dict[str, tuple[tuple[int, ...], tuple[int, ...]] | None] = {}

    def _clauses(self, node: Node) -> list[set[int]]:
        """Sets of terms that must each have one member present for `node` to hold."""
        if isinstance(node, And):
            return [c for child in node.children for c in self._clauses(child)]
        if isinstance(node, Not):
            return []
        return [self._any_of(node)]

    def _any_of(self, node: Node) -> set[int]:
        """Terms of which at least one is present whenever `node` holds."""
        if isinstance(node, Term):
            return {self._intern(node)}
        if isinstance(node, Or):
            return set().union(*(self._any_of(c) for c in node.children))
        # an And inside an Or: any one required child will do; the parser guarantees one exists
        assert isinstance(node, And)
        options = [self._any_of(c) for c in node.children if not isinstance(c, Not)]
        return min(options, key=len)

    def __len__(self) -> int:
        return sum(len(g) for g in self._groups)

    def _intern(self, term: Term) -> int:
        # the source spelling does not change what a term matches
        canonical = Term(term.words, term.prefix, "")
        tid = self._term_ids.get(canonical)
        if tid is None:
            tid = len(self._terms)
            self._term_ids[canonical] = tid
            self._terms.append(canonical)
            if len(term.words) > 1:
                self._phrase_heads[term.words[0]].append(tid)
            elif term.prefix:
                self._prefixes[term.words[0]].append(tid)
            else:
                self._words[term.words[0]].append(tid)
        return tid

    def _compile(self, node: Node, positive: list[int], *, negated: bool) -> _Compiled:
        if isinstance(node, Term):
            tid = self._intern(node)
            if not negated:
                positive.append(tid)
            return ("t", tid)
        if isinstance(node, Not):
            # words under an exclusion, even a double one, are never why a story matched
            return ("not", self._compile(node.child, positive, negated=True))
        kind = "and" if isinstance(node, And) else "or"
        assert isinstance(node, And | Or)
        return (kind, [self._compile(c, positive, negated=negated) for c in node.children])

    def _lookup(self, token: str) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        """Single-word terms this token satisfies and phrases it may start (None: neither)."""
        singles: list[int] = []
        heads: list[int] = []
        for stem in clitic_stems(token):
            singles.extend(self._words.get(stem, ()))
            heads.extend(self._phrase_heads.get(stem, ()))
            for n in self._prefix_lengths:
                if n > len(stem):
                    break
                singles.extend(self._prefixes.get(stem[:n], ()))
        hit = (tuple(dict.fromkeys(singles)), tuple(dict.fromkeys(heads)))
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = hit if singles or heads else None
        return self._cache[token]

    def _phrase_end(self, doc: Document, i: int, term: Term) -> int | None:
        """Index of the last word of `term` when it occurs starting at word `i`."""
        words = term.words
        last = i + len(words) - 1
        if last >= len(doc.norms) or doc.segments[last] != doc.segments[i]:
            return None
        for j, word in enumerate(words[1:], start=1):
            stems = clitic_stems(doc.norms[i + j])
            if term.prefix and j == len(words) - 1:
                if not any(s.startswith(word) for s in stems):
                    return None
            elif word not in stems:
                return None
        return last

    def occurrences(self, doc: Document) -> dict[int, list[tuple[int, int]]]:
        """Every term present in `doc`, with the (first, last) word indexes of each occurrence."""
        found: dict[int, list[tuple[int, int]]] = {}
        add = found.setdefault
        cached = self._cache.get
        missing = _MISSING
        for i, norm in enumerate(doc.norms):
            hit = cached(norm, missing)
            if hit is None:
                continue
            if hit is missing:
                hit = self._lookup(norm)
                if hit is None:
                    continue
            singles, heads = cast(tuple[tuple[int, ...], tuple[int, ...]], hit)
            for tid in singles:
                add(tid, []).append((i, i))
            for tid in heads:
                last = self._phrase_end(doc, i, self._terms[tid])
                if last is not None:
                    add(tid, []).append((i, last))
        return found

    def matching_groups(self, found: Mapping[int, object]) -> list[int]:
        """Indexes of the distinct queries that hold, given the terms `occurrences` found."""
        candidates: set[int] = set()
        for tid in found:
            postings = self._postings.get(tid)
            if postings:
                candidates.update(postings)
        exact, compiled = self._exact, self._compiled
        return [qi for qi in sorted(candidates) if exact[qi] or _holds(compiled[qi], found)]

    def keys_of(self, group: int) -> list[K]:
        """The keys that share the query of `group`."""
        return self._groups[group]

    def highlight(
        self, doc: Document, found: Mapping[int, list[tuple[int, int]]], groups: Iterable[int]
    ) -> list[Span]:
        """Character spans of the positive terms of `groups` found in `doc`, sorted."""
        tids: set[int] = set()
        for qi in groups:
            tids.update(self._positive[qi])
        words = {w for tid in tids for w in found.get(tid, ())}
        return sorted(doc.span(a, b) for a, b in words)

    def match(self, doc: Document) -> dict[K, list[Span]]:
        """The queries `doc` satisfies, each with the spans of its positive terms found."""
        found = self.occurrences(doc)
        result: dict[K, list[Span]] = {}
        for qi in self.matching_groups(found):
            spans = self.highlight(doc, found, (qi,))
            for key in self._groups[qi]:
                result[key] = spans
        return result


def _is_exact(node: Node) -> bool:
    """True when one present term of the (single) clause means the query holds."""
    if isinstance(node, Term):
        return True
    if isinstance(node, Or):
        return all(isinstance(c, Term) for c in node.children)
    if isinstance(node, And):
        return all(
            isinstance(c, Term) or (isinstance(c, Or) and _is_exact(c)) for c in node.children
        )
    return False


def _holds(node: _Compiled, found: Mapping[int, object]) -> bool:
    kind, arg = node
    if kind == "t":
        return arg in found
    if kind == "not":
        return not _holds(arg, found)  # type: ignore[arg-type]
    children: Iterable[_Compiled] = arg  # type: ignore[assignment]
    if kind == "and":
        return all(_holds(c, found) for c in children)
    return any(_holds(c, found) for c in children)
