"""What sets two look-alike items apart whatever their wording (pure): places, incidents, days.

- **Places**: two items that each name a town or district of the beat and none in common are
  two events («هجوم في حديثة», «هجوم في هيت»), however alike the wording.
- **Incidents**: headlines that each name what happened and name nothing in common («ضربة
  جوية», «اعتقال») are two incidents.
- **Weekdays**: two items that each name the day of the event («الأحد», «الاثنين») and name
  none in common are two days' news: the daily toll of one day and the next read alike.
"""

from __future__ import annotations

import re

from postbot.match.figures import CLITIC
from postbot.match.normalize import normalize

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
        for candidate in (word, CLITIC.sub("", word)):
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
_PLACECLITICS = ("وب", "وال", "بال", "وفي", "و", "ب", "ل", "ف")


def _place(word: str) -> str | None:
    if word in _TOWN_SET:
        return word
    for clitic in _PLACECLITICS:
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
            for clitic in ("", *_PLACECLITICS):
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
