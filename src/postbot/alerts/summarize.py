"""Arabic-aware sentence splitting and extractive summaries (pure).

A sentence ends after . ! ? ؟ or … (a run of them, plus closing quotes or brackets), when a
space, a line break, the end of the text or an Arabic letter follows — Arabic feeds often omit
the space after a full stop. It never ends on ، ؛ or :, nor inside a number such as 3.5 or 2.500,
nor after a single Latin capital ("U.S."). Line breaks also end a sentence: feed descriptions put
headings and paragraphs on lines of their own.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

_END = re.compile(
    r"[.!?؟…]+[\"'»”)\]]*"  # terminal punctuation, then closing quotes/brackets
    r"(?=\s|$|[\u0621-\u064a])"  # followed by space, end, or an Arabic letter
)
# "U.S." or "Dr." or a lone Arabic letter ("د.") is an abbreviation, not a sentence end
_ABBREV = re.compile(r"(?:^|[\s(.])(?:[A-Z]|Mrs?|Dr|St|Gen|Lt|Col|Sgt|Jr|Sr|vs|No|[ء-ي])$")
# longer than any abbreviation plus the character before it, so that "^" in `_ABBREV` matches
# only at the real start of a sentence
_ABBREV_TAIL = 8


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence as a [start, end) span of the text it came from."""

    start: int
    end: int


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Split `text` into sentences; spans are shifted by `offset` (its position in a document)."""
    sentences: list[Sentence] = []
    for line_match in re.finditer(r"[^\n]+", text):
        line = line_match.group()
        base = line_match.start()
        start = 0
        for m in _END.finditer(line):
            # only the end of the pending text can be an abbreviation; searching all of it would
            # make a line of many "U.S." quadratic
            head = line[max(start, m.start() - _ABBREV_TAIL) : m.start()]
            if m.group() == "." and _ABBREV.search(head):
                continue
            _append(sentences, line, start, m.end(), base + offset)
            start = m.end()
        _append(sentences, line, start, len(line), base + offset)
    return sentences


def _append(out: list[Sentence], line: str, start: int, end: int, shift: int) -> None:
    piece = line[start:end]
    stripped = piece.strip(" \t\r\u200f\u200e,،")
    if len(stripped) < 2:
        return
    lead = len(piece) - len(piece.lstrip(" \t\r\u200f\u200e,،"))
    out.append(Sentence(shift + start + lead, shift + start + lead + len(stripped)))


_MIN_WORDS = 5  # shorter sentences are usually captions or datelines
_HEADING_WORDS = 10  # a short line with no closing punctuation is a heading


def _is_body_sentence(piece: str) -> bool:
    words = len(piece.split())
    if words < _MIN_WORDS:
        return False
    closed = piece.rstrip("\"'»”)]").endswith((".", "!", "?", "؟", "…"))
    return closed or words >= _HEADING_WORDS


def summarize(
    text: str,
    sentences: Sequence[Sentence],
    highlights: Sequence[tuple[int, int]],
    *,
    max_sentences: int = 3,
    max_chars: int = 600,
) -> list[Sentence]:
    """Pick 2-3 sentences, preferring those with highlighted terms, in their original order."""
    if not sentences:
        return []
    usable = [s for s in sentences if _is_body_sentence(text[s.start : s.end])]
    pool = usable or list(sentences)
    counts = _distinct_hits(text, pool, highlights)

    def hits(s: Sentence) -> int:
        return counts.get((s.start, s.end), 0)

    def score(index: int, s: Sentence) -> tuple[float, int]:
        lead_bonus = 1.5 if index == 0 else 0.0
        return (2.0 * hits(s) + lead_bonus - index * 0.01, -index)

    ranked = sorted(enumerate(pool), key=lambda p: score(*p), reverse=True)
    chosen: list[tuple[int, Sentence]] = []
    used = 0
    for index, s in ranked:
        length = s.end - s.start
        if chosen and used + length > max_chars:
            continue
        if len(chosen) >= 2 and index != 0 and not hits(s):
            continue  # two sentences say enough; a third must add a matched term
        chosen.append((index, s))
        used += length
        if len(chosen) == max_sentences:
            break
    return [s for _, s in sorted(chosen)]


def _distinct_hits(
    text: str, sentences: Sequence[Sentence], highlights: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], int]:
    """Distinct highlighted terms inside each sentence.

    Highlights are sorted once and each sentence looks up its own by binary search, so the cost
    is (sentences + highlights) × log, not sentences × highlights: a long story with many
    matched terms must not take seconds to summarize.
    """
    ordered = sorted(highlights)
    starts = [a for a, _ in ordered]
    counts: dict[tuple[int, int], int] = {}
    for s in sentences:
        terms: set[str] = set()
        i = bisect_left(starts, s.start)
        while i < len(ordered) and ordered[i][0] < s.end:
            a, b = ordered[i]
            if b <= s.end:
                terms.add(text[a:b])
            i += 1
        counts[(s.start, s.end)] = len(terms)
    return counts
