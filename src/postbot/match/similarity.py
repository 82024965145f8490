"""Evidence that two feed items report one event (pure): text, figures, time.

Two outlets rewrite one wire story in their own words, so the comparison is built from pieces
that survive rewording:

- **Character n-grams** (3 to 5 letters, inside words padded with a space) of the normalized
  text, TF-IDF weighted, compared by cosine: «بهجوم» and «الهجوم» share «هجو», «جوم», «جوم »,
  so clitics, plural endings and spelling variants meet without a stemmer. The headline and lead
  (title plus the summary's first sentence) are compared apart from the whole item (title plus
  the first `ITEM_CHARS` characters of the summary, what a feed carries), and weigh more.
- **Rare words shared** (names and places: «عكاشات», «الطارمية», a minister's name), weighed by
  their n-grams' IDF: a shared name says more than shared beat words («هجوم», «داعش»).
- **Figures** read with their kind (the word after the number: «3 جنود» is (3, جند)):
  a figure both items give supports a join; the same kind with no value in common («3 جنود»
  against «5 جنود») is evidence against, except a toll that grew when the later item came an
  hour or more after (`UPDATE_MINUTES`): that is the same attack counted again.
  Digits are compared after normalization, so «2,500», «2500», «٢٥٠٠», «2.500» and «٢٬٥٠٠» are
  one figure (see `postbot.match.numbers`).
- **Places**: two items that each name a town or district of the beat and none in common are
  two events («هجوم في حديثة», «هجوم في هيت»), however alike the wording.
- **Incidents**: headlines that each name what happened and name nothing in common («ضربة
  جوية», «اعتقال») are two incidents.
- **Weekdays**: two items that each name the day of the event («الأحد», «الاثنين») and name
  none in common are two days' news: the daily toll of one day and the next read alike.
- **Time apart**: items seen more than `SAME_DAY_HOURS` apart are rarely the same event.

The IDF is a fixed estimate (`postbot.match.ngram_idf`), counted once over Arabic news
articles; an n-gram it does not list is rare (the highest weight). Fixed rather than counted
over the live window: the window's counts would need a table updated on every save and read on
every comparison, and a few hundred general news articles already rank beat words («الامن»,
«العراق», «قوات») well below names.

`evidence` returns the named components; `score` weighs them (weights chosen by
cross-validation, see bench/cluster.py --cv), so a decision can be printed and explained.
"""

from __future__ import annotations

import math
import re
import threading
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat
from operator import mul, truediv

from postbot.match.ngram_idf import DOCUMENTS, IDF_TABLE
from postbot.match.normalize import Token, normalize, tokenize
from postbot.match.numbers import read_quantity

ITEM_CHARS = 400  # summary characters compared: an RSS description's usual length
LEAD_CHARS = 200  # at most this much of the summary's first sentence counts as the lead
UPDATE_MINUTES = 45  # a larger toll this much later is an update, not another attack
SAME_DAY_HOURS = 12.0  # beyond this, items are penalized for time apart
MIN_GRAM, MAX_GRAM = 3, 5

# n-grams the fixed table does not list occur in under `MIN_DF` of its documents
_MAX_IDF = math.log((DOCUMENTS + 1) / 1.0) + 1.0

_SENTENCE_END = re.compile(r"[.!?؟…]+(?=\s|$)|\n")
_SEPARATED = re.compile(r"(?<![\d.,٫٬])(\d{1,3})((?:[,٬.٫]\d{3})+)(?![\d]|[.,٫٬]\d)")

_STOP_WORDS = """
    في من على الى الي عن ان او ثم مع هذا هذه ذلك تلك التي الذي الذين هو هي هم كان كانت قد
    لقد وقد لا لم لن ما كما حيث بعد قبل خلال بين عند منذ حتى اذا كل بعض غير اي ايضا الا لكن
    انه انها بان وان اليوم امس يوم قال قالت اعلن اعلنت افاد افادت ذكر ذكرت اضاف اضافت اكد
    اكدت اوضح اوضحت اشار اشارت وقال وقالت واضاف واضافت واكد واوضح واشار بحسب وفق وفقا نقلا
    the a an of in on at to for from by with and or as is was were be been that this it its
"""
STOP = frozenset(normalize(w) for w in _STOP_WORDS.split())


