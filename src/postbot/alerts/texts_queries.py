"""What the bot says about how a query was read, the language, quiet hours that start when they
end, and what a config reload changed, in Arabic and English (merged into
`postbot.alerts.texts.TEXTS`).
"""

from __future__ import annotations

QUERY_TEXTS: dict[str, dict[str, str]] = {
    "watch_read_as": {
        "ar": "🔎 فهمتها هكذا: <code>{expr}</code>",
        "en": "🔎 Read as: <code>{expr}</code>",
    },
    "watch_and_hint": {
        "ar": "ℹ️ يجب أن ترد هذه الكلمات كلها في الخبر، لكن كلٌّ منها في أي موضع منه. "
        "لمتابعتها عبارةً متصلة ضعها بين علامتي تنصيص:\n<code>/watch {suggestion}</code>",
        "en": "ℹ️ These words must all appear in the story, but each may be anywhere in it. "
        "To follow them as one phrase, put them in quotes:\n<code>/watch {suggestion}</code>",
    },
    "watch_syntax_at": {
        "ar": "⚠️ لم أفهم الاستعلام: {problem} (عند الحرف {position}: «{token}»).\n"
        "<code>{query}</code>\nراجع /help للأمثلة.",
        "en": "⚠️ I could not read that query: {problem} (at character {position}: “{token}”).\n"
        "<code>{query}</code>\nSee /help for examples.",
    },
    "query_unknown": {
        "ar": "صيغة غير صحيحة",
        "en": "the query is not well formed",
    },
    "lang_name_ar": {"ar": "العربية", "en": "Arabic"},
    "lang_name_en": {"ar": "الإنجليزية", "en": "English"},
    "lang_current": {
        "ar": "🌐 لغة الردود في هذه المحادثة: {name}.",
        "en": "🌐 Replies in this chat are in {name}.",
    },
    "lang_unsupported": {
        "ar": "⚠️ اللغة «{value}» غير متاحة؛ أستطيع الرد بالعربية أو الإنجليزية فقط.",
        "en": "⚠️ “{value}” is not a language I can reply in; I speak Arabic and English only.",
    },
    "quiet_same": {
        "ar": "⚠️ تبدأ ساعات الهدوء وتنتهي في الوقت نفسه ({value}). اختر وقتين مختلفين، مثل:\n"
        "<code>/quiet 23:00-07:00</code>\nأو ألغِها: <code>/quiet off</code>",
        "en": "⚠️ Those quiet hours start and end at the same time ({value}). Choose two "
        "different times, e.g.:\n<code>/quiet 23:00-07:00</code>\nor turn them off: "
        "<code>/quiet off</code>",
    },
    "reload_none": {
        "ar": "لم يتغير شيء في المصادر ولا في المواضيع.",
        "en": "Nothing changed in the feeds or topics.",
    },
    "reload_feeds_added": {"ar": "➕ مصادر أضيفت: {names}", "en": "➕ Feeds added: {names}"},
    "reload_feeds_removed": {"ar": "➖ مصادر حُذفت: {names}", "en": "➖ Feeds removed: {names}"},
    "reload_feeds_changed": {
        "ar": "✏️ مصادر تغيّرت: {names}",
        "en": "✏️ Feeds changed: {names}",
    },
    "reload_topics_added": {"ar": "➕ مواضيع أضيفت: {names}", "en": "➕ Topics added: {names}"},
    "reload_topics_removed": {
        "ar": "➖ مواضيع حُذفت: {names}",
        "en": "➖ Topics removed: {names}",
    },
    "reload_topics_changed": {
        "ar": "✏️ مواضيع تغيّرت: {names}",
        "en": "✏️ Topics changed: {names}",
    },
    "reload_other": {
        "ar": "✏️ تغيّرت إعدادات أخرى (المشرفون أو الأخبار العاجلة أو الفاصل الافتراضي).",
        "en": "✏️ Other settings changed (admins, breaking news or the default interval).",
    },
}
