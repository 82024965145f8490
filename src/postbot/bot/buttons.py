"""Inline button presses: toggle a topic, remove a watch or a topic from the /watches list."""

from __future__ import annotations

import html
import logging

from sqlmodel import Session
from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from postbot.bot.chats import ensure_chat, may_change_settings
from postbot.bot.i18n import text
from postbot.bot.services import Services, services
from postbot.bot.views import TOPIC, UNTOPIC, UNWATCH, topics_keyboard, watches_view
from postbot.store import repo

log = logging.getLogger(__name__)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Dispatch a button press by its callback data."""
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    svc = services(context)
    chat = ensure_chat(svc, update)
    data = query.data or ""
    if not await may_change_settings(update, context):
        await query.answer(text(chat.lang, "group_admins_only"), show_alert=True)
        return
    if data.startswith(TOPIC):
        await _toggle_topic(svc, query, chat.id, chat.lang, data.removeprefix(TOPIC))
    elif data.startswith(UNWATCH) and data.removeprefix(UNWATCH).isdigit():
        await _remove_from_list(svc, query, chat.id, chat.lang, UNWATCH, data.removeprefix(UNWATCH))
    elif data.startswith(UNTOPIC):
        await _remove_from_list(svc, query, chat.id, chat.lang, UNTOPIC, data.removeprefix(UNTOPIC))
    else:
        await query.answer()  # an old or foreign button: nothing to do


async def _toggle_topic(
    svc: Services, query: CallbackQuery, chat_id: int, lang: str, topic_id: str
) -> None:
    catalog = svc.catalog.current
    topic = catalog.topic(topic_id)
    if topic is None:
        await query.answer(text(lang, "unknown_topic", topic=topic_id), show_alert=True)
        return
    with Session(svc.engine) as session:
        added = repo.subscribe_topic(
            session=session, chat_id=chat_id, topic_id=topic_id, now=svc.now()
        )
        if not added:
            repo.unsubscribe_topic(session=session, chat_id=chat_id, topic_id=topic_id)
        subscribed = set(repo.chat_topics(session=session, chat_id=chat_id))
        session.commit()
    await query.answer(text(lang, "topic_on" if added else "topic_off", topic=topic.name(lang)))
    await _edit_markup(query, topics_keyboard(catalog, subscribed, lang))


async def _remove_from_list(
    svc: Services, query: CallbackQuery, chat_id: int, lang: str, kind: str, key: str
) -> None:
    """A ❌ under /watches: remove the watch (by id) or the topic, then redraw the list."""
    with Session(svc.engine) as session:
        if kind == UNWATCH:
            removed = repo.remove_watch_by_id(session=session, chat_id=chat_id, watch_id=int(key))
        else:
            removed = repo.unsubscribe_topic(session=session, chat_id=chat_id, topic_id=key)
        session.commit()
    await query.answer(text(lang, "removed" if removed else "already_removed"))
    await _refresh_list(svc, query, chat_id, lang)


async def _refresh_list(svc: Services, query: CallbackQuery, chat_id: int, lang: str) -> None:
    with Session(svc.engine) as session:
        watches = repo.list_watches(session=session, chat_id=chat_id)
        topic_ids = repo.chat_topics(session=session, chat_id=chat_id)
    body, markup = watches_view(svc.catalog.current, watches, topic_ids, lang)
    try:
        await query.edit_message_text(body, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:
        _ignore_not_modified(exc)


async def _edit_markup(query: CallbackQuery, markup: InlineKeyboardMarkup) -> None:
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest as exc:
        _ignore_not_modified(exc)


def _ignore_not_modified(exc: BadRequest) -> None:
    """Two quick presses can ask for the same edit twice; Telegram refuses the second."""
    if "not modified" not in exc.message:
        raise exc
    log.debug("edit skipped: %s", html.escape(exc.message))