def digits_joined(text: str) -> str:
    """`text` with thousands separators removed from figures: «2,500» and «2.500» → «2500».

    Arabic-Indic digits are made ASCII first (by `normalize`, which the caller applies). A
    group of three digits after "," "٬" "." or "٫" is a thousands group, as in
    `postbot.match.numbers` ("2.500 جندي": nobody counts two and a half soldiers); "2.5" is
    left alone.
    """
    return _SEPARATED.sub(lambda m: m.group(1) + re.sub(r"[^\d]", "", m.group(2)), text)


def split_lead(summary: str) -> str:
    """The summary's first sentence, at most `LEAD_CHARS` characters."""
    match = _SENTENCE_END.search(summary, 0, LEAD_CHARS)
    return summary[: match.start() if match else LEAD_CHARS]


def words_of(text: str) -> list[str]:
    """Normalized content words of `text` (function words and reporting verbs dropped)."""
    return [t.norm for t in tokenize(text) if t.norm not in STOP]


_GRAM_CACHE: dict[str, tuple[str, ...]] = {}  # word → its n-grams; news vocabulary repeats
_GRAM_CACHE_LIMIT = 16_384


def word_grams(word: str) -> tuple[str, ...]:
    """Character 3- to 5-grams of one word padded with a space on both sides."""
    found = _GRAM_CACHE.get(word)
    if found is None:
        padded = f" {word} "
        size = len(padded)
        found = tuple(
            padded[i : i + n] for n in range(MIN_GRAM, MAX_GRAM + 1) for i in range(size - n + 1)
        )
        if len(_GRAM_CACHE) >= _GRAM_CACHE_LIMIT:
            _GRAM_CACHE.clear()
        _GRAM_CACHE[word] = found
    return found


def grams(words: Iterable[str]) -> Counter[str]:
    """Character 3- to 5-grams inside each word, padded with a space on both sides."""
    counts: Counter[str] = Counter()
    for word in words:
        counts.update(word_grams(word))
    return counts


def idf(gram: str) -> float:
    """The fixed IDF estimate of an n-gram (unlisted: rare)."""
    return IDF_TABLE.get(gram, _MAX_IDF)


def tfidf(counts: Mapping[str, int]) -> dict[str, float]:
    """Unit-length TF-IDF vector (sublinear TF) of n-gram counts; empty counts → {}."""
    get, log = IDF_TABLE.get, math.log
    vector = {g: (1.0 + log(c) if c > 1 else 1.0) * get(g, _MAX_IDF) for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values()))
    if norm == 0.0:
        return {}
    return {g: v / norm for g, v in vector.items()}


# every IDF the table gives, so that a vector keeps a small code per n-gram, not a float
_IDF_VALUES = sorted({*IDF_TABLE.values(), _MAX_IDF})
_IDF_CODE = {v: i for i, v in enumerate(_IDF_VALUES)}
_IDF_TYPE = "B" if len(_IDF_VALUES) <= 256 else "H"
_GRAM_IDF_CODE = {g: _IDF_CODE[v] for g, v in IDF_TABLE.items()}  # one look-up, not two
_RARE_CODE = _IDF_CODE[_MAX_IDF]
_TF: list[float] = [1.0, 1.0]  # sublinear TF by count, as tfidf computes it; grown on demand
_TF_LOCK = threading.Lock()


def _smallest(values: list[int]) -> str:
    """The smallest unsigned array type code that holds every value."""
    top = max(values, default=0)
    return "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I" if top < 1 << 32 else "Q"


