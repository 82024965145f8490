"""What a text index must find for a query to possibly hold, and what it indexes (pure).

The search index (store/search.py) keeps, for each story, every clitic stem of every word of the
text the matcher reads (`index_terms`): «بعين» is filed as «بعين» and «عين», «للأسد» as «للاسد»,
«اسد» and «الاسد». A query word matches a story's word exactly when it is one of that word's
stems (match/matcher.py), so looking the query word up among the stems finds exactly the stories
where the word matches; a prefix term (`word*`) is an index prefix look-up over the same stems.

`need_of` turns a parsed query into the index look-ups that every matching story passes: a word
or prefix term is itself, a phrase needs each of its words (their order and adjacency are left
to the matcher), an AND needs its parts, an OR one of its alternatives, and an exclusion needs
nothing (a story without the excluded word may hold). The index thus returns a superset of the
matches, and the real matcher confirms each candidate. `None` means the index cannot narrow the
query: the caller scans instead, within its bounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from postbot.match.normalize import clitic_stems, scan_words
from postbot.match.query import And, Node, Not, Term
from postbot.match.stopwords import is_stop_word


@dataclass(frozen=True, slots=True)
class Word:
    """A stem to find in the index; `prefix`: any stem starting with it."""

    text: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every part must be found."""

    parts: tuple[Need, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one part must be found."""

    parts: tuple[Need, ...]


Need = Word | AllOf | AnyOf


def story_text(title: str, summary: str) -> str:
    """The text the matcher reads for a story (match/matcher.py `make_document`)."""
    return f"{title}\n{summary}" if summary else title


# A stem is filed at most this long (PostgreSQL refuses lexemes over 2 KB). A query word is at
# most 200 characters, so a longer story word never equals one, and a prefix of a query still
# finds the word through its first MAX_STEM characters: nothing a query matches is lost.
MAX_STEM = 200


def index_terms(title: str, summary: str) -> list[str]:
    """Every distinct clitic stem of every word of the story's text, sorted."""
    norms, _ = scan_words(story_text(title, summary))
    stems: set[str] = set()
    for word in set(norms):
        stems.update(stem[:MAX_STEM] for stem in clitic_stems(word))
    stems.discard("")
    return sorted(stems)


def need_of(node: Node) -> Need | None:
    """What the index must find for `node` to possibly hold; None: it cannot narrow it."""
    if isinstance(node, Term):
        words = [Word(w) for w in node.words]
        if node.prefix:
            words[-1] = Word(node.words[-1], prefix=True)
        return _all(words)
    if isinstance(node, Not):
        return None
    if isinstance(node, And):
        parts = [need for c in node.children if (need := need_of(c)) is not None]
        return _all(parts) if parts else None
    options: list[Need] = []
    for child in node.children:
        need = need_of(child)
        if need is None:  # one alternative the index cannot narrow: neither can it the whole
            return None
        options.extend(need.parts if isinstance(need, AnyOf) else (need,))
    unique = tuple(dict.fromkeys(options))
    return unique[0] if len(unique) == 1 else AnyOf(unique)


def _all(parts: Sequence[Need]) -> Need:
    """AllOf, flattened, without duplicates; function words dropped when something rarer is
    required too (they are in most stories: looking them up narrows nothing)."""
    flat: list[Need] = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, AllOf) else (part,))
    unique = list(dict.fromkeys(flat))
    rare = [p for p in unique if not (isinstance(p, Word) and is_stop_word(p.text))]
    kept = rare or unique
    return kept[0] if len(kept) == 1 else AllOf(tuple(kept))


def words_of(need: Need) -> list[Word]:
    """Every look-up in `need` (to bound or describe a query's work)."""
    if isinstance(need, Word):
        return [need]
    return [w for part in need.parts for w in words_of(part)]
