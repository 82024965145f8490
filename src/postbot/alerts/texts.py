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
    "digest_off": {
        "ar": "⚡ تنبيهات فورية: يُرسل كل خبر فور العثور عليه.",
        "en": "⚡ Instant alerts: each story is sent as soon as it is found.",
    },
    "digest_hourly": {
        "ar": "📰 ملخص كل ساعة: تُجمع الأخبار وتُرسل في رسالة واحدة على رأس كل ساعة.",
        "en": "📰 Hourly digest: the stories found are sent together at the top of every hour.",
    },
    "digest_daily": {
        "ar": "📰 ملخص يومي الساعة {at} بتوقيت {tz}: تُجمع أخبار اليوم في رسالة واحدة.",
        "en": "📰 Daily digest at {at} ({tz}): the day's stories are sent together.",
    },
    "digest_next": {
        "ar": "الملخص التالي: {when} بتوقيت {tz}.",
        "en": "Next digest: {when} ({tz}).",
    },
    "digest_next_quiet": {
        "ar": "الملخص التالي: {when} بتوقيت {tz}، عند انتهاء ساعات الهدوء.",
        "en": "Next digest: {when} ({tz}), when your quiet hours end.",
    },
    "digest_usage": {
        "ar": "للتغيير:\n<code>/digest off</code> — تنبيهات فورية\n"
        "<code>/digest hourly</code> — ملخص كل ساعة\n"
        "<code>/digest daily 21:30</code> — ملخص يومي (الساعة 08:00 إن لم تحدد وقتاً)",
        "en": "To change it:\n<code>/digest off</code> — instant alerts\n"
        "<code>/digest hourly</code> — a digest every hour\n"
        "<code>/digest daily 21:30</code> — a daily digest (at 08:00 if you give no time)",
    },
    "digest_bad": {
        "ar": "⚠️ لم أفهم «{value}». اكتب off أو hourly أو daily.",
        "en": "⚠️ I could not read “{value}”. Write off, hourly or daily.",
    },
    "digest_hourly_time": {
        "ar": "⚠️ الملخص الساعي يُرسل على رأس كل ساعة فلا يحتاج وقتاً. "
        "لملخص في وقت تختاره: <code>/digest daily {at}</code>",
        "en": "⚠️ The hourly digest goes out at the top of every hour, so it takes no time. "
        "For a digest at a time you choose: <code>/digest daily {at}</code>",
    },
    "digest_bad_time": {
        "ar": "⚠️ «{value}» ليس وقتاً صحيحاً. اكتبه بنظام 24 ساعة HH:MM، مثل: "
        "<code>/digest daily 21:30</code>",
        "en": "⚠️ “{value}” is not a time of day. Write it as HH:MM (24-hour), e.g. "
        "<code>/digest daily 21:30</code>",
    },
    "held_now": {
        "ar": "📬 التنبيهات المنتظرة ({count}) في طريقها إليك الآن.",
        "en": "📬 The alerts that were waiting ({count}) are on their way now.",
    },
    "held_at": {
        "ar": "📬 التنبيهات المنتظرة ({count}) تُرسل في {when} بتوقيت {tz}.",
        "en": "📬 The alerts that are waiting ({count}) will be sent at {when} ({tz}).",
    },
    "tz_current": {
        "ar": "🕒 المنطقة الزمنية: {tz} (الساعة هناك الآن {time}).\n"
        "للتغيير، مثلاً: <code>/tz Europe/London</code>",
        "en": "🕒 Time zone: {tz} (it is {time} there now).\n"
        "To change it, e.g.: <code>/tz Europe/London</code>",
    },
    "tz_set": {
        "ar": "✅ المنطقة الزمنية الآن {tz} (الساعة هناك {time}).",
        "en": "✅ Time zone set to {tz} (it is {time} there now).",
    },
    "tz_unknown": {
        "ar": "⚠️ لا أعرف المنطقة الزمنية «{value}». اكتب اسمها بالإنجليزية كما في قاعدة "
        "IANA، مثل:\n<code>/tz Asia/Baghdad</code>\n<code>/tz Asia/Damascus</code>\n"
        "<code>/tz Europe/London</code>",
        "en": "⚠️ “{value}” is not a time zone I know. Use an IANA name, e.g.:\n"
        "<code>/tz Asia/Baghdad</code>\n<code>/tz Asia/Damascus</code>\n"
        "<code>/tz Europe/London</code>",
    },
    "quiet_none": {
        "ar": "🔔 لا توجد ساعات هدوء: تصل التنبيهات في أي وقت.\n"
        "لضبطها، مثلاً: <code>/quiet 23:00-07:00</code>",
        "en": "🔔 No quiet hours: alerts arrive at any time.\n"
        "To set them, e.g.: <code>/quiet 23:00-07:00</code>",
    },
    "quiet_on": {
        "ar": "🌙 ساعات الهدوء: من {start} إلى {end} بتوقيت {tz}. لا يُرسل شيء خلالها، "
        "وما يصل يُجمع ويُرسل في رسالة واحدة عند انتهائها.",
        "en": "🌙 Quiet hours: {start} to {end} ({tz}). Nothing is sent then; what arrives is "
        "held and sent together when they end.",
    },
    "quiet_now": {
        "ar": "ساعات الهدوء سارية الآن حتى {when}.",
        "en": "Quiet hours are on now, until {when}.",
    },
    "quiet_hint_off": {
        "ar": "لإلغائها: <code>/quiet off</code>",
        "en": "To turn them off: <code>/quiet off</code>",
    },
    "quiet_off": {
        "ar": "🔔 أُلغيت ساعات الهدوء: تصل التنبيهات في أي وقت.",
        "en": "🔔 Quiet hours are off: alerts arrive at any time.",
    },
    "quiet_bad": {
        "ar": "⚠️ لم أفهم «{value}». اكتب الفترة بنظام 24 ساعة HH:MM-HH:MM "
        "(بداية ونهاية مختلفتان)، مثل:\n<code>/quiet 23:00-07:00</code>\n"
        "أو <code>/quiet off</code>",
        "en": "⚠️ I could not read “{value}”. Write the window as HH:MM-HH:MM (24-hour, "
        "start and end different), e.g.:\n<code>/quiet 23:00-07:00</code>\nor "
        "<code>/quiet off</code>",
    },
    "button_mute_watch": {"ar": "🔕 كتم «{query}»", "en": "🔕 mute «{query}»"},
    "button_stop_topic": {"ar": "⏹ إيقاف «{topic}»", "en": "⏹ stop «{topic}»"},
    "watch_muted": {
        "ar": "🔕 حُذفت كلمة المراقبة «{query}» — أضفها من جديد بـ /watch",
        "en": "🔕 watch «{query}» removed — /watch to add it back",
    },
    "watch_already_removed": {
        "ar": "كلمة المراقبة هذه محذوفة سابقاً",
        "en": "This watch was already removed",
    },
    "topic_stopped": {
        "ar": "⏹ أُلغيت متابعة «{topic}» — تابعه من جديد عبر /topics",
        "en": "⏹ topic «{topic}» stopped — /topics to follow it again",
    },
    "topic_already_stopped": {
        "ar": "لم تعد تتابع «{topic}»",
        "en": "You no longer follow «{topic}»",
    },
    "button_invalid": {
        "ar": "هذا الزر لم يعد صالحاً",
        "en": "This button is no longer valid",
    },
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
        "/digest off|hourly|daily — تنبيهات فورية أو ملخص كل ساعة أو يومي\n"
        "/quiet — ساعات الهدوء · /tz — المنطقة الزمنية\n"
        "/breaking on|off — كل خبر عاجل تنقله عدة مصادر خلال دقائق\n"
        "/feeds — المصادر المراقبة\n"
        "/lang ar|en — لغة الردود\n"
        "/stop — إيقاف التنبيهات مؤقتاً · /start — استئنافها\n\n"
        "<b>أمثلة:</b>\n"
        "<code>/watch داعش</code> — تطابق أيضاً «لداعش» و«وداعش»\n"
        '<code>/watch "عين الأسد"</code> — عبارة كاملة\n'
        "<code>/watch الأنبار OR الرمادي</code> — إحداهما\n"
        "<code>/watch القوات الأمريكية -سوريا</code> — دون «سوريا»\n"
        "<code>/watch مستشار*</code> — كل كلمة تبدأ بـ«مستشار»\n"
        "<code>/digest daily 21:30</code> — ملخص يومي الساعة 21:30 بدل التنبيهات الفورية\n"
        "<code>/quiet 23:00-07:00</code> — لا تنبيهات ليلاً، وملخص بما فاتك في الصباح\n"
        "<code>/tz Asia/Damascus</code> — توقيت دمشق (الافتراضي توقيت بغداد)\n"
        "لا فرق بين أ/إ/آ/ا ولا بين ة/ه ولا ى/ي، والتشكيل يُتجاهل.",
        "en": "🤖 <b>postbot</b> watches Arabic news sites and alerts you to what you follow.\n\n"
        "/topics — built-in topics (Ain al-Asad, troop numbers, ISIS)\n"
        "/watch words — add a keyword watch\n"
        "/watches — your watches and topics, with remove buttons\n"
        "/unwatch number — remove a watch\n"
        "/digest off|hourly|daily — instant alerts, or an hourly or daily digest\n"
        "/quiet — quiet hours · /tz — your time zone\n"
        "/breaking on|off — every story several outlets carry within minutes\n"
        "/feeds — the monitored feeds\n"
        "/lang ar|en — reply language\n"
        "/stop — pause alerts · /start — resume\n\n"
        "<b>Examples:</b>\n"
        "<code>/watch داعش</code> — also matches «لداعش», «وداعش»\n"
        '<code>/watch "عين الأسد"</code> — an exact phrase\n'
        "<code>/watch الأنبار OR الرمادي</code> — either word\n"
        "<code>/watch US troops -Syria</code> — but not Syria\n"
        "<code>/watch advis*</code> — words starting with “advis”\n"
        "<code>/digest daily 21:30</code> — one digest a day at 21:30 instead of instant alerts\n"
        "<code>/quiet 23:00-07:00</code> — no alerts at night, one digest of them in the morning\n"
        "<code>/tz Asia/Damascus</code> — Damascus time (the default is Baghdad time)\n"
        "Hamza forms, ة/ه and ى/ي are treated alike; diacritics are ignored.",
    },
    "breaking_on": {
        "ar": "🔴 الأخبار العاجلة مفعّلة: يصلك كل خبر تنقله {outlets} مصادر أو أكثر خلال "
        "{minutes} دقيقة من ظهوره، حتى لو لم يطابق ما تتابعه، مرة واحدة لكل خبر.\n"
        "لإيقافها: <code>/breaking off</code>",
        "en": "🔴 Breaking news is on: any story {outlets} or more outlets carry within "
        "{minutes} min of its first sight reaches this chat, even if it matches nothing you "
        "follow, once per story.\nTo turn it off: <code>/breaking off</code>",
    },
    "breaking_off": {
        "ar": "⚪ الأخبار العاجلة غير مفعّلة: تصلك فقط الأخبار التي تتابعها.\n"
        "لتصلك أيضاً كل قصة تنقلها {outlets} مصادر خلال {minutes} دقيقة: "
        "<code>/breaking on</code>",
        "en": "⚪ Breaking news is off: you get only the stories you follow.\n"
        "To also get every story {outlets} outlets carry within {minutes} min: "
        "<code>/breaking on</code>",
    },
    "breaking_bad": {
        "ar": "⚠️ لم أفهم «{value}». اكتب <code>/breaking on</code> أو <code>/breaking off</code>",
        "en": "⚠️ I did not understand “{value}”. Write <code>/breaking on</code> or "
        "<code>/breaking off</code>",
    },
    "help_admin": {
        "ar": "\n\n<b>للمشرفين:</b> /stats · /feedstatus · /reload",
        "en": "\n\n<b>Admins:</b> /stats · /feedstatus · /reload",
    },
    "too_many_queued": {
        "ar": "⏳ وصلتني رسائل كثيرة دفعة واحدة من هذه المحادثة، فتجاهلت ما زاد منها. "
        "انتظر الردود ثم أعد إرسال ما تحتاجه.",
        "en": "⏳ Too many messages arrived from this chat at once, so I skipped the extra ones. "
        "Wait for the replies, then send again what you still need.",
    },
    # Query problems (match/query.py QueryError codes), shown inside "watch_syntax".
    "query_closing_quote": {
        "ar": "علامة إغلاق اقتباس {quote} بلا علامة فتح",
        "en": "unexpected closing quote {quote}",
    },
    "query_unclosed_quote": {"ar": "علامة اقتباس لم تُغلق", "en": "unclosed quotation mark"},
    "query_star_inside": {
        "ar": "العلامة * مسموحة في آخر الكلمة فقط",
        "en": "* is only allowed at the end of a word",
    },
    "query_close_paren_unopened": {
        "ar": "قوس إغلاق بلا قوس فتح",
        "en": "closing parenthesis without an opening one",
    },
    "query_too_deep": {
        "ar": "الأقواس والاستثناءات متداخلة أكثر من {limit} مستويات",
        "en": "parentheses and exclusions are nested more than {limit} deep",
    },
    "query_or_first": {
        "ar": "يجب أن تسبق OR كلمةٌ أو عبارة",
        "en": "OR needs a word or phrase before it",
    },
    "query_or_last": {
        "ar": "يجب أن تتبع OR كلمةٌ أو عبارة",
        "en": "OR must be followed by a word or phrase",
    },
    "query_end_early": {
        "ar": "انتهى الاستعلام قبل كلمة أو عبارة متوقعة",
        "en": "expected a word or phrase, found the end",
    },
    "query_close_paren_empty": {
        "ar": "قوس إغلاق دون كلمة أو عبارة قبله",
        "en": "closing parenthesis without a word or phrase before it",
    },
    "query_only_excludes": {
        "ar": "هذا الجزء يستثني كلمات فقط: أضف كلمة واحدة على الأقل للبحث عنها",
        "en": "this part only excludes words: add at least one word to look for",
    },
    "query_only_stop_words": {
        "ar": "هذا الجزء يبحث عن كلمات شائعة فقط (مثل في، من، على، the): أضف كلمة أكثر تحديداً",
        "en": "this part only looks for common words (such as في, من, the, of): "
        "add a more specific word",
    },
    "query_not_alone": {
        "ar": "يجب أن تتبع {op} كلمةٌ أو عبارة",
        "en": "{op} must be followed by a word or phrase",
    },
    "query_unclosed_paren": {"ar": "قوس لم يُغلق", "en": "unclosed parenthesis"},
    "query_unexpected": {"ar": "«{token}» في غير موضعه", "en": "unexpected “{token}”"},
    "query_no_letters_word": {
        "ar": "هذه الكلمة ليس فيها حروف أو أرقام للبحث عنها",
        "en": "this word has no letters or digits to look for",
    },
    "query_no_letters_phrase": {
        "ar": "هذه العبارة ليس فيها حروف أو أرقام للبحث عنها",
        "en": "this phrase has no letters or digits to look for",
    },
    "query_prefix_short": {
        "ar": "تحتاج البادئة إلى {limit} حروف على الأقل قبل *",
        "en": "a prefix needs at least {limit} letters before *",
    },
    "query_phrase_long": {
        "ar": "العبارة لا تتجاوز {limit} كلمات",
        "en": "a phrase may have at most {limit} words",
    },
    "query_too_many_terms": {
        "ar": "أكثر من {limit} كلمة وعبارة مختلفة؛ قسّمها على أكثر من كلمة مراقبة",
        "en": "more than {limit} different words and phrases; split it into several watches",
    },
    "query_too_long": {
        "ar": "الاستعلام أطول من {limit} حرفاً",
        "en": "the query is longer than {limit} characters",
    },
    "query_empty": {"ar": "الاستعلام فارغ", "en": "the query is empty"},
    "watch_user_limit": {
        "ar": "⚠️ لديك {limit} كلمة مراقبة في كل المحادثات، وهو الحد الأقصى للمستخدم الواحد. "
        "احذف واحدة بـ /unwatch أولاً.",
        "en": "⚠️ You have {limit} watches across all your chats, the most one person may have. "
        "Remove one with /unwatch first.",
    },
}

COMMANDS: dict[str, tuple[str, str]] = {
    "start": ("الاشتراك أو الاستئناف", "Subscribe or resume alerts"),
    "topics": ("المواضيع الجاهزة", "Built-in topics"),
    "watch": ("إضافة كلمة مراقبة", "Add a keyword watch"),
    "watches": ("كلمات المراقبة والمواضيع", "Your watches and topics"),
    "unwatch": ("حذف كلمة مراقبة برقمها", "Remove a watch by number"),
    "digest": ("ملخص: off أو hourly أو daily [HH:MM]", "Digest: off, hourly or daily [HH:MM]"),
    "quiet": ("ساعات الهدوء: HH:MM-HH:MM أو off", "Quiet hours: HH:MM-HH:MM or off"),
    "tz": ("المنطقة الزمنية، مثل Asia/Baghdad", "Time zone, e.g. Asia/Baghdad"),
    "breaking": ("كل خبر عاجل: on أو off", "Every breaking story: on or off"),
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
