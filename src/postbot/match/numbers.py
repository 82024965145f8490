"""Numbers as news text writes them (pure): digits in any script, Arabic number words, ranges.

Works on tokens from `postbot.match.normalize` (normalized words with spans into the original).
Digits: the tokenizer splits "2,500" into "2" and "500", so groups are glued back when the raw
text between them is exactly "," or "٬" and the next group has three digits. A "." or "٫" between
groups is read as a thousands separator when three digits follow ("2.500 جندي" is 2500: nobody
counts two and a half soldiers), and as a decimal point when a multiplier follows ("1.5 ألف").
Words: units 1-10 (and 11-19 as "خمسة عشر"), tens, hundreds in one word or two (ثلاثمائة,
ثلاث مئة), ألف/ألفين/آلاف/مليون and English thousand/million as multipliers, and sums joined by
و ("خمسة آلاف وخمسمائة"). A و-continuation must be smaller than the multiplier before it; when it
is not ("بين 5 آلاف و6 آلاف") it starts the other end of a range instead. Vague counts
(عشرات، مئات، آلاف، بضعة آلاف، hundreds of …) are read without inventing a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from postbot.match.normalize import Token, normalize

# Attached clitics a number or qualifier may carry: conjunctions, prepositions, the article.
CLITICS: tuple[str, ...] = ("", "و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل")
CLITICS += ("ولل", "فلل", "وب", "ول", "فب", "فل", "وك")

_UNIT, _PRE, _TEN, _HUND, _MULT, _PLURAL, _FIXED, _NUM, _EN_HUND, _DOZEN = range(10)
# Values are ints, exact and fast; a Fraction only for a decimal figure before a multiplier
# ("1.5 ألف"), so that its product is exact too.
_Value = Fraction | int


_EN_UNITS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    " sixteen seventeen eighteen nineteen"
)
_EN_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
# "one" alone is too often "one of the soldiers"; it counts only before a multiplier
_ONE_HEADS = frozenset(("hundred", "thousand", "million"))
_A_HEADS = frozenset(("hundred", "thousand", "dozen"))


def _table(kind: int, spellings: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {normalize(word): (kind, value) for word, value in spellings.items()}


_WORDS: dict[str, tuple[int, int]] = {
    **_table(_UNIT, {"واحد": 1, "واحدة": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2}),
    **_table(_UNIT, {"ثلاث": 3, "ثلاثة": 3, "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5}),
    **_table(_UNIT, {"ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7, "ثمان": 8, "ثماني": 8}),
    **_table(_UNIT, {"ثمانية": 8, "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10}),
    # "أحد" and "اثنا" only count before عشر: «أحد الجنود» is "one of the soldiers".
    **_table(_PRE, {"أحد": 1, "إحدى": 1, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2}),
    **_table(_TEN, {"عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "أربعون": 40}),
    **_table(_TEN, {"أربعين": 40, "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60}),
    **_table(_TEN, {"سبعون": 70, "سبعين": 70, "ثمانون": 80, "ثمانين": 80, "تسعون": 90}),
    **_table(_TEN, {"تسعين": 90}),
    **_table(_HUND, {"مئة": 100, "مائة": 100, "مية": 100, "مئتان": 200, "مئتين": 200}),
    **_table(_HUND, {"مئتي": 200, "مئتا": 200, "مائتان": 200, "مائتين": 200, "مائتي": 200}),
    **_table(_HUND, {"مائتا": 200}),
    **{
        normalize(stem + hundred): (_HUND, value * 100)
        for stem, value in (
            ("ثلاث", 3),
            ("أربع", 4),
            ("خمس", 5),
            ("ست", 6),
            ("سبع", 7),
            ("ثمان", 8),
            ("ثماني", 8),
            ("تسع", 9),
        )
        for hundred in ("مئة", "مائة")
    },
    **_table(_MULT, {"ألف": 1000, "مليون": 1_000_000, "thousand": 1000, "million": 1_000_000}),
    **_table(_PLURAL, {"آلاف": 1000, "الوف": 1000, "ملايين": 1_000_000}),
    **_table(_FIXED, {"ألفان": 2000, "ألفين": 2000, "ألفي": 2000, "ألفا": 2000}),
    **_table(_FIXED, {"مليونان": 2_000_000, "مليونين": 2_000_000}),
    **{w: (_UNIT, n) for n, w in enumerate(_EN_UNITS.split(), start=1)},
    **{w: (_TEN, 10 * n) for n, w in enumerate(_EN_TENS.split(), start=2)},
    "hundred": (_EN_HUND, 100),
    "dozen": (_DOZEN, 12),
}
_EN_UNIT_WORDS = frozenset(_EN_UNITS.split())
_EN_TEN_WORDS = frozenset(_EN_TENS.split())
_ALFA = normalize("ألفا")
_TEEN = {normalize("عشر"), normalize("عشرة")}
_MULTIPLIER_WORDS = {w for w, (kind, _) in _WORDS.items() if kind in (_MULT, _PLURAL)}

_VAGUE = {
    normalize(w) for w in ("عشرات", "مئات", "آلاف", "الوف", "العشرات", "المئات", "الآلاف", "الالوف")
}
_VAGUE_EN = {"hundreds", "thousands", "dozens", "scores"}
_FEW = {normalize(w) for w in ("بضع", "بضعة", "عدة")} | {"several"}
_FEW_HEADS = {normalize(w) for w in ("عشرات", "مئات", "آلاف", "الوف")}
_FEW_HEADS |= {"hundred", "thousand", "dozen"}
_THOUSANDS_AR = {normalize(w) for w in ("آلاف", "الآلاف", "الوف", "الالوف")}
_RANGE_WORDS = {normalize("إلى"), normalize("حتى"), "to"}
_DASHES = {"-", "–", "—", "‐", "‑", "−"}
# "2,500", "٢٬٥٠٠", "2،500" (Arabic comma, no space) and "2 500" with a thin or no-break space
_GROUP_SEPS = {",", "٬", "،", "\u2009", "\u202f", "\u00a0"}
_POINT_SEPS = {".", "٫"}

_STARTS = frozenset((*_WORDS, *_VAGUE, *_FEW, *_VAGUE_EN, "tens", "a"))
START_WORDS = frozenset(p + w for w in _STARTS for p in CLITICS)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A count read from tokens[first..last]; low/high are None for a vague count."""

    low: int | None
    high: int | None
    last: int
    clitic: int  # normalized length of the clitic glued to the first token («بنحو», «وآلاف»)
    yearlike: bool  # a bare 4-digit figure such as 2014, which may be a year
    vague: bool
    needs_of: bool  # English "hundreds" / "thousands" are followed by "of"


