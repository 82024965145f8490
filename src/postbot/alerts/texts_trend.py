"""The texts of /trend and `postbot trend`: replies, the chart's labels and the caption."""

from __future__ import annotations

TREND_TEXTS: dict[str, dict[str, str]] = {
    "trend_usage": {
        "ar": "📈 رسم بياني لعدد الأخبار يومياً:\n"
        "<code>/trend موضوع أو استعلام [30d|90d]</code>\n"
        'مثال: <code>/trend isis 30d</code> أو <code>/trend "عين الأسد" 90d</code>\n'
        "المدة من 7d إلى 90d، والافتراضي 30d.",
        "en": "📈 A chart of stories per day:\n"
        "<code>/trend topic-or-query [30d|90d]</code>\n"
        'e.g. <code>/trend isis 30d</code> or <code>/trend "عين الأسد" 90d</code>\n'
        "The period is 7d to 90d; 30d if you give none.",
    },
    "trend_bad_days": {
        "ar": "⚠️ المدة «{value}» غير مقبولة: اكتب عدد أيام من 7 إلى 90 متبوعاً بـ <code>d</code>، "
        "مثل <code>30d</code>.",
        "en": "⚠️ “{value}” is not a period I can chart: give 7 to 90 days followed by d, e.g. 30d.",
    },
    "trend_nothing": {
        "ar": "📭 لا أخبار تطابق {subject} خلال آخر {days:day}.",
        "en": "📭 No stories matched {subject} in the last {days:day}.",
    },
    "trend_title": {"ar": "{subject}: الأخبار يومياً", "en": "{subject}: stories per day"},
    "trend_range": {
        "ar": "آخر {days:day}، من {start} إلى {end} (بتوقيت {tz}\u200f)",  # RLM: ")" stays RTL
        "en": "Last {days:day}, {start} to {end} ({tz} time)",
    },
    "trend_axis": {"ar": "عدد الأخبار", "en": "Stories"},
    "trend_average": {"ar": "متوسط 7 أيام", "en": "7-day average"},
    "trend_legend": {"ar": "أول من نشر", "en": "First reported by"},
    "trend_other": {"ar": "مصادر أخرى", "en": "Other outlets"},
    "trend_topic": {"ar": "موضوع «{name}»", "en": "topic “{name}”"},
    "trend_query": {"ar": "الاستعلام «{query}»", "en": "query “{query}”"},
    "trend_caption_total": {
        "ar": "📈 {subject}: {total:story} خلال آخر {days:day} ({start} – {end})",
        "en": "📈 {subject}: {total:story} in the last {days:day} ({start} – {end})",
    },
    "trend_caption_busiest": {
        "ar": "أكثر الأيام: {day} ({count:story})",
        "en": "Busiest day: {day} ({count:story})",
    },
    "trend_caption_average": {
        "ar": "متوسط آخر 7 أيام: {average} يومياً",
        "en": "Last 7 days: {average} a day on average",
    },
    "trend_caption_outlets": {"ar": "حسب المصدر: {outlets}", "en": "By outlet: {outlets}"},
    "trend_caption_once": {
        "ar": "الخبر الذي نشرته عدة مصادر يُحسب مرة واحدة (نسخ مكررة لم تُحسب: {copies}).",
        "en": "A story carried by several outlets counts once (repeat copies left out: {copies}).",
    },
    "trend_caption_tz": {"ar": "الأيام بتوقيت {tz}.", "en": "Days in {tz} time."},
    # inline mode (@bot query): the button above the results
    "inline_hint": {
        "ar": "اكتب موضوعاً أو استعلاماً، مثل داعش",
        "en": "Type a topic or a query, e.g. ISIS",
    },
    "inline_bad": {
        "ar": "⚠️ استعلام غير مفهوم: اضغط للأمثلة",
        "en": "⚠️ Query not understood: tap for examples",
    },
    "inline_nothing": {
        "ar": "لا أخبار تطابقه في آخر 7 أيام",
        "en": "No stories matched it in the last 7 days",
    },
    # comma-separated, January first / Monday first
    "trend_months": {
        "ar": "كانون الثاني,شباط,آذار,نيسان,أيار,حزيران,تموز,آب,أيلول,تشرين الأول,"
        "تشرين الثاني,كانون الأول",
        "en": "Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec",
    },
    "trend_weekdays": {
        "ar": "الاثنين,الثلاثاء,الأربعاء,الخميس,الجمعة,السبت,الأحد",
        "en": "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
    },
}

# Counted nouns of these texts (merged into texts.NOUNS).
TREND_NOUNS: dict[str, dict[str, dict[str, str]]] = {
    "day": {
        "ar": {
            "one": "يوم واحد",
            "two": "يومين",
            "few": "{n} أيام",
            "many": "{n} يوماً",
            "other": "{n} يوم",
        },
        "en": {"one": "1 day", "other": "{n} days"},
    },
}
