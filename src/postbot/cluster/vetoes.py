"""What sets two look-alike items apart whatever their wording (pure): places, incidents, days.

- **Places**: two items that each name a town or district of the beat and none in common are
  two events («هجوم في حديثة», «هجوم في هيت»), however alike the wording.
- **Incidents**: headlines that each name what happened and name nothing in common («ضربة
  جوية», «اعتقال») are two incidents.
- **Weekdays**: two items that each name the day of the event («الأحد», «الاثنين») and name
  none in common are two days' news: the daily toll of one day and the next read alike; so are
  two that each say which weekday is today («اليوم الأحد») and say different ones.
- **Dates**: two items that each name calendar dates («18 مارس», «26/4/2020») and none in
  common report two days' news.
- **Steps**: two items that each number a step of a running story («الحلقة 23», «الجولة 24»)
  and share no number report two steps.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import TypeVar

from postbot.cluster.figures import CLITIC
from postbot.match.normalize import normalize

T = TypeVar("T")

# What a headline says happened, by the words that name it: two headlines that each name one
# and none in common («ضربة جوية» and «اعتقال») report two incidents, even in one place.
# «قصف» is left out: rockets, artillery and aircraft all shell.
_ACTIONS = {
    "airstrike": "ضربة غارة جوية جوي طيران مسيرة مسيرات طائرة",
    "arrest": "اعتقال اعتقل يعتقل تعتقل القبض",
    "kidnap": "اختطاف خطف يختطف يختطفون اختطفوا يخطف مختطف",
    "ambush": "كمين",
    # a blast that went off, and the device (which a cache found may hold as well: it counts
    # only when the headline names nothing else, see `actions_in`)
    "blast": "تفجير انفجار تفجيرات انفجارات انفجرت",
    "device": "عبوة ناسفة مفخخة لاصقة",
    "rockets": "صاروخ صواريخ صاروخي صاروخية كاتيوشا قذائف هاون",
    # a cache found, not the hideout an airstrike hit («قصف جوي على مخبأ»)
    "cache": "مخزن ضبط العثور عثر عثرت يعثر تعثر",
    # an attack that did not happen is not the attack that did, nor an arrest in that town
    "foiled": "إحباط أحبط أحبطت يحبط تحبط إفشال أفشل أفشلت يفشل تفشل صد صدت يصد تصد التصدي "
    "تصدت يتصدى تتصدى دحر دحرت يدحر تدحر",
    "infiltration": "تسلل تسللا تسللوا يتسلل يتسللون",
    "clash": "اشتباك اشتباكات اشتبك اشتبكت مواجهات",
    "assassination": "اغتيال اغتال اغتالت يغتال",
    "execution": "إعدام أعدم أعدمت يعدم",
    "escape": "هروب فرار هرب هربوا",
    "surrender": "استسلام استسلم استسلموا",
    "withdrawal": "انسحاب انسحبت ينسحب تنسحب سحب",
    "grave": "مقبرة رفات",
    "fire": "حريق حرائق",
}
_PURPOSE = "لل"  # «للتفجير», «للاعتقال»: for doing it
_ACTION_WORDS = {normalize(w): name for name, words in _ACTIONS.items() for w in words.split()}


# Kinds one outlet may name where another names the other, for one incident: the device and
# its blast («عبوة ناسفة تستهدف عجلة», «انفجار عبوة»), a foiled infiltration, a clash in an
# ambush or while repelling an attack. Any other two kinds are two incidents.
_COMPATIBLE = frozenset(
    frozenset(pair)
    for pair in (
        ("device", "blast"),
        ("foiled", "infiltration"),
        ("foiled", "clash"),
        ("infiltration", "clash"),
        ("ambush", "clash"),
    )
)


def actions_in(words: list[str]) -> frozenset[str]:
    """The kinds of incident named in a headline's normalized words (the device alone only
    when nothing else is named: «العثور على مخبأ يضم عبوات ناسفة» is a cache found)."""
    found = set()
    for word in words:
        if word.startswith(_PURPOSE):
            continue  # «عبوات معدة للتفجير»: what was meant to happen, not what did
        for candidate in (word, CLITIC.sub("", word)):
            action = _ACTION_WORDS.get(candidate)
            if action is not None:
                found.add(action)
    if len(found) > 1:
        found.discard("device")
    return frozenset(found)


def actions_apart(a: frozenset[str], b: frozenset[str]) -> float:
    """1 when both headlines name incidents and none of one is, or may be told as, one of the
    other's (`_COMPATIBLE`), else 0."""
    if not a or not b or a & b:
        return 0.0
    together = any(frozenset((x, y)) in _COMPATIBLE for x in a for y in b)
    return 0.0 if together else 1.0


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
# Sub-districts and villages of a district: two items that each name one of a district and
# none in common are two events, even when both name the district too («قرب الزاب في الحويجة»,
# «قرب العباسي في الحويجة»); naming the district alone is no conflict with naming one of them.
_DISTRICTS = {
    "الحويجة": "الزاب العباسي الرشاد",
    "القائم": "العبيدي الكرابلة حصيبة الرمانة",
    "حديثة": "حقلانية بروانة",
    "هيت": "البغدادي كبيسة",
    "الفلوجة": "الكرمة الصقلاوية",
    "خانقين": "جلولاء السعدية",
    "تلعفر": "ربيعة زمار العياضية",
    "سنجار": "سنوني",
    "طوزخورماتو": "آمرلي",
    "البوكمال": "الباغوز هجين السوسة الشعفة",
    "الميادين": "العشارة ذيبان البصيرة الشحيل القورية",
}
_PARENT = {
    normalize(sub): normalize(district)
    for district, subs in _DISTRICTS.items()
    for sub in subs.split()
}
_TOWN_SET = frozenset(normalize(w) for w in _TOWNS.split()) | frozenset(_PARENT)
_TOWN_PAIR_SET = frozenset(normalize(w.replace("_", " ")) for w in _TOWN_PAIRS.split())
# what may stand before a place name («وبالأنبار», «للحويجة»)
PLACE_CLITICS = ("وب", "وال", "بال", "لل", "وفي", "و", "ب", "ل", "ف")


