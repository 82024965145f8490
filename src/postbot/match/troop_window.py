"""The tokens of one troop-count window and the questions every rule asks of them (pure).

A window is a stretch of a story around a personnel noun (see `postbot.match.troops`). The
rules that place a figure's noun (`troop_nouns`) and that judge its sense (`troop_context`)
walk its tokens within a clause or sentence; `Window` holds those walks and the gap tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from postbot.match import troop_words as w
from postbot.match.normalize import Token, normalize
from postbot.match.numbers import START_WORDS, spaces_only

MIN, BAYN, ILA = normalize("من"), normalize("بين"), normalize("إلى")
TO_WORDS = (ILA, "to")  # «الى» normalizes to «إلى» too
ANCHOR_REACH = 10  # words a count noun or change word may stand before its figure

_BREAK_CHARS = re.compile(r"[.!?؟…;؛:\n|•·،,()\[\]]")
_SENTENCE_CHARS = re.compile(r"[.!?؟…;؛:\n|•·]")
_ABBREVIATIONS = w.norms("gen lt col sgt maj capt adm mr mrs ms dr st no")


@dataclass(frozen=True, slots=True)
class TroopCount:
    """A stated number of troops; `text` is input[start:end], qualifier included."""

    low: int | None
    high: int | None
    unit: str
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Found:
    """A count being built: token span, figures, unit and where its clause context starts."""

    first: int
    clitic: int
    last: int
    low: int | None
    high: int | None
    unit: str
    context: int  # first token whose words decide the figure's sense (an anchor, or `first`)
    noun: int | None  # token index of the personnel noun after the figure, if any


def core(norm: str) -> str:
    """`norm` without the article or a conjunction + article («والجنود» → «جنود»)."""
    for prefix in ("وال", "فال", "بال", "لل", "ال", "و"):
        if norm.startswith(prefix) and len(norm) > len(prefix) + 1:
            return norm[len(prefix) :]
    return norm


def is_personnel(norm: str, *, forces: bool) -> bool:
    """True for a personnel noun in any form: «الجنود»، «مدربيه»، «قواتها» (with `forces`)."""
    if norm in w.EN_NOUNS:
        return True
    for form in (norm, core(norm)):
        if form in w.NOUNS or (forces and form in w.FORCES):
            return True
        for suffix in w.POSSESSIVES:
            if form.endswith(suffix) and form[: -len(suffix)] in w.POSSESSABLE:
                return True
    return False


class Window:
    """The tokens of a window, over the story's text (token spans index `text`)."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens

    def gap(self, a: int, b: int) -> str:
        """The raw text between tokens a and b."""
        return self.text[self.tokens[a].end : self.tokens[b].start]

    def following(self, k: int) -> int | None:
        """Index of the token after tokens[k] when only spaces separate them."""
        tokens = self.tokens
        if k + 1 < len(tokens) and spaces_only(self.text, tokens[k], tokens[k + 1]):
            return k + 1
        return None

    def breaks(self, a: int, b: int, *, sentence: bool = False) -> bool:
        """True when a clause (or, with `sentence`, a sentence) ends between tokens a and b."""
        gap = self.gap(a, b)
        if gap == " ":  # most gaps: no need for the regex
            return False
        hit = (_SENTENCE_CHARS if sentence else _BREAK_CHARS).search(gap)
        if hit is None:
            return False
        if gap.strip() == "." or gap.startswith(". "):
            prev = self.tokens[a].norm
            # "U.S. Forces", "Gen. Smith": a dot after an initial or a title goes on
            return not (len(prev) == 1 and prev.isascii()) and prev not in _ABBREVIATIONS
        return True

    def back(self, k: int, reach: int, *, sentence: bool = False) -> Iterator[int]:
        """Up to `reach` token indexes before tokens[k], nearest first, in its clause (sentence)."""
        for _ in range(reach):
            if k == 0 or self.breaks(k - 1, k, sentence=sentence):
                return
            k -= 1
            yield k

    def ahead(self, k: int, reach: int) -> Iterator[int]:
        """Indexes of up to `reach` tokens after tokens[k], nearest first, within its clause."""
        for _ in range(reach):
            if k + 1 >= len(self.tokens) or self.breaks(k, k + 1):
                return
            k += 1
            yield k

    def is_number(self, k: int) -> bool:
        """True when tokens[k] may start a figure (digits or a number word)."""
        norm = self.tokens[k].norm
        return norm[-1] in "0123456789" or norm in START_WORDS

    def skip_clitic(self, tok: Token, length: int) -> int:
        """Offset in the text just past the first `length` normalized characters of `tok`."""
        text = self.text
        if length == 0:
            return tok.start
        pos, seen = tok.start, 0
        while pos < tok.end and seen < length:
            seen += len(normalize(text[pos]))
            pos += 1
        while pos < tok.end and not normalize(text[pos]):  # marks on the clitic itself
            pos += 1
        return pos

    def raw_noun(self, k: int) -> str:
        """The text of the noun at tokens[k] without its article or conjunction."""
        tok = self.tokens[k]
        raw = self.text[tok.start : tok.end]
        bare = core(tok.norm)
        if bare != tok.norm:
            return self.text[self.skip_clitic(tok, len(tok.norm) - len(bare)) : tok.end]
        return raw

    def military_after(self, noun: int) -> bool:
        """True when a military adjective follows the noun («خبيرا عسكريا»)."""
        k = self.following(noun)
        return k is not None and self.tokens[k].norm in w.MILITARY_ADJ
