"""Figures in feed items read with what they count, and compared (pure).

A number is read with its kind, the word after it («3 جنود» is (3, جند)); casualty and arrest
counts are tolls whichever noun they name («مقتل 3 من الحشد» and «ثلاثة قتلى» both count the
killed). Two items giving a figure of one kind support a join; the same kind with no value in
common («3 جنود» against «5 جنود») is evidence against, except a toll that grew when the later
item came `UPDATE_MINUTES` or more after, or said the toll rose: the same attack counted again.
Digits are compared after normalization, so «2,500», «2500», «٢٥٠٠» and «2.500» are one figure
(see `postbot.match.numbers`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from postbot.cluster.vectors import STOP
from postbot.match.normalize import Token, normalize
from postbot.match.numbers import read_quantity

UPDATE_MINUTES = 45  # a larger toll this much later is an update, not another attack

# tolls: the word before or after a figure says what it counts, whatever the noun between
# («مقتل 3 من الحشد» and «ثلاثة قتلى» both count the killed)
_TOLL_CLASSES = {
    "killed": "قتل قتيل مقتل مصرع استشهاد شهيد شهداء وفاة وفيات توفي حتف",
    "wounded": "جرح جريح جرحى اصاب أصيب إصابة مصاب",
    "arrested": "اعتقال اعتقل معتقل القبض توقيف",
}
_TOLL_STEMS = {normalize(w): name for name, words in _TOLL_CLASSES.items() for w in words.split()}
_TOLL_KINDS = tuple(_TOLL_CLASSES)


def toll_class(word: str) -> str | None:
    """ "killed", "wounded" or "arrested" when `word` (with clitics) names such a toll."""
    for candidate in (word, CLITIC.sub("", word)):
        for stem_, name in _TOLL_STEMS.items():
            if candidate.startswith(stem_):
                return name
    return None


CLITIC = re.compile(r"^(وال|بال|فال|كال|لل|ال|و|ب|ل|ف)(?=...)")
_END = re.compile(r"(ات|ون|ين|ان|يه|ي|ه)$")


# armed personnel: outlets count one force with any of these nouns («2000 عنصر», «٢٠٠٠ جندي»,
# «5 جنود»), singular or plural, so they are one kind, named by its usual noun
TROOPS = normalize("جندي")
_PERSONNEL_TEXT = "جندي جنود عنصر عناصر عسكري عسكريين مقاتل فرد افراد منتسب مستشار"
_PERSONNEL = tuple(normalize(w) for w in _PERSONNEL_TEXT.split())


def kind_of(word: str) -> str:
    """What a figure counts, reduced to a short stem (4 letters kept), or TROOPS for any noun
    of armed personnel."""
    word = CLITIC.sub("", word)
    if word.startswith(_PERSONNEL):
        return TROOPS
    if len(word) > 4:
        word = _END.sub("", word)
    return word[:4]


_NUMBER_TEXT = """
    واحد اثنان اثنين ثلاث ثلاثه اربع اربعه خمس خمسه ست سته سبع سبعه ثمان ثماني ثمانيه تسع تسعه
    عشر عشره احد اثنا اثني عشرون عشرين ثلاثون ثلاثين اربعون اربعين خمسون خمسين ستون ستين سبعون
    سبعين ثمانون ثمانين تسعون تسعين مئه مائه مئتان مئتين مائتان مائتين الف الفان الفين مليون
    thousand million
