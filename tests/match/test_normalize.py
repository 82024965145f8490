"""Normalization and tokenization rules of SPEC §4, one table row per rule."""

from __future__ import annotations

import pytest

from postbot.match.normalize import has_arabic, normalize, tokenize

# (id, raw text, normalized text)
NORMALIZE_CASES = [
    # tashkeel: harakat, shadda, sukun, tanwin, dagger alef
    ("fatha-kasra-damma", "دَاعِشُ", "داعش"),
    ("shadda", "الجوّيّة", "الجويه"),
    ("shadda-with-fatha", "مُدَرَّب", "مدرب"),
    ("sukun", "مَسْجِدْ", "مسجد"),
    ("tanwin-fath", "جنوداً", "جنودا"),
    ("tanwin-damm", "عسكريٌّ", "عسكري"),
    ("tanwin-kasr", "بهجومٍ", "بهجوم"),
    ("dagger-alef", "هٰذا", "هذا"),
    ("dagger-alef-with-harakat", "الرَّحْمٰن", "الرحمن"),
    ("fully-vocalized-phrase", "قَاعِدَةُ عَيْنِ الأَسَدِ", "قاعده عين الاسد"),
    # tatweel
    ("tatweel", "داعـــش", "داعش"),
    ("tatweel-and-tashkeel", "الأَنـْبـَار", "الانبار"),
    # alef forms
    ("alef-hamza-above", "أمريكا", "امريكا"),
    ("alef-hamza-below", "إيران", "ايران"),
    ("alef-madda", "آلاف", "الاف"),
    ("alef-wasla", "ٱلدولة", "الدوله"),
    ("alef-decomposed-hamza-above", "ا\u0654مريكا", "امريكا"),
    ("alef-decomposed-hamza-below", "ا\u0655يران", "ايران"),
    # other letters
    ("alef-maqsura", "مستشفى", "مستشفي"),
    ("ta-marbuta", "الجوية", "الجويه"),
    ("waw-hamza", "مسؤول", "مسوول"),
    ("ya-hamza", "رئيس", "رييس"),
    ("ya-decomposed-hamza", "ري\u0654يس", "رييس"),
    ("all-letter-rules", "إنّ الأُمّة تُؤدّي مَهمّتها في المستشفى", "ان الامه تودي مهمتها في المستشفي"),
    # digits
    ("arabic-indic-digits", "٠١٢٣٤٥٦٧٨٩", "0123456789"),
    ("persian-digits", "۰۱۲۳۴۵۶۷۸۹", "0123456789"),
    ("digits-in-sentence", "نحو ٢٥٠ مستشار", "نحو 250 مستشار"),
    ("persian-year", "عام ۲۰۱۴", "عام 2014"),
    # NFKC presentation forms
    ("lam-alef-ligature", "\ufefb", "لا"),
    ("allah-ligature", "\ufdf2", "الله"),
    ("isolated-forms-word", "\ufe8d\ufedf\ufe9f\ufeee\ufef3\ufe94", "الجويه"),
    ("fullwidth-latin", "\uff29\uff33\uff29\uff33", "isis"),
    # Latin casefold
    ("latin-upper", "ISIS", "isis"),
    ("latin-mixed", "Ain Al-Asad", "ain al-asad"),
    ("latin-casefold-sharp-s", "STRASSE Straße", "strasse strasse"),
    ("mixed-scripts", "ISIS (داعِش)", "isis (داعش)"),
    # invisible marks that sneak into feeds
    ("zero-width-non-joiner", "دا\u200cعش", "داعش"),
    ("rtl-mark", "\u200fداعش", "داعش"),
    # already normal text is unchanged
    ("plain-arabic", "قاعده عين الاسد", "قاعده عين الاسد"),
    ("plain-latin", "al asad air base", "al asad air base"),
]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(raw, exp) for _, raw, exp in NORMALIZE_CASES],
    ids=[case_id for case_id, _, _ in NORMALIZE_CASES],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "raw", [raw for _, raw, _ in NORMALIZE_CASES], ids=[i for i, _, _ in NORMALIZE_CASES]
)
def test_normalize_is_idempotent(raw: str) -> None:
    once = normalize(raw)
    assert normalize(once) == once


