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
  two events («هجوم في حديثة», «هجوم في هيت»), however alike the wording; so are two that each
  name a province of Iraq or Syria, or a town of one, and none in common («… في ديالى», «… في
  كركوك»; `provinces`).
- **Incidents**: headlines that each name what happened and name nothing in common («ضربة
  جوية», «اعتقال») are two incidents.
- **Weekdays**: two items that each name the day of the event («الأحد», «الاثنين») and name
  none in common are two days' news: the daily toll of one day and the next read alike.
- **Dates and steps**: items that each name calendar dates («18 مارس», «26/4/2020») and none
  in common, or number a step of a running story («الحلقة 23», «الحلقة 30») differently, are
  two days' or two steps' news («another day's count, another step of a running story»).
- **One's headline, the other's lead**: the larger cosine of one item's headline n-grams with
  the other item's lead sentence. An outlet's headline is often the other outlet's first
  sentence said shorter («إيمان العاصي تعلن تعافيها» / «أعلنت الفنانة إيمان العاصي … تعافيها»);
  two statements of one person share the name, not the sentence.
- **The headline covered**: the larger share (by IDF) of one headline's n-grams found in the
  other item. An outlet's headline is usually a phrase of the other outlet's lead when both
  report one event, and only the name they share when one person says two things.
- **Time apart**: items seen more than `SAME_DAY_HOURS` apart are rarely the same event.

The IDF is a fixed estimate (`idf.IdfTable`, read by `postbot.cluster.data` and passed in),
counted once over Arabic news articles; an n-gram it does not list is rare (the highest
weight). Fixed rather than counted
over the live window: the window's counts would need a table updated on every save and read on
every comparison, and a few hundred general news articles already rank beat words («الامن»,
«العراق», «قوات») well below names.

`evidence` returns the named components; `score` weighs them (weights chosen by
cross-validation, see bench/cluster.py --cv), so a decision can be printed and explained.
The pieces live in their own modules: n-gram vectors in `vectors`, figures in `figures`,
places, incidents and days in `vetoes`; this one prepares an item and compares two.
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from postbot.cluster.figures import (
    CLITIC,
    UPDATE_MINUTES,
    Figure,
    close,
    compare,
    figures,
)
from postbot.cluster.idf import IdfTable
from postbot.cluster.provinces import provinces_in
from postbot.cluster.vectors import (
    STOP,
    Vector,
    compare_vectors,
    cosine,
    covered,
    digits_joined,
    grams,
    part,
    tfidf,
    title_places,
    vector,
    vectors,
    word_grams,
    words_of,
)
from postbot.cluster.vetoes import (
    UPDATE,
    WEEKDAYS,
    actions_apart,
    actions_in,
    apart,
    dates_in,
    places_apart,
    places_in,
    steps_in,
    today_in,
)
from postbot.match.normalize import normalize, tokenize

__all__ = [
    "COMPONENTS",
    "ITEM_CHARS",
    "STOP",
    "UPDATE_MINUTES",
    "Evidence",
    "Figure",
    "Text",
    "Vector",
    "close",
    "cosine",
    "digits_joined",
    "evidence",
    "figures",
    "grams",
    "prepare",
    "split_lead",
    "tfidf",
    "vector",
    "vectors",
    "word_grams",
    "words_of",
]

ITEM_CHARS = 400  # summary characters compared: an RSS description's usual length
LEAD_CHARS = 200  # at most this much of the summary's first sentence counts as the lead
SAME_DAY_HOURS = 12.0  # beyond this, items are penalized for time apart

_SENTENCE_END = re.compile(r"[.!?؟…]+(?=\s|$)|\n")


def split_lead(summary: str) -> str:
    """The summary's first sentence, at most `LEAD_CHARS` characters."""
    match = _SENTENCE_END.search(summary, 0, LEAD_CHARS)
    return summary[: match.start() if match else LEAD_CHARS]


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
    today: frozenset[str] = frozenset()  # the weekday the item says is today («اليوم الأحد»)
    dates: frozenset[tuple[int, int]] = frozenset()  # calendar dates named (day, month)
    steps: frozenset[tuple[str, int]] = frozenset()  # numbered steps («الحلقة 23»)
    provinces: frozenset[str] = frozenset()  # provinces named, or implied by a town
    title: array[int] = field(default_factory=lambda: array("B"))  # its n-grams' places in item
    title_only: Vector | None = None  # the headline's n-grams alone
    lead: Vector | None = None  # the summary's first sentence alone

    @property
    def empty(self) -> bool:
        """Nothing to compare."""
        return not self.head


def prepare(title: str, summary: str, at: datetime | None = None, *, idf: IdfTable) -> Text:
    """A feed item (title, summary, when it was seen) as the comparison needs it, its n-grams
    weighed by `idf`."""
    summary = " ".join(summary.split())[:ITEM_CHARS]
    title = " ".join(title.split())
    lead = split_lead(summary)
    title_n = digits_joined(normalize(title))
    summary_n = digits_joined(normalize(summary))
    lead_n = summary_n[: len(lead)]
    head_words = words_of(f"{title_n} . {lead_n}")
    title_words, lead_words = words_of(title_n), words_of(lead_n)
    item_words = head_words + words_of(summary_n[len(lead) :])
    head, item = vectors(grams(head_words), grams(item_words), idf)
    names = {}
    for word in sorted(set(item_words)):  # sorted: the same names whatever the hash seed
        if len(word) < 4 or word[0].isdigit():
            continue
        weight = _word_rarity(word, idf)
        if weight >= NAME_RARITY:
            names[word] = weight
    text = f"{title_n} . {summary_n}"
    tokens = tokenize(text)
    norms = [t.norm for t in tokens]
    days = frozenset(d for n in norms for d in (n, n[1:]) if d in WEEKDAYS)
    title_tokens = tokenize(title_n)
    update = bool(UPDATE.search(text))
    return Text(
        head,
        item,
        names,
        figures(tokens, text),
        figures(title_tokens, title_n),
        update,
        days,
        places_in(norms),
        actions_in([t.norm for t in title_tokens]),
        at,
        today_in(norms),
        dates_in(text),
        steps_in(text),
        provinces_in(norms),
        title_places(item, grams(title_words)),
        part(grams(title_words), item, idf) if item else None,
        part(grams(lead_words), item, idf) if item and lead_words else None,
    )


NAME_RARITY = 0.55  # the share of a word's inner n-grams that are rare for it to count as a name


def _word_rarity(word: str, table: IdfTable) -> float:
    """How rare a word's inner 4-grams are, from 0 (all common) to 1 (none listed)."""
    padded = f" {word} "
    inner = [padded[i : i + 4] for i in range(len(padded) - 3)]
    return sum(map(table.idf, inner)) / (len(inner) * table.rare)


def _clitic_free(word: str) -> str:
    return CLITIC.sub("", word)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The named components of a comparison."""

    words: float  # stem overlap of the two items (cluster.stem_overlap)
    head: float  # cosine of headline + lead n-grams
    item: float  # cosine of the whole item's n-grams
    names: float  # share of rare words (names, places) in common, weighed by rarity
    figures_shared: float  # 1 when a figure of one kind is in both, else 0
    figures_conflict: float  # 1 when a kind's figures disagree (not an update), else 0
    title_cover: float  # the larger share of one headline's n-grams (by IDF) in the other item
    title_lead: float  # the larger cosine of one headline with the other item's lead sentence
    days_conflict: float  # 1 when both name weekdays and none is the same, or both say which
    # weekday is today and say different ones, else 0
    headline_conflict: float  # 1 when the headlines' own figures conflict, else 0
    places_conflict: float  # 1 when both name towns and none is the same, or provinces
    # (named, or implied by a town) and none is the same, else 0
    actions_conflict: float  # 1 when both headlines name incidents and none is the same
    dates_conflict: float  # 1 when both name calendar dates and none is the same, else 0
    steps_conflict: float  # 1 when both number a step of a story («الحلقة 23») and none agree
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
            self.title_cover,
            self.title_lead,
            self.days_conflict,
            self.headline_conflict,
            self.places_conflict,
            self.actions_conflict,
            self.dates_conflict,
            self.steps_conflict,
            self.hours_apart,
        )


COMPONENTS = (
    "words",
    "head",
    "item",
    "names",
    "figures_shared",
    "figures_conflict",
    "title_cover",
    "title_lead",
    "days_conflict",
    "headline_conflict",
    "places_conflict",
    "actions_conflict",
    "dates_conflict",
    "steps_conflict",
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


def _cosine(a: Vector | None, b: Vector | None) -> float:
    return cosine(a, b) if a is not None and b is not None else 0.0


def evidence(a: Text, b: Text, words: float = 0.0) -> Evidence:
    """What the two items have in common and what sets them apart (`words`: their stem
    overlap, which the caller has from the band index's stems)."""
    shared, conflict = compare(a.figures, b.figures, (a.at, b.at), (a.update, b.update))
    hours = 0.0
    if a.at is not None and b.at is not None:
        hours = abs((b.at - a.at).total_seconds()) / 3600
    found = compare_vectors(a.head, a.item, b.head, b.item)
    return Evidence(
        words=words,
        head=found.head,
        item=found.item,
        names=_names(a.names, b.names),
        figures_shared=shared,
        figures_conflict=conflict,
        title_cover=max(covered(a.title, a.item, found.at_a), covered(b.title, b.item, found.at_b)),
        title_lead=max(_cosine(a.title_only, b.lead), _cosine(b.title_only, a.lead)),
        days_conflict=max(apart(a.days, b.days), apart(a.today, b.today)),
        headline_conflict=compare(
            a.title_figures, b.title_figures, (a.at, b.at), (a.update, b.update)
        )[1],
        places_conflict=max(places_apart(a.places, b.places), apart(a.provinces, b.provinces)),
        actions_conflict=actions_apart(a.actions, b.actions),
        dates_conflict=apart(a.dates, b.dates),
        steps_conflict=apart(a.steps, b.steps),
        hours_apart=max(0.0, hours - SAME_DAY_HOURS) / 24,
    )