@dataclass(frozen=True, slots=True)
class _Number:
    value: int
    last: int
    scale: int  # the first multiplier applied (1 when none), shared across "5 إلى 6 آلاف"
    yearlike: bool


def spaces_only(text: str, a: Token, b: Token) -> bool:
    """True when only spaces or tabs (no line break) separate tokens `a` and `b`."""
    gap = text[a.end : b.start]
    return not gap or (gap.isspace() and "\n" not in gap)


def clitic_splits(norm: str) -> list[tuple[int, str]]:
    """Every (clitic length, rest) reading of a normalized word, the bare word first."""
    if norm[:1].isdigit():  # no clitic starts with a digit (most figures)
        return [(0, norm)]
    return [(len(p), norm[len(p) :]) for p in CLITICS if norm.startswith(p) and len(norm) > len(p)]


def _digits(tokens: list[Token], i: int, core: str, text: str) -> tuple[_Value, int, bool]:
    """Glue digit groups split by the tokenizer; return (value, last index, plain 4-digit?)."""
    digits, last, grouped = core, i, False
    while last + 1 < len(tokens):
        sep = text[tokens[last].end : tokens[last + 1].start]
        nxt = tokens[last + 1].norm
        if not (nxt.isascii() and nxt.isdigit()):
            break
        if sep in _POINT_SEPS:
            after = tokens[last + 2].norm if last + 2 < len(tokens) else ""
            if after in _MULTIPLIER_WORDS and not grouped:
                return Fraction(f"{digits}.{nxt}"), last + 1, False
        if sep not in _GROUP_SEPS | _POINT_SEPS or len(nxt) != 3 or (not grouped and len(core) > 3):
            break
        digits, last, grouped = digits + nxt, last + 1, True
    plain = not grouped and len(digits) == 4 and 1900 <= int(digits) <= 2100
    return int(digits), last, plain


