"""Inline button presses: toggle a topic, remove a watch or a topic from the /watches list,
and the buttons under an alert: mute that watch for a day (bot/watchstate.py, with the
/unwatch all confirmation and the unmute button), stop that topic."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update

from postbot.alerts.texts import text
from postbot.bot import watchstate
from postbot.bot.chats import ensure_chat, may_change_settings
from postbot.bot.commands import edit, edit_markup
from postbot.bot.services import Context, Services, services
from postbot.bot.views import (
    MUTE_WATCH,
    STOP_TOPIC,
    TOPIC,
    UNTOPIC,
    UNWATCH,
    short_label,
    topics_keyboard,
    watches_view,
)
from postbot.ids import parse_number
from postbot.service import topics, watches
from postbot.service.topics import Following
from postbot.service.watches import WatchList

# Telegram caps callback data at 64 bytes; ours are ASCII prefixes and ids
CALLBACK_DATA_MAX = 64


def plausible(data: str) -> bool:
    """Whether callback data could be one of our buttons': short, printable, valid UTF-8."""
    try:
        size = len(data.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: not text Telegram would carry
        return False
    return 0 < size <= CALLBACK_DATA_MAX and data.isprintable()


async def on_button(update: Update, context: Context) -> None:
    """Dispatch a button press by its callback data."""
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    svc = services(context)
    chat = await ensure_chat(svc, update)
    data = query.data or ""
    if not await may_change_settings(update, context):
        await query.answer(text(chat.lang, "group_admins_only"), show_alert=True)
        return
    if not chat.stored:  # a group's first change by an admin: store it now
        await ensure_chat(svc, update, create=True)
    if not plausible(data):
        # ours are short printable ASCII; anything else was forged or garbled on the way
        await query.answer(text(chat.lang, "button_invalid"))
    elif data.startswith(TOPIC):
        await _toggle_topic(svc, query, chat.id, chat.lang, data.removeprefix(TOPIC))
    elif data.startswith(UNWATCH):
        watch_id = parse_number(data.removeprefix(UNWATCH))
        if watch_id is None:  # «unwatch:» + 20 digits would overflow the database's integer
            await query.answer(text(chat.lang, "button_invalid"))
        else:
            await _remove_from_list(svc, query, chat.id, chat.lang, watch_id=watch_id)
    elif data.startswith(UNTOPIC):
        topic_id = data.removeprefix(UNTOPIC)
        await _remove_from_list(svc, query, chat.id, chat.lang, topic_id=topic_id)
    elif data.startswith(MUTE_WATCH):
        watch_id = parse_number(data.removeprefix(MUTE_WATCH))
        if watch_id is None:
            await query.answer(text(chat.lang, "button_invalid"))
        else:
            await watchstate.mute_from_alert(svc, query, chat, watch_id)
    elif data.startswith(watchstate.PREFIXES):
        await watchstate.on_button(svc, query, chat, data)
    elif data.startswith(STOP_TOPIC):
        await _stop_topic(svc, query, chat.id, chat.lang, data)
    else:
        await query.answer(text(chat.lang, "button_invalid"))  # an old or foreign button


async def _toggle_topic(
    svc: Services, query: CallbackQuery, chat_id: int, lang: str, topic_id: str
) -> None:
    catalog = svc.catalog.current
    topic = catalog.topic(topic_id)
    if topic is None:
        await query.answer(
            text(lang, "unknown_topic", topic=short_label(topic_id)), show_alert=True
        )
        return
    toggled = await svc.call(
        topics.toggle_topic, svc.engine, chat_id=chat_id, topic_id=topic_id, now=svc.now()
    )
    key = "topic_on" if toggled.added else "topic_off"
    await query.answer(text(lang, key, topic=topic.name(lang)))
    await edit_markup(query, topics_keyboard(catalog, toggled.topics, lang))


async def _remove_from_list(
    svc: Services,
    query: CallbackQuery,
    chat_id: int,
    lang: str,
    *,
    watch_id: int | None = None,
    topic_id: str | None = None,
) -> None:
    """A ❌ under /watches: remove the watch (by id) or the topic, then redraw the list."""
    removed, listed = await svc.call(
        watches.remove_listed, svc.engine, chat_id=chat_id, watch_id=watch_id, topic_id=topic_id
    )
    await query.answer(text(lang, "removed" if removed else "already_removed"))
    await _redraw_list(svc, query, listed, lang)


async def _stop_topic(
    svc: Services, query: CallbackQuery, chat_id: int, lang: str, data: str
) -> None:
    """⏹ under an alert: unsubscribe this chat from that topic, then drop its button."""
    topic_id = data.removeprefix(STOP_TOPIC)
    topic = svc.catalog.current.topic(topic_id)
    stopped = await svc.call(topics.stop_topic, svc.engine, chat_id=chat_id, topic_id=topic_id)
    name = short_label(topic.name(lang) if topic else topic_id)
    if stopped.done:
        await query.answer(text(lang, "topic_stopped", topic=name))
    elif topic is None:
        await query.answer(text(lang, "unknown_topic", topic=name))
    else:
        await query.answer(text(lang, "topic_already_stopped", topic=name))
    await _drop_spent_buttons(query, stopped.following)


async def _drop_spent_buttons(query: CallbackQuery, following: Following) -> None:
    """Edit the alert's keyboard to keep only the buttons that still do something; the text
    stays. Judged on the store, not on the pressed button alone: a quick second press carries
    the message as it was before the first press's edit."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return  # too old for Telegram to show us: nothing to edit

    def live(data: object) -> bool:
        if not isinstance(data, str):
            return True
        watch_id = parse_number(data.removeprefix(MUTE_WATCH))
        if data.startswith(MUTE_WATCH) and watch_id is not None:
            return watch_id in following.watch_ids
        if data.startswith(STOP_TOPIC):
            return data.removeprefix(STOP_TOPIC) in following.topic_ids
        return True  # not an alert button (or a malformed one): leave it alone

    old = message.reply_markup.inline_keyboard
    kept = [row for row in ([b for b in row if live(b.callback_data)] for row in old) if row]
    if sum(map(len, kept)) == sum(map(len, old)):
        return
    await edit_markup(query, InlineKeyboardMarkup(kept) if kept else None)


async def _redraw_list(svc: Services, query: CallbackQuery, listed: WatchList, lang: str) -> None:
    body, markup = watches_view(svc.catalog.current, listed.watches, listed.topic_ids, lang)
    await edit(query, body, lang=lang, reply_markup=markup)
