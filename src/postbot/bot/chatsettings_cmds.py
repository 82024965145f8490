"""How a chat takes its alerts (SPEC §5): `/format`, `/silent`, `/sources` (with its toggle
buttons), `/connect @channel`, `/disconnect`, and `/whoami` (the ids for POSTBOT_ADMINS).

Each shows the current setting when given nothing; changes are for group admins only. `/connect`
checks with getChat and getChatMember that the target is a channel where both the sender and
the bot are administrators (the bot able to post); from then on the dispatcher sends this chat's
alerts there, and drops the connection (telling the chat) once the channel refuses them.
"""

from __future__ import annotations

import html
import re

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, TelegramError

from postbot.alerts.texts import text
from postbot.bot.chats import ensure_chat, may_change_settings
from postbot.bot.commands import command_args, may_change, reply
from postbot.bot.services import Context, services
from postbot.config.catalog import Catalog
from postbot.delivery.keyboards import callback_data, short_label
from postbot.service import chats, chatsettings

SOURCE = "src:"
SHOWN_INPUT_CHARS = 40
FORMAT_WORDS = {
    "full": "full",
    "كامل": "full",
    "كاملة": "full",
    "compact": "compact",
    "short": "compact",
    "مختصر": "compact",
    "مختصرة": "compact",
}
SWITCH_WORDS = {"on": True, "off": False, "تشغيل": True, "إيقاف": False, "ايقاف": False}
ADMINS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
# "@name", "t.me/name", "https://t.me/name", or a channel id "-100…"
_CHANNEL = re.compile(r"(?:https?://)?(?:t\.me/|telegram\.me/)?@?([A-Za-z][A-Za-z0-9_]{3,31})")
_CHANNEL_ID = re.compile(r"-100[0-9]{5,15}")


def _shown(value: str) -> str:
    if len(value) > SHOWN_INPUT_CHARS:
        value = value[: SHOWN_INPUT_CHARS - 1] + "…"
    return html.escape(value)


async def cmd_format(update: Update, context: Context) -> None:
    """Show or set the alert format: `/format full|compact`."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    arg = command_args(update, context)
    if not arg:
        row = await svc.call(chats.chat_settings, svc.engine, chat.id)
        mode = text(chat.lang, "format_compact" if row.alert_format == "compact" else "format_full")
        await reply(update, text(chat.lang, "format_current", mode=mode))
        return
    if not await may_change(update, context, chat):
        return
    choice = FORMAT_WORDS.get(arg.lower())
    if choice is None:
        await reply(update, text(chat.lang, "format_bad", value=_shown(arg)))
        return
    await svc.call(
        chatsettings.set_format, svc.engine, chat_id=chat.id, alert_format=choice, now=svc.now()
    )
    await reply(update, text(chat.lang, "format_set", mode=text(chat.lang, f"format_{choice}")))


async def cmd_silent(update: Update, context: Context) -> None:
    """Show or set silent alerts: `/silent on|off`."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    arg = command_args(update, context)
    if not arg:
        on = (await svc.call(chats.chat_settings, svc.engine, chat.id)).silent
        await reply(update, text(chat.lang, "silent_current_on" if on else "silent_current_off"))
        return
    if not await may_change(update, context, chat):
        return
    choice = SWITCH_WORDS.get(arg.lower())
    if choice is None:
        await reply(update, text(chat.lang, "silent_bad", value=_shown(arg)))
        return
    await svc.call(chatsettings.set_silent, svc.engine, chat_id=chat.id, on=choice, now=svc.now())
    await reply(update, text(chat.lang, "silent_set_on" if choice else "silent_set_off"))


def sources_keyboard(catalog: Catalog, excluded: frozenset[str], lang: str) -> InlineKeyboardMarkup:
    """One toggle button per enabled outlet: ✅ heard, ⬜ left out."""
    rows = []
    for feed in catalog.config.feeds:
        data = callback_data(SOURCE, feed.id)
        if not feed.enabled or data is None:
            continue
        key = "source_off" if feed.id in excluded else "source_on"
        label = text(lang, key, name=short_label(feed.name, 40))
        rows.append([InlineKeyboardButton(label, callback_data=data)])
    return InlineKeyboardMarkup(rows)


def _sources_lines(catalog: Catalog, excluded: frozenset[str], lang: str) -> list[str]:
    return [
        html.escape(text(lang, "source_off" if f.id in excluded else "source_on", name=f.name))
        for f in catalog.config.feeds
        if f.enabled
    ]


