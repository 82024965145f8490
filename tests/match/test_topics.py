"""The shipped topics (config/postbot.yaml) on realistic Iraqi and Syrian news (SPEC §1, §4).

Tests whose name contains "troops" depend on troop-count extraction (`troops.py`).
"""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from postbot.config.load import load_config
from postbot.match.query import parse_query
from postbot.match.topics import StoryMatcher, Topic, build_topics

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "postbot.yaml"
SEED = ROOT / "tests" / "fixtures" / "seed-article-ar.txt"
BBC = ROOT / "tests" / "fixtures" / "feeds" / "real-bbc-world-en.xml"


def load_topics() -> list[Topic]:
    """The built-in topics exactly as the shipped config defines them."""
    return build_topics(load_config(CONFIG).topics)


@pytest.fixture(scope="module")
def story_matcher() -> StoryMatcher[str]:
    return StoryMatcher(load_topics(), {})


def test_config_ships_the_three_topics() -> None:
    assert {t.id for t in load_topics()} == {"ain_al_asad", "troop_numbers", "isis"}


# (id, title, body, expected) for the ain_al_asad topic
AIN_AL_ASAD = [
    ("base-anbar", "قاعدة عين الأسد الجوية في الأنبار تتعرض لهجوم بطائرة مسيرة", "", True),
    ("no-hamza-drone", "استهداف قاعدة عين الاسد بطائرة مسيرة", "", True),
    ("us-forces", "القوات الأمريكية في عين الأسد ترفع حالة التأهب", "", True),
    ("bi-clitic-west-anbar", "سقوط صاروخين بعين الأسد غرب الأنبار", "", True),
    ("advisers-withdraw", "انسحاب دفعة من المستشارين الأمريكيين من عين الأسد", "", True),
    ("resistance-iraq", "المقاومة الإسلامية في العراق تعلن استهداف عين الأسد", "", True),
    ("coalition", "التحالف الدولي يبقي على وجود محدود في عين الأسد", "", True),
    ("reinforcements", "وصول تعزيزات عسكرية إلى قاعدة عين الأسد", "", True),
    ("iraqi-army-handover", "الجيش العراقي يتسلم عين الأسد من قوات التحالف", "", True),
    ("air-defence", "دفاعات عين الأسد الجوية تعترض طائرة مسيرة", "", True),
    ("vocalized", "قَاعِدَةُ عَيْنِ الأَسَدِ الجَوِّيَّةِ", "", True),
    (
        "context-in-body",
        "انفجارات تهز عين الأسد",
        "أفادت مصادر أمنية في الأنبار بسماع دوي انفجارات قرب المدرج",
        True,
    ),
    ("en-air-base", "Rockets hit Ain al-Asad air base in western Iraq", "", True),
    ("en-al-asad-air-base", "Drone attack targets Al Asad Air Base, US official says", "", True),
    ("en-ayn", "US forces at Ayn al-Asad on high alert", "", True),
    ("en-capitalised-hyphen", "Iraq says Ain Al-Asad will be handed over", "", True),
    ("trap-bashar", "بشار الأسد يستقبل وفدا روسيا في دمشق", "", False),
    ("trap-assad-forces", "قوات الأسد تقصف ريف إدلب الجنوبي", "", False),
    ("trap-ain-al-arab", "معارك عنيفة في عين العرب شمالي سوريا", "", False),
    ("trap-assad-regime", "نظام الأسد يفرج عن دفعة من المعتقلين", "", False),
    ("trap-village-homs", "قرية عين الأسد في ريف حمص تحتفل بموسم الزيتون", "", False),
    ("trap-village-daraa", "مقتل شخصين بانفجار لغم في قرية عين الأسد بريف درعا", "", False),
    ("trap-village-west-of-homs", "حريق في أحراج قرية عين الأسد غرب حمص", "", False),
    (
        "trap-village-drone-daraa",
        "طائرة مسيرة تستهدف دراجة نارية قرب عين الأسد بريف درعا",
        "",
        False,
    ),
    ("trap-hafez", "حافظ الأسد حكم سوريا ثلاثين عاما", "", False),
    ("trap-maher", "ماهر الأسد والفرقة الرابعة في دمشق", "", False),
    ("trap-iraq-no-name", "العراق يحتفل بعيد الجيش في بغداد", "", False),
    ("trap-ain-al-tamr", "عين التمر تستقبل آلاف الزوار", "", False),
    ("trap-lions-football", "أسود الرافدين تتأهل إلى كأس العالم", "", False),
    ("trap-en-bashar", "Bashar al-Assad meets Russian envoy in Damascus", "", False),
]


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [(t, b, e) for _, t, b, e in AIN_AL_ASAD],
    ids=[i for i, _, _, _ in AIN_AL_ASAD],
)
def test_ain_al_asad_topic(
    story_matcher: StoryMatcher[str], title: str, body: str, expected: bool
) -> None:
    assert ("ain_al_asad" in story_matcher.match(title, body).topics) is expected


