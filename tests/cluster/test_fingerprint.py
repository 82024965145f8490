"""One story across outlets: canonical links, stems, and near-duplicates on Arabic wire rewrites.

The pairs in tests/fixtures/cluster were written by hand as outlets reword a wire story (see the
READMEs there): tuning-*.yaml tuned the threshold, holdout-*.yaml was not looked at while tuning.
The floors asserted here sit a little below what was measured, so that a change that makes
clustering worse fails, and the figures themselves are printed by bench/cluster.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from postbot.cluster import fingerprint as cluster
from postbot.cluster import similarity as sim
from postbot.cluster.data import idf_table
from postbot.cluster.fingerprint import (
    THRESHOLD,
    Fingerprint,
    band_keys,
    best_match,
    canonical_link,
    content_key,
    explain,
    same_story,
    similarity,
    stem,
    stems,
)
from postbot.cluster.provinces import provinces_in
from postbot.cluster.similarity import COMPONENTS, Figure, Text, digits_joined
from postbot.cluster.vetoes import actions_apart, actions_in, dates_in, places_apart, places_in
from postbot.match.normalize import normalize, tokenize

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cluster"
IDF = idf_table()


def fingerprint(title: str, summary: str, at: datetime | None = None) -> cluster.Fingerprint:
    return cluster.fingerprint(title, summary, at, idf=IDF)


def prepare(title: str, summary: str) -> Text:
    return sim.prepare(title, summary, idf=IDF)


# the shared SemEval pairs: /work/shared from a worktree (/work/wt/NAME) or from /work/main
SEMEVAL = next(
    (
        base / "shared" / "data" / "cluster" / "semeval2022-task8-ar-pairs.jsonl"
        for base in Path(__file__).resolve().parents[3:5]
        if (base / "shared" / "data" / "cluster").is_dir()
    ),
    None,
)


def load(prefix: str) -> list[dict[str, Any]]:
    yaml = YAML(typ="safe")
    pairs: list[dict[str, Any]] = []
    for path in sorted(FIXTURES.glob(f"{prefix}-*.yaml")):
        pairs += yaml.load(path.read_text(encoding="utf-8"))
    return pairs


def fp_of(item: dict[str, Any]) -> Any:
    return fingerprint(item["title"], item.get("summary") or "")


def precision_recall(pairs: list[dict[str, Any]]) -> tuple[float, float]:
    tp = fp = fn = 0
    for pair in pairs:
        said = same_story(fp_of(pair["a"]), fp_of(pair["b"]))
        truth = pair["label"] == "same"
        tp += said and truth
        fp += said and not truth
        fn += truth and not said
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


# -- links -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "https://www.aljazeera.net/news/2026/11/28/x?utm_source=tw&utm_medium=social",
            "https://aljazeera.net/news/2026/11/28/x/",
        ),
        (
            "http://m.skynewsarabia.com/middle-east/1791846-x",
            "https://www.skynewsarabia.com/middle-east/1791846-x",
        ),
        ("https://www.alsumaria.tv/amp/news/531742/x", "https://alsumaria.tv/news/531742/x"),
        ("https://shafaq.com/ar/x/amp", "https://shafaq.com/ar/x"),
        ("https://example.com/a?b=2&a=1#xtor=RSS-3", "https://EXAMPLE.com/a?a=1&b=2"),
        ("https://example.com/a?fbclid=xyz&id=7", "https://example.com/a?id=7"),
        ("https://amp.example.com/story.amp", "https://example.com/story"),
        ("https://example.com:443/a", "https://example.com/a"),
    ],
)
def test_canonical_links_meet(a: str, b: str) -> None:
    assert canonical_link(a) == canonical_link(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.com/news?id=7", "https://example.com/news?id=8"),
        ("https://example.com/a", "https://example.org/a"),
        ("https://example.com/a/b", "https://example.com/a"),
        ("https://example.com:8080/a", "https://example.com/a"),
        ("https://m.com/a", "https://com/a"),  # a two-label host keeps its first label
        ("https://example.com/live#post-1", "https://example.com/live#post-2"),
        ("https://example.com/item?source=123", "https://example.com/item?source=456"),
    ],
)
def test_different_links_stay_apart(a: str, b: str) -> None:
    assert canonical_link(a) != canonical_link(b)


@pytest.mark.parametrize("odd", ["", "not a url", "https://[::1", "mailto:x@example.com"])
def test_odd_links_do_not_raise(odd: str) -> None:
    assert isinstance(canonical_link(odd), str)


# -- stems -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("والقوات", "القوات"),
        ("بالهجوم", "هجوم"),
        ("الأمريكية", "أميركي"),
        ("للحشد", "الحشد"),
        ("المسلحين", "مسلحون"),
    ],
)
def test_light_stems_meet(a: str, b: str) -> None:
    assert stems(a) == stems(b) != []


def test_function_words_reporting_verbs_and_years_are_dropped() -> None:
    assert stems("وقال المصدر إن الهجوم وقع على الطريق في عام 2026") == [
        "هجوم",
        "وقع",
        "طريق",
        "عام",
    ]


def test_numbers_are_kept_whatever_their_script() -> None:
    assert fingerprint("مقتل ٣ جنود", "").numbers == fingerprint("مقتل 3 جنود", "").numbers == {"3"}


def test_short_words_keep_their_letters() -> None:
    assert stem("بلد") == "بلد"  # a prefix comes off only when three letters remain


# -- decisions -------------------------------------------------------------------------------------


def test_tuning_pairs_precision_and_recall() -> None:
    pairs = load("tuning")
    assert len(pairs) >= 40
    precision, recall = precision_recall(pairs)
    # measured at THRESHOLD: precision 1.00 (23/23), recall 0.92 (23/25); bench/cluster.py
    # (0.84 when «2000 عنصر» read as a year and «عنصر»/«جندي» as two kinds: issue 13)
    assert precision >= 0.95 and recall >= 0.85


def test_holdout_pairs_precision_and_recall() -> None:
    pairs = load("holdout")
    assert len(pairs) >= 30
    precision, recall = precision_recall(pairs)
    # never tuned on: precision 0.94 (17/18), recall 0.71 (17/24); bench/cluster.py
    assert precision >= 0.78 and recall >= 0.58


def test_pair_files_are_well_formed() -> None:
    for prefix in ("tuning", "holdout"):
        pairs = load(prefix)
        ids = [p["id"] for p in pairs]
        assert len(ids) == len(set(ids))
        assert {p["label"] for p in pairs} == {"same", "different"}
        assert all(p["a"]["title"].strip() and p["b"]["title"].strip() for p in pairs)
        labels = [p["label"] for p in pairs]
        assert labels.count("same") >= 15 and labels.count("different") >= 14


def test_the_bands_find_the_same_pairs_the_rule_accepts() -> None:
    """LSH must not lose what the exact comparison would accept: no pair whose stems overlap
    by a Jaccard of 0.3 or more (two such stories share a band 99.7% of the time), and at most
    one of those that overlap less (a fifth: 93%). The score accepts rewrites down to a stem
    Jaccard of 0.21; one holdout pair at 0.27 shares no band at 64 bands (96 bands would find
    it and cost 1.5x per saved story, bench/cluster.py)."""
    lost = []
    for pair in load("tuning") + load("holdout"):
        a, b = fp_of(pair["a"]), fp_of(pair["b"])
        if same_story(a, b) and not set(band_keys(a)) & set(band_keys(b)):
            assert len(a.words & b.words) / len(a.words | b.words) < 0.3, pair["id"]
            lost.append(pair["id"])
    assert len(lost) <= 1, lost


def test_three_outlets_cluster_and_another_attack_that_day_does_not() -> None:
    yaml = YAML(typ="safe")
    triple = yaml.load((FIXTURES / "triple.yaml").read_text(encoding="utf-8"))
    prints: list[Fingerprint] = []
    bands: dict[int, set[int]] = {}  # the store's story_band table, in memory

    def find(fp: Fingerprint) -> int | None:
        found = sorted({i for key in band_keys(fp) for i in bands.get(key, ())})
        return best_match(fp, ((i, prints[i]) for i in found))

    def add(fp: Fingerprint) -> int:
        prints.append(fp)
        for key in band_keys(fp):
            bands.setdefault(key, set()).add(len(prints) - 1)
        return len(prints) - 1

    first = add(fp_of(triple["event"][0]))
    for item in triple["event"][1:]:
        assert find(fp_of(item)) == first
        add(fp_of(item))
    assert find(fp_of(triple["other"])) is None


def test_similarity_is_symmetric_and_bounded() -> None:
    pairs = load("tuning")[:10]
    for pair in pairs:
        a, b = fp_of(pair["a"]), fp_of(pair["b"])
        assert similarity(a, b) == similarity(b, a)
        assert 0.0 <= similarity(a, b) <= 1.0
        assert similarity(a, a) == pytest.approx(1.0)


def test_disagreeing_numbers_pull_two_lookalike_attacks_apart() -> None:
    a = fingerprint("مقتل 3 جنود بهجوم لداعش في الأنبار", "هجوم على نقطة للجيش في الأنبار")
    b = fingerprint("مقتل 5 جنود بهجوم لداعش في الأنبار", "هجوم على نقطة للجيش في الأنبار")
    same_words = fingerprint("مقتل جنود بهجوم لداعش في الأنبار", "هجوم على نقطة للجيش في الأنبار")
    assert similarity(a, b) < similarity(a, same_words)
    assert similarity(a, b) < THRESHOLD


def test_empty_text_never_clusters() -> None:
    empty = fingerprint("في من على", "")
    assert empty.empty and band_keys(empty) == []
    assert not same_story(empty, empty)


def test_content_key_ignores_order_and_clitics() -> None:
    assert content_key(fingerprint("هجوم لداعش في الأنبار", "")) == content_key(
        fingerprint("في الأنبار: هجوم داعش", "")
    )


def test_a_shared_boilerplate_description_does_not_make_two_headlines_one_story() -> None:
    boilerplate = (
        "تابعوا آخر الأخبار العاجلة على موقعنا وتطبيقنا على مدار الساعة في العراق والعالم."
    )
    a = fingerprint("انفجار عبوة ناسفة في سامراء", boilerplate)
    b = fingerprint("ارتفاع أسعار الذهب في بغداد", boilerplate)
    assert similarity(a, b) == 0.0


# -- issue 13: real text, figures, lookalikes ---------------------------------------------------

CONTEXT = " في قاعدة عين الأسد غربي الأنبار بحسب وزارة الدفاع"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("بقاء 2,500 جندي", "بقاء 2500 جندي"),
        ("بقاء 2500 جندي", "بقاء ٢٥٠٠ جندي"),
        ("بقاء 2.500 جندي", "بقاء 2500 جندي"),
        ("بقاء ٢٬٥٠٠ جندي", "بقاء 2,500 جندي"),
        ("نقل 1,250,000 برميل", "نقل 1250000 برميل"),
        ("نقل 1.250.000 برميل", "نقل ١٢٥٠٠٠٠ برميل"),
        ("قتل ثلاثة جنود", "قتل 3 جنود"),
    ],
)
def test_number_separators_and_scripts_compare_equal(a: str, b: str) -> None:
    fa, fb = prepare(a, "").figures, prepare(b, "").figures
    assert fa == fb != frozenset()
    # and they are a shared figure, not a conflict
    found = explain(fingerprint(a + CONTEXT, ""), fingerprint(b + CONTEXT, ""))[1]
    assert found is not None and found.figures_shared == 1.0 and found.figures_conflict == 0.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # one force counted with another noun of armed personnel, singular or plural
        ("خفض القوات إلى أقل من 2000 عنصر", "خفض القوات إلى أقل من ٢٠٠٠ جندي"),
        ("نشر 1,800 مقاتل", "نشر 1800 عسكري"),
        ("انسحاب 500 جنود", "انسحاب خمسمئة عنصر"),
        ("وصول 300 مستشار", "وصول ثلاثمئة جندي"),
        # a year-shaped figure that counts people is a figure, not a year
        ("سقوط 1500 قتيل", "سقوط ١٥٠٠ قتيل"),
        ("بقاء 2000 أفراد", "بقاء ٢٠٠٠ جندي"),
    ],
)
def test_troop_nouns_and_year_shaped_counts_are_one_figure(a: str, b: str) -> None:
    fa, fb = prepare(a, "").figures, prepare(b, "").figures
    assert fa == fb != frozenset()


@pytest.mark.parametrize(
    "text",
    [
        "منذ عام 2014 عناصر التنظيم في الصحراء",  # a year word before it
        "منذ 2003 جنود أميركيون في البلاد",
        "في 2019 قتل ثلاثة جنود",  # a verb after it: the year of the killing
        "خطة 2030 للتنمية",
    ],
)
def test_years_are_not_counted(text: str) -> None:
    assert all(not 1900 <= f.value <= 2100 for f in prepare(text, "").figures)


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("2,500", "2500"),
        ("٢٬٥٠٠", "2500"),
        ("2.500", "2500"),
        ("2.5", "2.5"),  # a decimal stays one
        ("12,5", "12,5"),  # not a thousands group
        ("1,234,567", "1234567"),
        ("2,500.75", "2,500.75"),  # a decimal after the group: left as written
    ],
)
def test_digits_joined(text: str, joined: str) -> None:
    assert digits_joined(normalize(text)) == joined


def pair_fp(side: dict[str, Any]) -> Any:
    return fingerprint(side["title"], side.get("summary") or "")


TRAPS = YAML(typ="safe").load((FIXTURES / "traps-01.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "pair", [p for p in TRAPS if p["label"] == "different"], ids=lambda p: p["id"]
)
def test_different_events_of_one_kind_on_one_day_stay_apart(pair: dict[str, Any]) -> None:
    assert not same_story(pair_fp(pair["a"]), pair_fp(pair["b"]))


@pytest.mark.parametrize("pair", [p for p in TRAPS if p["label"] == "same"], ids=lambda p: p["id"])
def test_one_event_with_figures_written_or_updated_otherwise_is_joined(
    pair: dict[str, Any],
) -> None:
    assert same_story(pair_fp(pair["a"]), pair_fp(pair["b"]))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # two attacks the same day in two towns, worded alike
        (
            ("مقتل 3 جنود بهجوم لداعش قرب حديثة", "هجوم لداعش على نقطة للجيش قرب حديثة فجر اليوم"),
            ("مقتل 3 جنود بهجوم لداعش قرب هيت", "هجوم لداعش على نقطة للجيش قرب هيت فجر اليوم"),
        ),
        # one town, two incidents
        (
            ("ضربة جوية تقتل 4 من داعش قرب الشرقاط", "قصف جوي على مضافة لداعش قرب الشرقاط"),
            ("اعتقال 4 من داعش قرب الشرقاط", "عملية دهم واعتقال عناصر من داعش قرب الشرقاط"),
        ),
        # one template, two days
        (
            ("الصحة: 46 إصابة جديدة بالكوليرا", "أعلنت وزارة الصحة الأحد تسجيل 46 إصابة جديدة"),
            ("الصحة: 31 إصابة جديدة بالكوليرا", "أعلنت وزارة الصحة الاثنين تسجيل 31 إصابة جديدة"),
        ),
        # one office, one wording, two dates (written «18 كانون الثاني» and «13شباط»)
        (
            (
                "الضمان الاجتماعي يعلن آلية جديدة لسلف المتقاعدين",
                "عمان 18 كانون الثاني (بترا) - أعلنت المؤسسة العامة للضمان الاجتماعي آلية "
                "جديدة لمنح سلف المتقاعدين وفق نظام المرابحة.",
            ),
            (
                "الضمان الاجتماعي يعلن آلية جديدة لسلف المتقاعدين",
                "عمان 13شباط (بترا) - أعلنت المؤسسة العامة للضمان الاجتماعي آلية جديدة لمنح "
                "سلف المتقاعدين وفق نظام المرابحة.",
            ),
        ),
        # the start of a booking and its last day: each says which weekday is today
        (
            (
                "الإسكان: بدء التسجيل لحجز 1359 شقة في 6 مدن جديدة",
                "أعلن وزير الإسكان أنه سيبدأ اليوم الأحد، وحتى مساء يوم الخميس، التسجيل "
                "إلكترونياً لحجز 1359 وحدة سكنية في 6 مدن جديدة.",
            ),
            (
                "الإسكان: آخر موعد للتسجيل لحجز 1359 شقة في 6 مدن جديدة",
                "صرح وزير الإسكان بأن اليوم الخميس آخر فرصة للتسجيل إلكترونياً لحجز 1359 "
                "وحدة سكنية في 6 مدن جديدة.",
            ),
        ),
        # two episodes of one series
        (
            ("ملخص الحلقة 23 من مسلسل سلطانة المعز", "أحداث الحلقة 23 من مسلسل سلطانة المعز"),
            ("ملخص الحلقة الـ30 من مسلسل سلطانة المعز", "أحداث الحلقة الـ30 من مسلسل سلطانة المعز"),
        ),
    ],
)
def test_lookalikes_are_ruled_out_with_a_named_reason(
    a: tuple[str, str], b: tuple[str, str]
) -> None:
    score, found = explain(fingerprint(*a), fingerprint(*b))
    assert score == 0.0 and found is not None
    reasons = {
        n
        for n in (
            "days_conflict",
            "headline_conflict",
            "places_conflict",
            "actions_conflict",
            "dates_conflict",
            "steps_conflict",
        )
        if getattr(found, n)
    }
    assert reasons, found


def test_an_updated_toll_is_not_a_contradiction() -> None:
    first = ("مقتل 3 من الشرطة بانفجار عبوة في الرشاد", "قتل 3 من الشرطة بانفجار عبوة في الرشاد")
    said = ("ارتفاع حصيلة انفجار الرشاد إلى 5 قتلى من الشرطة", "ارتفعت حصيلة عبوة الرشاد")
    later = ("مقتل 5 من الشرطة بانفجار عبوة في الرشاد", "قتل 5 من الشرطة بانفجار عبوة في الرشاد")
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    # a few minutes apart, unsaid: two attacks; said so, or an hour later: one toll updated
    assert (
        explain(fingerprint(*first, at), fingerprint(*later, at + timedelta(minutes=3)))[
            1
        ].headline_conflict
        == 1.0
    )  # type: ignore[union-attr]
    assert (
        explain(fingerprint(*first, at), fingerprint(*said, at + timedelta(minutes=3)))[
            1
        ].headline_conflict
        == 0.0
    )  # type: ignore[union-attr]
    assert (
        explain(fingerprint(*first, at), fingerprint(*later, at + timedelta(hours=1)))[
            1
        ].headline_conflict
        == 0.0
    )  # type: ignore[union-attr]
    # a smaller count later is no update
    assert (
        explain(fingerprint(*later, at), fingerprint(*first, at + timedelta(hours=1)))[
            1
        ].headline_conflict
        == 1.0
    )  # type: ignore[union-attr]


def test_items_two_days_apart_are_penalized() -> None:
    a = ("مقتل 3 جنود بهجوم لداعش قرب حديثة", "هجوم لداعش على نقطة للجيش قرب حديثة")
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    near = similarity(fingerprint(*a, at), fingerprint(*a, at + timedelta(hours=1)))
    # a text that differs («!»: spaces are now evened out), so that the full comparison runs
    far_a, far_b = fingerprint(*a, at), fingerprint(a[0] + "!", a[1], at + timedelta(days=2))
    assert similarity(far_a, far_b) < near


def test_the_score_has_named_components() -> None:
    pair = TRAPS[2]
    score, found = explain(pair_fp(pair["a"]), pair_fp(pair["b"]))
    assert found is not None and 0.0 < score <= 1.0
    assert len(found.values()) == len(COMPONENTS)
    assert Figure(2500, found and "جندي") in prepare(pair["a"]["title"], "").figures


def load_semeval() -> list[tuple[str, str, str, str, bool]]:
    assert SEMEVAL is not None
    pairs = []
    for line in SEMEVAL.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["reading"] == "same_event":
            same = True
        elif row["reading"] == "related_other_event" or row["overall"] >= 3:
            same = False
        else:
            continue
        a, b = row["a"], row["b"]
        pairs.append((a["title"], a["text"], b["title"], b["text"], same))
    return pairs


@pytest.mark.skipif(SEMEVAL is None, reason="the shared SemEval pairs are not here")
def test_semeval_pairs_wrong_joins_and_recall() -> None:
    pairs = load_semeval()
    assert (sum(p[4] for p in pairs), sum(not p[4] for p in pairs)) == (27, 167)
    tp = fp = 0
    for ta, xa, tb, xb, same in pairs:
        said = same_story(fingerprint(ta, xa), fingerprint(tb, xb))
        tp += said and same
        fp += said and not same
    # measured at THRESHOLD (fitted on all pair sets): 12 of 27 joined, 2 wrong joins of 167;
    # cross-validated: recall 0.44, 2 wrong joins (bench/cluster.py --cv); 11 and 2 before
    # the outlets' furniture came off and one's headline met the other's lead, 9 and 3 before
    # the date rules and the headline's cover
    assert fp <= 2
    assert tp >= 11


def test_trap_pairs_precision_and_recall() -> None:
    tp = fp = fn = 0
    for pair in TRAPS:
        said = same_story(pair_fp(pair["a"]), pair_fp(pair["b"]))
        truth = pair["label"] == "same"
        tp += said and truth
        fp += said and not truth
        fn += truth and not said
    assert fp == 0 and tp >= 4 and fn == 0


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("عمان 13شباط (بترا)", {(13, 2)}),
        ("عمان 18 كانون الثاني (بترا)", {(18, 1)}),
        ("اختتمت اليوم 18 مارس المحاكمة", {(18, 3)}),
        ("في 18 من شهر مارس", {(18, 3)}),
        ("الإثنين 29/يونيو/2020", {(29, 6)}),
        ("اليوم الخميس 4 /6 /2020", {(4, 6), (6, 4)}),  # day or month first: both readings
        ("يوم 26/4/2020", {(26, 4)}),
        ("في 5 جوان", {(5, 6)}),
        ("بيرنلي ضد ليستر سيتي 1/2 في البريميرليغ", set()),  # a score, no year
        ("غواصة من طراز 209/1400", set()),
        ("منذ أول ديسمبر", set()),  # a month without a day dates nothing
    ],
)
def test_calendar_dates_are_read(text: str, dates: set[tuple[int, int]]) -> None:
    assert dates_in(digits_joined(normalize(text))) == dates


def test_one_date_written_two_ways_is_no_conflict() -> None:
    a = ("محكمة طشقند تحكم على كريموفا بالسجن", "أعلنت المحكمة اليوم 18 مارس الحكم على كريموفا")
    b = ("محكمة طشقند تحكم على كريموفا بالسجن", "أعلنت المحكمة يوم 18/3/2020 الحكم على كريموفا")
    score, found = explain(fingerprint(*a), fingerprint(*b))
    assert found is not None and found.dates_conflict == 0.0 and score >= THRESHOLD


def test_a_headline_inside_the_other_item_is_covered() -> None:
    # one outlet's headline is a phrase of the other's summary, worded with other clitics
    a = ("ظريف: طاعة أوروبا العمياء لأمريكا أمر كارثي", "قال وزير الخارجية في حوار مع صحيفة")
    b = ("وزير الخارجية الإيراني يحذر أوروبا", "رأى ظريف أن طاعة اوروبا العمياء لامريكا امر كارثي")
    found = explain(fingerprint(*a), fingerprint(*b))[1]
    assert found is not None and found.title_cover == 1.0
    other = ("ظريف يلتقي نظيره العماني في طهران", "قال وزير الخارجية في حوار مع صحيفة")
    apart = explain(fingerprint(*other), fingerprint(*b))[1]
    assert apart is None or apart.title_cover < 0.5


# -- two incidents in one town -----------------------------------------------------------------


def words(text: str) -> list[str]:
    """A text's normalized words, as the comparison reads them."""
    return [t.norm for t in tokenize(normalize(text))]