async def cmd_sources(update: Update, context: Context) -> None:
    """The configured outlets, each with a toggle button (a read-only list for group members)."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    catalog = svc.catalog.current
    if not any(f.enabled for f in catalog.config.feeds):
        await reply(update, text(chat.lang, "sources_empty"))
        return
    excluded = await svc.call(chatsettings.excluded_feeds, svc.engine, chat.id)
    if chat.is_group and not await may_change_settings(update, context):
        lines = [text(chat.lang, "sources_readonly"), *_sources_lines(catalog, excluded, chat.lang)]
        await reply(update, "\n".join(lines))
        return
    keyboard = sources_keyboard(catalog, excluded, chat.lang)
    await reply(update, text(chat.lang, "sources_header"), reply_markup=keyboard)


async def on_source_button(update: Update, context: Context) -> None:
    """A /sources button: leave that outlet out, or hear it again; redraw the buttons."""
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    svc = services(context)
    chat = await ensure_chat(svc, update)
    if not await may_change_settings(update, context):
        await query.answer(text(chat.lang, "group_admins_only"), show_alert=True)
        return
    if not chat.stored:
        await ensure_chat(svc, update, create=True)
    catalog = svc.catalog.current
    feed_id = (query.data or "").removeprefix(SOURCE)
    known = [f.id for f in catalog.config.feeds if f.enabled]
    if feed_id not in known:
        await query.answer(text(chat.lang, "button_invalid"))
        return
    excluded = await svc.call(
        chatsettings.toggle_feed,
        svc.engine,
        chat_id=chat.id,
        feed_id=feed_id,
        known=known,
        now=svc.now(),
    )
    name = short_label(catalog.feed_name(feed_id), 40)
    note = text(chat.lang, "source_off" if feed_id in excluded else "source_on", name=name)
    if set(known) <= excluded:
        note += "\n" + text(chat.lang, "sources_none_left")
    await query.answer(note, show_alert=set(known) <= excluded)
    await _redraw(query, sources_keyboard(catalog, excluded, chat.lang))


async def _redraw(query: CallbackQuery, markup: InlineKeyboardMarkup) -> None:
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest as exc:  # unchanged (a double press), or the message is too old
        if "not modified" not in str(exc).lower():
            raise


def _channel_ref(arg: str) -> str | int | None:
    """What `/connect` was given: "@name" for getChat, a channel id, or None if neither."""
    arg = arg.strip()
    if _CHANNEL_ID.fullmatch(arg):
        return int(arg)
    match = _CHANNEL.fullmatch(arg)
    return f"@{match.group(1)}" if match else None


async def cmd_connect(update: Update, context: Context) -> None:
    """`/connect @channel`: this chat's alerts go to that channel (both of us its admins)."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    arg = command_args(update, context)
    if not arg:
        channel = await svc.call(chatsettings.channel_of, svc.engine, chat.id)
        if channel is None:
            await reply(update, text(chat.lang, "connect_usage"))
        else:
            name = html.escape(channel.title or str(channel.id))
            await reply(update, text(chat.lang, "connect_current", channel=name))
        return
    ref = _channel_ref(arg)
    if ref is None:
        await reply(update, text(chat.lang, "connect_not_found", value=_shown(arg)))
        return
    if not await may_change(update, context, chat):
        return
    user = update.effective_user
    message = update.effective_message
    if user is None or (message is not None and message.sender_chat is not None):
        await reply(update, text(chat.lang, "connect_no_user"))
        return
    answer = await _check_channel(context, ref, user.id, chat.lang, arg)
    if isinstance(answer, str):
        await reply(update, answer)
        return
    channel_id, title = answer
    await svc.call(
        chatsettings.connect,
        svc.engine,
        chat_id=chat.id,
        channel_id=channel_id,
        title=title,
        now=svc.now(),
    )
    await reply(update, text(chat.lang, "connect_done", channel=html.escape(title)))


async def _check_channel(
    context: Context, ref: str | int, user_id: int, lang: str, arg: str
) -> tuple[int, str] | str:
    """(channel id, its name) when both the bot and the user administer it; else the reply."""
    bot = context.bot
    try:
        target = await bot.get_chat(ref)
    except (BadRequest, Forbidden):
        return text(lang, "connect_not_found", value=_shown(arg))
    if target.type != ChatType.CHANNEL:
        return text(lang, "connect_not_channel", value=_shown(arg))
    name = f"@{target.username}" if target.username else (target.title or str(target.id))
    shown = html.escape(name)
    try:
        me = await bot.get_chat_member(target.id, bot.id)
    except TelegramError:
        return text(lang, "connect_bot_not_admin", channel=shown)
    if me.status not in ADMINS or getattr(me, "can_post_messages", None) is False:
        return text(lang, "connect_bot_not_admin", channel=shown)
    try:
        member = await bot.get_chat_member(target.id, user_id)
    except TelegramError:
        return text(lang, "connect_user_not_admin", channel=shown)
    if member.status not in ADMINS:
        return text(lang, "connect_user_not_admin", channel=shown)
    return target.id, name


async def cmd_disconnect(update: Update, context: Context) -> None:
    """`/disconnect`: alerts come to this chat again."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    if not await may_change(update, context, chat):
        return
    was = await svc.call(chatsettings.disconnect, svc.engine, chat_id=chat.id, now=svc.now())
    if was is None:
        await reply(update, text(chat.lang, "disconnect_none"))
        return
    name = html.escape(was.title or str(was.id))
    await reply(update, text(chat.lang, "disconnect_done", channel=name))


async def cmd_whoami(update: Update, context: Context) -> None:
    """The sender's user id and this chat's id and type (for POSTBOT_ADMINS)."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    tg_chat = update.effective_chat
    assert tg_chat is not None
    kind = text(chat.lang, f"kind_{tg_chat.type}") if tg_chat.type in _KINDS else tg_chat.type
    user = update.effective_user
    message = update.effective_message
    if user is None or (message is not None and message.sender_chat is not None):
        await reply(update, text(chat.lang, "whoami_anonymous", chat_id=tg_chat.id, kind=kind))
        return
    await reply(update, text(chat.lang, "whoami", user_id=user.id, chat_id=tg_chat.id, kind=kind))


_KINDS = ("private", "group", "supergroup", "channel")