@dataclass(frozen=True, slots=True)
class Vector:
    """A unit TF-IDF vector (`tfidf`) kept compactly, from which its weights are recomputed
    bit for bit.

    The poller keeps thousands of prepared stories (cluster._prepared). As a dict[str, float]
    a story's two vectors held ~57 KB, a float object and a dict slot per n-gram. A weight is
    (1 + log count) × IDF / norm, and the fixed IDF table has a few hundred distinct values,
    so a Vector keeps per n-gram its 64-bit `hash`, its IDF's code and its count (about 10
    bytes), sorted by hash so that `cosine` finds shared n-grams by bisection, plus the norm.
    Recomputing a weight repeats the same floating-point operations on the same operands, so
    every cosine is unchanged. The headline vector's n-grams are a subset of the whole
    item's, so it keeps ascending positions in the item's arrays (`base`) instead of hashes
    (about 3 bytes an n-gram). Two different n-grams of two compared stories would have to
    share a 64-bit hash (SipHash of str; about 1 in 10¹³ for two items of 1,000 n-grams) to
    change a score. `hash` of a str varies between processes, so a Vector is never stored or
    sent.
    """

    keys: array[int]  # n-gram hashes, or positions in base's arrays
    counts: array[int]  # the n-gram's count in the text
    norm: float
    idf: array[int] | None = None  # codes in _IDF_VALUES (None: base's)
    base: Vector | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def __bool__(self) -> bool:
        return len(self.keys) > 0

    def hashes(self) -> Sequence[int]:
        """The n-grams' hashes, ascending."""
        if self.base is None:
            return self.keys
        return list(map(self.base.keys.__getitem__, self.keys))

    def weights_at(self, places: Iterable[int]) -> Iterator[float]:
        """The weights at these places, the same doubles `tfidf` gives."""
        places = list(places)
        if self.base is None:
            assert self.idf is not None
            idf: Iterable[int] = map(self.idf.__getitem__, places)
        else:
            base_idf = self.base.idf
            assert base_idf is not None
            idf = map(base_idf.__getitem__, map(self.keys.__getitem__, places))
        tf = map(_TF.__getitem__, map(self.counts.__getitem__, places))
        return map(truediv, map(mul, tf, map(_IDF_VALUES.__getitem__, idf)), repeat(self.norm))

    def as_dict(self) -> dict[int, float]:
        """n-gram hash → weight, the same doubles `tfidf` gives."""
        return dict(zip(self.hashes(), self.weights_at(range(len(self))), strict=True))


def _tf_upto(count: int) -> None:
    if len(_TF) > count:
        return
    with _TF_LOCK:  # stories are prepared in worker threads: one index, one value
        while len(_TF) <= count:
            _TF.append(1.0 + math.log(len(_TF)))


def vector(counts: Mapping[str, int]) -> Vector:
    """`tfidf(counts)` kept compactly (see `Vector`)."""
    return _vector(counts, None, None)


def _vector(
    counts: Mapping[str, int], parent: Vector | None, position: Mapping[str, int] | None
) -> Vector:
    get, log = IDF_TABLE.get, math.log
    # the same expressions as tfidf, so that the norm is the same double
    raw = {g: (1.0 + log(c) if c > 1 else 1.0) * get(g, _MAX_IDF) for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in raw.values()))
    if norm == 0.0:
        return Vector(array("B"), array("B"), 0.0, array("B"))
    _tf_upto(max(counts.values()))
    # sorted by hash, so that cosine finds a shared n-gram by bisection; built from lists,
    # not iterators: an array grown from an iterator keeps its spare capacity
    if parent is None or position is None:
        order = sorted(counts, key=hash)
        tally = [counts[g] for g in order]
        keys = array("q", [hash(g) for g in order])
        code = _GRAM_IDF_CODE.get
        idf = array(_IDF_TYPE, [code(g, _RARE_CODE) for g in order])
        return Vector(keys, array(_smallest(tally), tally), norm, idf)
    placed = sorted((position[g], c) for g, c in counts.items())  # ascending: the parent's are
    places = [p for p, _ in placed]
    tally = [c for _, c in placed]
    return Vector(
        array(_smallest(places), places), array(_smallest(tally), tally), norm, None, parent
    )


