"""What the bot says about chats, watches and topics, in Arabic and English (merged into
`postbot.alerts.texts.TEXTS`; use `text()` from there).

A placeholder with a noun after the colon, `{limit:watch}`, is a count: `text()` writes the
number with the noun in the plural form the language needs (see `texts.NOUNS`).
"""

from __future__ import annotations

CHAT_TEXTS: dict[str, dict[str, str]] = {
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
        '<code>/watch "عين الأسد" أو الأنبار</code>\n<code>/watch القوات الأمريكية -سوريا</code>',
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
        "ar": "⚠️ الاستعلام طويل جداً ({length:char})؛ الحد الأقصى {limit}.",
        "en": "⚠️ That query is too long ({length:char}); the limit is {limit}.",
    },
    "watch_limit": {
        "ar": "⚠️ بلغت الحد الأقصى ({limit:watch}). احذف واحدة بـ /unwatch أولاً.",
        "en": "⚠️ You have reached the limit of {limit:watch}. Remove one with /unwatch first.",
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
        "ar": "اكتب رقم كلمة المراقبة أو عدة أرقام أو نصها، مثل:\n<code>/unwatch 2</code>\n"
        "<code>/unwatch 1 3</code>\n<code>/unwatch داعش</code>\n<code>/unwatch الكل</code>\n"
        "القائمة: /watches",
        "en": "Give the watch's number, several numbers or its text, for example:\n"
        "<code>/unwatch 2</code>\n<code>/unwatch 1 3</code>\n<code>/unwatch ISIS</code>\n"
        "<code>/unwatch all</code>\nThe list: /watches",
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
    "button_mute_watch": {"ar": "🔕 كتم «{query}»", "en": "🔕 mute «{query}»"},
    "button_stop_topic": {"ar": "⏹ إيقاف «{topic}»", "en": "⏹ stop «{topic}»"},
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
        "ar": "يجب أن تسبق «{token}» كلمةٌ أو عبارة",
        "en": "“{token}” needs a word or phrase before it",
    },
    "query_or_last": {
        "ar": "يجب أن تتبع «{token}» كلمةٌ أو عبارة",
        "en": "“{token}” must be followed by a word or phrase",
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
        "ar": "هذا الجزء يبحث عن كلمات شائعة فقط (مثل في، من، على): أضف كلمة أكثر تحديداً",
        "en": "this part only looks for common words (such as في, من, the, of): "
        "add a more specific word",
    },
    "query_not_alone": {
        "ar": "يجب أن تتبع «{op}» كلمةٌ أو عبارة",
        "en": "“{op}” must be followed by a word or phrase",
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
        "ar": "تحتاج البادئة إلى {limit:letter} على الأقل قبل *",
        "en": "a prefix needs at least {limit:letter} before *",
    },
    "query_phrase_long": {
        "ar": "العبارة لا تتجاوز {limit:word}",
        "en": "a phrase may have at most {limit:word}",
    },
    "query_too_many_terms": {
        "ar": "أكثر من {limit} كلمة وعبارة مختلفة؛ قسّمها على أكثر من كلمة مراقبة",
        "en": "more than {limit} different words and phrases; split it into several watches",
    },
    "query_too_long": {
        "ar": "الاستعلام أطول من {limit:char}",
        "en": "the query is longer than {limit:char}",
    },
    "query_empty": {"ar": "الاستعلام فارغ", "en": "the query is empty"},
    "watch_user_limit": {
        "ar": "⚠️ لديك {limit:watch} في كل المحادثات، وهو الحد الأقصى للمستخدم الواحد. "
        "احذف واحدة بـ /unwatch أولاً.",
        "en": "⚠️ You have {limit:watch} across all your chats, the most one person may have. "
        "Remove one with /unwatch first.",
    },
}
