"""Every text the bot says, in Arabic and English (SPEC §5: Arabic for Arabic-language users).

`text(lang, key, **values)` formats one; values are HTML-escaped by the caller where the text is
sent as HTML. Keep the two languages in step: a test checks that both have every key and the
same placeholders.
"""

from __future__ import annotations

from typing import Any

LANGS = ("ar", "en")

TEXTS: dict[str, dict[str, str]] = {
    "welcome": {
        "ar": "👋 أهلاً! سأنبّهك خلال دقائق عندما يظهر خبر يطابق ما تتابعه.\n"
        "اختر موضوعاً من الأزرار أدناه، أو أضف كلمة مراقبة: <code>/watch داعش</code>",
        "en": "👋 Welcome! I alert you within minutes when a news story matches what you follow.\n"
        "Pick a topic below, or add a keyword watch: <code>/watch داعش</code>",
    },
    "resumed": {
        "ar": "▶️ استؤنفت التنبيهات في هذه المحادثة.",
        "en": "▶️ Alerts to this chat are back on.",
    },
    "subscribed_topic": {
        "ar": "✅ اشتركت في موضوع «{topic}».",
        "en": "✅ You now follow the topic “{topic}”.",
    },
    "unknown_topic": {
        "ar": "⚠️ لا يوجد موضوع بالمعرّف «{topic}». المواضيع المتاحة: /topics",
        "en": "⚠️ There is no topic “{topic}”. Available topics: /topics",
    },
    "stopped": {
        "ar": "⏸ أوقفت التنبيهات في هذه المحادثة. كلمات المراقبة والمواضيع محفوظة؛ "
        "أرسل /start للاستئناف.",
        "en": "⏸ Alerts to this chat are paused. Your watches and topics are kept; "
        "send /start to resume.",
    },
    "paused_note": {
        "ar": "ℹ️ التنبيهات متوقفة في هذه المحادثة؛ أرسل /start لاستئنافها.",
        "en": "ℹ️ Alerts to this chat are paused; send /start to resume them.",
    },
    "topics_header": {
        "ar": "📚 المواضيع الجاهزة. اضغط على موضوع للاشتراك فيه أو إلغاء الاشتراك:",
        "en": "📚 Built-in topics. Tap one to follow or unfollow it:",
    },
    "no_topics": {
        "ar": "لا توجد مواضيع جاهزة في الإعدادات.",
        "en": "No built-in topics are configured.",
    },
    "topic_on": {"ar": "تمت متابعة «{topic}»", "en": "Following “{topic}”"},
    "topic_off": {"ar": "أُلغيت متابعة «{topic}»", "en": "Stopped following “{topic}”"},
    "watch_usage": {
        "ar": "اكتب الكلمات بعد الأمر، مثل:\n<code>/watch داعش</code>\n"
        '<code>/watch "عين الأسد" OR الأنبار</code>\n<code>/watch القوات الأمريكية -سوريا</code>',
        "en": "Put the words after the command, for example:\n<code>/watch داعش</code>\n"
        '<code>/watch "عين الأسد" OR الأنبار</code>\n<code>/watch ISIS -Nigeria</code>',
    },
    "watch_added": {
        "ar": "👁 أُضيفت كلمة المراقبة رقم {number}: <code>{query}</code>\n"
        "ستصلك الأخبار الجديدة التي تطابقها.",
        "en": "👁 Added watch #{number}: <code>{query}</code>\n"
        "New stories that match it will be sent here.",
    },
    "watch_exists": {
        "ar": "ℹ️ هذه الكلمة مراقبة بالفعل برقم {number}.",
        "en": "ℹ️ You already watch this, as #{number}.",
    },
    "watch_too_long": {
        "ar": "⚠️ الاستعلام طويل جداً ({length} حرفاً)؛ الحد الأقصى {limit}.",
        "en": "⚠️ That query is too long ({length} characters); the limit is {limit}.",
    },
    "watch_limit": {
        "ar": "⚠️ بلغت الحد الأقصى ({limit} كلمة مراقبة). احذف واحدة بـ /unwatch أولاً.",
        "en": "⚠️ You have reached the limit of {limit} watches. Remove one with /unwatch first.",
    },
    "watch_syntax": {
        "ar": "⚠️ لم أفهم الاستعلام: {problem} (عند الحرف {position}).\n<code>{query}</code>\n"
        "راجع /help للأمثلة.",
        "en": "⚠️ I could not read that query: {problem} (at character {position}).\n"
        "<code>{query}</code>\nSee /help for examples.",
    },
    "watches_header": {"ar": "👁 كلمات المراقبة:", "en": "👁 Your watches:"},
    "watches_topics": {"ar": "📚 المواضيع:", "en": "📚 Your topics:"},
    "watches_none": {
        "ar": "لا توجد كلمات مراقبة ولا مواضيع بعد. جرّب <code>/watch داعش</code> أو /topics",
        "en": "No watches or topics yet. Try <code>/watch داعش</code> or /topics",
    },
    "watches_hint": {
        "ar": "اضغط ❌ لحذف عنصر، أو أرسل /unwatch ورقم الكلمة.",
        "en": "Tap ❌ to remove one, or send /unwatch with its number.",
    },
    "unwatch_usage": {
        "ar": "اكتب رقم كلمة المراقبة، مثل: <code>/unwatch 2</code>. القائمة: /watches",
        "en": "Give the watch's number, e.g. <code>/unwatch 2</code>. The list: /watches",
    },
    "unwatch_missing": {
        "ar": "⚠️ لا توجد كلمة مراقبة برقم {number}. القائمة: /watches",
        "en": "⚠️ There is no watch #{number}. The list: /watches",
    },
    "unwatched": {
        "ar": "🗑 حُذفت كلمة المراقبة رقم {number}: <code>{query}</code>",
        "en": "🗑 Removed watch #{number}: <code>{query}</code>",
    },
    "removed": {"ar": "حُذف", "en": "Removed"},
    "already_removed": {"ar": "محذوف سابقاً", "en": "Already removed"},
    "feeds_header": {"ar": "📰 المصادر المراقبة ({count}):", "en": "📰 Monitored feeds ({count}):"},
    "lang_usage": {
        "ar": "اختر اللغة: <code>/lang ar</code> أو <code>/lang en</code>",
        "en": "Choose a language: <code>/lang ar</code> or <code>/lang en</code>",
    },
    "lang_set": {"ar": "✅ ستكون الردود بالعربية.", "en": "✅ Replies will be in English."},
    "admins_only": {
        "ar": "⛔ هذا الأمر لمشرفي البوت فقط.",
        "en": "⛔ This command is for the bot's admins only.",
    },
    "group_admins_only": {
        "ar": "⛔ في المجموعات يغيّر الإعداداتِ مشرفو المجموعة فقط.",
        "en": "⛔ In groups only the group's administrators can change settings.",
    },
    "unknown_command": {
        "ar": "لا أعرف هذا الأمر. أرسل /help لقائمة الأوامر.",
        "en": "I don't know that command. Send /help for the list.",
    },
    "plain_text_hint": {
        "ar": "لمراقبة هذه الكلمات أرسل:\n<code>/watch {query}</code>",
        "en": "To watch for these words, send:\n<code>/watch {query}</code>",
    },
    "error": {
        "ar": "⚠️ حدث خطأ ولم يكتمل طلبك. حاول مرة أخرى بعد قليل.",
        "en": "⚠️ Something went wrong and your request was not completed. Please try again.",
    },
    "stats": {
        "ar": "📊 المشتركون النشطون: {chats}\nكلمات المراقبة: {watches}\n"
        "التنبيهات المرسلة خلال 24 ساعة: {sent}\nتنبيهات في الانتظار: {pending}\n"
        "مصادر متعثرة: {failing} من {feeds}",
        "en": "📊 Active subscribers: {chats}\nWatches: {watches}\nAlerts sent in 24 h: {sent}\n"
        "Alerts waiting: {pending}\nFeeds failing: {failing} of {feeds}",
    },
    "feedstatus_line": {
        "ar": "{mark} <b>{name}</b> ({feed_id})\n   آخر نجاح: {success} · أخطاء متتالية: {errors}"
        " · الاستطلاع التالي: {next}{error}",
        "en": "{mark} <b>{name}</b> ({feed_id})\n   last success: {success} · errors in a row:"
        " {errors} · next poll: {next}{error}",
    },
    "never": {"ar": "أبداً", "en": "never"},
    "disabled": {"ar": "معطّل", "en": "disabled"},
    "reloaded": {
        "ar": "🔄 أعيد تحميل الإعدادات: {feeds} مصدراً، {topics} مواضيع.",
        "en": "🔄 Config reloaded: {feeds} feeds, {topics} topics.",
    },
    "reload_failed": {
        "ar": "⚠️ الإعدادات الجديدة غير صالحة؛ أبقيت الإعدادات الحالية:\n<pre>{problems}</pre>",
        "en": "⚠️ The new config is invalid; the running one is kept:\n<pre>{problems}</pre>",
    },
    "feed_failing": {
        "ar": "⚠️ المصدر «{feed}» ({feed_id}) يفشل: {error}",
        "en": "⚠️ Feed “{feed}” ({feed_id}) is failing: {error}",
    },
    "feed_recovered": {
        "ar": "✅ عاد المصدر «{feed}» ({feed_id}) إلى العمل.",
        "en": "✅ Feed “{feed}” ({feed_id}) has recovered.",
    },
    "help": {
        "ar": "🤖 <b>postbot</b> يراقب المواقع الإخبارية العربية وينبّهك بما تتابعه.\n\n"
        "/topics — المواضيع الجاهزة (عين الأسد، أعداد القوات، داعش)\n"
        "/watch كلمات — إضافة كلمة مراقبة\n"
        "/watches — كلمات المراقبة والمواضيع مع أزرار الحذف\n"
        "/unwatch رقم — حذف كلمة مراقبة\n"
        "/feeds — المصادر المراقبة\n"
        "/lang ar|en — لغة الردود\n"
        "/stop — إيقاف التنبيهات مؤقتاً · /start — استئنافها\n\n"
        "<b>أمثلة:</b>\n"
        "<code>/watch داعش</code> — تطابق أيضاً «لداعش» و«وداعش»\n"
        '<code>/watch "عين الأسد"</code> — عبارة كاملة\n'
        "<code>/watch الأنبار OR الرمادي</code> — إحداهما\n"
        "<code>/watch القوات الأمريكية -سوريا</code> — دون «سوريا»\n"
        "<code>/watch مستشار*</code> — كل كلمة تبدأ بـ«مستشار»\n"
        "لا فرق بين أ/إ/آ/ا ولا بين ة/ه ولا ى/ي، والتشكيل يُتجاهل.",
        "en": "🤖 <b>postbot</b> watches Arabic news sites and alerts you to what you follow.\n\n"
        "/topics — built-in topics (Ain al-Asad, troop numbers, ISIS)\n"
        "/watch words — add a keyword watch\n"
        "/watches — your watches and topics, with remove buttons\n"
        "/unwatch number — remove a watch\n"
        "/feeds — the monitored feeds\n"
        "/lang ar|en — reply language\n"
        "/stop — pause alerts · /start — resume\n\n"
        "<b>Examples:</b>\n"
        "<code>/watch داعش</code> — also matches «لداعش», «وداعش»\n"
        '<code>/watch "عين الأسد"</code> — an exact phrase\n'
        "<code>/watch الأنبار OR الرمادي</code> — either word\n"
        "<code>/watch US troops -Syria</code> — but not Syria\n"
        "<code>/watch advis*</code> — words starting with “advis”\n"
        "Hamza forms, ة/ه and ى/ي are treated alike; diacritics are ignored.",
    },
    "help_admin": {
        "ar": "\n\n<b>للمشرفين:</b> /stats · /feedstatus · /reload",
        "en": "\n\n<b>Admins:</b> /stats · /feedstatus · /reload",
    },
}