def vectors(head: Mapping[str, int], item: Mapping[str, int]) -> tuple[Vector, Vector]:
    """The headline's and the whole item's vectors (`Vector`); the headline's n-grams must
    be among the item's."""
    whole = _vector(item, None, None)
    position = {g: i for i, g in enumerate(sorted(item, key=hash))}
    return _vector(head, whole, position), whole


def cosine(a: Vector, b: Vector) -> float:
    """Cosine of two unit vectors."""
    if not a or not b:
        return 0.0
    keys_a, keys_b = a.hashes(), b.hashes()
    small, large = (keys_a, keys_b) if len(keys_a) <= len(keys_b) else (keys_b, keys_a)
    shared = list(set(small).intersection(large))
    if not shared:
        return 0.0
    # each shared n-gram's place in each sorted array, then only those weights
    weights_a = a.weights_at(map(bisect_left, repeat(keys_a), shared))
    weights_b = b.weights_at(map(bisect_left, repeat(keys_b), shared))
    # fsum: correctly rounded whatever the order, so that the score is symmetric (and the
    # same as the products of the dict[str, float] vectors this replaced)
    return min(1.0, math.fsum(map(mul, weights_a, weights_b)))


def _cosines(head_a: Vector, item_a: Vector, head_b: Vector, item_b: Vector) -> tuple[float, float]:
    """(cosine of the heads, cosine of the items), as `cosine` gives them, for heads kept as
    positions in their items (`vectors`): the items' shared n-grams are found once, and the
    heads' are those of them both heads hold."""
    if head_a.base is not item_a or head_b.base is not item_b:
        return cosine(head_a, head_b), cosine(item_a, item_b)
    if not item_a or not item_b:
        return 0.0, 0.0
    keys_a, keys_b = item_a.keys, item_b.keys
    small, large = (keys_a, keys_b) if len(keys_a) <= len(keys_b) else (keys_b, keys_a)
    shared = list(set(small).intersection(large))
    if not shared:
        return 0.0, 0.0
    at_a = list(map(bisect_left, repeat(keys_a), shared))
    at_b = list(map(bisect_left, repeat(keys_b), shared))
    item = min(1.0, math.fsum(map(mul, item_a.weights_at(at_a), item_b.weights_at(at_b))))
    in_a, in_b = set(head_a.keys), set(head_b.keys)
    both = [(x, y) for x, y in zip(at_a, at_b, strict=True) if x in in_a and y in in_b]
    if not both:
        return 0.0, item
    weights_a = head_a.weights_at(map(bisect_left, repeat(head_a.keys), [x for x, _ in both]))
    weights_b = head_b.weights_at(map(bisect_left, repeat(head_b.keys), [y for _, y in both]))
    return min(1.0, math.fsum(map(mul, weights_a, weights_b))), item


# -- figures ---------------------------------------------------------------------------------------

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
    for candidate in (word, _CLITIC.sub("", word)):
        for stem_, name in _TOLL_STEMS.items():
            if candidate.startswith(stem_):
                return name
    return None


_CLITIC = re.compile(r"^(وال|بال|فال|كال|لل|ال|و|ب|ل|ف)(?=...)")
_END = re.compile(r"(ات|ون|ين|ان|يه|ي|ه)$")


# armed personnel: outlets count one force with any of these nouns («2000 عنصر», «٢٠٠٠ جندي»,
# «5 جنود»), singular or plural, so they are one kind, named by its usual noun
TROOPS = normalize("جندي")
_PERSONNEL_TEXT = "جندي جنود عنصر عناصر عسكري عسكريين مقاتل فرد افراد منتسب مستشار"
_PERSONNEL = tuple(normalize(w) for w in _PERSONNEL_TEXT.split())