# (id, title, body, expected) for the isis topic
ISIS = [
    ("daesh-claims", "داعش يتبنى هجوما على حاجز للجيش في دير الزور", "", True),
    ("li-daesh", "القوات العراقية توجه ضربة موجعة لداعش في صحراء الأنبار", "", True),
    ("islamic-state-org", "تنظيم الدولة الإسلامية يعلن مسؤوليته عن تفجير انتحاري", "", True),
    ("islamic-state-alone", "هجوم لمقاتلي الدولة الإسلامية في بادية دير الزور", "", True),
    ("tanzim-al-dawla", "تنظيم الدولة يهاجم مواقع قوات سوريا الديمقراطية", "", True),
    ("tanzim-al-dawla-then-la", "تنظيم الدولة لا يزال يشكل تهديدا في البادية السورية", "", True),
    ("tanzim-al-dawla-then-lam", "خلايا تنظيم الدولة لم تنته بعد في كركوك", "", True),
    ("cells", "القوات الأمنية تلاحق خلايا التنظيم في وادي حوران", "", True),
    ("remnants", "مطاردة فلول التنظيم في جبال حمرين", "", True),
    ("daeshi", "اعتقال داعشي بارز في الموصل", "", True),
    ("dawaesh", "نقل عائلات الدواعش من مخيم الهول", "", True),
    ("vocalized", "غارات للتحالف على مواقع دَاعِش", "", True),
    (
        "cells-in-body",
        "الأمن العراقي يحبط مخططا إرهابيا",
        "وقالت القيادة إن خلايا التنظيم خططت لهجمات في كركوك",
        True,
    ),
    ("en-isis", "ISIS claims deadly attack in Raqqa", "", True),
    ("en-isil", "Iraqi forces kill senior ISIL commander", "", True),
    ("en-islamic-state", "Islamic State fighters attack army post in Homs desert", "", True),
    ("en-daesh", "Daesh remnants regroup in the Syrian desert", "", True),
    ("en-isis-k", "ISIS-K suicide bomber kills dozens in Kabul", "", True),
    ("trap-al-qaeda", "تنظيم القاعدة في جزيرة العرب يتبنى هجوما في اليمن", "", False),
    ("trap-family-planning", "وزارة الصحة تطلق حملة وطنية لتنظيم الأسرة", "", False),
    ("trap-head-of-state", "رئيس الدولة يستقبل السفير الفرنسي", "", False),
    ("trap-state-organises", "تنظيم الدولة للانتخابات البلدية في موعدها", "", False),
    ("trap-oic", "منظمة التعاون الإسلامي تعقد قمة طارئة", "", False),
    ("trap-iraqi-state", "الدولة العراقية تستعيد السيطرة على المنافذ الحدودية", "", False),
    ("trap-administrative", "التنظيم الإداري الجديد لوزارة الداخلية", "", False),
    ("trap-solar-cells", "خلايا الطاقة الشمسية تنتشر في الأنبار", "", False),
    ("trap-islamic-republic", "الجمهورية الإسلامية الإيرانية تجري مناورات", "", False),
    ("trap-en-crisis", "Australia's disability support is in crisis", "", False),
    ("trap-en-islamic", "Islamic scholars meet in Cairo", "", False),
]


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [(t, b, e) for _, t, b, e in ISIS],
    ids=[i for i, _, _, _ in ISIS],
)
def test_isis_topic(
    story_matcher: StoryMatcher[str], title: str, body: str, expected: bool
) -> None:
    assert ("isis" in story_matcher.match(title, body).topics) is expected


def test_isis_the_goddess_matches_because_latin_is_case_insensitive(
    story_matcher: StoryMatcher[str],
) -> None:
    # SPEC §4 makes Latin case-insensitive, so "Isis" is "ISIS": a known, accepted false positive.
    match = story_matcher.match("Statue of Isis, the Egyptian goddess, goes on show", "")
    assert "isis" in match.topics
    assert match.terms == ["Isis"]