COMMANDS: dict[str, tuple[str, str]] = {
    "start": ("الاشتراك أو الاستئناف", "Subscribe or resume alerts"),
    "topics": ("المواضيع الجاهزة", "Built-in topics"),
    "watch": ("إضافة كلمة مراقبة", "Add a keyword watch"),
    "watches": ("كلمات المراقبة والمواضيع", "Your watches and topics"),
    "unwatch": ("حذف كلمة مراقبة برقمها", "Remove a watch by number"),
    "feeds": ("المصادر المراقبة", "Monitored feeds"),
    "lang": ("لغة الردود: ar أو en", "Reply language: ar or en"),
    "stop": ("إيقاف التنبيهات مؤقتاً", "Pause alerts"),
    "help": ("المساعدة والأمثلة", "Help and examples"),
}
ADMIN_COMMANDS: dict[str, tuple[str, str]] = {
    "stats": ("إحصاءات", "Statistics"),
    "feedstatus": ("حالة المصادر", "Feed status"),
    "reload": ("إعادة تحميل الإعدادات", "Reload the config"),
}


def text(lang: str, key: str, **values: Any) -> str:
    """The text `key` in `lang` (English if the language is unknown), formatted."""
    entry = TEXTS[key]
    return entry.get(lang, entry["en"]).format(**values) if values else entry.get(lang, entry["en"])


def lang_of(language_code: str | None) -> str:
    """The reply language for a Telegram user's language code."""
    return "ar" if (language_code or "").lower().startswith("ar") else "en"


def command_list(lang: str, *, admin: bool = False) -> list[tuple[str, str]]:
    """(command, description) pairs for setMyCommands."""
    index = 0 if lang == "ar" else 1
    entries = {**COMMANDS, **(ADMIN_COMMANDS if admin else {})}
    return [(name, pair[index]) for name, pair in entries.items()]
