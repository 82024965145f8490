"""What the bot says about settings (digest, time zone, quiet hours, breaking news), help and
the admin commands, in Arabic and English (merged into `postbot.alerts.texts.TEXTS`).
"""

from __future__ import annotations

SETTINGS_TEXTS: dict[str, dict[str, str]] = {
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
    "tz_set": {
        "ar": "✅ المنطقة الزمنية الآن {tz} (الساعة هناك {time}).",
        "en": "✅ Time zone set to {tz} (it is {time} there now).",
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
        "ar": "🔄 أعيد تحميل الإعدادات: {feeds:source}، {topics:topic}.",
        "en": "🔄 Config reloaded: {feeds:source}, {topics:topic}.",
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
        "/trend موضوع أو استعلام [30d|90d] — رسم بياني لعدد الأخبار يومياً\n"
        "/search كلمات [7d|30d|90d] — البحث في الأخبار المحفوظة · /latest — أحدث ما تتابعه\n"
        "/feeds — المصادر المراقبة\n"
        "/lang ar|en — لغة الردود\n"
        "/stop — إيقاف التنبيهات مؤقتاً · /start — استئنافها\n\n"
        "<b>أمثلة:</b>\n"
        "<code>/watch داعش</code> — تطابق أيضاً «لداعش» و«وداعش»\n"
        '<code>/watch "عين الأسد"</code> — عبارة كاملة\n'
        "<code>/watch الأنبار أو الرمادي</code> — إحداهما (أو OR)\n"
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
        "/trend topic-or-query [30d|90d] — a chart of stories per day\n"
        "/search words [7d|30d|90d] — search the stored stories · /latest — the latest you follow\n"
        "/feeds — the monitored feeds\n"
        "/lang ar|en — reply language\n"
        "/stop — pause alerts · /start — resume\n\n"
        "<b>Examples:</b>\n"
        "<code>/watch داعش</code> — also matches «لداعش», «وداعش»\n"
        '<code>/watch "عين الأسد"</code> — an exact phrase\n'
        "<code>/watch الأنبار OR الرمادي</code> — either word (OR, or, أو)\n"
        "<code>/watch US troops -Syria</code> — but not Syria\n"
        "<code>/watch advis*</code> — words starting with “advis”\n"
        "<code>/digest daily 21:30</code> — one digest a day at 21:30 instead of instant alerts\n"
        "<code>/quiet 23:00-07:00</code> — no alerts at night, one digest of them in the morning\n"
        "<code>/tz Asia/Damascus</code> — Damascus time (the default is Baghdad time)\n"
        "Hamza forms, ة/ه and ى/ي are treated alike; diacritics are ignored.\n"
        "A watch matches the words as written: an English word does not find the Arabic "
        "story. Join both spellings with OR:\n"
        "<code>/watch Harir OR حرير</code> — the Harir base, in English or Arabic stories",
    },
    "breaking_on": {
        "ar": "🔴 الأخبار العاجلة مفعّلة: يصلك كل خبر تنقله {outlets:outlet} أو أكثر خلال "
        "{minutes:minute} من ظهوره، حتى لو لم يطابق ما تتابعه، مرة واحدة لكل خبر.\n"
        "لإيقافها: <code>/breaking off</code>",
        "en": "🔴 Breaking news is on: any story that {outlets:outlet} or more carry within "
        "{minutes:minute} of its first sight reaches this chat, even if it matches nothing you "
        "follow, once per story.\nTo turn it off: <code>/breaking off</code>",
    },
    "breaking_off": {
        "ar": "⚪ الأخبار العاجلة غير مفعّلة: تصلك فقط الأخبار التي تتابعها.\n"
        "لتصلك أيضاً كل قصة تنقلها {outlets:outlet} خلال {minutes:minute}: "
        "<code>/breaking on</code>",
        "en": "⚪ Breaking news is off: you get only the stories you follow.\n"
        "To also get every story {outlets:outlet} carry within {minutes:minute}: "
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
}