# (kind, headline, what happened) in one town: each kind worded as outlets word it; the leads
# share the frame one security office's statements give them all
_INCIDENTS = [
    ("arrest", "القبض على 7 إرهابيين من داعش في {town}", "ألقت القبض على 7 من عناصر داعش"),
    ("foiled", "القوات الأمنية تحبط هجوما لداعش في {town}", "أحبطت هجوما لعناصر داعش"),
    ("foiled", "صد تسلل لمسلحي داعش باتجاه {town}", "تصدت لمحاولة تسلل مسلحين من داعش"),
    ("cache", "العثور على مخزن عتاد لداعش في {town}", "عثرت على مخزن يضم عبوات ناسفة لداعش"),
    ("blast", "انفجار عبوة ناسفة بدورية للجيش في {town}", "تعرضت لانفجار عبوة ناسفة زرعها داعش"),
    ("airstrike", "غارة جوية على وكر لداعش قرب {town}", "دمرت بإسناد جوي وكرا لداعش"),
    ("kidnap", "مسلحون من داعش يختطفون 4 رعاة قرب {town}", "تلاحق مسلحين من داعش خطفوا 4 رعاة"),
    ("escape", "هروب 3 من عناصر داعش من سجن في {town}", "تلاحق 3 من عناصر داعش هربوا من سجن"),
    ("execution", "داعش يعدم 3 مدنيين في {town}", "عثرت على جثث 3 مدنيين أعدمهم داعش"),
]
_FRAME = (
    "قالت خلية الإعلام الأمني في بيان إن قوة من الجيش {what} في {town} فجر اليوم، "
    "بعد ورود معلومات استخبارية دقيقة."
)