"""
_NUMBER_WORDS = frozenset(normalize(w) for w in _NUMBER_TEXT.split())
_NUMBER_STEMS = ("ثلاثم", "اربعم", "خمسم", "ستم", "سبعم", "ثمانم", "ثمانيم", "تسعم")


def _may_count(norm: str) -> bool:
    """A cheap test that a token can start a number (digits or a number word, clitic or not)."""
    if not norm:
        return False
    if norm[0].isdigit() or norm[-1].isdigit():
        return True
    for cut in (0, 1, 2, 3):
        core = norm[cut:]
        if core in _NUMBER_WORDS or core.startswith(_NUMBER_STEMS):
            return True
    return False


@dataclass(frozen=True, slots=True)
class Figure:
    """A number in the text and what it counts."""

    value: int
    kind: str

    @property
    def toll(self) -> bool:
        """A count of casualties or arrests, which grows as an event is reported on."""
        return self.kind in _TOLL_KINDS


_CASUALTY_TEXT = "قتيل قتلى جريح جرحى شهيد شهداء مصاب مصابين معتقل معتقلين"
_CASUALTY_NOUNS = tuple(normalize(w) for w in _CASUALTY_TEXT.split())


_YEAR_TEXT = "عام العام عامي سنة السنة سنه منذ حتى"
_YEAR_WORDS = frozenset(normalize(w) for w in _YEAR_TEXT.split())


def _counts_people(kind: str, tokens: list[Token], i: int, after: int) -> bool:
    """Whether the year-shaped figure at tokens[i] counts people (the noun at `after`)."""
    if i > 0 and tokens[i - 1].norm in _YEAR_WORDS:
        return False
    if kind == TROOPS:
        return True
    return after < len(tokens) and CLITIC.sub("", tokens[after].norm).startswith(_CASUALTY_NOUNS)


def figures(tokens: list[Token], text: str) -> frozenset[Figure]:
    """Counts in the text with their kind (years, vague counts and ordinals left out)."""
    found: set[Figure] = set()
    i = 0
    while i < len(tokens):
        if not _may_count(tokens[i].norm):
            i += 1
            continue
        quantity = read_quantity(tokens, i, text, between=False)
        if quantity is None or quantity.vague or quantity.low is None:
            i += 1 if quantity is None else quantity.last + 1 - i
            continue
        after = quantity.last + 1
        while after < len(tokens) and tokens[after].norm in STOP:
            after += 1
        kind = kind_of(tokens[after].norm) if after < len(tokens) else ""
        toll = toll_class(tokens[after].norm) if after < len(tokens) else None
        if quantity.yearlike and not _counts_people(kind, tokens, i, after):
            # «2000» may be a year, but not when a noun of soldiers or casualties follows
            # («أقل من 2000 عنصر», «1500 قتيل»); a verb after it («في 2019 قتل») keeps it a year
            i = quantity.last + 1
            continue
        if toll is None and i > 0:
            toll = toll_class(tokens[i - 1].norm)
        kind = toll or kind
        if not kind.isdigit():
            found.add(Figure(quantity.low, kind))
        i = quantity.last + 1
    return frozenset(found)


ROUNDING = 0.01  # figures this close are one figure rounded («243.6 مليون», «243 مليوناً و612 ألف»)


ROUNDED = 0.05  # a round figure («12 ألف») this close to a precise one («12,500») is it rounded


def close(x: int, y: int) -> bool:
    """The same figure, perhaps rounded by one outlet: within ROUNDING from 100 up, or within
    ROUNDED when one of them has two significant digits at most (12000 for 12500)."""
    if x == y:
        return True
    if min(x, y) < 100:
        return False
    gap = abs(x - y) / max(x, y)
    return gap <= ROUNDING or (gap <= ROUNDED and (_round(x) or _round(y)))


def _round(x: int) -> bool:
    digits = len(str(x))
    return digits >= 4 and x % 10 ** (digits - 2) == 0


def compare(
    a: frozenset[Figure],
    b: frozenset[Figure],
    at: tuple[datetime | None, datetime | None],
    update: tuple[bool, bool],
) -> tuple[float, float]:
    """(a figure in common, figures of one kind that disagree), each 0 or 1, for two items'
    figures seen `at` these times, each of which may say its toll rose (`update`)."""
    at_a, at_b = at
    if not a or not b:
        return 0.0, 0.0
    shared = 0.0
    for f in a:
        if any(g.kind == f.kind and close(f.value, g.value) for g in b):
            shared = 1.0
            break
    by_kind_a: dict[str, set[int]] = {}
    by_kind_b: dict[str, set[int]] = {}
    for f in a:
        by_kind_a.setdefault(f.kind, set()).add(f.value)
    for f in b:
        by_kind_b.setdefault(f.kind, set()).add(f.value)
    minutes = abs((at_b - at_a).total_seconds()) / 60 if at_a and at_b else 0.0
    later_b = at_a is not None and at_b is not None and at_b >= at_a
    conflict = 0.0
    for kind, values_a in by_kind_a.items():
        values_b = by_kind_b.get(kind)
        if not kind or values_b is None or any(close(x, y) for x in values_a for y in values_b):
            continue
        if Figure(0, kind).toll and minutes >= UPDATE_MINUTES:
            early, late = (values_a, values_b) if later_b else (values_b, values_a)
            if max(late) >= max(early):
                continue  # the later item counts more: an updated toll
        if Figure(0, kind).toll and (update[0] or update[1]):
            updated, other = (values_a, values_b) if update[0] else (values_b, values_a)
            if max(updated) >= max(other):
                continue  # the item that says the toll rose counts more: the same event
        conflict = 1.0
    return shared, conflict
