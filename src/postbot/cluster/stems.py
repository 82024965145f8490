"""Light stems of feed text, for the band index and the cheap gate of story comparison (pure).

Text is reduced to a set of *stems*: normalized words (see `normalize`) with one attached clitic
prefix and one common suffix taken off (a light stemmer: «وبالقوات» and «القوة» meet, «الأمريكية»
and «أميركي» meet), reporting verbs and function words dropped. Numbers are kept as they are:
«3 جنود» against «5 جنود» is the commonest way two look-alike attacks differ.
"""

from __future__ import annotations

import re

from postbot.cluster.vectors import digits_joined
from postbot.match.normalize import normalize, scan_words

_STOP_WORDS = """
    في من على الى الي عن ان او ثم مع هذا هذه ذلك تلك التي الذي الذين اللذين اللتين هو هي هم
    كان كانت يكون تكون قد لقد وقد لا لم لن ما ماذا كما حيث بعد قبل خلال بين عند منذ حتى اذا اذ
    كل بعض غير اي ايضا الا لكن لان انه انها بان بانه بانها وان اليوم امس الاحد الاثنين الثلاثاء
    الاربعاء الخميس الجمعه السبت صباح مساء فجر ليل ليله يوم
    قال قالت يقول تقول اعلن اعلنت يعلن افاد افادت ذكر ذكرت اضاف اضافت اكد اكدت اوضح اوضحت
    اشار اشارت بحسب حسب وفق وفقا نقلا نقل تابع تابعت مصدر مصادر بيان بيانا تصريح تصريحات
    the a an of in on at to for from by with and or as is was were be been that this these those
    it its has have had said says according after before during while over into than also
"""
_STOP = frozenset(normalize(w) for w in _STOP_WORDS.split())
# light stemming in the manner of Larkey et al.'s "light10": one clitic prefix (the article and
# its combinations first, then a lone و ب ل ف ك), then one suffix. A lone letter is sometimes
# part of the word («كاميرات»), but «بهجوم»/«هجوم» meeting matters more on the tuning pairs.
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و", "ب", "ل", "ف", "ك")
_SUFFIXES = ("يين", "يون", "ات", "ون", "ين", "ان", "يه", "ها", "هم", "ه", "ي", "ت")
_MIN_STEM = 3
_DIGITS = re.compile(r"^\d[\d.,٫٬]*$")
_YEAR = re.compile(r"^(19|20)\d\d$")


def stem(word: str) -> str:
    """A normalized word's light stem: one clitic prefix and one suffix off, 3 letters kept."""
    if not word or not ("\u0621" <= word[0] <= "\u064a"):
        return word[:-1] if len(word) > 4 and word.endswith("s") else word
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            word = word[: -len(suffix)]
            break
    # «أمريكي», «أميركي», «الأمريكية»: one spelling
    if word.startswith(("امريك", "اميرك")):
        word = "امرك" + word[5:]
    return word


def stems(text: str) -> list[str]:
    """The content stems of `text`, in order (function words and reporting verbs dropped)."""
    # «2,500» and «2500» one stem: thousands separators off first (see similarity.digits_joined)
    words, _ = scan_words(digits_joined(normalize(text)))
    out = []
    for word in words:
        if _DIGITS.match(word):
            if not _YEAR.match(word):
                out.append(word.replace(",", "").replace("٬", ""))
            continue
        if word in _STOP or len(word) < 2:
            continue
        s = stem(word)
        if s not in _STOP:
            out.append(s)
    return out
