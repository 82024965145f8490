"""Replies of the chat settings: /tz by city or offset, /format, /silent, /sources, /connect,
/disconnect and /whoami, and the read-only lists non-admins see in groups (SPEC §5)."""

from __future__ import annotations

CHATSETTINGS_TEXTS: dict[str, dict[str, str]] = {
    "help_chatsettings": {
        "ar": "\n\n<b>كيف تصلك التنبيهات:</b>\n"
        "/format full|compact — تنبيه كامل أو العنوان والمصدر والرابط فقط\n"
        "/silent on|off — تنبيهات بلا صوت\n"
        "/sources — اختيار المصادر التي تصلك أخبارها\n"
        "/connect @قناة — إرسال التنبيهات إلى قناة تديرها · /disconnect — إلغاء ذلك\n"
        "/whoami — رقم حسابك ورقم هذه المحادثة\n"
        "<code>/tz أربيل</code> أو <code>/tz UTC+3</code> — المنطقة الزمنية بمدينة أو بفرق التوقيت",
        "en": "\n\n<b>How alerts reach you:</b>\n"
        "/format full|compact — the whole alert, or title, outlet and link only\n"
        "/silent on|off — alerts without a sound\n"
        "/sources — choose the outlets you hear from\n"
        "/connect @channel — send the alerts to a channel you run · /disconnect — stop that\n"
        "/whoami — your user id and this chat's id\n"
        "<code>/tz London</code> or <code>/tz UTC+3</code> — your time zone by city or offset",
    },
    "tz_unknown_any": {
        "ar": "⚠️ لا أعرف المنطقة الزمنية «{value}». اكتب اسم مدينة أو فرق التوقيت أو اسمها في "
        "قاعدة IANA، مثل:\n<code>/tz بغداد</code>\n<code>/tz دمشق</code>\n"
        "<code>/tz UTC+3</code>\n<code>/tz Europe/London</code>",
        "en": "⚠️ I don't know the time zone “{value}”. Send a city, a UTC offset or an IANA "
        "name, for example:\n<code>/tz Baghdad</code>\n<code>/tz London</code>\n"
        "<code>/tz UTC+3</code>\n<code>/tz America/New_York</code>",
    },
    "tz_shown": {
        "ar": "🕒 المنطقة الزمنية: {tz} (الساعة هناك الآن {time}).\n"
        "للتغيير اكتب مدينة أو فرق التوقيت، مثلاً: <code>/tz أربيل</code> أو <code>/tz UTC+3</code>",
        "en": "🕒 Time zone: {tz} (it is {time} there now).\n"
        "To change it, send a city or an offset, e.g. <code>/tz London</code> or "
        "<code>/tz UTC+3</code>",
    },
    "format_current": {
        "ar": "📝 شكل التنبيهات الآن: {mode}.\n"
        "<code>/format full</code> للتنبيه الكامل، <code>/format compact</code> للعنوان "
        "والمصدر والرابط فقط.",
        "en": "📝 Alerts are now {mode}.\n"
        "<code>/format full</code> for the whole alert, <code>/format compact</code> for the "
        "title, outlet and link only.",
    },
    "format_full": {"ar": "كاملة", "en": "full"},
    "format_compact": {
        "ar": "مختصرة (العنوان والمصدر والرابط)",
        "en": "compact (title, outlet and link)",
    },
    "format_set": {
        "ar": "✅ ستصلك التنبيهات من الآن {mode}.",
        "en": "✅ From now on alerts are {mode}.",
    },
    "format_bad": {
        "ar": "⚠️ لم أفهم «{value}». اكتب <code>/format full</code> أو "
        "<code>/format compact</code>.",
        "en": "⚠️ I did not understand “{value}”. Send <code>/format full</code> or "
        "<code>/format compact</code>.",
    },
    "silent_current_on": {
        "ar": "🔕 التنبيهات تصل الآن بلا صوت. <code>/silent off</code> لإعادة الصوت.",
        "en": "🔕 Alerts arrive silently now. <code>/silent off</code> to hear them again.",
    },
    "silent_current_off": {
        "ar": "🔊 التنبيهات تصل الآن بصوت. <code>/silent on</code> لإرسالها بلا صوت.",
        "en": "🔊 Alerts arrive with a sound now. <code>/silent on</code> to send them silently.",
    },
    "silent_set_on": {
        "ar": "✅ ستصل التنبيهات بلا صوت.",
        "en": "✅ Alerts will arrive silently.",
    },
    "silent_set_off": {
        "ar": "✅ ستصل التنبيهات بصوت كالمعتاد.",
        "en": "✅ Alerts will arrive with a sound again.",
    },
    "silent_bad": {
        "ar": "⚠️ لم أفهم «{value}». اكتب <code>/silent on</code> أو <code>/silent off</code>.",
        "en": "⚠️ I did not understand “{value}”. Send <code>/silent on</code> or "
        "<code>/silent off</code>.",
    },
    "sources_header": {
        "ar": "📡 المصادر التي تصلك تنبيهاتها (✅ مفعّل، ⬜ مستبعد). اضغط مصدراً لتبديله.\n"
        "الخبر الذي نشره مصدر مفعّل أيضاً يصلك.",
        "en": "📡 The outlets you hear from (✅ on, ⬜ left out). Tap one to switch it.\n"
        "A story that an outlet you hear from also carried still reaches you.",
    },
    "sources_readonly": {
        "ar": "📡 المصادر التي تصل هذه المجموعةَ تنبيهاتُها (✅ مفعّل، ⬜ مستبعد). "
        "يغيّرها مشرفو المجموعة فقط.",
        "en": "📡 The outlets this group hears from (✅ on, ⬜ left out). "
        "Only the group's administrators can change them.",
    },
    "sources_none_left": {
        "ar": "⚠️ استبعدت كل المصادر: لن يصلك أي تنبيه حتى تفعّل واحداً منها.",
        "en": "⚠️ Every outlet is left out: no alert will reach you until you switch one on.",
    },
    "sources_empty": {
        "ar": "لا توجد مصادر مفعّلة في الإعدادات.",
        "en": "No outlets are configured.",
    },
    "source_on": {"ar": "✅ {name}: مفعّل", "en": "✅ {name}: on"},
    "source_off": {"ar": "⬜ {name}: مستبعد", "en": "⬜ {name}: left out"},
    "connect_usage": {
        "ar": "📣 لإرسال تنبيهات هذه المحادثة إلى قناة: أضفني مشرفاً في القناة، ثم أرسل "
        "<code>/connect @اسم_القناة</code> (يجب أن تكون أنت أيضاً مشرفاً فيها).",
        "en": "📣 To send this chat's alerts to a channel: make me an administrator of the "
        "channel, then send <code>/connect @channelname</code> (you must be one of its "
        "administrators too).",
    },
    "connect_current": {
        "ar": "📣 تنبيهات هذه المحادثة تذهب إلى القناة {channel}. <code>/disconnect</code> "
        "لإعادتها إلى هنا.",
        "en": "📣 This chat's alerts go to the channel {channel}. <code>/disconnect</code> to "
        "have them here again.",
    },
    "connect_not_found": {
        "ar": "⚠️ لم أجد القناة «{value}». تأكد من اسمها وأنني أضفت إليها.",
        "en": "⚠️ I could not find the channel “{value}”. Check its name and that I was added "
        "to it.",
    },
    "connect_not_channel": {
        "ar": "⚠️ «{value}» ليست قناة. يمكن ربط القنوات فقط.",
        "en": "⚠️ “{value}” is not a channel. Only channels can be connected.",
    },
    "connect_user_not_admin": {
        "ar": "⛔ لست مشرفاً في القناة {channel}، فلا يمكنك ربطها.",
        "en": "⛔ You are not an administrator of {channel}, so you cannot connect it.",
    },
    "connect_bot_not_admin": {
        "ar": "⚠️ لست مشرفاً في القناة {channel}. أضفني مشرفاً بصلاحية النشر ثم أعد المحاولة.",
        "en": "⚠️ I am not an administrator of {channel}. Make me one with the right to post, "
        "then try again.",
    },
    "connect_no_user": {
        "ar": "⛔ لا أستطيع معرفة من أرسل الأمر. أرسله من حسابك وليس باسم المجموعة.",
        "en": "⛔ I cannot tell who sent the command. Send it from your own account, not on "
        "behalf of the group.",
    },
    "connect_done": {
        "ar": "✅ ستذهب تنبيهات هذه المحادثة إلى القناة {channel}. الأوامر والردود تبقى هنا.",
        "en": "✅ This chat's alerts now go to the channel {channel}. Commands and replies "
        "stay here.",
    },
    "disconnect_done": {
        "ar": "✅ فُصلت القناة {channel}: التنبيهات تصل هنا من جديد.",
        "en": "✅ Disconnected from {channel}: alerts come here again.",
    },
    "disconnect_none": {
        "ar": "ℹ️ هذه المحادثة غير مربوطة بأي قناة.",
        "en": "ℹ️ This chat is not connected to a channel.",
    },
    "connect_lost": {
        "ar": "⚠️ لم أعد أستطيع النشر في القناة المربوطة (أُزلت منها أو سُحبت صلاحيتي)، "
        "ففصلتها. التنبيهات تصل هنا من جديد.",
        "en": "⚠️ I can no longer post in the connected channel (I was removed or lost the "
        "right to post), so I disconnected it. Alerts come here again.",
    },
    "whoami": {
        "ar": "🪪 رقم حسابك: <code>{user_id}</code>\nرقم هذه المحادثة: <code>{chat_id}</code> "
        "(النوع: {kind})\nلتصبح مشرفاً على البوت ضع رقم حسابك في <code>POSTBOT_ADMINS</code>.",
        "en": "🪪 Your user id: <code>{user_id}</code>\nThis chat's id: <code>{chat_id}</code> "
        "(type: {kind})\nTo be the bot's admin, put your user id in <code>POSTBOT_ADMINS</code>.",
    },
    "whoami_anonymous": {
        "ar": "🪪 أرسلت الأمر باسم المجموعة، فلا أعرف رقم حسابك. أرسله من حسابك أو في محادثة "
        "خاصة معي.\nرقم هذه المحادثة: <code>{chat_id}</code> (النوع: {kind})",
        "en": "🪪 You sent this on behalf of the group, so I cannot see your user id. Send it "
        "from your own account or in a private chat with me.\nThis chat's id: "
        "<code>{chat_id}</code> (type: {kind})",
    },
    "kind_private": {"ar": "خاصة", "en": "private"},
    "kind_group": {"ar": "مجموعة", "en": "group"},
    "kind_supergroup": {"ar": "مجموعة كبيرة", "en": "supergroup"},
    "kind_channel": {"ar": "قناة", "en": "channel"},
    "watches_readonly_hint": {
        "ar": "يغيّر هذه القائمة مشرفو المجموعة فقط.",
        "en": "Only the group's administrators can change this list.",
    },
    "topics_readonly": {
        "ar": "📚 المواضيع التي تتابعها هذه المجموعة (✅). يغيّرها مشرفو المجموعة فقط.",
        "en": "📚 The topics this group follows (✅). Only the group's administrators can "
        "change them.",
    },
}

COMMANDS_CHATSETTINGS: dict[str, tuple[str, str]] = {
    "format": ("شكل التنبيه: full أو compact", "Alert format: full or compact"),
    "silent": ("تنبيهات بلا صوت: on أو off", "Silent alerts: on or off"),
    "sources": ("اختيار المصادر", "Choose the outlets"),
    "connect": ("إرسال التنبيهات إلى قناة", "Send alerts to a channel"),
    "disconnect": ("إلغاء ربط القناة", "Stop sending to the channel"),
    "whoami": ("رقم حسابك ورقم المحادثة", "Your user id and this chat's id"),
}