# (id, text, expected) for the troop_numbers topic
TROOPS = [
    ("range-advisers", "الإبقاء على نحو 250–300 مستشار داخل عين الأسد", True),
    ("less-than", "خفض القوات الأميركية إلى أقل من 2000 عنصر", True),
    ("vague-thousands", "بلغ الوجود الأميركي ذروته عند آلاف المستشارين", True),
    ("indic-digits", "واشنطن تنشر ٥٠٠ جندي إضافي في سوريا", True),
    ("about", "البنتاغون: قرابة 900 جندي أمريكي في شرق سوريا", True),
    ("number-words", "إرسال خمسة آلاف عسكري إلى الحدود", True),
    ("arabic-separator", "وصول ١٬٥٠٠ مقاتل إلى سنجار", True),
    ("en-us-troops", "The US will keep 2,500 US troops in Iraq", True),
    ("en-soldiers", "About 900 soldiers remain in north-east Syria", True),
    ("killed", "مقتل 5 جنود في هجوم على حاجز", False),
    ("wounded", "إصابة 12 عسكريا في انفجار عبوة ناسفة", False),
    ("captured", "أسر 3 جنود خلال الاشتباكات", False),
    ("arrested", "اعتقال 40 عنصرا في حملة أمنية", False),
    ("money", "واشنطن تقدم 500 مليون دولار مساعدات عسكرية", False),
    ("year", "تشكل التحالف الدولي عام 2014", False),
    ("people", "إجلاء 2000 شخص من المخيم", False),
    ("coach-until-year", "مدرب منتخب مصر حتى 2030", False),
    ("en-deaths", "Ebola has caused more than 2,000 deaths", False),
    ("en-killed", "5 soldiers killed in ambush near Kirkuk", False),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(t, e) for _, t, e in TROOPS],
    ids=[i for i, _, _ in TROOPS],
)
def test_troops_numbers_topic(story_matcher: StoryMatcher[str], text: str, expected: bool) -> None:
    assert ("troop_numbers" in story_matcher.match(text, "").topics) is expected


# (id, text, low, high, words the count's text keeps)
TROOP_FIGURES = [
    ("less-than", "خفض القوات إلى أقل من 2000 عنصر", 2000, 2000, "أقل من"),
    ("range", "الإبقاء على نحو 250–300 مستشار", 250, 300, "نحو"),
    ("vague", "ذروته عند آلاف المستشارين", None, None, "آلاف"),
    ("indic", "نشر ٥٠٠ جندي", 500, 500, "٥٠٠"),
    ("en-separator", "keep 2,500 US troops", 2500, 2500, "2,500"),
]


@pytest.mark.parametrize(
    ("text", "low", "high", "kept"),
    [(t, lo, hi, k) for _, t, lo, hi, k in TROOP_FIGURES],
    ids=[i for i, *_ in TROOP_FIGURES],
)
def test_troops_figures_reach_the_story_match(
    story_matcher: StoryMatcher[str], text: str, low: int | None, high: int | None, kept: str
) -> None:
    counts = story_matcher.match(text, "").troop_counts
    assert [(c.low, c.high) for c in counts] == [(low, high)]
    assert kept in counts[0].text


def _seed() -> tuple[str, str]:
    title, _, body = SEED.read_text(encoding="utf-8").partition("\n")
    return title, body


def test_seed_article_matches_ain_al_asad_and_isis(story_matcher: StoryMatcher[str]) -> None:
    match = story_matcher.match(*_seed())
    assert {"ain_al_asad", "isis"} <= set(match.topics)
    assert "عين الأسد" in match.terms
    assert "داعش" in match.terms


def test_seed_article_matches_troops_numbers(story_matcher: StoryMatcher[str]) -> None:
    match = story_matcher.match(*_seed())
    assert set(match.topics) == {"ain_al_asad", "troop_numbers", "isis"}
    figures = {(c.low, c.high) for c in match.troop_counts}
    assert {(250, 300), (2000, 2000), (None, None)} <= figures


def _bbc_items() -> list[tuple[str, str]]:
    entries = feedparser.parse(BBC.read_bytes()).entries
    return [(str(e.get("title", "")), str(e.get("summary", ""))) for e in entries]


BBC_ITEMS = _bbc_items()


@pytest.mark.parametrize(
    ("title", "summary"), BBC_ITEMS, ids=[f"bbc-{i:02d}" for i in range(len(BBC_ITEMS))]
)
def test_bbc_world_items_match_no_query_topic(
    story_matcher: StoryMatcher[str], title: str, summary: str
) -> None:
    assert not {"ain_al_asad", "isis"} & set(story_matcher.match(title, summary).topics)


@pytest.mark.parametrize(
    ("title", "summary"), BBC_ITEMS, ids=[f"bbc-{i:02d}" for i in range(len(BBC_ITEMS))]
)
def test_bbc_world_items_state_no_troops_numbers(
    story_matcher: StoryMatcher[str], title: str, summary: str
) -> None:
    assert story_matcher.match(title, summary).topics == ()


def test_watches_and_topics_are_reported_together() -> None:
    watches = {"anbar": parse_query("الأنبار"), "baghdad": parse_query("بغداد")}
    matcher = StoryMatcher(load_topics(), watches)
    match = matcher.match("هجوم بطائرة مسيرة على عين الأسد", "وأعلنت قيادة عمليات الأنبار…")
    assert match.topics == ("ain_al_asad",)
    assert match.watches == ("anbar",)
    assert match.matched
    # terms are surface strings in text order, so the watch's word follows the topic's name
    assert match.terms.index("عين الأسد") < match.terms.index("الأنبار")
