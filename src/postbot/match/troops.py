"""Troop-count extraction (pure): "نحو 250–300 مستشار", "آلاف المستشارين", "2,500 US troops".

A troop count is a quantity (see `postbot.match.numbers`) that the sentence says counts people
under arms. The personnel noun is found in one of these places:
- right after the figure, joined at most by «من» / «من بين» («500 من القوات») or, in English,
  by up to seven capitalised, hyphen-joined or known modifiers ("900 U.S. and allied
  personnel", "200 members of the armed forces", "an 800-strong battalion");
- before it, as the thing a count noun measures («عدد الجنود الفرنسيين … نحو 600», «حجم القوة
  … 900», "the number of U.S. troops … 900", "troop levels … 2,500"), through a pronoun
  («القوات التي لا يزيد عددها على 250», "soldiers, numbering about 1,100") or as a definite
  noun before «الـ» + figure («الجنود الـ400»);
- after a change verb and «إلى»/"to" («تقليص القوات … إلى نحو 900», "cut troops … to 2,500");
- in an earlier count of the same sentence, for an elliptical figure («200 جندي … فضلا عن 800
  آخرين», «و900 في سوريا», "plus 40 more").
«من X إلى Y» after a verb or noun of change (خفض، سحب، رفع، زيادة، ارتفع …) and English
"from X to Y" give two figures; otherwise «(ما) بين X و/إلى Y» and «من X إلى Y» are one range.
A qualifier just before the figure (نحو، أقل من، about, up to …) is kept in `text`.

Rejected, by the words of the clause around the figure (see `postbot.match.troop_words`):
casualties, losses and captives on either side (مقتل، قتلوا، لقوا حتفهم، فقدان، نخسر،
اعتقلت، killed, died, lost, arrested …); capacity before it (تتسع لـ، تستوعب، "can hold");
«أفراد» next to family words and «مدربين» next to sports or school words; model numbers
(F-16, «إف-16», T-72) and unit names («الفرقة 16»); a bare year after a date word; and
figures whose noun is not personnel.

Stages, one module each: this one finds the windows (text around personnel nouns) and tokenizes
them; `troop_scan` reads figures, qualifiers, changes and ellipsis in a window; `troop_nouns`
places a figure's noun; `troop_context` judges what the clause makes of it; `troop_window` holds
the token walks they share, and `troop_words` the word lists.

Speed: a story without a figure word or a personnel stem is ruled out from its normalized words
(`may_state_counts`); otherwise only the text around personnel nouns (regexes over the raw
text) is tokenized, and a noun followed by a figure opens a window only when a count or change
word is near.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Set as AbstractSet

import ahocorasick

from postbot.match.normalize import (
    TOKEN_RE,
    WORD_CACHE,
    Token,
    normalize,
    normalize_word,
)
from postbot.match.numbers import START_WORDS
from postbot.match.troop_scan import Scan
from postbot.match.troop_window import TroopCount

__all__ = ["TroopCount", "extract_troop_counts", "may_state_counts"]


# Cheap pre-checks over the lower-cased raw text (an IGNORECASE regex is several times slower).
_MARK = "[\u064b-\u065f\u0670\u0640]*"
_AR_STEMS = (
    "جند جنود عنصر عناصر مستشار مدرب عسكر مقاتل قوات قوة قوام فراد فرد ضابط ضباط مارينز مظل"
    " منتسب مشاة كتيب"
)
_EN_STEMS = (
    "troop soldier advis personnel member servicem marine force fighter trainer commando"
    " officer recruit reservist peacekeeper sailor airmen instructor guardsmen strong -man -men"
    " contingent battalion brigade regiment garrison"
)
_STEMS = _AR_STEMS.split() + _EN_STEMS.split()
_AR_NUMBER_STEMS = "لف لاف لوف مئ مائ مية عشر ثلاث ربع خمس ست سبع ثمان تسع ثن احد بضع عدة مليون"
_EN_NUMBER_STEMS = (
    "hundred thousand dozen scores several million tens one two three four five six seven eight"
    " nine ten eleven twelve thirteen fifteen twenty thirty forty fifty sixty seventy eighty ninety"
)
_NUMBER_STEMS = _AR_NUMBER_STEMS.split() + _EN_NUMBER_STEMS.split()
# Without marks, a number word must start a word (after at most و/ف/ب/ل/ك and the article), so
# that «التحالف» or «مستشار» do not pass for «ألف» or «ست».
_AR_NUMBER_STARTS = (
    "ألف ألوف آلاف الف الوف الاف مئ مائ مية عشر ثلاث أربع اربع خمس ست سبع ثمان تسع اثن إثن"
    " احد أحد إحد بضع عدة مليون ملايين واحد"
)
# A number hint is a digit or a number word. The two are looked for apart: a digit is found by
# a character-set scan, while the word patterns are tried at every position (several times
# slower), and most personnel nouns in news have a digit near them.
_DIGIT_HINT = re.compile("[0-9٠-٩۰-۹]")
_NUMBER_WORD_PLAIN = re.compile(
    "(?<![^\\W_])[وفبلك]{0,2}(?:ال)?(?:"
    + "|".join(_AR_NUMBER_STARTS.split())
    + ")|\\b(?:"
    + "|".join(_EN_NUMBER_STEMS.split())
    + ")"
)
_NOUN_HINT_PLAIN = re.compile("|".join(_STEMS))
# Text with tashkeel or tatweel inside a word is searched with its marks deleted (a stem may
# have marks between its letters); tanwin at a word's end («جنديًا») does not need that. There a
# number word may be any stem of `_NUMBER_STEMS`, also inside a word.
_HAS_MARKS = re.compile(_MARK[:-1] + "[\u0621-\u064a]")
_MARK_CHAR = re.compile(_MARK[:-1])
_NUMBER_WORD_ANYWHERE = re.compile("|".join(_NUMBER_STEMS))
# Words that name a count before its figure: «عدد», «قوامها», "number", "troop levels", «الـ400».
# Change words too: «خفض القوات … إلى 2500», "cut troops … to 2,500".
_AR_ANCHOR_STEMS = "عدد تعداد قوام حجم خفض تقليص قلص سحب رفع زياد ارتفع انخفض تراجع"
_EN_ANCHOR_STEMS = (
    "number level presence cut reduc rais increas draw withdr boost fall drop rise shrink"
)
_ANCHOR_STEMS = _AR_ANCHOR_STEMS.split() + _EN_ANCHOR_STEMS.split()
_ANCHOR_HINT_PLAIN = re.compile("|".join(_ANCHOR_STEMS) + "|ال\u0640*[0-9٠-٩۰-۹]")
# With marks, the stems are looked for without them, «الـ400» in the raw text (marks allowed
# between «ال» and the figure only)
_ANCHOR_STEM_HINT = re.compile("|".join(_ANCHOR_STEMS))
_ARTICLE_FIGURE_MARKED = re.compile("ال" + _MARK + "[0-9٠-٩۰-۹]")
_DIGITS = re.compile(r"\d+")
_GLUED = re.compile(r"\d[^\W\d_]")
_BEFORE, _NEAR, _AFTER, _NAMED_BEFORE = 120, 60, 60, 80


def extract_troop_counts(text: str) -> list[TroopCount]:
    """Every troop count stated in `text`, in order of appearance, without overlaps."""
    found: list[TroopCount] = []
    for lo, hi in _windows(text):
        found.extend(Scan(text, _tokens(text, lo, hi)).run())
    return found


# Why ruling a story out this way never loses a count: a count needs a figure token (a word
# ending in a digit, or a number word of `START_WORDS`) and a window opened by a personnel stem
# of the raw text. Window tokens are the words of `normalize.scan_words`, or, for digits glued
# to a word, a split of one whose first part ends in a digit; and a stem found in the
# lower-cased raw text (marks allowed between its letters) is in the normalized word that holds
# it, because normalizing maps those letters one to one and deletes the marks. "İ" is the one
# letter whose lower case and case fold differ in ASCII letters, so a text holding it is never
# ruled out. Words are classified once.
def may_state_counts(words: AbstractSet[str], text: str) -> bool:
    """False when `text`, whose distinct normalized words are `words`, can state no troop count."""
    if "İ" in text:
        return True
    new = words - _CLASSIFIED
    if new:
        if len(_CLASSIFIED) > 100_000:
            for known in (_CLASSIFIED, _STEM_WORDS, _FIGURE_WORDS):
                known.clear()
            new = set(words)
        for word in new:
            if any(stem in word for stem in _NORM_STEMS):
                _STEM_WORDS.add(word)
            if word in START_WORDS or _ASCII_DIGIT.search(word) is not None:
                _FIGURE_WORDS.add(word)
        _CLASSIFIED.update(new)
    return not (_STEM_WORDS.isdisjoint(words) or _FIGURE_WORDS.isdisjoint(words))


# "-man" and "-men" are found after a hyphen in the raw text: their words start with the rest
_NORM_STEMS = tuple({normalize(stem.lstrip("-")) for stem in _STEMS})
_ASCII_DIGIT = re.compile("[0-9]")
_CLASSIFIED: set[str] = set()
_STEM_WORDS: set[str] = set()
_FIGURE_WORDS: set[str] = set()


def _windows(text: str) -> list[tuple[int, int]]:
    """Disjoint spans around personnel nouns that have something number-like near them."""
    lower = text.lower()
    if len(lower) != len(text):  # "İ" is the one character whose lower case is longer
        lower = text.replace("İ", "I").lower()
    spans: list[tuple[int, int]] = []
    if _HAS_MARKS.search(lower) is None:
        view, number_words = lower, _NUMBER_WORD_PLAIN
        nouns = _plain_nouns(lower)

        def at(pos: int) -> int:
            return pos

        def anchored(lo: int, hi: int) -> bool:
            return _ANCHOR_HINT_PLAIN.search(lower, lo, hi) is not None

    else:
        # the same searches over the text without its marks; positions are mapped both ways
        deleted = [m.start() for m in _MARK_CHAR.finditer(lower)]
        moved = [pos - k for k, pos in enumerate(deleted)]  # where each deleted mark stood
        view, number_words = _MARK_CHAR.sub("", lower), _NUMBER_WORD_ANYWHERE
        nouns = [
            (a + bisect_right(moved, a), b + bisect_right(moved, b - 1))
            for a, b in _plain_nouns(view)
        ]

        def at(pos: int) -> int:
            return pos - bisect_left(deleted, pos)

        def anchored(lo: int, hi: int) -> bool:
            if _ANCHOR_STEM_HINT.search(view, at(lo), at(hi)) is not None:
                return True
            return _ARTICLE_FIGURE_MARKED.search(lower, lo, hi) is not None

    def numbers(lo: int, hi: int) -> bool:
        lo, hi = at(lo), at(hi)
        digit = _DIGIT_HINT.search(view, lo, hi) is not None
        return digit or number_words.search(view, lo, hi) is not None

    for start, end in nouns:
        if numbers(max(0, start - _NEAR), start):
            lo, hi = max(0, start - _BEFORE), min(len(text), end + _AFTER)
        elif numbers(end, end + _NAMED_BEFORE) and anchored(
            max(0, start - 30), end + _NAMED_BEFORE
        ):
            # «عدد الجنود … 600»: the noun comes first, the words before it matter less
            lo, hi = max(0, start - _NEAR), min(len(text), end + _NAMED_BEFORE + 20)
        else:
            continue
        while lo > 0 and not text[lo - 1].isspace():
            lo -= 1
        while hi < len(text) and not text[hi].isspace():
            hi += 1
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def _plain_nouns(lower: str) -> list[tuple[int, int]]:
    """The spans `_NOUN_HINT_PLAIN.finditer(lower)` gives, found by one automaton pass in C.

    An alternation of 45 literals is tried at every position that starts one of them (ج م ق
    ع are in most words); the automaton reads the text once. finditer's choice is kept: the
    leftmost start, there the first stem in `_STEMS` order, then on from that match's end.
    """
    best: dict[int, tuple[int, int]] = {}  # start → (stem order, end)
    for last, (order, length) in _NOUN_AUTOMATON.iter(lower):
        start = last - length + 1
        seen = best.get(start)
        if seen is None or order < seen[0]:
            best[start] = (order, last + 1)
    out: list[tuple[int, int]] = []
    pos = 0
    for start in sorted(best):
        if start >= pos:
            pos = best[start][1]
            out.append((start, pos))
    return out


def _noun_automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for order, stem in enumerate(_STEMS):
        if stem not in automaton:  # a repeated stem keeps its first place, as in a regex
            automaton.add_word(stem, (order, len(stem)))
    automaton.make_automaton()
    return automaton


_NOUN_AUTOMATON = _noun_automaton()


def _tokens(text: str, lo: int, hi: int) -> list[Token]:
    """Tokens of text[lo:hi]; digits glued to a word («450عسكري») become two tokens."""
    tokens: list[Token] = []
    add, cached, new = tokens.append, WORD_CACHE.get, tuple.__new__
    glued = _GLUED.search(text, lo, hi) is not None
    for m in TOKEN_RE.finditer(text, lo, hi):
        raw = m.group()
        if glued:
            digits = _DIGITS.search(raw)
            if digits is not None and 0 < digits.end() < len(raw) and raw[digits.end()].isalpha():
                cut = m.start() + digits.end()
                for a, b in ((m.start(), cut), (cut, m.end())):
                    if part := normalize_word(text[a:b]):
                        add(Token(part, a, b, 0))
                continue
        norm = cached(raw)
        if norm is None:
            norm = normalize_word(raw)
        if norm:  # a word of marks only normalizes to nothing
            # tuple.__new__ spares the NamedTuple constructor's Python frame (most of the cost)
            add(new(Token, (norm, m.start(), m.end(), 0)))
    return tokens