def kind_of(word: str) -> str:
    """What a figure counts, reduced to a short stem (4 letters kept), or TROOPS for any noun
    of armed personnel."""
    word = _CLITIC.sub("", word)
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
    return after < len(tokens) and _CLITIC.sub("", tokens[after].norm).startswith(_CASUALTY_NOUNS)


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


# -- evidence --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """One item prepared for comparison."""

    head: Vector  # title + lead n-grams, TF-IDF, unit length
    item: Vector  # title + summary[:ITEM_CHARS]
    names: dict[str, float]  # rare words of the item → their weight
    figures: frozenset[Figure]
    title_figures: frozenset[Figure]  # the headline's own
    update: bool  # says a toll rose («ارتفاع حصيلة …»)
    days: frozenset[str]  # weekdays the item names («الأحد»)
    places: frozenset[str]  # towns and districts the item names (not provinces)
    actions: frozenset[str]  # what the headline says happened (airstrike, arrest, ...)
    at: datetime | None

    @property
    def empty(self) -> bool:
        """Nothing to compare."""
        return not self.head


def prepare(title: str, summary: str, at: datetime | None = None) -> Text:
    """A feed item (title, summary, when it was seen) as the comparison needs it."""
    summary = " ".join(summary.split())[:ITEM_CHARS]
    title = " ".join(title.split())
    lead = split_lead(summary)
    title_n = digits_joined(normalize(title))
    summary_n = digits_joined(normalize(summary))
    lead_n = summary_n[: len(lead)]
    head_words = words_of(f"{title_n} . {lead_n}")
    item_words = head_words + words_of(summary_n[len(lead) :])
    head, item = vectors(grams(head_words), grams(item_words))
    names = {}
    for word in sorted(set(item_words)):  # sorted: the same names whatever the hash seed
        if len(word) < 4 or word[0].isdigit():
            continue
        weight = _word_rarity(word)
        if weight >= NAME_RARITY:
            names[word] = weight
    text = f"{title_n} . {summary_n}"
    tokens = tokenize(text)
    days = frozenset(d for t in tokens for d in (t.norm, t.norm[1:]) if d in _WEEKDAYS)
    title_tokens = tokenize(title_n)
    update = bool(_UPDATE.search(text))
    return Text(
        head,
        item,
        names,
        figures(tokens, text),
        figures(title_tokens, title_n),
        update,
        days,
        places_in([t.norm for t in tokens]),
        actions_in([t.norm for t in title_tokens]),
        at,
    )


# What a headline says happened, by the words that name it: two headlines that each name one
# and none in common («ضربة جوية» and «اعتقال») report two incidents, even in one place.
# «قصف» is left out: rockets, artillery and aircraft all shell.
_ACTIONS = {
    "airstrike": "ضربة غارة جوية جوي طيران مسيرة مسيرات طائرة",
    "arrest": "اعتقال اعتقل يعتقل تعتقل القبض",
    "kidnap": "اختطاف خطف يختطف يختطفون اختطفوا يخطف مختطف",
    "ambush": "كمين",
    "bomb": "عبوة ناسفة تفجير انفجار مفخخة",
    "rockets": "صاروخ صواريخ صاروخي صاروخية كاتيوشا قذائف هاون",
    "cache": "مخبأ مخزن ضبط",
}
_ACTION_WORDS = {normalize(w): name for name, words in _ACTIONS.items() for w in words.split()}


def actions_in(words: list[str]) -> frozenset[str]:
    """The kinds of incident named in a headline's normalized words."""
    found = set()
    for word in words:
        for candidate in (word, _CLITIC.sub("", word)):
            action = _ACTION_WORDS.get(candidate)
            if action is not None:
                found.add(action)
    return frozenset(found)