# (id, text, normalized tokens)
TOKENIZE_CASES = [
    ("arabic-words", "قاعدة عين الأسد الجوية", ["قاعده", "عين", "الاسد", "الجويه"]),
    ("arabic-punctuation", "داعش، القاعدة؛ الأسد؟", ["داعش", "القاعده", "الاسد"]),
    ("hyphen-splits-latin", "al-Asad", ["al", "asad"]),
    ("hyphen-equals-space", "Ain al-Asad", ["ain", "al", "asad"]),
    ("possessive", "ISIS's", ["isis", "s"]),
    ("parentheses", "(ISIS)", ["isis"]),
    ("hyphen-compound", "ISIS-linked", ["isis", "linked"]),
    ("guillemets", "«داعش»", ["داعش"]),
    ("tashkeel-inside-word", "دَاعِش", ["داعش"]),
    ("tatweel-inside-word", "داعـــش", ["داعش"]),
    ("en-dash-range", "250–300 مستشار", ["250", "300", "مستشار"]),
    ("indic-digits", "٥٠٠ جندي", ["500", "جندي"]),
    ("empty", "", []),
    ("only-punctuation", "!!! ... ؟", []),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, exp) for _, text, exp in TOKENIZE_CASES],
    ids=[case_id for case_id, _, _ in TOKENIZE_CASES],
)
def test_tokenize_words(text: str, expected: list[str]) -> None:
    assert [t.norm for t in tokenize(text)] == expected


@pytest.mark.parametrize(
    ("text", "surfaces"),
    [
        ("هجوم لِدَاعِش", ["هجوم", "لِدَاعِش"]),
        ("بعيـــن الأسد", ["بعيـــن", "الأسد"]),
        ("Ain al-Asad", ["Ain", "al", "Asad"]),
        ("نحو ٢٥٠ مستشاراً", ["نحو", "٢٥٠", "مستشاراً"]),
    ],
    ids=["tashkeel", "tatweel", "hyphen", "indic-digits-tanwin"],
)
def test_token_spans_slice_the_original_text(text: str, surfaces: list[str]) -> None:
    assert [text[t.start : t.end] for t in tokenize(text)] == surfaces


# (id, text, True when the first and last token are in the same segment)
SEGMENT_CASES = [
    ("space", "عين الأسد", True),
    ("full-stop", "عين. الأسد", False),
    ("line-break", "عين\nالأسد", False),
    ("arabic-question-mark", "عين؟ الأسد", False),
    ("exclamation", "عين! الأسد", False),
    ("latin-full-stop", "Ain. Al Asad", False),
]


@pytest.mark.parametrize(
    ("text", "same"),
    [(text, same) for _, text, same in SEGMENT_CASES],
    ids=[case_id for case_id, _, _ in SEGMENT_CASES],
)
def test_sentence_ends_and_line_breaks_start_a_new_segment(text: str, same: bool) -> None:
    tokens = tokenize(text)
    assert (tokens[0].segment == tokens[-1].segment) is same


@pytest.mark.parametrize(
    ("text", "expected"),
    [("داعش", True), ("ISIS", False), ("ISIS داعش", True), ("٥٠٠", False), ("\ufefb", True)],
    ids=["arabic", "latin", "mixed", "indic-digits-only", "presentation-form"],
)
def test_has_arabic(text: str, expected: bool) -> None:
    assert has_arabic(text) is expected


# scan_words normalizes plain text (ASCII, Arabic, general punctuation) in one go and other
# text word by word; both must give the words word_spans finds, normalized alike.
SCAN_CASES = [
    ("arabic-with-tashkeel", "قَالَ الجَيْشُ إِنَّ ٣٥٠ جُنْدِيّاً وصلوا."),
    ("tatweel-inside-and-alone", "العــراق ـ سوريا ــ"),
    ("zero-width-inside-word", "عين\u200cالأسد و\u200fداعش"),
    ("latin-and-digits", "U.S. troops: 2,500 in Iraq; 3.5 km"),
    ("presentation-forms", "\ufdf2 \ufefb قال"),
    ("dotted-capital-i", "İstanbul ve İzmir"),
    ("persian-letters", "کرمانشاه یک. یوم"),
    ("quranic-small-letters", "قال \u06e5 ثم \u06e6 انتهى"),
    ("arabic-indic-digits", "٢٠٢٤ و۱۴۰۳"),
    ("ellipsis-and-arabic-comma", "قال… ثم، سكت؛ وانتهى"),
    ("mark-after-full-stop", "انتهى.\u200f بدأ"),
]


@pytest.mark.parametrize("text", [t for _, t in SCAN_CASES], ids=[i for i, _ in SCAN_CASES])
def test_scan_words_agrees_with_word_by_word_normalization(text: str) -> None:
    from postbot.match.normalize import TOKEN_RE, scan_words, word_spans

    norms, segments = scan_words(text)
    assert norms == [normalize(m.group()) for m in TOKEN_RE.finditer(text)]
    assert len(norms) == len(word_spans(text)) == len(segments)
    assert segments == sorted(segments)
