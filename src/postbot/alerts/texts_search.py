"""What the bot says for `/search` and `/latest`, in Arabic and English (merged into
`postbot.alerts.texts.TEXTS`)."""

from __future__ import annotations

SEARCH_TEXTS: dict[str, dict[str, str]] = {
    "search_usage": {
        "ar": "🔎 ابحث في الأخبار المحفوظة بلغة كلمات المراقبة نفسها:\n"
        "<code>/search داعش</code> — آخر 7 أيام\n"
        '<code>/search "عين الأسد" 30d</code> — عبارة كاملة، آخر 30 يوماً\n'
        "<code>/search الأنبار OR الرمادي -سوريا 90d</code> — إحداهما دون «سوريا»، آخر 90 يوماً",
        "en": "🔎 Search the stored stories with the language of watches:\n"
        "<code>/search ISIS</code> — the last 7 days\n"
        '<code>/search "Ain al-Asad" 30d</code> — an exact phrase, the last 30 days\n'
        "<code>/search Anbar OR Ramadi -Syria 90d</code> — either, without “Syria”, "
        "the last 90 days",
    },
    "search_period_bad": {
        "ar": "⚠️ المدة «{value}» غير متاحة: اختر 7d أو 30d أو 90d (أيام).",
        "en": "⚠️ The period “{value}” is not available: choose 7d, 30d or 90d (days).",
    },
    "search_none": {
        "ar": "🔎 لا أخبار تطابق <code>{query}</code> خلال آخر {days} يوماً.",
        "en": "🔎 No stories match <code>{query}</code> in the last {days} days.",
    },
    "search_head": {
        "ar": "🔎 <code>{query}</code> — آخر {days} يوماً: {count:story} · صفحة {page} من {pages}",
        "en": "🔎 <code>{query}</code> — last {days} days: {count:story} · page {page} of {pages}",
    },
    "search_bounded": {
        "ar": "ℹ️ تُعرض أحدث النتائج فقط (فُحص {checked} خبراً مرشحاً كحد أقصى)، "
        "وقد توجد نتائج أقدم: ضيّق البحث أو المدة.",
        "en": "ℹ️ Only the newest results are shown (at most {checked} candidate stories "
        "are checked); older ones may exist: narrow the query or the period.",
    },
    "search_next": {"ar": "التالي ◀", "en": "Next ▶"},
    "search_prev": {"ar": "▶ السابق", "en": "◀ Back"},
    "search_expired": {
        "ar": "⌛ انتهت صلاحية هذا البحث: أرسل /search من جديد.",
        "en": "⌛ This search has expired: send /search again.",
    },
    "search_outlets": {"ar": "المصادر", "en": "Outlets"},
    "latest_head": {
        "ar": "🕘 أحدث أخبار مواضيعك وكلمات المراقبة:",
        "en": "🕘 The latest stories of your topics and watches:",
    },
    "latest_head_topic": {
        "ar": "🕘 أحدث أخبار «{topic}»:",
        "en": "🕘 The latest stories of “{topic}”:",
    },
    "latest_none": {
        "ar": "🕘 لا أخبار حديثة تطابق مواضيعك وكلمات المراقبة خلال آخر {days} يوماً.",
        "en": "🕘 No recent stories match your topics and watches in the last {days} days.",
    },
    "latest_none_topic": {
        "ar": "🕘 لا أخبار حديثة عن «{topic}» خلال آخر {days} يوماً.",
        "en": "🕘 No recent stories about “{topic}” in the last {days} days.",
    },
    "latest_nothing_followed": {
        "ar": "🕘 لا تتابع أي موضوع أو كلمة مراقبة بعد: /topics أو /watch",
        "en": "🕘 You follow no topic or watch yet: /topics or /watch",
    },
}