# Towns, districts, bases and crossings of the beat (Iraq, eastern Syria, the borders), not
# provinces: two items that each name one and none in common are about two places. A province
# («الأنبار») is shared by many towns' events, and a city that is also a province («كركوك»,
# «الموصل») is left out for the same reason; so are names that are also common words (عنه for
# Anah, بلد, العظيم, الرياض, تدمر for Palmyra, الزبير, حرير).
_TOWNS = """
    الرطبة حديثة عانة القائم راوة هيت الفلوجة الرمادي عكاشات البغدادي الكرمة الصقلاوية
    النخيب الحبانية الخالدية القائم الوليد طريبيل حصيبة سامراء تكريت بيجي الشرقاط طوزخورماتو
    الدجيل الضلوعية الاسحاقي المطيبيجة الحويجة داقوق الرشاد العباسي الزاب
    ليلان خانقين المقدادية جلولاء بلدروز السعدية بعقوبة حمرين الطارمية التاجي
    المدائن اليوسفية المحمودية المسيب الحلة الاسكندرية مخمور سنجار تلعفر البعاج الحضر القيارة
    بادوش زمار ربيعة سنوني الشيخان بعشيقة الحمدانية زاخو حلبجة رانية سوران الفاو
    القرنة الناصرية الشطرة الرفاعي الكوت العمارة السماوة الديوانية كربلاء النجف الميادين البوكمال
    الشدادي القامشلي الرقة الطبقة منبج كوباني السخنة عفرين اعزاز جرابلس الهول التنف
    البصيرة الشحيل ذيبان هجين العشارة القورية الباغوز الرويشد زغيتون الحمرين

"""
_TOWN_PAIRS = """
    عين_الأسد جرف_النصر جرف_الصخر أبو_غريب قرة_قوش حمام_العليل قلعة_دزة سيد_صادق أم_قصر
    سوق_الشيوخ تل_أبيض رأس_العين عين_العرب وادي_حوران قاعدة_فكتوريا
"""
_TOWN_SET = frozenset(normalize(w) for w in _TOWNS.split())
_TOWN_PAIR_SET = frozenset(normalize(w.replace("_", " ")) for w in _TOWN_PAIRS.split())
_PLACE_CLITICS = ("وب", "وال", "بال", "وفي", "و", "ب", "ل", "ف")


def _place(word: str) -> str | None:
    if word in _TOWN_SET:
        return word
    for clitic in _PLACE_CLITICS:
        if word.startswith(clitic):
            rest = word[len(clitic) :]
            for candidate in (rest, "ال" + rest):
                if candidate in _TOWN_SET:
                    return candidate
    return None


def places_in(words: list[str]) -> frozenset[str]:
    """The towns and districts named in a list of normalized words."""
    found = set()
    for i, word in enumerate(words):
        place = _place(word)
        if place is not None:
            found.add(place)
        if i + 1 < len(words):
            first = _place(word) or word
            for clitic in ("", *_PLACE_CLITICS):
                if first.startswith(clitic):
                    pair = f"{first[len(clitic) :]} {words[i + 1]}"
                    if pair in _TOWN_PAIR_SET:
                        found.add(pair)
    return frozenset(found)


# an outlet that runs a later toll says so: «ارتفاع حصيلة», «ارتفع عدد القتلى», «حصيلة جديدة»
_UPDATE = re.compile(
    r"(ارتفا?ع|ارتفعت|ترتفع|يرتفع)\s+(حصيله|عدد|ضحايا)|حصيله\s+(جديده|محدثه)|toll (rises|rose)"
)


_WEEKDAYS = frozenset(
    normalize(w) for w in ("الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت")
)


NAME_RARITY = 0.55  # the share of a word's inner n-grams that are rare for it to count as a name


def _word_rarity(word: str) -> float:
    """How rare a word's inner 4-grams are, from 0 (all common) to 1 (none listed)."""
    padded = f" {word} "
    inner = [padded[i : i + 4] for i in range(len(padded) - 3)]
    return sum(idf(g) for g in inner) / (len(inner) * _MAX_IDF)


