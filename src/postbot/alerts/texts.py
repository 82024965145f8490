"""Every text postbot shows people, in Arabic and English (SPEC §5: Arabic for Arabic-language
users), and the helpers that put numbers into them.

`text(lang, key, **values)` formats one; values are HTML-escaped by the caller where the text is
sent as HTML. Keep the two languages in step: a test checks that both have every key and the
same placeholders. The replies live in `texts_chat` (chats, watches, topics) and
`texts_settings` (settings, help, admin); the alert and digest labels are below.

Counts take the noun's plural form: a placeholder written `{count:story}` is filled with the
number and the noun `story` from NOUNS in the form the number needs. Arabic has six (CLDR):
zero, one, two, few (3-10), many (11-99) and other (100-102, ...); English has one and other.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from postbot.alerts.texts_chat import CHAT_TEXTS
from postbot.alerts.texts_chatsettings import CHATSETTINGS_TEXTS, COMMANDS_CHATSETTINGS
from postbot.alerts.texts_feedops import FEEDOPS_TEXTS
from postbot.alerts.texts_queries import QUERY_TEXTS
from postbot.alerts.texts_search import SEARCH_TEXTS
from postbot.alerts.texts_settings import SETTINGS_TEXTS
from postbot.alerts.texts_trend import TREND_NOUNS, TREND_TEXTS
from postbot.alerts.texts_watchstate import WATCHSTATE_TEXTS

LANGS = ("ar", "en")

# Labels of alerts and digests (alerts/html.py, alerts/digest.py). The breaking line keeps its
# telegraphic "N noun" form in Arabic whatever N («خلال 1 دقيقة»): readers and tests match it.
ALERT_TEXTS: dict[str, dict[str, str]] = {
    "alert_source": {"ar": "المصدر", "en": "Source"},
    "alert_read": {"ar": "اقرأ الخبر", "en": "Read the story"},
    "alert_also": {"ar": "ورد أيضاً في", "en": "also in"},
    "alert_comma": {"ar": "، ", "en": ", "},
    "alert_breaking": {
        "ar": "🔴 عاجل: {outlets} مصادر خلال {minutes} دقيقة",
        "en": "🔴 Breaking: {outlets} outlets in {minutes} min",
    },
    "digest_hourly_head": {"ar": "📰 ملخص الساعة", "en": "📰 Hourly digest"},
    "digest_daily_head": {"ar": "📰 ملخص اليوم", "en": "📰 Daily digest"},
    "digest_quiet_head": {
        "ar": "🌙 ما فاتك خلال ساعات الهدوء",
        "en": "🌙 While you were in quiet hours",
    },
    "digest_count": {"ar": "الأخبار: {n}", "en": "{n:story}"},
    "digest_other": {"ar": "أخرى", "en": "Other"},
    "digest_untitled": {"ar": "(بلا عنوان)", "en": "(untitled)"},
    "digest_breaking": {"ar": "🔴 عاجل", "en": "🔴 Breaking"},
}

TEXTS: dict[str, dict[str, str]] = {
    **CHAT_TEXTS,
    **SETTINGS_TEXTS,
    **ALERT_TEXTS,
    **FEEDOPS_TEXTS,
    **TREND_TEXTS,
    **CHATSETTINGS_TEXTS,
    **SEARCH_TEXTS,
    **WATCHSTATE_TEXTS,
    **QUERY_TEXTS,
}

# Nouns for counted placeholders: per language, per plural category, "{n}" is the number.
NOUNS: dict[str, dict[str, dict[str, str]]] = {
    "source": {
        "ar": {
            "one": "مصدر واحد",
            "two": "مصدران",
            "few": "{n} مصادر",
            "many": "{n} مصدراً",
            "other": "{n} مصدر",
        },
        "en": {"one": "1 feed", "other": "{n} feeds"},
    },
    "outlet": {
        "ar": {
            "one": "مصدر واحد",
            "two": "مصدران",
            "few": "{n} مصادر",
            "many": "{n} مصدراً",
            "other": "{n} مصدر",
        },
        "en": {"one": "1 outlet", "other": "{n} outlets"},
    },
    "topic": {
        "ar": {
            "one": "موضوع واحد",
            "two": "موضوعان",
            "few": "{n} مواضيع",
            "many": "{n} موضوعاً",
            "other": "{n} موضوع",
        },
        "en": {"one": "1 topic", "other": "{n} topics"},
    },
    "minute": {
        "ar": {
            "one": "دقيقة واحدة",
            "two": "دقيقتين",
            "few": "{n} دقائق",
            "many": "{n} دقيقة",
            "other": "{n} دقيقة",
        },
        "en": {"one": "1 min", "other": "{n} min"},
    },
    "char": {
        "ar": {
            "one": "حرف واحد",
            "two": "حرفان",
            "few": "{n} أحرف",
            "many": "{n} حرفاً",
            "other": "{n} حرف",
        },
        "en": {"one": "1 character", "other": "{n} characters"},
    },
    "letter": {
        "ar": {
            "one": "حرف واحد",
            "two": "حرفين",
            "few": "{n} أحرف",
            "many": "{n} حرفاً",
            "other": "{n} حرف",
        },
        "en": {"one": "1 letter", "other": "{n} letters"},
    },
    "word": {
        "ar": {
            "one": "كلمة واحدة",
            "two": "كلمتين",
            "few": "{n} كلمات",
            "many": "{n} كلمة",
            "other": "{n} كلمة",
        },
        "en": {"one": "1 word", "other": "{n} words"},
    },
    "watch": {
        "ar": {
            "one": "كلمة مراقبة واحدة",
            "two": "كلمتا مراقبة",
            "few": "{n} كلمات مراقبة",
            "many": "{n} كلمة مراقبة",
            "other": "{n} كلمة مراقبة",
        },
        "en": {"one": "1 watch", "other": "{n} watches"},
    },
    "story": {
        "ar": {
            "one": "خبر واحد",
            "two": "خبران",
            "few": "{n} أخبار",
            "many": "{n} خبراً",
            "other": "{n} خبر",
        },
        "en": {"one": "1 story", "other": "{n} stories"},
    },
    **TREND_NOUNS,
}

COMMANDS: dict[str, tuple[str, str]] = {
    "start": ("الاشتراك أو الاستئناف", "Subscribe or resume alerts"),
    "topics": ("المواضيع الجاهزة", "Built-in topics"),
    "watch": ("إضافة كلمة مراقبة", "Add a keyword watch"),
    "watches": ("كلمات المراقبة والمواضيع", "Your watches and topics"),
    "unwatch": ("حذف كلمة مراقبة: رقم أو أرقام أو الكل", "Remove watches: numbers, text or all"),
    "mute": ("كتم كلمة أو موضوع: 2h أو 1d أو 1w", "Mute a watch or topic: 2h, 1d or 1w"),
    "pause": ("إيقاف مؤقت: 2h أو 1d", "Pause all alerts: 2h or 1d"),
    "resume": ("إنهاء الكتم أو الإيقاف المؤقت", "End a mute or pause early"),
    "digest": ("ملخص: off أو hourly أو daily [HH:MM]", "Digest: off, hourly or daily [HH:MM]"),
    "quiet": ("ساعات الهدوء: HH:MM-HH:MM أو off", "Quiet hours: HH:MM-HH:MM or off"),
    "tz": ("المنطقة الزمنية، مثل Asia/Baghdad", "Time zone, e.g. Asia/Baghdad"),
    "breaking": ("كل خبر عاجل: on أو off", "Every breaking story: on or off"),
    "trend": ("رسم بياني لموضوع أو استعلام: 30d أو 90d", "Chart of a topic or query: 30d or 90d"),
    "feeds": ("المصادر المراقبة", "Monitored feeds"),
    "search": ("البحث في الأخبار المحفوظة", "Search stored stories"),
    "latest": ("أحدث أخبار ما تتابعه", "Latest stories you follow"),
    "lang": ("لغة الردود: ar أو en", "Reply language: ar or en"),
    "stop": ("إيقاف التنبيهات مؤقتاً", "Pause alerts"),
    "help": ("المساعدة والأمثلة", "Help and examples"),
    **COMMANDS_CHATSETTINGS,
}
ADMIN_COMMANDS: dict[str, tuple[str, str]] = {
    "stats": ("إحصاءات", "Statistics"),
    "feedstatus": ("حالة المصادر", "Feed status"),
    "reload": ("إعادة تحميل الإعدادات", "Reload the config"),
}


def plural_category(lang: str, n: int) -> str:
    """The CLDR plural category of `n` in `lang` (Arabic: six; any other language: English's)."""
    n = abs(n)
    if lang != "ar":
        return "one" if n == 1 else "other"
    if n < 3:
        return ("zero", "one", "two")[n]
    if 3 <= n % 100 <= 10:
        return "few"
    if 11 <= n % 100 <= 99:
        return "many"
    return "other"


def plural(lang: str, n: int, forms: Mapping[str, str]) -> str:
    """The form of `forms` (by plural category, "{n}" the number) that `n` takes in `lang`."""
    form = forms.get(plural_category(lang, n), forms["other"])
    return form.format(n=n)


class _Counting(string.Formatter):
    """str.format, except that `{value:noun}` writes the count with the noun's plural form."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        nouns = NOUNS.get(format_spec)
        if nouns is None:
            return format(value, format_spec)
        if not isinstance(value, int):  # a count given as text: shown as it is, never a crash
            return str(value)
        return plural(self.lang, value, nouns.get(self.lang, nouns["en"]))


_FORMATTERS = {lang: _Counting(lang) for lang in LANGS}


def _counts(template: str) -> bool:
    return any(spec in NOUNS for _, _, spec, _ in string.Formatter().parse(template) if spec)


# the templates with a counted placeholder; the others take plain (faster) str.format
_COUNTED = frozenset(
    (key, lang) for key, entry in TEXTS.items() for lang, t in entry.items() if _counts(t)
)


def text(lang: str, key: str, **values: Any) -> str:
    """The text `key` in `lang` (English if the language is unknown), formatted."""
    entry = TEXTS[key]
    if lang not in entry:
        lang = "en"
    template = entry[lang]
    if not values:
        return template
    if (key, lang) in _COUNTED:
        return _FORMATTERS[lang].format(template, **values)
    return template.format(**values)


def lang_of(language_code: str | None) -> str:
    """The reply language for a Telegram user's language code."""
    return "ar" if (language_code or "").lower().startswith("ar") else "en"


def command_list(lang: str, *, admin: bool = False) -> list[tuple[str, str]]:
    """(command, description) pairs for setMyCommands."""
    index = 0 if lang == "ar" else 1
    entries = {**COMMANDS, **(ADMIN_COMMANDS if admin else {})}
    return [(name, pair[index]) for name, pair in entries.items()]
