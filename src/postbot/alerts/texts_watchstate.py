"""What the bot says about watch numbers, /unwatch, /mute, /pause, /resume and /stop's kept
alerts, in Arabic and English (merged into `postbot.alerts.texts.TEXTS`)."""

from __future__ import annotations

WATCHSTATE_TEXTS: dict[str, dict[str, str]] = {
    # appended to /help
    "help_watchstate": {
        "ar": "\n\n<b>الكتم والإيقاف المؤقت:</b>\n"
        "<code>/mute 2 2h</code> — كتم كلمة المراقبة رقم 2 لساعتين (يوماً إن لم تحدد)؛ "
        "ويُكتم الموضوع باسمه\n"
        "<code>/pause 1d احتفظ</code> — إيقاف كل التنبيهات يوماً، وما يصل خلاله يأتيك "
        "مجتمعاً عند انتهائه (ساعتان إن لم تحدد)\n"
        "/resume — إنهاء الإيقاف المؤقت، أو <code>/resume 2</code> لإنهاء كتم كلمة\n"
        "<code>/unwatch 1 3</code> أو <code>/unwatch الكل</code> أو نص الكلمة — الحذف. "
        "رقم كلمة المراقبة ثابت لا يتغير بعد حذف غيرها.",
        "en": "\n\n<b>Mute and pause:</b>\n"
        "<code>/mute 2 2h</code> — mute watch 2 for two hours (a day if you do not say); "
        "a topic is muted by its name\n"
        "<code>/pause 1d hold</code> — pause every alert for a day, and get that day's "
        "stories together when it ends (two hours if you do not say)\n"
        "/resume — end the pause early, or <code>/resume 2</code> to unmute a watch\n"
        "<code>/unwatch 1 3</code>, <code>/unwatch all</code> or the watch's text — remove. "
        "A watch keeps its number when others are removed.",
    },
    "button_mute_numbered": {
        "ar": "🔕 كتم #{number} «{query}» ليوم",
        "en": "🔕 mute #{number} «{query}» for a day",
    },
    "digest_pause_head": {
        "ar": "⏸ ما وصل أثناء الإيقاف المؤقت",
        "en": "⏸ What came while alerts were paused",
    },
    "digest_mute_head": {
        "ar": "🔕 ما وصل أثناء الكتم",
        "en": "🔕 What came while muted",
    },
    "digest_away_head": {
        "ar": "📬 ما وصل أثناء غيابك",
        "en": "📬 While you were away",
    },
    "unwatch_not_found": {
        "ar": "⚠️ لا توجد كلمة مراقبة بالرقم: {numbers}. الأرقام لا تتغير بعد الحذف؛ "
        "القائمة: /watches",
        "en": "⚠️ No watch has the number {numbers}. Numbers do not change after a removal; "
        "the list: /watches",
    },
    "unwatch_text_missing": {
        "ar": "⚠️ لا توجد كلمة مراقبة نصها «{query}». القائمة: /watches",
        "en": "⚠️ No watch reads “{query}”. The list: /watches",
    },
    "unwatch_none": {
        "ar": "لا توجد كلمات مراقبة في هذه المحادثة.",
        "en": "This chat has no watches.",
    },
    "unwatch_all_ask": {
        "ar": "❓ حذف كل كلمات المراقبة ({count:watch})؟ لا يمكن التراجع. المواضيع تبقى.",
        "en": "❓ Remove all {count:watch}? This cannot be undone. Topics are kept.",
    },
    "unwatch_all_yes": {"ar": "🗑 نعم، احذفها كلها", "en": "🗑 Yes, remove them all"},
    "unwatch_all_no": {"ar": "↩️ لا، أبقها", "en": "↩️ No, keep them"},
    "unwatch_all_done": {
        "ar": "🗑 حُذفت كلمات المراقبة ({count:watch}).",
        "en": "🗑 Removed {count:watch}.",
    },
    "unwatch_all_kept": {
        "ar": "👍 لم يُحذف شيء.",
        "en": "👍 Nothing was removed.",
    },
    "unwatch_all_stale": {
        "ar": "⌛ انتهت صلاحية هذا التأكيد؛ أرسل <code>/unwatch الكل</code> من جديد.",
        "en": "⌛ This confirmation has expired; send <code>/unwatch all</code> again.",
    },
    "unwatch_all_expired": {
        "ar": "انتهت صلاحية هذا التأكيد",
        "en": "This confirmation has expired",
    },
    "mute_usage": {
        "ar": "اكتب رقم كلمة المراقبة أو اسم الموضوع، ثم المدة إن شئت (يوم واحد إن لم تحدد)، "
        "مثل:\n<code>/mute 2</code>\n<code>/mute 2 2h</code>\n<code>/mute داعش 1w</code>\n"
        "أضف <code>احتفظ</code> لتصلك أخبار تلك المدة مجتمعة عند انتهائها:\n"
        "<code>/mute 2 1d احتفظ</code>",
        "en": "Give the watch's number or the topic's name, then how long if you wish (a day "
        "if you do not say), for example:\n<code>/mute 2</code>\n<code>/mute 2 2h</code>\n"
        "<code>/mute ISIS 1w</code>\nAdd <code>hold</code> to get that time's stories "
        "together when it ends:\n<code>/mute 2 1d hold</code>",
    },
    "pause_usage_hint": {
        "ar": "ℹ️ مثل: <code>/pause 2h</code> أو <code>/pause 1d احتفظ</code> (ساعتان إن لم تحدد).",
        "en": "ℹ️ For example: <code>/pause 2h</code> or <code>/pause 1d hold</code> (two hours "
        "if you do not say).",
    },
    "duration_bad": {
        "ar": "⚠️ لم أفهم المدة «{value}». اكتب مثلاً 2h (ساعتان) أو 1d (يوم) أو 1w (أسبوع).",
        "en": "⚠️ I could not read the duration “{value}”. Write for example 2h, 1d or 1w.",
    },
    "duration_long": {
        "ar": "⚠️ المدة «{value}» أطول من اللازم: {days} يوماً على الأكثر. "
        "للإيقاف دون موعد أرسل /stop",
        "en": "⚠️ “{value}” is too long: at most {days} days. To stop with no end, send /stop",
    },
    "mute_unknown": {
        "ar": "⚠️ لا توجد كلمة مراقبة ولا موضوع باسم «{target}». القائمة: /watches",
        "en": "⚠️ There is no watch or topic “{target}”. The list: /watches",
    },
    "mute_not_followed": {
        "ar": "⚠️ هذه المحادثة لا تتابع موضوع «{topic}». المواضيع: /topics",
        "en": "⚠️ This chat does not follow the topic “{topic}”. Topics: /topics",
    },
    "muted_watch": {
        "ar": "🔕 كُتمت كلمة المراقبة #{number} <code>{query}</code> حتى {when} بتوقيت {tz}.",
        "en": "🔕 Watch #{number} <code>{query}</code> is muted until {when} ({tz}).",
    },
    "muted_topic": {
        "ar": "🔕 كُتم موضوع «{topic}» حتى {when} بتوقيت {tz}.",
        "en": "🔕 The topic “{topic}” is muted until {when} ({tz}).",
    },
    "silence_drops": {
        "ar": "لن تصلك أخباره حتى ذلك الحين. /resume ينهي الكتم مبكراً.",
        "en": "Its stories until then are dropped. /resume ends it early.",
    },
    "silence_holds": {
        "ar": "ستصلك أخباره خلال هذه المدة مجتمعة عند انتهائها. /resume ينهي الكتم مبكراً.",
        "en": "Its stories until then come together when it ends. /resume ends it early.",
    },
    "paused": {
        "ar": "⏸ أوقفت التنبيهات مؤقتاً حتى {when} بتوقيت {tz}.",
        "en": "⏸ Alerts are paused until {when} ({tz}).",
    },
    "pause_drops": {
        "ar": "أخبار هذه المدة لن تصلك. /resume يستأنف التنبيهات مبكراً.",
        "en": "Stories until then are dropped. /resume ends the pause early.",
    },
    "pause_holds": {
        "ar": "ستصلك أخبار هذه المدة مجتمعة عند انتهائها. /resume يستأنف التنبيهات مبكراً.",
        "en": "Stories until then come together when it ends. /resume ends the pause early.",
    },
    "resumed_chat": {
        "ar": "▶️ استؤنفت التنبيهات.",
        "en": "▶️ Alerts are back on.",
    },
    "resume_not_paused": {
        "ar": "ℹ️ التنبيهات لم تكن موقوفة مؤقتاً.",
        "en": "ℹ️ Alerts were not paused.",
    },
    "resume_released": {
        "ar": "📬 الأخبار المحتفظ بها ({n:story}) في الطريق إليك.",
        "en": "📬 The {n:story} held meanwhile are on their way.",
    },
    "still_muted": {
        "ar": "ما زال مكتوماً:",
        "en": "Still muted:",
    },
    "still_muted_watch": {
        "ar": "• #{number} <code>{query}</code> حتى {when}",
        "en": "• #{number} <code>{query}</code> until {when}",
    },
    "still_muted_topic": {
        "ar": "• {topic} حتى {when}",
        "en": "• {topic} until {when}",
    },
    "still_muted_hint": {
        "ar": "لإنهاء كتم أحدها: <code>/resume 2</code>، أو كلها: <code>/resume الكل</code>",
        "en": "To unmute one: <code>/resume 2</code>, or all: <code>/resume all</code>",
    },
    "unmuted_watch": {
        "ar": "🔊 أُلغي كتم كلمة المراقبة #{number} <code>{query}</code>.",
        "en": "🔊 Watch #{number} <code>{query}</code> is unmuted.",
    },
    "unmuted_topic": {
        "ar": "🔊 أُلغي كتم موضوع «{topic}».",
        "en": "🔊 The topic “{topic}” is unmuted.",
    },
    "not_muted": {
        "ar": "ℹ️ «{target}» لم يكن مكتوماً.",
        "en": "ℹ️ “{target}” was not muted.",
    },
    "resume_stopped": {
        "ar": "ℹ️ التنبيهات متوقفة في هذه المحادثة بالأمر /stop؛ أرسل /start لاستئنافها.",
        "en": "ℹ️ Alerts to this chat are stopped with /stop; send /start to resume them.",
    },
    "button_unmute": {"ar": "🔊 إلغاء الكتم", "en": "🔊 Unmute"},
    "button_muted_toast": {
        "ar": "🔕 كُتمت «{query}» ليوم",
        "en": "🔕 «{query}» muted for a day",
    },
    "button_unmuted_toast": {
        "ar": "🔊 أُلغي كتم «{query}»",
        "en": "🔊 «{query}» unmuted",
    },
    "stopped_kept": {
        "ar": "⏸ أوقفت التنبيهات في هذه المحادثة. كلمات المراقبة والمواضيع محفوظة، "
        "والأخبار المنتظرة ({n:story}) ستصلك في رسالة واحدة عند /start (آخر {cap} منها).",
        "en": "⏸ Alerts to this chat are stopped. Your watches and topics are kept, and the "
        "{n:story} waiting come as one message when you send /start (the latest {cap}).",
    },
    "away_note": {
        "ar": "📬 الأخبار التي انتظرتك منذ /stop ({n:story}) تصلك الآن في رسالة واحدة.",
        "en": "📬 The {n:story} that waited since /stop follow in one message.",
    },
    "list_muted_mark": {
        "ar": "🔕 حتى {when}",
        "en": "🔕 until {when}",
    },
    "list_paused": {
        "ar": "⏸ التنبيهات موقوفة مؤقتاً حتى {when} بتوقيت {tz}. /resume",
        "en": "⏸ Alerts are paused until {when} ({tz}). /resume",
    },
}