def _clitic_free(word: str) -> str:
    return _CLITIC.sub("", word)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The named components of a comparison."""

    words: float  # stem overlap of the two items (cluster.stem_overlap)
    head: float  # cosine of headline + lead n-grams
    item: float  # cosine of the whole item's n-grams
    names: float  # share of rare words (names, places) in common, weighed by rarity
    figures_shared: float  # 1 when a figure of one kind is in both, else 0
    figures_conflict: float  # 1 when a kind's figures disagree (not an update), else 0
    days_conflict: float  # 1 when both name weekdays and none is the same, else 0
    headline_conflict: float  # 1 when the headlines' own figures conflict, else 0
    places_conflict: float  # 1 when both name towns and none is the same, else 0
    actions_conflict: float  # 1 when both headlines name incidents and none is the same
    hours_apart: float  # beyond SAME_DAY_HOURS, in days (0 when unknown or close)

    def values(self) -> tuple[float, ...]:
        """The components in WEIGHTS order."""
        return (
            self.words,
            self.head,
            self.item,
            self.names,
            self.figures_shared,
            self.figures_conflict,
            self.days_conflict,
            self.headline_conflict,
            self.places_conflict,
            self.actions_conflict,
            self.hours_apart,
        )


COMPONENTS = (
    "words",
    "head",
    "item",
    "names",
    "figures_shared",
    "figures_conflict",
    "days_conflict",
    "headline_conflict",
    "places_conflict",
    "actions_conflict",
    "hours_apart",
)


def _names(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if not a or not b:
        return 0.0
    bare_a: dict[str, float] = {}
    bare_b: dict[str, float] = {}
    for names, bare in ((a, bare_a), (b, bare_b)):
        for word, weight in names.items():  # «البليدة», «والبليدة»: one name, its larger weight
            key = _clitic_free(word)
            bare[key] = max(weight, bare.get(key, 0.0))
    shared = math.fsum((v + bare_b[w]) / 2 for w, v in bare_a.items() if w in bare_b)
    smaller = min(math.fsum(bare_a.values()), math.fsum(bare_b.values()))
    return min(1.0, shared / smaller) if smaller else 0.0


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


def _figure_evidence(a: Text, b: Text) -> tuple[float, float]:
    return _figures_compared(a.figures, b.figures, a, b)


def _figures_compared(
    a: frozenset[Figure], b: frozenset[Figure], text_a: Text, text_b: Text
) -> tuple[float, float]:
    """(a figure in common, figures of one kind that disagree), each 0 or 1."""
    at_a, at_b = text_a.at, text_b.at
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
        if Figure(0, kind).toll and (text_a.update or text_b.update):
            updated, other = (values_a, values_b) if text_a.update else (values_b, values_a)
            if max(updated) >= max(other):
                continue  # the item that says the toll rose counts more: the same event
        conflict = 1.0
    return shared, conflict


def evidence(a: Text, b: Text, words: float = 0.0) -> Evidence:
    """What the two items have in common and what sets them apart (`words`: their stem
    overlap, which the caller has from the band index's stems)."""
    shared, conflict = _figure_evidence(a, b)
    hours = 0.0
    if a.at is not None and b.at is not None:
        hours = abs((b.at - a.at).total_seconds()) / 3600
    head, item = _cosines(a.head, a.item, b.head, b.item)
    return Evidence(
        words=words,
        head=head,
        item=item,
        names=_names(a.names, b.names),
        figures_shared=shared,
        figures_conflict=conflict,
        days_conflict=1.0 if a.days and b.days and not (a.days & b.days) else 0.0,
        headline_conflict=_figures_compared(a.title_figures, b.title_figures, a, b)[1],
        places_conflict=1.0 if a.places and b.places and not (a.places & b.places) else 0.0,
        actions_conflict=1.0 if a.actions and b.actions and not (a.actions & b.actions) else 0.0,
        hours_apart=max(0.0, hours - SAME_DAY_HOURS) / 24,
    )