def _element(tokens: list[Token], i: int, core: str, text: str) -> tuple[int, _Value, int, bool]:
    """Classify one number element: (kind, value, last token index, yearlike); kind -1 if none."""
    if core.isascii() and core.isdigit():
        value, last, plain = _digits(tokens, i, core, text)
        return _NUM, value, last, plain
    kind, number = _WORDS.get(core, (-1, 0))
    return kind, number, i, False


def _read_number(tokens: list[Token], i: int, text: str, core: str) -> _Number | None:
    """Read one number starting at tokens[i] whose clitic-free form is `core`."""
    kind, value, last, yearlike = _element(tokens, i, core, text)
    following = tokens[i + 1].norm if i + 1 < len(tokens) else ""
    if core == "a" and following in _A_HEADS:  # "a thousand troops", "a dozen Marines"
        kind, value = _UNIT, 1
    elif core == "one" and following not in _ONE_HEADS:
        return None
    total: _Value = 0
    group: _Value = 0
    scale, first_scale = 0, 1
    saved: _Number | None = None
    if kind in (_NUM, _UNIT, _TEN, _HUND):
        group = value
    elif kind == _PRE and last + 1 < len(tokens) and tokens[last + 1].norm in _TEEN:
        kind, group, last = _UNIT, value + 10, last + 1
    elif kind in (_MULT, _FIXED):
        total, scale = value, int(value) // (1 if kind == _MULT else 2)
        first_scale = scale
    else:
        return None
    prev = kind
    while last + 1 < len(tokens):
        j, norm = last + 1, tokens[last + 1].norm
        if not spaces_only(text, tokens[last], tokens[j]):
            gap = text[tokens[last].end : tokens[j].start]
            if not (gap in _DASHES and prev == _TEN and norm in _EN_UNIT_WORDS):
                break  # only "twenty-five" may be hyphenated
        joined = norm.startswith("و")
        if (
            norm in ("و", "and")
            and j + 1 < len(tokens)
            and spaces_only(text, tokens[j], tokens[j + 1])
        ):
            j, norm = j + 1, "و" + tokens[j + 1].norm
            joined = True
        kind, value, end, _ = _element(tokens, j, norm[1:] if joined else norm, text)
        if kind < 0 and joined:  # a word that merely starts with و, such as «وحدات»
            kind, value, end, _ = _element(tokens, j, norm, text)
            joined = False
        if not joined and kind in (_UNIT, _PRE) and norm in _TEEN and prev == _UNIT and group < 10:
            group, prev = group + 10, _UNIT
        elif not joined and kind == _HUND and value == 100 and prev == _UNIT and 3 <= group <= 9:
            group, prev = group * 100, _HUND
        elif not joined and kind == _EN_HUND and prev in (_UNIT, _TEN) and 0 < group < 100:
            group, prev = group * 100, _HUND  # "three hundred", "fifteen hundred"
        elif not joined and kind == _DOZEN and prev == _UNIT and group < 13:
            group, prev = group * 12, _HUND  # "a dozen", "two dozen"
        elif not joined and kind == _UNIT and prev == _TEN and norm in _EN_UNIT_WORDS:
            group, prev = group + value, _UNIT  # "twenty-five", "twenty five"
        elif not joined and (kind in (_MULT, _PLURAL) or norm == _ALFA) and group > 0:
            value = 1000 if norm == _ALFA else value  # «عشرين ألفاً», not «ألفا جندي»
            if saved is not None and value >= scale:
                return saved  # «5 آلاف و6 آلاف»: the second part is another number
            total, group, scale, prev = total + group * value, 0, int(value), _MULT
            first_scale = first_scale if first_scale > 1 else scale
        elif joined and prev in (_MULT, _FIXED) and kind in (_NUM, _UNIT, _TEN, _HUND):
            if value >= scale:
                break
            saved = _finish(total + group, last, first_scale, False)
            group, prev = group + value, kind
        elif joined and prev == _HUND and kind in (_NUM, _UNIT, _TEN) and value < 100:
            group, prev = group + value, kind
        elif joined and prev == _UNIT and kind == _TEN and group % 100 < 10:
            group, prev = group + value, _TEN
        else:
            break
        last = end
        yearlike = False
    return _finish(total + group, last, first_scale, yearlike)


