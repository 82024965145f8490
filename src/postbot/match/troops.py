"""Troop-count extraction (pure): "نحو 250–300 مستشار", "آلاف المستشارين", "2,500 US troops".

A troop count is a quantity (see `postbot.match.numbers`) that directly counts a personnel noun:
the noun follows the figure, joined at most by «من» / «من بين» in Arabic («500 من القوات») or by
up to four modifiers in English ("2,500 U.S.-led coalition troops"). «قوات» counts only after
«من», since «قوات 2003» or a bare «قوات» is rarely a head count. After a figure in digits the
Arabic noun is indefinite («500 جندي»); the article is accepted after vague words («آلاف
المستشارين»). A qualifier just before the figure (نحو، أقل من، بين … و…، about, up to …) is kept
in `text`; «بين» / «من» / between / from only when a range follows. A single figure gives
low = high; a range its two ends; a vague count None/None.

Rejected: counts of casualties or captives (a word such as مقتل، إصابة، أسر، اعتقال, killed,
wounded within three words before or after, inside the clause), a bare year after a date word
(«عام 2014», "in 2003"), and anything not followed by a personnel noun: money, people in general,
numbers written after the noun («الجندي 2020»).

Speed: only the text around personnel nouns (a regex over the raw text) is tokenized.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from postbot.match.normalize import TOKEN_RE, Token, normalize
from postbot.match.numbers import CLITICS, START_WORDS, Quantity, read_quantity, spaces_only


@dataclass(frozen=True, slots=True)
class TroopCount:
    """A stated number of troops; `text` is input[start:end], qualifier included."""

    low: int | None
    high: int | None
    unit: str
    text: str
    start: int
    end: int


def _norms(words: str) -> frozenset[str]:
    return frozenset(normalize(w) for w in words.split())


_NOUNS = _norms(
    "جندي جنديا جنديين جنديان جنود مجند مجندا مجندين مجندون عنصر عنصرا عنصرين عنصران عناصر"
    " مستشار مستشارا مستشارين مستشارون مستشاري مستشاران مدرب مدربا مدربين مدربون مدربي"
    " عسكري عسكريا عسكريين عسكريون مقاتل مقاتلا مقاتلين مقاتلون مقاتلي أفراد فرد فردا"
    " ضابط ضابطا ضباط ضابطين ضابطان مارينز مظلي مظليا مظليين مظليون منتسب منتسبا منتسبين منتسبي"
)
_FORCES = normalize("قوات")
_MIN, _BAYN = normalize("من"), normalize("بين")
_POSSESSABLE = _norms("جنود عناصر مستشاري مدربي مقاتلي أفراد ضباط منتسبي قوات")
_POSSESSIVES = ("ها", "هم", "نا", "ه", "كم")
_EN_NOUNS = _norms(
    "troops soldiers soldier advisers adviser advisors advisor personnel marines marine forces"
    " fighters fighter trainers trainer servicemembers servicemember servicemen paratroopers"
    " commandos troopers"
)
_CASUALTY = _norms(
    "قتل قتلت قتلوا يقتل مقتل مقتلهم قتيل قتيلا قتلى اغتيال مصرع مصرعهم مصرعه حتفهم حتفه"
    " إصابة إصابات أصيب أصيبوا أصيبت مصاب مصابا مصابين مصابون جرح جرحى جريح جريحا جرحوا"
    " أسر أسرت أسرى أسير أسيرا اعتقال اعتقل اعتقلت اعتقلوا معتقل معتقلا معتقلين اعتقالات"
    " توقيف موقوفين خطف خطفت اختطاف اختطف مخطوفين مختطفين رهائن رهينة استشهاد استشهد شهيد"
    " شهداء احتجاز احتجز محتجزين القبض تصفية مفقود مفقودين إعدام أعدم"
) | _norms(
    "killed kill kills killing wounded wounding injured injuring injuries dead death deaths died"
    " die dies dying captured capture arrested arrest detained kidnapped abducted hostage"
    " hostages captive captives prisoners prisoner casualties hurt missing executed slain"
    " fatalities lost"
)
_DATE_WORDS = _norms(
    "عام سنة منذ في خلال مطلع أوائل أواخر منتصف نهاية بداية يناير فبراير مارس أبريل مايو يونيو"
    " يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر كانون شباط آذار نيسان أيار حزيران تموز آب أيلول"
    " تشرين الأول الثاني in since by until till during year early late mid summer winter spring"
    " autumn fall january february march april may june july august september october november"
    " december"
)
_EN_STOP = _CASUALTY | _norms(
    "the a an of in on at to from by for with and or but than as per that who which were was are"
    " is be been have has had will would could may said says say people civilians residents"
    " dollars usd euros pounds years year days months weeks hours km miles kilometres kilometers"
    " percent times each other these those its their his her our into"
)

# With every clitic attached beforehand, so that checking a word is one set lookup.
_CASUALTY_CLITIC = frozenset(p + w for w in _CASUALTY for p in CLITICS)
_DATE_CLITIC = frozenset(p + w for w in _DATE_WORDS for p in CLITICS)

_PLAIN, _BETWEEN, _FROM = range(3)
_QUALIFIERS: dict[tuple[str, ...], int] = {
    tuple(normalize(phrase).split()): kind
    for kind, phrases in (
        (
            _PLAIN,
            "نحو|قرابة|حوالي|حوالى|زهاء|ما يقارب|يقارب|ما يقرب من|يقرب من|أقل من|أكثر من"
            "|ما لا يقل عن|لا يقل عن|ما يزيد على|ما يزيد عن|يزيد على|يزيد عن|ما يربو على"
            "|يربو على|أزيد من|ما يناهز|يناهز|ما يفوق|يفوق|ما يصل إلى|يصل إلى|حتى|في حدود"
            "|حدود|ما مجموعه|about|around|nearly|almost|some|roughly|approximately|over|under"
            "|more than|fewer than|less than|up to|at least|as many as|an estimated|estimated"
            "|close to|just over|just under|upwards of",
        ),
        (_BETWEEN, "بين|ما بين|between"),
        (_FROM, "من|from"),
    )
    for phrase in phrases.split("|")
}
_QUALIFIER_CLITICS = ("", "و", "ف", "ب", "ل", "وب", "ول", "فب")

# Cheap pre-checks over the lower-cased raw text (an IGNORECASE regex is several times slower).
_MARK = "[\u064b-\u065f\u0670\u0640]*"
_AR_STEMS = "جند جنود عنصر عناصر مستشار مدرب عسكر مقاتل قوات فراد فرد ضابط ضباط مارينز مظل منتسب"
_EN_STEMS = "troop soldier advis personnel member servicem marine force fighter trainer commando"
_NOUN_HINT = re.compile("|".join([_MARK.join(s) for s in _AR_STEMS.split()] + _EN_STEMS.split()))
_AR_NUMBER_STEMS = "لف لاف مئ مائ مية عشر ثلاث ربع خمس ست سبع ثمان تسع ثن احد بضع عدة مليون"
_NUMBER_HINT = re.compile(
    "|".join(["[0-9٠-٩۰-۹]"] + [_MARK.join(s) for s in _AR_NUMBER_STEMS.split()])
    + "|hundred|thousand|dozen|several|million|tens"
)
_BREAK = re.compile(r"[.!?؟…;؛:\n|•·،,()\[\]]")
_BEFORE, _NEAR, _AFTER, _CONTEXT = 120, 60, 60, 3


def extract_troop_counts(text: str) -> list[TroopCount]:
    """Every troop count stated in `text`, in order of appearance, without overlaps."""
    found: list[TroopCount] = []
    for lo, hi in _windows(text):
        tokens = []
        for m in TOKEN_RE.finditer(text, lo, hi):
            norm = normalize(m.group())
            if norm:
                tokens.append(Token(norm, m.start(), m.end(), 0))
        found.extend(_scan(text, tokens))
    return found


def _windows(text: str) -> list[tuple[int, int]]:
    """Disjoint spans around personnel nouns that have something number-like just before them."""
    lower = text.lower()
    if len(lower) != len(text):  # "İ" is the one character whose lower case is longer
        lower = text.replace("İ", "I").lower()
    spans: list[tuple[int, int]] = []
    for m in _NOUN_HINT.finditer(lower):
        if not _NUMBER_HINT.search(lower, max(0, m.start() - _NEAR), m.start()):
            continue
        lo, hi = max(0, m.start() - _BEFORE), min(len(text), m.end() + _AFTER)
        while lo > 0 and not text[lo - 1].isspace():
            lo -= 1
        while hi < len(text) and not text[hi].isspace():
            hi += 1
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def _scan(text: str, tokens: list[Token]) -> list[TroopCount]:
    found: list[TroopCount] = []
    i = floor = 0
    while i < len(tokens):
        norm = tokens[i].norm
        if norm in START_WORDS or norm[-1] in "0123456789":
            count, after = _count_at(text, tokens, i, floor)
            if count is not None:
                found.append(count)
                floor = after
            i = max(after, i + 1)
        else:
            i += 1
    return found


def _count_at(text: str, tokens: list[Token], i: int, floor: int) -> tuple[TroopCount | None, int]:
    """The count whose figure starts at tokens[i], and the index to resume scanning from."""
    qualifier = _qualifier(text, tokens, i, floor)
    for q in (qualifier, None) if qualifier else (None,):
        kind = q[2] if q else _PLAIN
        quantity = read_quantity(tokens, i, text, between=kind == _BETWEEN)
        if quantity is None or (kind != _PLAIN and quantity.low == quantity.high):
            continue  # «بين» and «من» qualify only a range
        noun = _noun(text, tokens, quantity)
        if noun is None:
            return None, quantity.last + 1
        last, unit_start = noun
        first, clitic = (q[0], q[1]) if q else (i, quantity.clitic)
        if quantity.yearlike and q is None and _after_date_word(text, tokens, first):
            return None, last + 1
        if _casualty_near(text, tokens, first, last):
            return None, last + 1
        start, end = _skip_clitic(text, tokens[first], clitic), tokens[last].end
        unit = text[unit_start:end]
        return TroopCount(quantity.low, quantity.high, unit, text[start:end], start, end), last + 1
    return None, i + 1


def _qualifier(text: str, tokens: list[Token], i: int, floor: int) -> tuple[int, int, int] | None:
    """(first token index, clitic length, kind) of the longest qualifier right before tokens[i]."""
    for size in (4, 3, 2, 1):
        first = i - size
        if first < floor:
            continue
        span = tokens[first : i + 1]
        if not all(spaces_only(text, a, b) for a, b in pairwise(span)):
            continue
        rest = tuple(t.norm for t in span[1:-1])
        head = span[0].norm
        for clitic in _QUALIFIER_CLITICS:
            if head.startswith(clitic) and len(head) > len(clitic):
                kind = _QUALIFIERS.get((head[len(clitic) :], *rest))
                if kind is not None:
                    return first, len(clitic), kind
    return None


def _noun(text: str, tokens: list[Token], q: Quantity) -> tuple[int, int] | None:
    """(last token index, unit start offset) of the personnel noun the quantity counts."""
    k = _next(text, tokens, q.last)
    if k is None:
        return None
    norm = tokens[k].norm
    if norm.isascii():
        if q.needs_of:  # "thousands of troops"
            k = _next(text, tokens, k) if norm == "of" else None
        return None if k is None else _english_noun(text, tokens, k)
    if q.needs_of:
        return None
    if norm == _MIN:
        k = _next(text, tokens, k)
        if k is not None and tokens[k].norm == _BAYN:
            k = _next(text, tokens, k)
        return None if k is None else _arabic_noun(text, tokens, k, linked=True)
    return _arabic_noun(text, tokens, k, linked=False, article=q.vague)


def _next(text: str, tokens: list[Token], k: int) -> int | None:
    """Index of the token after tokens[k] when only spaces separate them."""
    if k + 1 < len(tokens) and spaces_only(text, tokens[k], tokens[k + 1]):
        return k + 1
    return None


def _arabic_noun(
    text: str, tokens: list[Token], k: int, *, linked: bool, article: bool = True
) -> tuple[int, int] | None:
    """Read tokens[k] as a personnel noun; «قوات» and possessives («جنودها») only after «من»."""
    tok = tokens[k]
    readings = [(0, tok.norm)]
    if article and tok.norm.startswith("ال"):
        readings.append((2, tok.norm[2:]))
    for clitic, core in readings:
        if core in _NOUNS or (linked and core == _FORCES):
            return k, _skip_clitic(text, tok, clitic)
    if linked:
        for suffix in _POSSESSIVES:
            if tok.norm.endswith(suffix) and tok.norm[: -len(suffix)] in _POSSESSABLE:
                return k, tok.start
    return None


def _english_noun(text: str, tokens: list[Token], k: int) -> tuple[int, int] | None:
    """Read a personnel noun at tokens[k], after up to four modifiers ("U.S.-led coalition")."""
    for _ in range(5):
        norm = tokens[k].norm
        nxt = _next(text, tokens, k)
        if norm in _EN_NOUNS:
            return k, tokens[k].start
        if norm == "service" and nxt is not None and tokens[nxt].norm in ("members", "member"):
            return nxt, tokens[k].start
        if not (norm.isascii() and norm.isalpha()) or norm in _EN_STOP or k + 1 >= len(tokens):
            return None
        gap = text[tokens[k].end : tokens[k + 1].start]
        joiners = ("-", "–", ".", ".-") if len(norm) == 1 else ("-", "–")  # "U.S.-led"
        if nxt is None and gap.strip(" ") not in joiners:
            return None
        k += 1
    return None


def _after_date_word(text: str, tokens: list[Token], first: int) -> bool:
    """True when the word right before tokens[first] introduces a date («عام»، «منذ»، "in")."""
    if first == 0 or not spaces_only(text, tokens[first - 1], tokens[first]):
        return False
    return tokens[first - 1].norm in _DATE_CLITIC


def _casualty_near(text: str, tokens: list[Token], first: int, last: int) -> bool:
    """True when a casualty or captivity word stands near the count, in the same clause."""
    k = first
    for _ in range(_CONTEXT):
        if k == 0 or _BREAK.search(text, tokens[k - 1].end, tokens[k].start):
            break
        k -= 1
        if tokens[k].norm in _CASUALTY_CLITIC:
            return True
    k = last
    for _ in range(_CONTEXT):
        if k + 1 >= len(tokens) or _BREAK.search(text, tokens[k].end, tokens[k + 1].start):
            break
        k += 1
        if tokens[k].norm in _CASUALTY_CLITIC:
            return True
    return False


def _skip_clitic(text: str, tok: Token, length: int) -> int:
    """Offset in `text` just past the first `length` normalized characters of `tok`."""
    if length == 0:
        return tok.start
    pos, seen = tok.start, 0
    while pos < tok.end and seen < length:
        seen += len(normalize(text[pos]))
        pos += 1
    while pos < tok.end and not normalize(text[pos]):  # marks on the clitic itself
        pos += 1
    return pos
