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
words sit in a hash index keyed by normalized word, prefixes in an index keyed by prefix, and
each phrase under its rarest word (its anchor), with that word's offset in the phrase. A story is
tokenized once; its distinct words are split, with set operations, into words known to hit,
words known to miss (most of them) and new words, whose candidate stems are looked up once and
remembered (news vocabulary repeats). Only the words that hit are walked in order. Only queries
that contain one of the terms present positively are evaluated, so the cost follows the story,
not the number of watches.

Why the rarest word. A phrase is checked word by word wherever its anchor occurs, so the anchor
decides how often that happens. Indexing by the first word let 850 phrases starting with «في»
be checked at every «في» of every story. The rarity estimate, with no text statistics at hand:
a function word (`stopwords`) is never an anchor when the phrase has another word; among the
others, the word fewest distinct terms use is taken (common beat words recur across watches,
names seldom do), then the longer word (longer words are rarer in running text). Phrases that
share an anchor and offset are kept in a word trie, so checking many phrases at one occurrence
costs what checking their distinct prefixes costs, however many there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from itertools import chain
from typing import Generic, TypeVar

from postbot.match.normalize import clitic_stems, scan_words, word_spans
from postbot.match.predicates import Compiled, Test, is_exact, predicate
from postbot.match.query import And, Node, Not, Or, Term
from postbot.match.stopwords import is_stop_term, is_stop_word

K = TypeVar("K", bound=Hashable)

Span = tuple[int, int]
_CACHE_LIMIT = 200_000
_STOP_COST = 1 << 30  # a clause of function words is chosen as the index key only if all are


class Document:
    """A story's searchable text (title, a line break, then the body) and its normalized words.

    Word positions are worked out only when something matched and needs highlighting.
    """

    __slots__ = ("_spans", "norms", "segments", "text", "title_end", "words")

    def __init__(self, text: str, title_end: int) -> None:
        self.text = text
        self.title_end = title_end
        self.norms, self.segments = scan_words(text)
        self.words = set(self.norms)  # distinct words, for set operations with the indexes
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


class _Trie:
    """Phrases sharing an anchor word and offset, word by word from their first word."""

    __slots__ = ("children", "ends", "prefix_ends")

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.ends: list[tuple[str, int]] = []  # (last word, term id)
        self.prefix_ends: list[tuple[str, int]] = []  # (prefix of the last word, term id)


_Hit = tuple[tuple[int, ...], tuple[dict[int, _Trie], ...]]
_Adder = Callable[[int, list[tuple[int, int]]], list[tuple[int, int]]]


