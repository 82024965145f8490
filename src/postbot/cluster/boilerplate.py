"""Feed furniture taken off a story's title and summary before they are compared (pure).

Outlets wrap the same event in their own furniture: the site's name after the headline («… –
S A N A», «… | PNN»), a media tag before it («فيديو..», «بالصور |», «خاص..»), a country tag
(«مصر- …»), and a summary that opens with a byline («كتبت - ياسمين الشرقاوي:»), a subscribe
or "like our page" prompt, a syndication tag («(MENAFN- Youm7)») or a disclaimer. None of it
says what happened, and all of it is shared by unrelated stories of one outlet and missing from
the same story told by another, so it only blurs the comparison (and fills the ~400 characters a
feed carries with words that are not the story). Only the comparison sees the cleaned text; the
alert shows the story as the outlet wrote it.
"""

from __future__ import annotations

import re

# a trailing " – Site", " | Site", " - Site": at most 4 words, after a dash or bar with spaces
_SITE_TAIL = re.compile(r"\s+[-–—|]\s+(?P<tail>[^-–—|.:؟?!\d]{1,40})$")
# a leading tag: a media word then «..», «|», «:» or a dash, or an aggregator's country tag
# glued to a dash («مصر- …»; a town's dateline, «حديثة- …», stays: the place vetoes need it)
_MEDIA = "فيديو|بالفيديو|بالصور|صور|خاص|عاجل|حصري|شاهد|انفوجراف|إنفوجراف"
_COUNTRIES = (
    "مصر|الاردن|الأردن|البحرين|الكويت|السعودية|الإمارات|الامارات|قطر|عمان|سلطنة عمان|لبنان"
    "|العراق|سوريا|سورية|اليمن|ليبيا|تونس|الجزائر|المغرب|فلسطين|السودان"
)
_HEAD_TAG = re.compile(rf"^\s*(?:(?:{_MEDIA})\s*(?:\.\.+|[|:–—-])|(?:{_COUNTRIES})-(?=\s))\s*")
# summary furniture: prompts and tags anywhere, a byline at the start
_PROMPTS = re.compile(
    r"اشترك[^.:!\n]{0,40}?(?:الأخبار|الآن|الملعب)"
    r"|أنا معجب[^.]{0,40}\.?[^.]{0,60}?(?:مرة أخرى)"
    r"|سجّ?ل إعجابك[^.؟]{0,60}?(?:المزيد)"
    r"|شاهد أخبار الدوريات في يوم\s*\.*"
    r"|أعجبك الموضوع\s*[؟?]"
    r"|\((?:MENAFN|menafn)[^)]{0,40}\)"
    r"|\*\s*(?:email|facebook|twitter|linkedin|whatsapp)\s*"
    r"|تعمل شركة \"?شبكة الشرق الأوسط وشمال أفريقيا[^\n]*?المذكور أعلاه\.?",
    re.IGNORECASE,
)
# «كتب - أحمد علي:» (the dash makes it a byline: «كتب ترامب على تويتر:» is news)
_BYLINE = re.compile(r"^\s*(?:كتب|كتبت|كتبه|إعداد|اعداد)\s*[-–ـ]\s*[^:.\n]{2,40}:\s*")


def clean_title(title: str) -> str:
    """The headline without the site's name after it and a media or country tag before it."""
    text = " ".join(title.split())
    match = _SITE_TAIL.search(text)
    if match and len(match["tail"].split()) <= 4 and len(text) - len(match[0]) >= 15:
        text = text[: match.start()]
    tagged = _HEAD_TAG.sub("", _HEAD_TAG.sub("", text, count=1), count=1)  # «مصر- فيديو ..»
    return tagged if len(tagged) >= 15 else text


def clean_summary(summary: str) -> str:
    """The summary without prompts, syndication tags, a disclaimer and an opening byline."""
    text = " ".join(_PROMPTS.sub(" ", summary).split())
    return _BYLINE.sub("", text, count=1)
