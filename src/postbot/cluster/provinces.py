"""The provinces of the beat an item is about (pure): Iraq's and Syria's, named or implied.

Two items that each name a province (or a town of one) and none in common report two events,
however alike the wording: «مقتل 3 جنود بهجوم في ديالى» and «مقتل 3 جنود بهجوم في كركوك» are
two attacks. A town counts as its province, so naming «حديثة» and naming «الأنبار» is no
conflict; the towns themselves are compared apart (see `vetoes.places_in`). A provincial
capital that gives the province its name in the press («الموصل» for Nineveh, «الحلة» for Babil)
counts as the province. Places whose province is disputed or that straddle two (Makhmour,
Sheikhan, the Hamrin hills) are left out: a wrong province would hide an event.
"""

from __future__ import annotations

from postbot.cluster.vetoes import PLACE_CLITICS
from postbot.match.normalize import normalize

# province: the names it goes by (its own, its capital's), "_" joining two-word names
_PROVINCES = {
    # Iraq
    "anbar": "الأنبار انبار",
    "salahuddin": "صلاح_الدين",
    "kirkuk": "كركوك",
    "diyala": "ديالى",
    "baghdad": "بغداد",
    "nineveh": "نينوى الموصل",
    "babil": "بابل",
    "karbala": "كربلاء",
    "najaf": "النجف",
    "wasit": "واسط",
    "maysan": "ميسان",
    "dhiqar": "ذي_قار",
    "basra": "البصرة",
    "muthanna": "المثنى",
    "qadisiyah": "القادسية",
    "erbil": "أربيل",
    "duhok": "دهوك",
    "sulaymaniyah": "السليمانية",
    "halabja": "حلبجة",
    # Syria
    "deirezzor": "دير_الزور ديرالزور",
    "raqqa": "الرقة",
    "hasakah": "الحسكة",
    "aleppo": "حلب",
    "idlib": "إدلب",
    "homs": "حمص",
    "hama": "حماة",
    "damascus": "دمشق ريف_دمشق",
    "daraa": "درعا",
    "sweida": "السويداء",
    "quneitra": "القنيطرة",
    "latakia": "اللاذقية",
    "tartus": "طرطوس",
}

# towns, districts and bases of the beat by province (those of `vetoes._TOWNS` whose province
# is not in doubt)
_TOWNS = {
    "anbar": "الرطبة حديثة عانة القائم راوة هيت الفلوجة الرمادي عكاشات البغدادي الكرمة "
    "الصقلاوية النخيب الحبانية الخالدية الوليد طريبيل حصيبة عين_الأسد وادي_حوران",
    "salahuddin": "سامراء تكريت بيجي الشرقاط طوزخورماتو الدجيل الضلوعية الاسحاقي",
    "kirkuk": "الحويجة داقوق الرشاد العباسي الزاب ليلان",
    "diyala": "خانقين المقدادية جلولاء بلدروز السعدية بعقوبة",
    "baghdad": "الطارمية التاجي المدائن اليوسفية المحمودية أبو_غريب",
    "babil": "المسيب الحلة الاسكندرية جرف_النصر جرف_الصخر",
    "nineveh": "سنجار تلعفر البعاج الحضر القيارة بادوش زمار ربيعة سنوني بعشيقة الحمدانية "
    "قرة_قوش حمام_العليل",
    "duhok": "زاخو",
    "sulaymaniyah": "رانية قلعة_دزة سيد_صادق",
    "erbil": "سوران",
    "basra": "الفاو القرنة أم_قصر",
    "dhiqar": "الناصرية الشطرة الرفاعي سوق_الشيوخ",
    "wasit": "الكوت",
    "maysan": "العمارة",
    "muthanna": "السماوة",
    "qadisiyah": "الديوانية",
    "deirezzor": "الميادين البوكمال البصيرة الشحيل ذيبان هجين العشارة القورية الباغوز",
    "hasakah": "الشدادي القامشلي الهول رأس_العين",
    "raqqa": "الطبقة تل_أبيض",
    "aleppo": "منبج كوباني عفرين اعزاز جرابلس عين_العرب",
    "homs": "السخنة التنف",
}


def _table() -> tuple[dict[str, str], dict[str, str]]:
    one: dict[str, str] = {}
    two: dict[str, str] = {}
    for table in (_PROVINCES, _TOWNS):
        for province, names in table.items():
            for name in names.split():
                key = normalize(name.replace("_", " "))
                (two if " " in key else one)[key] = province
    return one, two


_ONE, _TWO = _table()


def _bare(word: str) -> list[str]:
    """The word and what it may be without a leading clitic («وبالأنبار», «لديالى»)."""
    found = [word]
    for clitic in PLACE_CLITICS:
        if word.startswith(clitic) and len(word) > len(clitic) + 2:
            rest = word[len(clitic) :]
            found += [rest, "ال" + rest]
    return found


def provinces_in(words: list[str]) -> frozenset[str]:
    """The provinces that a list of normalized words names, directly or by a town of theirs."""
    found = set()
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else None
        for bare in _bare(word):
            province = _ONE.get(bare)
            if province is None and following is not None:
                province = _TWO.get(f"{bare} {following}")
            if province is not None:
                found.add(province)
                break
    return frozenset(found)