class Matcher(Generic[K]):
    """A set of queries compiled together; `match` tells which of them a document satisfies."""

    def __init__(self, queries: Mapping[K, Node]) -> None:
        self._terms: list[Term] = []
        self._term_ids: dict[Term, int] = {}
        self._words: dict[str, list[int]] = defaultdict(list)
        self._prefixes: dict[str, list[int]] = defaultdict(list)
        self._phrases: list[int] = []  # term ids of phrases, indexed once every term is known
        # identical queries (many people watch «داعش») are compiled and evaluated once
        self._groups: list[list[K]] = []
        group_of: dict[Node, int] = {}
        self._compiled: list[Compiled] = []
        self._tests: list[Test | None] = []
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
            self._tests.append(None)  # compiled when first needed: most queries never are
            self._positive.append(list(dict.fromkeys(positive)))
            clauses = self._clauses(node)
            all_clauses.append(clauses)
            self._exact.append(len(clauses) == 1 and is_exact(node))
        # Each query is indexed under one required clause only. Without text statistics, the
        # clause whose terms the fewest queries use is the best guess at the rarest one: common
        # words ("العراق") recur across watches, names and places seldom do; function words
        # («في», "the") are in most stories whatever the watches say.
        usage: dict[int, int] = defaultdict(int)
        for clauses in all_clauses:
            for clause in clauses:
                for tid in clause:
                    usage[tid] += 1
        self._postings: dict[int, list[int]] = defaultdict(list)
        for qi, clauses in enumerate(all_clauses):
            anchor = min(clauses, key=lambda c: (sum(self._cost(t, usage) for t in c), len(c)))
            for tid in anchor:
                self._postings[tid].append(qi)
        self._inexact = frozenset(qi for qi, is_exact in enumerate(self._exact) if not is_exact)
        self._prefix_lengths = sorted({len(p) for p in self._prefixes})
        # anchor word → {offset of the anchor in the phrase → trie of the phrase's words}
        self._anchors: dict[str, dict[int, _Trie]] = {}
        self._index_phrases()
        # token → single-word terms it satisfies, and phrase tries it anchors; only tokens that
        # do are kept, and their sets serve C-speed set operations on a story's words
        self._singles: dict[str, tuple[int, ...]] = {}
        self._hit_set: set[str] = set()
        self._anchored: dict[str, tuple[dict[int, _Trie], ...]] = {}
        self._anchored_set: set[str] = set()
        self._known: set[str] = set()  # tokens looked up already, hits and misses (most)

    def _cost(self, tid: int, usage: Mapping[int, int]) -> int:
        """How often a term is expected to be present: its uses, or never-pick if a stop term."""
        term = self._terms[tid]
        return usage[tid] + (_STOP_COST if is_stop_term(term.words, term.prefix) else 0)

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
                self._phrases.append(tid)
            elif term.prefix:
                self._prefixes[term.words[0]].append(tid)
            else:
                self._words[term.words[0]].append(tid)
        return tid

    def _compile(self, node: Node, positive: list[int], *, negated: bool) -> Compiled:
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

    def _index_phrases(self) -> None:
        """Put each phrase under its rarest word (see the module docstring) in a trie."""
        usage: dict[str, int] = defaultdict(int)
        for term in self._terms:
            for word in set(term.words):
                usage[word] += 1
        for tid in self._phrases:
            words = self._terms[tid].words
            prefix = self._terms[tid].prefix
            # a prefix last word cannot be looked up by hash, so it is never the anchor
            usable = range(len(words) - 1) if prefix else range(len(words))
            offset = min(
                usable, key=lambda k: (is_stop_word(words[k]), usage[words[k]], -len(words[k]))
            )
            trie = self._anchors.setdefault(words[offset], {}).setdefault(offset, _Trie())
            node = trie
            for k, word in enumerate(words):
                if k == len(words) - 1:
                    (node.prefix_ends if prefix else node.ends).append((word, tid))
                else:
                    node = node.children.setdefault(word, _Trie())

    def _lookup(self, token: str) -> _Hit | None:
        """Single-word terms this token satisfies and phrase tries it anchors (None: neither)."""
        singles: list[int] = []
        anchors: list[dict[int, _Trie]] = []
        for stem in clitic_stems(token):
            singles.extend(self._words.get(stem, ()))
            tries = self._anchors.get(stem)
            if tries is not None and all(t is not tries for t in anchors):
                anchors.append(tries)
            for n in self._prefix_lengths:
                if n > len(stem):
                    break
                singles.extend(self._prefixes.get(stem[:n], ()))
        if len(self._known) >= _CACHE_LIMIT:
            for cache in (self._known, self._singles, self._hit_set):
                cache.clear()
            self._anchored.clear()
            self._anchored_set.clear()
        self._known.add(token)
        if not singles and not anchors:
            return None
        hit = (tuple(dict.fromkeys(singles)), tuple(anchors))
        self._singles[token] = hit[0]
        self._hit_set.add(token)
        if anchors:
            self._anchored[token] = hit[1]
            self._anchored_set.add(token)
        return hit

    def _phrases_at(
        self, doc: Document, start: int, trie: _Trie, add: _Adder, anchor: int, offset: int
    ) -> None:
        """Record every phrase of `trie` that occurs starting at word `start`.

        The anchor word (at `start + offset`) is known to match; the other words are checked
        with their clitic stems, following only the branches of the trie that match.
        """
        norms, segments = doc.norms, doc.segments
        segment = segments[anchor]
        level = [trie]
        i = start
        while level:
            if i >= len(norms) or segments[i] != segment:
                return
            stems = clitic_stems(norms[i])
            nxt: list[_Trie] = []
            for node in level:
                for word, tid in node.ends:
                    if i - start == offset or word in stems:
                        add(tid, []).append((start, i))
                for word, tid in node.prefix_ends:
                    if any(s.startswith(word) for s in stems):
                        add(tid, []).append((start, i))
                if node.children:
                    if i - start == offset:
                        nxt.extend(node.children.values())  # only the anchor's branch is there
                    else:
                        nxt.extend(c for s in stems if (c := node.children.get(s)) is not None)
            level = nxt
            i += 1

    def occurrences(self, doc: Document) -> dict[int, list[tuple[int, int]]]:
        """Every term present in `doc`, with the (first, last) word indexes of its occurrences.

        Single words and prefixes get an empty list: where they occur is only needed to
        highlight an alert, so `highlight` works it out then. Phrases carry their positions.
        """
        norms = doc.norms
        distinct = doc.words
        # set operations in C sort the distinct words; only new ones cost a lookup
        for token in distinct - self._known:
            self._lookup(token)
        present = distinct & self._hit_set
        singles = self._singles
        found: dict[int, list[tuple[int, int]]] = {
            tid: [] for tid in chain.from_iterable(map(singles.__getitem__, present))
        }
        anchored = present & self._anchored_set
        if anchored:
            add = found.setdefault
            anchors = self._anchored
            for i, norm in enumerate(norms):
                if norm in anchored:
                    for tries in anchors[norm]:
                        for offset, trie in tries.items():
                            if i >= offset:
                                self._phrases_at(doc, i - offset, trie, add, i, offset)
        return found

    def _place_words(self, doc: Document, found: dict[int, list[tuple[int, int]]]) -> None:
        """Fill in where the single words and prefixes of `found` occur (left empty before)."""
        todo = {tid for tid, where in found.items() if not where}
        if not todo:
            return
        for i, norm in enumerate(doc.norms):
            tids = self._singles.get(norm)
            if tids is None and norm not in self._known:
                hit = self._lookup(norm)  # the cache was emptied since `occurrences`
                tids = hit[0] if hit is not None else None
            for tid in tids or ():
                if tid in todo:
                    found[tid].append((i, i))

    def matching_groups(self, found: Mapping[int, object]) -> list[int]:
        """Indexes of the distinct queries that hold, given the terms `occurrences` found."""
        get = self._postings.get
        # postings of the terms found, gathered in C (filter drops the terms no query is under)
        candidates = set(chain.from_iterable(filter(None, map(get, found))))
        # exact candidates hold as they are; only the others are tested, and set operations in
        # C keep the exact ones (most of them) out of the Python loop
        inexact = candidates & self._inexact
        if inexact:
            tests = self._tests
            for qi in inexact:
                test = tests[qi]
                if test is None:
                    test = tests[qi] = predicate(self._compiled[qi])
                if not test(found):
                    candidates.discard(qi)
        return sorted(candidates)

    def keys_of(self, group: int) -> list[K]:
        """The keys that share the query of `group`."""
        return self._groups[group]

    @property
    def group_keys(self) -> Sequence[list[K]]:
        """The keys of every group, by group index (read-only: do not change the lists)."""
        return self._groups

    def highlight(
        self, doc: Document, found: Mapping[int, list[tuple[int, int]]], groups: Iterable[int]
    ) -> list[Span]:
        """Character spans of the positive terms of `groups` found in `doc`, sorted."""
        tids: set[int] = set()
        for qi in groups:
            tids.update(self._positive[qi])
        if isinstance(found, dict):
            self._place_words(doc, found)
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