def _finish(value: _Value, last: int, scale: int, yearlike: bool) -> _Number | None:
    if value <= 0 or value.denominator != 1:
        return None
    return _Number(int(value), last, scale, yearlike)


def _read_vague(tokens: list[Token], i: int, core: str) -> int | None:
    """Index of the last token of a vague count starting at tokens[i], or None."""
    n, last = len(tokens), i
    if core == "a" and i + 1 < n and tokens[i + 1].norm == "few":
        core, last = "several", i + 1
    if core in _FEW:
        if last + 1 < n and tokens[last + 1].norm in _FEW_HEADS:
            return last + 1
        return None
    if core not in _VAGUE and core not in _VAGUE_EN and core != "tens":
        return None
    nxt = tokens[last + 1].norm if last + 1 < n else ""
    if core in _VAGUE and core not in _THOUSANDS_AR and nxt in _THOUSANDS_AR:
        return last + 1  # «عشرات الآلاف»
    if (
        core in ("tens", "hundreds")
        and nxt == "of"
        and i + 2 < n
        and tokens[i + 2].norm == "thousands"
    ):
        return i + 2
    return None if core == "tens" else last


def read_quantity(tokens: list[Token], i: int, text: str, *, between: bool) -> Quantity | None:
    """Read a count (single figure, range or vague) starting at tokens[i], or None."""
    for clitic, core in clitic_splits(tokens[i].norm) if tokens[i].norm else []:
        if core not in _STARTS and not (core.isascii() and core.isdigit()):
            continue
        vague_end = _read_vague(tokens, i, core)
        if vague_end is not None:
            needs_of = tokens[vague_end].norm in _VAGUE_EN | {"thousands"}
            return Quantity(None, None, vague_end, clitic, False, True, needs_of)
        first = _read_number(tokens, i, text, core)
        if first is None:
            continue
        second = _range_end(tokens, first.last, text, between=between)
        if second is not None:
            low = first.value
            if first.scale == 1 and second.scale > 1 and low * second.scale <= second.value:
                low *= second.scale  # «5 إلى 6 آلاف» means 5000 to 6000
            if low < second.value:
                yearlike = first.yearlike or second.yearlike
                return Quantity(low, second.value, second.last, clitic, yearlike, False, False)
        if between:
            return None  # «بين» without a second figure is no range
        value = first.value
        return Quantity(value, value, first.last, clitic, first.yearlike, False, False)
    return None


def _range_end(tokens: list[Token], last: int, text: str, *, between: bool) -> _Number | None:
    """The upper end of a range after tokens[last] («–300», «إلى 300», «و300» after بين)."""
    j = last + 1
    if j >= len(tokens):
        return None
    gap = text[tokens[last].end : tokens[j].start].strip(" \t")
    norm = tokens[j].norm
    if gap in _DASHES:
        return _read_number(tokens, j, text, norm)
    if gap:
        return None
    if norm in _RANGE_WORDS or (between and norm in ("و", "and")):
        if j + 1 < len(tokens) and spaces_only(text, tokens[j], tokens[j + 1]):
            return _read_number(tokens, j + 1, text, tokens[j + 1].norm)
        return None
    if between and norm.startswith("و") and len(norm) > 1:
        return _read_number(tokens, j, text, norm[1:])
    return None