@pytest.mark.parametrize("town", ["الحويجة", "بيجي", "القائم", "المقدادية", "الطارمية"])
def test_two_kinds_of_incident_in_one_town_stay_apart(town: str) -> None:
    """An arrest, a foiled attack, a cache found, a blast, an airstrike, ... in one town on one
    day, told in one office's words, are different events: none is folded into another (each
    would hide the other)."""
    items = [
        (kind, headline.format(town=town), _FRAME.format(what=what, town=town))
        for kind, headline, what in _INCIDENTS
    ]
    at = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
    for (kind_a, *a), (kind_b, *b) in combinations(items, 2):
        if kind_a == kind_b:
            continue
        first, second = fingerprint(*a, at), fingerprint(*b, at + timedelta(minutes=20))
        assert not same_story(first, second), (a[0], b[0], explain(first, second))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the device and its blast, a foiled infiltration, a clash in an ambush: one incident
        ("عبوة ناسفة تستهدف عجلة للشرطة في الحويجة", "انفجار عبوة بعجلة للشرطة في الحويجة"),
        ("إحباط محاولة تسلل لداعش قرب بيجي", "تسلل لعناصر داعش قرب بيجي والقوات تتصدى"),
        ("القوات تصد هجوما لداعش في القائم", "اشتباكات مع داعش في القائم"),
        ("كمين لداعش يستهدف رتلا قرب المقدادية", "اشتباكات بعد كمين قرب المقدادية"),
        # a cache whose devices are named is still a cache found
        ("ضبط عبوات ناسفة في مخزن لداعش", "العثور على مخزن لداعش"),
    ],
)
def test_one_incident_named_two_ways_is_no_conflict(a: str, b: str) -> None:
    found_a, found_b = actions_in(words(a)), actions_in(words(b))
    assert found_a and found_b
    assert actions_apart(found_a, found_b) == 0.0