def _place(word: str) -> str | None:
    if word in _TOWN_SET:
        return word
    for clitic in PLACE_CLITICS:
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
            for clitic in ("", *PLACE_CLITICS):
                if first.startswith(clitic):
                    pair = f"{first[len(clitic) :]} {words[i + 1]}"
                    if pair in _TOWN_PAIR_SET:
                        found.add(pair)
    return frozenset(found)


# an outlet that runs a later toll says so: «ارتفاع حصيلة», «ارتفع عدد القتلى», «حصيلة جديدة»
UPDATE = re.compile(
    r"(ارتفا?ع|ارتفعت|ترتفع|يرتفع)\s+(حصيله|عدد|ضحايا)|حصيله\s+(جديده|محدثه)|toll (rises|rose)"
)


WEEKDAYS = frozenset(
    normalize(w) for w in ("الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت")
)


# Calendar dates: «18 مارس», «18 من شهر مارس», «29/يونيو/2020», «13 شباط», «26/4/2020». Two items
# that each date what they report and share no date are two days' news (another day's count,
# another step of a running story), whatever their wording. Eastern (Levantine) and Maghrebi
# month names are the same months.
_MONTH_NAMES = (
    "يناير كانون_الثاني جانفي",
    "فبراير شباط فيفري",
    "مارس آذار",
    "أبريل إبريل نيسان أفريل",
    "مايو أيار ماي",
    "يونيو يونيه حزيران جوان",
    "يوليو يوليه تموز جويلية",
    "أغسطس آب أوت",
    "سبتمبر أيلول",
    "أكتوبر تشرين_الأول",
    "نوفمبر تشرين_الثاني",
    "ديسمبر كانون_الأول",
)
_MONTHS = {
    normalize(name.replace("_", " ")): month
    for month, names in enumerate(_MONTH_NAMES, start=1)
    for name in names.split()
}
_MONTH_PATTERN = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_NAMED_DATE = re.compile(
    rf"(?<![\d/.-])(\d{{1,2}})\s*(?:/\s*|من\s+(?:شهر\s+)?|شهر\s+)?({_MONTH_PATTERN})(?!\w)"
)
# a year makes «4/6» a date (a score «1/2» or a model «209/1400» is not); day or month first,
# as outlets write both («6/29/2020»), so either reading counts
_NUMERIC_DATE = re.compile(
    r"(?<![\d/.-])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*((?:19|20)\d\d)(?!\d)"
)


def dates_in(text: str) -> frozenset[tuple[int, int]]:
    """The calendar dates (day, month) a normalized text names, in either order when the
    digits alone cannot tell."""
    found: set[tuple[int, int]] = set()
    for match in _NAMED_DATE.finditer(text):
        day = int(match.group(1))
        if 1 <= day <= 31:
            found.add((day, _MONTHS[match.group(2)]))
    for match in _NUMERIC_DATE.finditer(text):
        x, y = int(match.group(1)), int(match.group(3))
        found.update((d, m) for d, m in ((x, y), (y, x)) if 1 <= d <= 31 and 1 <= m <= 12)
    return frozenset(found)


_TODAY = normalize("اليوم")


def today_in(words: list[str]) -> frozenset[str]:
    """The weekdays a text says are today («اليوم الأحد»), among its normalized words."""
    return frozenset(
        day
        for word, following in pairwise(words)
        if word == _TODAY
        for day in (following, following[1:])
        if day in WEEKDAYS
    )


# Numbered steps of a running story: the 23rd episode and the last, the 23rd round and the
# 24th. Two items that each number the same kind of step and share no number are two steps.
_STEP_NOUNS = "حلقه جوله مرحله دفعه دوره نسخه جلسه اسبوع"
_STEP = re.compile(
    rf"(?<!\w)(?:[وب]?ال)?({'|'.join(_STEP_NOUNS.split())})\s+(?:رقم\s+)?(?:ال\s*)?(\d{{1,3}})(?!\d)"
)


def steps_in(text: str) -> frozenset[tuple[str, int]]:
    """The numbered steps («الحلقة 23», «الجولة الـ24») a normalized text names."""
    return frozenset((m.group(1), int(m.group(2))) for m in _STEP.finditer(text))


def places_apart(a: frozenset[str], b: frozenset[str]) -> float:
    """1 when both items name towns and none is the same, each item read at its most precise
    (a district named beside one of its sub-districts stands for that sub-district), else 0.

    An item that names a sub-district in its district («الزاب في الحويجة») and one that names
    the district alone agree; a sub-district alone and its district alone are two towns
    («جلولاء», «خانقين»), as they were before districts were known.
    """
    if not a or not b:
        return 0.0
    for x in _most_precise(a):
        for y in _most_precise(b):
            if x == y or (_PARENT.get(x) == y and y in a) or (_PARENT.get(y) == x and x in b):
                return 0.0
    return 1.0


def _most_precise(places: frozenset[str]) -> set[str]:
    parents = {_PARENT[p] for p in places if p in _PARENT}
    return {p for p in places if p not in parents}


def apart(a: frozenset[T], b: frozenset[T]) -> float:
    """1 when both items name some and none is the same, else 0."""
    return 1.0 if a and b and not (a & b) else 0.0
