"""Texts of the feed list grouped by country (/feeds) and of the latency line of /stats."""

from __future__ import annotations

# one heading per value of a feed's `country:` (config/model.py COUNTRIES), and one for the rest
_COUNTRY_NAMES: dict[str, tuple[str, str]] = {
    "iq": ("🇮🇶 العراق", "🇮🇶 Iraq"),
    "sy": ("🇸🇾 سوريا", "🇸🇾 Syria"),
    "lb": ("🇱🇧 لبنان", "🇱🇧 Lebanon"),
    "jo": ("🇯🇴 الأردن", "🇯🇴 Jordan"),
    "tr": ("🇹🇷 تركيا", "🇹🇷 Turkey"),
    "ir": ("🇮🇷 إيران", "🇮🇷 Iran"),
    "sa": ("🇸🇦 السعودية", "🇸🇦 Saudi Arabia"),
    "ae": ("🇦🇪 الإمارات", "🇦🇪 United Arab Emirates"),
    "qa": ("🇶🇦 قطر", "🇶🇦 Qatar"),
    "kw": ("🇰🇼 الكويت", "🇰🇼 Kuwait"),
    "eg": ("🇪🇬 مصر", "🇪🇬 Egypt"),
    "ps": ("🇵🇸 فلسطين", "🇵🇸 Palestine"),
    "ye": ("🇾🇪 اليمن", "🇾🇪 Yemen"),
    "us": ("🇺🇸 الولايات المتحدة", "🇺🇸 United States"),
    "gb": ("🇬🇧 المملكة المتحدة", "🇬🇧 United Kingdom"),
    "fr": ("🇫🇷 فرنسا", "🇫🇷 France"),
    "de": ("🇩🇪 ألمانيا", "🇩🇪 Germany"),
    "ru": ("🇷🇺 روسيا", "🇷🇺 Russia"),
    "intl": ("🌍 دولية وعربية", "🌍 International and pan-Arab"),
}

FEEDOPS_TEXTS: dict[str, dict[str, str]] = {
    **{f"country_{code}": {"ar": ar, "en": en} for code, (ar, en) in _COUNTRY_NAMES.items()},
    "country_other": {"ar": "📰 مصادر أخرى", "en": "📰 Other feeds"},
    "feeds_group": {"ar": "<b>{country}</b> (العدد: {count})", "en": "<b>{country}</b> ({count})"},
    "stats_latency_head": {
        "ar": "⏱ التأخير من النشر إلى التنبيه (24 ساعة، {count} تنبيه): الوسيط {p50}، 95٪ {p95}",
        "en": "⏱ Delay from publishing to alert (24 h, {count} alerts): median {p50}, p95 {p95}",
    },
    "stats_latency_line": {
        "ar": "• {feed}: الوسيط {p50}، 95٪ {p95} ({count})",
        "en": "• {feed}: median {p50}, p95 {p95} ({count})",
    },
    "stats_latency_more": {"ar": "… و{count} مصادر أخرى", "en": "… and {count} more feeds"},
    "duration_s": {"ar": "{n} ث", "en": "{n}s"},
    "duration_m": {"ar": "{n} د", "en": "{n}m"},
    "duration_h": {"ar": "{n} س", "en": "{n}h"},
}