@pytest.mark.parametrize(
    ("headline", "kinds"),
    [
        ("العثور على مخبأ يضم عبوات ناسفة", {"cache"}),  # the devices of a cache
        ("ضبط عبوات معدة للتفجير", {"cache"}),  # meant to explode: not a blast
        ("قصف جوي على مخبأ لداعش", {"airstrike"}),  # the hideout hit is no cache found
        ("عبوة ناسفة تستهدف عجلة عسكرية", {"device"}),
        ("وأحبطت القوات هجوما", {"foiled"}),
    ],
)
def test_the_incident_a_headline_names(headline: str, kinds: set[str]) -> None:
    assert actions_in(words(headline)) == kinds


# -- two provinces -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ديالى", "كركوك"),
        ("صلاح الدين", "نينوى"),
        ("الأنبار", "بغداد"),
        ("دير الزور", "الحسكة"),
        ("الرقة", "حمص"),
    ],
)
def test_one_attack_in_two_provinces_is_two_events(one: str, other: str) -> None:
    """The same wire wording about two provinces (no town named) is two attacks."""
    title = "مقتل 4 جنود بهجوم لداعش على نقطة عسكرية في {p}"
    lead = (
        "قتل 4 جنود وأصيب 3 آخرون بهجوم شنه مسلحون من تنظيم داعش على نقطة عسكرية في {p} "
        "فجر اليوم، بحسب مصدر أمني."
    )
    at = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
    a = fingerprint(title.format(p=one), lead.format(p=one), at)
    b = fingerprint(title.format(p=other), lead.format(p=other), at + timedelta(minutes=10))
    score, found = explain(a, b)
    assert not same_story(a, b)
    assert found is not None and found.places_conflict == 1.0, (score, found)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("هجوم لداعش قرب حديثة", "هجوم لداعش في محافظة الأنبار"),  # a town and its province
        ("انفجار عبوة في الحويجة", "انفجار عبوة غربي كركوك"),
        ("اشتباكات في البوكمال", "اشتباكات بريف دير الزور الشرقي"),  # a clitic, two words
        ("قصف على مواقع في الموصل", "قصف على مواقع في نينوى"),  # a capital for its province
        ("هجوم في بغداد وديالى", "هجوم في ديالى"),  # one province in common
    ],
)
def test_a_town_and_its_province_are_one_place(a: str, b: str) -> None:
    found = explain(fingerprint(a, ""), fingerprint(b, ""))[1]
    assert found is None or found.places_conflict == 0.0, found
    assert provinces_in(words(a)) and provinces_in(words(b))
    assert provinces_in(words(a)) & provinces_in(words(b))


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        # two sub-districts of one district: two events, though both name the district
        ("هجوم قرب الزاب التابعة للحويجة", "هجوم قرب العباسي التابعة للحويجة", 1.0),
        ("اشتباك في الباغوز بريف البوكمال", "اشتباك في هجين بريف البوكمال", 1.0),
        # a sub-district in its district, and the district alone: one place
        ("هجوم قرب الزاب التابعة للحويجة", "هجوم في الحويجة", 0.0),
        ("عبوة في ربيعة غربي تلعفر", "عبوة قرب تلعفر", 0.0),
        # a sub-district alone and its district alone: two towns, as before
        ("هجوم في جلولاء", "هجوم في خانقين", 1.0),
    ],
)
def test_districts_are_read_at_their_most_precise(a: str, b: str, conflict: float) -> None:
    assert places_apart(places_in(words(a)), places_in(words(b))) == conflict
