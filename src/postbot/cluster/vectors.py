"""Character n-gram TF-IDF vectors of feed items, kept compactly, and their cosine (pure).

Two outlets rewrite one wire story in their own words; character 3- to 5-grams inside words
(padded with a space) survive the rewording: «بهجوم» and «الهجوم» share «هجو», «جوم», «جوم ».
Each n-gram is weighed by a fixed IDF estimate (`idf.IdfTable`, given by the caller); an
n-gram the table does not list is rare (the highest weight). Thousands of items are kept
prepared, so a vector keeps hashes, IDF codes and counts in arrays (`Vector`) and recomputes
its weights bit for bit.
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
from itertools import repeat
from operator import mul, truediv

from postbot.cluster.idf import IdfTable
from postbot.match.normalize import normalize, tokenize

MIN_GRAM, MAX_GRAM = 3, 5

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


def tfidf(counts: Mapping[str, int], table: IdfTable) -> dict[str, float]:
    """Unit-length TF-IDF vector (sublinear TF) of n-gram counts; empty counts → {}."""
    get, log, rare = table.table.get, math.log, table.rare
    vector = {g: (1.0 + log(c) if c > 1 else 1.0) * get(g, rare) for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values()))
    if norm == 0.0:
        return {}
    return {g: v / norm for g, v in vector.items()}


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
    values: Sequence[float]  # the IDF table's distinct values (IdfTable.values)
    idf: array[int] | None = None  # codes in values (None: base's)
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
        return map(truediv, map(mul, tf, map(self.values.__getitem__, idf)), repeat(self.norm))

    def as_dict(self) -> dict[int, float]:
        """n-gram hash → weight, the same doubles `tfidf` gives."""
        return dict(zip(self.hashes(), self.weights_at(range(len(self))), strict=True))


def _tf_upto(count: int) -> None:
    if len(_TF) > count:
        return
    with _TF_LOCK:  # stories are prepared in worker threads: one index, one value
        while len(_TF) <= count:
            _TF.append(1.0 + math.log(len(_TF)))


def vector(counts: Mapping[str, int], table: IdfTable) -> Vector:
    """`tfidf(counts, table)` kept compactly (see `Vector`)."""
    return _vector(counts, table, None, None)


def _vector(
    counts: Mapping[str, int],
    table: IdfTable,
    parent: Vector | None,
    position: Mapping[str, int] | None,
) -> Vector:
    get, log, rare = table.table.get, math.log, table.rare
    # the same expressions as tfidf, so that the norm is the same double
    raw = {g: (1.0 + log(c) if c > 1 else 1.0) * get(g, rare) for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in raw.values()))
    if norm == 0.0:
        return Vector(array("B"), array("B"), 0.0, table.values, array("B"))
    _tf_upto(max(counts.values()))
    # sorted by hash, so that cosine finds a shared n-gram by bisection; built from lists,
    # not iterators: an array grown from an iterator keeps its spare capacity
    if parent is None or position is None:
        order = sorted(counts, key=hash)
        tally = [counts[g] for g in order]
        keys = array("q", [hash(g) for g in order])
        code, rare_code = table.codes.get, table.rare_code
        idf = array(table.code_type, [code(g, rare_code) for g in order])
        return Vector(keys, array(_smallest(tally), tally), norm, table.values, idf)
    placed = sorted((position[g], c) for g, c in counts.items())  # ascending: the parent's are
    places = [p for p, _ in placed]
    tally = [c for _, c in placed]
    return Vector(
        array(_smallest(places), places),
        array(_smallest(tally), tally),
        norm,
        table.values,
        None,
        parent,
    )


def vectors(
    head: Mapping[str, int], item: Mapping[str, int], table: IdfTable
) -> tuple[Vector, Vector]:
    """The headline's and the whole item's vectors (`Vector`); the headline's n-grams must
    be among the item's."""
    whole = _vector(item, table, None, None)
    position = {g: i for i, g in enumerate(sorted(item, key=hash))}
    return _vector(head, table, whole, position), whole


def part(counts: Mapping[str, int], whole: Vector, table: IdfTable) -> Vector:
    """The vector of a part of an item (its title, its lead), kept as positions in the whole
    item's arrays (`vectors`); the part's n-grams must be among the item's."""
    keys = whole.keys
    position = {g: bisect_left(keys, hash(g)) for g in counts}
    return _vector(counts, table, whole, position)


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


def title_places(item: Vector, title: Iterable[str]) -> array[int]:
    """The positions of a title's n-grams in its item's arrays (`vectors`), ascending."""
    places = sorted({bisect_left(item.keys, hash(g)) for g in title})
    return array(_smallest(places), places)


@dataclass(frozen=True, slots=True)
class Compared:
    """Two items' vectors compared: the cosines and where their shared n-grams are."""

    head: float  # cosine of the heads
    item: float  # cosine of the items
    at_a: list[int]  # the shared n-grams' positions in the first item's arrays
    at_b: list[int]  # and in the second's, in the same order


def compare_vectors(head_a: Vector, item_a: Vector, head_b: Vector, item_b: Vector) -> Compared:
    """The heads' and the items' cosines, as `cosine` gives them, for heads kept as positions
    in their items (`vectors`): the items' shared n-grams are found once, and the heads' are
    those of them both heads hold."""
    if not item_a or not item_b:
        return Compared(cosine(head_a, head_b), 0.0, [], [])
    keys_a, keys_b = item_a.keys, item_b.keys
    small, large = (keys_a, keys_b) if len(keys_a) <= len(keys_b) else (keys_b, keys_a)
    shared = list(set(small).intersection(large))
    if not shared:
        return Compared(0.0, 0.0, [], [])
    at_a = list(map(bisect_left, repeat(keys_a), shared))
    at_b = list(map(bisect_left, repeat(keys_b), shared))
    item = min(1.0, math.fsum(map(mul, item_a.weights_at(at_a), item_b.weights_at(at_b))))
    if head_a.base is not item_a or head_b.base is not item_b:
        return Compared(cosine(head_a, head_b), item, at_a, at_b)
    in_a, in_b = set(head_a.keys), set(head_b.keys)
    both = [(x, y) for x, y in zip(at_a, at_b, strict=True) if x in in_a and y in in_b]
    if not both:
        return Compared(0.0, item, at_a, at_b)
    weights_a = head_a.weights_at(map(bisect_left, repeat(head_a.keys), [x for x, _ in both]))
    weights_b = head_b.weights_at(map(bisect_left, repeat(head_b.keys), [y for _, y in both]))
    return Compared(min(1.0, math.fsum(map(mul, weights_a, weights_b))), item, at_a, at_b)


def covered(places: Sequence[int], item: Vector, shared: Iterable[int]) -> float:
    """The IDF-weighted share of the n-grams at `places` in `item` (a title's, `title_places`)
    that are among the `shared` positions, 0 to 1."""
    if not places or item.idf is None:
        return 0.0
    idf, values = item.idf, item.values
    inside = set(shared)
    total = math.fsum(values[idf[p]] for p in places)
    return math.fsum(values[idf[p]] for p in places if p in inside) / total if total else 0.0
