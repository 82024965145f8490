"""How one query matches a story (SPEC §4): clitics, whole words, prefixes, phrases, logic."""

from __future__ import annotations

import pytest

from postbot.match.matcher import Matcher, make_document
from postbot.match.query import parse_query


def matches(query: str, title: str, body: str = "") -> bool:
    """True when `query` alone matches a story with this title and body."""
    matcher = Matcher({"q": parse_query(query)})
    return "q" in matcher.match(make_document(title, body))


# (id, query, text, expected)
CASES = [
    # clitics on a single word
    ("daesh-bare", "داعش", "هجوم جديد لتنظيم داعش", True),
    ("daesh-lam", "داعش", "ضربة جوية لداعش في البادية", True),
    ("daesh-waw", "داعش", "اشتباكات بين الجيش وداعش", True),
    ("daesh-ba", "داعش", "التحقيق مع المشتبه بهم بداعش", True),
    ("daesh-fa", "داعش", "فداعش ما زال ينشط في الصحراء", True),
    ("daesh-kaf", "داعش", "جماعة متطرفة كداعش", True),
    ("daesh-waw-lam", "داعش", "وفي تطور آخر ولداعش خلايا نائمة", True),
    ("daesh-waw-ba", "داعش", "الملف المتعلق بالقاعدة وبداعش", True),
    ("daesh-fa-lam", "داعش", "فلداعش تاريخ طويل في المنطقة", True),
    ("asad-ba-al", "الأسد", "التقى الوفد بالأسد في دمشق", True),
    ("asad-lil", "الأسد", "رسالة للأسد من موسكو", True),
    ("asad-wal", "الأسد", "بوتين والأسد يبحثان الوضع", True),
    ("asad-fal", "الأسد", "فالأسد يرفض الشروط", True),
    ("asad-kal", "الأسد", "يزأر كالأسد", True),
    ("asad-wa-bil", "الأسد", "اجتمع بوتين بأردوغان وبالأسد", True),
    ("asad-wa-lil", "الأسد", "وللأسد حلفاء في المنطقة", True),
    ("asad-fa-lil", "الأسد", "فللأسد رأي آخر", True),
    ("query-without-article-text-with", "أسد", "صورة الأسد في حديقة الحيوان", True),
    ("qaeda-ba-al", "قاعدة", "انفجار بالقاعدة الجوية", True),
    ("qaeda-waw", "قاعدة", "مطار وقاعدة عسكرية", True),
    ("baghdad-ba", "بغداد", "اجتماع ببغداد اليوم", True),
    ("baghdad-waw-lam", "بغداد", "ولبغداد موقف واضح", True),
    ("query-starting-with-waw-al", "وزير", "تصريح الوزير العراقي", True),
    ("query-starting-with-waw-waw", "وزير", "رئيس الوزراء ووزير الدفاع", True),
    ("query-starting-with-lam-ba", "لبنان", "غارة بلبنان", True),
    # clitics on each word of a phrase
    ("phrase-ba", '"عين الأسد"', "سقوط صاروخ بعين الأسد", True),
    ("phrase-waw-no-hamza", '"عين الأسد"', "القوات الأمريكية وعين الاسد", True),
    ("phrase-lam", '"عين الأسد"', "زيارة لعين الأسد", True),
    ("phrase-fa", '"عين الأسد"', "فعين الأسد هي الأكبر", True),
    ("phrase-waw-ba", '"عين الأسد"', "في التاجي وبعين الأسد", True),
    ("phrase-inner-waw", '"العراق سوريا"', "الحدود بين العراق وسوريا", True),
    ("phrase-inner-waw-al", '"الأمن الدفاع"', "لجنة الأمن والدفاع النيابية", True),
    ("phrase-both-clitics", '"العراق سوريا"', "عمليات بالعراق وسوريا", True),
    ("phrase-head-lil", '"الولايات المتحدة"', "زيارة للولايات المتحدة", True),
    # whole words only
    ("asad-not-asadi", "الأسد", "الكاتب الأسدي", False),
    ("asad-not-asadiya", "الأسد", "الحقبة الأسدية", False),
    ("daesh-not-daeshiyun", "داعش", "اعتقال داعشيون في الموصل", False),
    ("daesh-not-daeshi", "داعش", "فكر داعشي متطرف", False),
    ("sad-not-inside-asad", "سد", "قوات الأسد", False),
    ("salam-not-inside-islam", "سلام", "الدولة الإسلام", False),
    ("qaeda-not-broken-plural", "قاعدة", "القواعد الأمريكية", False),
    ("isis-not-crisis", "isis", "a crisis in the region", False),
    ("isis-not-longer-word", "ISIS", "Isisford is a town", False),
    ("isis-possessive", "ISIS", "ISIS's leader was killed", True),
    ("isis-in-parentheses", "ISIS", "Islamic State (ISIS) claimed it", True),
    ("isis-hyphen-compound", "ISIS", "ISIS-linked cell arrested", True),
    ("latin-no-clitics", "asad", "basad", False),
    ("state-not-states", '"Islamic State"', "Islamic States", False),
    # prefixes
    ("prefix-al-plural", "مستشار*", "انسحاب المستشارين", True),
    ("prefix-waw-plural", "مستشار*", "ومستشارون أمريكيون", True),
    ("prefix-construct", "مستشار*", "مستشارو التحالف", True),
    ("prefix-lil-plural", "مستشار*", "مهام للمستشارين", True),
    ("prefix-exact-word", "مستشار*", "مستشار عسكري", True),
    ("prefix-not-other-root", "مستشار*", "دور استشاري", False),
    ("prefix-not-similar-word", "مستشار*", "مستشفى الرمادي", False),
    ("prefix-adjective", "صاروخ*", "هجمات الصاروخية", True),
    ("prefix-latin", "advis*", "US advisers and advisors", True),
    ("prefix-latin-not-inside", "advis*", "a supervisor", False),
    ("phrase-prefix", '"قوات أمريك*"', "انسحاب قوات أمريكية", True),
    ("phrase-prefix-miss", '"قوات أمريك*"', "انسحاب قوات روسية", False),
    # phrases: order, adjacency, sentence ends
    ("phrase-exact", '"عين الأسد"', "قاعدة عين الأسد", True),
    ("phrase-order", '"عين الأسد"', "الأسد عين", False),
    ("phrase-adjacent-only", '"عين الأسد"', "عين قرب الأسد", False),
    ("phrase-not-across-full-stop", '"عين الأسد"', "وصل إلى عين. الأسد يرد", False),
    ("phrase-not-across-line-break", '"عين الأسد"', "عين\nالأسد", False),
    ("phrase-not-across-question-mark", '"عين الأسد"', "أين العين؟ الأسد يجيب", False),
    ("phrase-before-full-stop", '"عين الأسد"', "هجوم على عين الأسد. ولا إصابات", True),
    ("phrase-repeated-head", '"عين الأسد"', "عين عين الأسد", True),
    ("phrase-three-words-tashkeel", '"قَاعِدَة عَيْن الأَسَد"', "قاعدة عين الاسد", True),
    ("phrase-not-different-words", '"تنظيم الدولة"', "التنظيم الدولي", False),
    # AND / OR / NOT / parentheses
    ("and-both", "داعش سوريا", "هجوم لداعش في سوريا", True),
    ("and-any-order", "داعش سوريا", "في سوريا هجوم لداعش", True),
    ("and-one-missing", "داعش سوريا", "هجوم لداعش في العراق", False),
    ("or-second", "داعش OR القاعدة", "تنظيم القاعدة في اليمن", True),
    ("or-none", "داعش OR القاعدة", "وزارة الصحة وتنظيم الأسرة", False),
    ("precedence-or-side", "داعش سوريا OR العراق", "انتخابات في العراق", True),
    ("precedence-and-side", "داعش سوريا OR العراق", "داعش في سوريا", True),
    ("precedence-half-and", "داعش سوريا OR العراق", "بيان عن داعش", False),
    ("group-or-inside-and", "داعش (سوريا OR العراق)", "داعش في العراق", True),
    ("group-needs-outer-word", "داعش (سوريا OR العراق)", "انتخابات في العراق", False),
    ("exclude-absent", "داعش -القاعدة", "هجوم لداعش", True),
    ("exclude-present-with-clitic", "داعش -القاعدة", "داعش والقاعدة", False),
    ("exclude-phrase-present", 'داعش -"تنظيم القاعدة"', "داعش وتنظيم القاعدة", False),
    ("exclude-phrase-absent", 'داعش -"تنظيم القاعدة"', "داعش والقاعدة", True),
    ("nested-inner-branch", "(داعش OR (تنظيم -القاعدة)) سوريا", "التنظيم في سوريا", True),
    ("nested-inner-excluded", "(داعش OR (تنظيم -القاعدة)) سوريا", "تنظيم القاعدة بسوريا", False),
    ("nested-other-branch", "(داعش OR (تنظيم -القاعدة)) سوريا", "داعش والقاعدة وسوريا", True),
    ("not-in-or-branch-holds", "داعش OR (الأسد -بشار)", "قوات الأسد", True),
    ("not-in-or-branch-excluded", "داعش OR (الأسد -بشار)", "بشار الأسد", False),
    ("not-in-or-other-branch", "داعش OR (الأسد -بشار)", "بشار الأسد وداعش", True),
    # Latin case and hyphens
    ("latin-hyphen-vs-space", "al-Asad", "Al Asad air base", True),
    ("latin-upper", "al-Asad", "AL-ASAD", True),
    ("latin-lower-space", "AL-ASAD", "al asad", True),
    ("latin-joined-is-other-word", "al-Asad", "alasad", False),
    ("latin-phrase-hyphen", '"Ain al-Asad"', "Ain Al Asad base", True),
    ("latin-phrase-upper", '"Ain al-Asad"', "AIN AL-ASAD AIR BASE", True),
    ("latin-phrase-all-hyphens", '"Ain al-Asad"', "Ain-al-Asad", True),
    # normalization of text and query alike
    ("hamza-query-plain-text", "الأسد", "قاعدة عين الاسد", True),
    ("plain-query-hamza-text", "الاسد", "قاعدة عين الأسد", True),
    ("hamza-below", "إسرائيل", "غارات اسرائيلية على اسرائيل", True),
    ("madda", "آلاف", "الاف المستشارين", True),
    ("ta-marbuta-text", "الجوية", "القاعدة الجويه", True),
    ("ta-marbuta-query", "الجويه", "القاعدة الجوية", True),
    ("alef-maqsura", "مستشفى", "مستشفي الرمادي", True),
    ("waw-hamza", "مسؤول", "مسوول امني", True),
    ("ya-hamza", "رئيس", "رييس الوزراء", True),
    ("tashkeel-query", "دَاعِش", "خلايا داعش", True),
    ("tashkeel-text", "داعش", "خلايا دَاعِشٍ", True),
    ("shadda-text", "الجوية", "القاعدة الجوّيّة", True),
    ("tatweel-text", "داعش", "خلايا داعـــش", True),
    ("indic-digits-text", "500", "نشر ٥٠٠ جندي", True),
    ("persian-digits-text", "٥٠٠", "نشر ۵۰۰ جندي", True),
    ("presentation-forms-text", "الجوية", "القاعدة \ufe8d\ufedf\ufe9f\ufeee\ufef3\ufe94", True),
    ("allah-ligature", "الله", "حزب \ufdf2", True),
]


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [(q, t, e) for _, q, t, e in CASES],
    ids=[i for i, _, _, _ in CASES],
)
def test_query_against_text(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


# (id, query, title, body, expected)
TITLE_BODY_CASES = [
    ("word-in-title", "داعش", "هجوم لداعش قرب الرمادي", "أعلنت السلطات حظر التجوال.", True),
    ("word-in-body", "داعش", "حظر تجوال في الرمادي", "بعد هجوم لداعش على حاجز.", True),
    ("and-split-title-body", '"عين الأسد" قاعدة', "هجوم على عين الأسد", "قاعدة أمريكية.", True),
    ("phrase-not-across-title-body", '"عين الأسد"', "زيارة إلى عين", "الأسد يستقبل الوفد", False),
    ("exclusion-in-title", "داعش -القاعدة", "تنظيم القاعدة يهاجم", "مقارنة بداعش", False),
    ("exclusion-in-body", "داعش -القاعدة", "داعش يهاجم", "وتنظيم القاعدة يدين", False),
    ("empty-body", "داعش", "هجوم لداعش", "", True),
]


@pytest.mark.parametrize(
    ("query", "title", "body", "expected"),
    [(q, t, b, e) for _, q, t, b, e in TITLE_BODY_CASES],
    ids=[i for i, _, _, _, _ in TITLE_BODY_CASES],
)
def test_title_and_body_are_both_searched(
    query: str, title: str, body: str, expected: bool
) -> None:
    assert matches(query, title, body) is expected


# (id, query, text, surfaces highlighted)
SPAN_CASES = [
    ("word-with-clitic", "داعش", "ضربة لداعش", ["لداعش"]),
    ("phrase-whole", '"عين الأسد"', "سقوط صاروخ بعين الأسد أمس", ["بعين الأسد"]),
    ("or-both-found", "داعش OR ISIS", "داعش (ISIS)", ["داعش", "ISIS"]),
    ("excluded-not-highlighted", "داعش -القاعدة", "داعش يهاجم", ["داعش"]),
    ("every-occurrence", "داعش", "داعش ثم داعش", ["داعش", "داعش"]),
    ("tashkeel-kept-in-surface", "داعش", "خلايا دَاعِش", ["دَاعِش"]),
]


@pytest.mark.parametrize(
    ("query", "text", "surfaces"),
    [(q, t, s) for _, q, t, s in SPAN_CASES],
    ids=[i for i, _, _, _ in SPAN_CASES],
)
def test_spans_point_at_matched_text(query: str, text: str, surfaces: list[str]) -> None:
    doc = make_document(text, "")
    spans = Matcher({"q": parse_query(query)}).match(doc)["q"]
    assert [doc.text[a:b] for a, b in spans] == surfaces


def test_spans_are_offsets_into_title_and_body() -> None:
    doc = make_document("هجوم على عين الأسد", "وأعلن تنظيم داعش مسؤوليته")
    hits = Matcher({"q": parse_query('"عين الأسد" OR داعش')}).match(doc)
    assert [doc.text[a:b] for a, b in hits["q"]] == ["عين الأسد", "داعش"]


def test_only_matching_keys_are_returned() -> None:
    queries = {
        "asad": parse_query('"عين الأسد"'),
        "daesh": parse_query("داعش"),
        "qaeda": parse_query("القاعدة"),
        "daesh-not-syria": parse_query("داعش -سوريا"),
        "same-as-daesh": parse_query("دَاعِش"),
    }
    doc = make_document("هجوم لداعش على عين الأسد", "في سوريا")
    assert set(Matcher(queries).match(doc)) == {"asad", "daesh", "same-as-daesh"}


def test_no_queries_match_nothing() -> None:
    matcher: Matcher[str] = Matcher({})
    assert len(matcher) == 0
    assert matcher.match(make_document("داعش", "")) == {}


# A story and an oracle that knows, by construction, which words and phrases it contains.
SCALE_TITLE = "استهداف قاعدة عين الأسد الجوية بطائرة مسيرة"
SCALE_BODY = (
    "وقالت خلية الإعلام الأمني إن الهجوم لم يسفر عن إصابات. "
    "وأكد مسؤولون أن المستشارين الأمريكيين بخير."
)
PRESENT = ["استهداف", "قاعدة", "عين", "الأسد", "الجوية", "طائرة", "مسيرة", "قالت", "خلية"]
PRESENT += ["الإعلام", "الأمني", "هجوم", "إصابات", "أكد", "مسؤولون", "المستشارين", "خير"]
ABSENT = ["داعش", "بغداد", "سوريا", "دمشق", "صاروخ", "انفجار", "الحشد", "طهران", "حلب", "أربيل"]
PRESENT_PREFIXES = ["مستشار*", "أمريك*", "استهد*", "إصاب*", "مسؤول*"]
ABSENT_PREFIXES = ["صواري*", "انفج*", "سوري*", "عراق*", "مستشف*"]
PRESENT_PHRASES = ['"قاعدة عين"', '"عين الأسد"', '"بطائرة مسيرة"', '"الإعلام الأمني"']
PRESENT_PHRASES += ['"المستشارين الأمريكيين"', '"خلية الإعلام"', '"طائرة مسيرة"']
ABSENT_PHRASES = ['"الأسد عين"', '"الأمني الإعلام"', '"مسيرة قالت"', '"إصابات أكد"']
ABSENT_PHRASES += ['"عين الجوية"', '"قاعدة الأسد"']


def _generated_watches(count: int) -> dict[int, tuple[str, bool]]:
    """`count` watches over story words, absent words and noise, each with its expected result."""
    import random

    rng = random.Random(20260813)
    letters = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"

    def word() -> tuple[str, bool]:
        roll = rng.random()
        if roll < 0.25:
            return rng.choice(PRESENT), True
        if roll < 0.4:
            return rng.choice(ABSENT), False
        if roll < 0.45:
            return rng.choice(PRESENT_PREFIXES), True
        if roll < 0.5:
            return rng.choice(ABSENT_PREFIXES), False
        if roll < 0.55:
            return rng.choice(PRESENT_PHRASES), True
        if roll < 0.6:
            return rng.choice(ABSENT_PHRASES), False
        # "ژ" never occurs in the story, so noise words never match
        return "ژ" + "".join(rng.choice(letters) for _ in range(4)), False

    watches: dict[int, tuple[str, bool]] = {}
    for key in range(count):
        (a, ha), (b, hb), (c, hc) = word(), word(), word()
        form = key % 6
        if form == 0:
            watches[key] = (a, ha)
        elif form == 1:
            watches[key] = (f"{a} {b}", ha and hb)
        elif form == 2:
            watches[key] = (f"{a} OR {b}", ha or hb)
        elif form == 3:
            watches[key] = (f"{a} -{b}", ha and not hb)
        elif form == 4:
            watches[key] = (f"({a} OR {b}) {c}", (ha or hb) and hc)
        else:
            watches[key] = (f"{a} -({b} OR {c})", ha and not (hb or hc))
    return watches


def test_ten_thousand_watches_return_exactly_the_matching_keys() -> None:
    watches = _generated_watches(10_000)
    matcher = Matcher({key: parse_query(q) for key, (q, _) in watches.items()})
    assert len(matcher) == 10_000
    expected = {key for key, (_, hit) in watches.items() if hit}
    assert 1000 < len(expected) < 9000  # the table exercises both outcomes
    found = matcher.match(make_document(SCALE_TITLE, SCALE_BODY))
    wrong = sorted(found.keys() ^ expected)[:10]
    assert found.keys() == expected, [(k, watches[k]) for k in wrong]
    assert all(found[k] for k in found)  # every hit comes with something to highlight


def test_words_under_a_double_exclusion_are_not_highlighted() -> None:
    matcher = Matcher({"q": parse_query("داعش -(ريف -العراق)")})
    doc = make_document("هجوم لداعش في ريف العراق", "")
    spans = matcher.match(doc)["q"]
    assert [doc.text[a:b] for a, b in spans] == ["لداعش"]


# Phrases are found through their rarest word, wherever it stands in the phrase (issue #11.6).
# (id, query, text, expected)
ANCHOR_CASES = [
    ("stop-word-first", '"في بغداد"', "انفجار في بغداد اليوم", True),
    ("stop-word-first-with-clitic", '"في بغداد"', "وفي بغداد انفجار", True),
    ("stop-word-first-absent", '"في بغداد"', "انفجار قرب بغداد اليوم", False),
    ("stop-word-last", '"بغداد في"', "بغداد في المساء", True),
    ("stop-words-around", '"من بغداد إلى"', "رحلة من بغداد إلى أربيل", True),
    ("stop-words-around-wrong-order", '"من بغداد إلى"', "رحلة إلى بغداد من أربيل", False),
    ("anchor-at-text-start", '"في بغداد"', "بغداد تستعد", False),
    ("anchor-at-text-end", '"بغداد اليوم"', "وصل الوفد إلى بغداد", False),
    ("middle-anchor-across-sentence", '"قوات في بغداد"', "وصلت قوات. في بغداد هدوء", False),
    ("prefix-last-word", '"في العراق*"', "في العراقية اليوم", True),
    ("prefix-last-word-not-at-start", '"في العراق*"', "العراقية في", False),
    ("english-stop-words", '"the Islamic State"', "fighters of the Islamic State fled", True),
    ("english-stop-words-wrong", '"the Islamic State"', "the state is Islamic", False),
    ("repeated-word-phrase", '"بغداد بغداد"', "بغداد ثم بغداد", False),
    ("repeated-word-phrase-present", '"بغداد بغداد"', "هتفوا بغداد بغداد", True),
    ("two-phrases-share-anchor", '"في بغداد" "من بغداد"', "من بغداد إلى الموصل وفي بغداد", True),
]


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [(q, t, e) for _, q, t, e in ANCHOR_CASES],
    ids=[i for i, _, _, _ in ANCHOR_CASES],
)
def test_phrase_found_through_any_of_its_words(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


def _oracle(node: object, doc: object) -> bool:
    """A query's truth on a document, by brute force: every term checked at every position."""
    from postbot.match.normalize import clitic_stems
    from postbot.match.query import And, Not, Or, Term

    assert hasattr(doc, "norms") and hasattr(doc, "segments")
    norms, segments = doc.norms, doc.segments

    def at(term: Term, i: int) -> bool:
        for k, word in enumerate(term.words):
            j = i + k
            if j >= len(norms) or segments[j] != segments[i]:
                return False
            stems = clitic_stems(norms[j])
            if term.prefix and k == len(term.words) - 1:
                if not any(s.startswith(word) for s in stems):
                    return False
            elif word not in stems:
                return False
        return True

    if isinstance(node, Term):
        return any(at(node, i) for i in range(len(norms)))
    if isinstance(node, Not):
        return not _oracle(node.child, doc)
    if isinstance(node, And):
        return all(_oracle(c, doc) for c in node.children)
    assert isinstance(node, Or)
    return any(_oracle(c, doc) for c in node.children)


def test_many_phrases_of_common_words_agree_with_brute_force() -> None:
    """Thousands of phrases over a small vocabulary share anchors and tries: none is lost."""
    import random

    rng = random.Random(1106)
    vocab = ["في", "من", "بغداد", "القوات", "العراق", "الأمن", "وزير", "الدفاع", "the", "of"]
    specific = [w for w in vocab if w not in ("في", "من", "the", "of")]
    stories = [
        " ".join(rng.choice([*vocab, "وفي", "بالعراق", "للقوات", "."]) for _ in range(40))
        for _ in range(30)
    ]
    queries: dict[int, str] = {}
    while len(queries) < 3000:
        words = [rng.choice(vocab) for _ in range(rng.randint(2, 4))]
        if not any(w in specific for w in words):
            words[rng.randrange(len(words))] = rng.choice(specific)
        star = "*" if rng.random() < 0.2 and len(words[-1]) >= 3 else ""
        text = '"' + " ".join(words) + star + '"'
        if rng.random() < 0.3:
            text += f" -{rng.choice(specific)}"
        queries[len(queries)] = text
    nodes = {k: parse_query(q) for k, q in queries.items()}
    matcher = Matcher(nodes)
    for story in stories:
        doc = make_document(story, "")
        expected = {k for k, node in nodes.items() if _oracle(node, doc)}
        found = matcher.match(doc)
        assert found.keys() == expected, story
        assert all(found[k] for k in found)  # every hit has its words to highlight


def test_single_words_are_placed_only_when_highlighting() -> None:
    matcher = Matcher({"a": parse_query("بغداد"), "b": parse_query("الموصل OR أربيل")})
    doc = make_document("من بغداد إلى الموصل", "ثم بغداد")
    found = matcher.occurrences(doc)
    assert all(where == [] for where in found.values())  # present, positions left for later
    spans = matcher.highlight(doc, found, matcher.matching_groups(found))
    assert [doc.text[a:b] for a, b in spans] == ["بغداد", "الموصل", "بغداد"]
