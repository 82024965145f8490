"""Thin handlers for the subscriber commands (SPEC §5); each does one thing and replies.

Bad input never raises: it gets a short reply saying what is wrong and how to do it right.
"""

from __future__ import annotations

import html

from sqlmodel import Session
from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from postbot.alerts.texts import LANGS, TEXTS, text
from postbot.bot.chats import ChatInfo, ensure_chat, may_change_settings
from postbot.bot.services import services
from postbot.bot.views import topics_keyboard, watches_view
from postbot.errors import QuerySyntaxError
from postbot.ids import parse_number
from postbot.match.query import parse_query
from postbot.store import repo
from postbot.store.repo.watches import (
    MAX_QUERY_CHARS,
    MAX_WATCHES,
    UserWatchLimitError,
    WatchLimitError,
)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
DEEP_LINK_TOPIC = "topic_"


async def reply(update: Update, html_text: str, **kwargs: object) -> None:
    """Answer in the chat the update came from, as HTML without link previews."""
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(
        html_text,
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
        **kwargs,  # type: ignore[arg-type]
    )


async def may_change(update: Update, context: ContextTypes.DEFAULT_TYPE, chat: ChatInfo) -> bool:
    if await may_change_settings(update, context):
        return True
    await reply(update, text(chat.lang, "group_admins_only"))
    return False


def command_args(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """Everything after the command word, as typed (spaces and quotes kept)."""
    message = update.effective_message
    raw = message.text if message and message.text else ""
    parts = raw.split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


async def cmd_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Subscribe or resume this chat; `/start topic_<id>` also follows that topic."""
    svc = services(context)
    chat = ensure_chat(svc, update)
    if not await may_change(update, context, chat):
        return
    catalog = svc.catalog.current
    arg = context.args[0] if context.args else ""
    notes: list[str] = []
    with Session(svc.engine) as session:
        if not chat.active:
            # anything still queued from before (a story matched while the chat was being
            # deactivated) is stale now: start afresh
            repo.cancel_pending(session=session, chat_id=chat.id, reason="queued while inactive")
            repo.set_chat_active(session=session, chat_id=chat.id, active=True, now=svc.now())
            notes.append(text(chat.lang, "resumed"))
        if arg.startswith(DEEP_LINK_TOPIC):
            topic_id = arg.removeprefix(DEEP_LINK_TOPIC)
            topic = catalog.topic(topic_id)
            if topic is None:
                notes.append(text(chat.lang, "unknown_topic", topic=html.escape(topic_id)))
            else:
                repo.subscribe_topic(
                    session=session, chat_id=chat.id, topic_id=topic_id, now=svc.now()
                )
                notes.append(
                    text(chat.lang, "subscribed_topic", topic=html.escape(topic.name(chat.lang)))
                )
        subscribed = set(repo.chat_topics(session=session, chat_id=chat.id))
        session.commit()
    body = "\n\n".join([text(chat.lang, "welcome"), *notes])
    await reply(update, body, reply_markup=topics_keyboard(catalog, subscribed, chat.lang))


async def cmd_stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Pause alerts to this chat; what is waiting is dropped, watches and topics are kept."""
    svc = services(context)
    chat = ensure_chat(svc, update)
    if not await may_change(update, context, chat):
        return
    with Session(svc.engine) as session:
        repo.set_chat_active(session=session, chat_id=chat.id, active=False, now=svc.now())
        repo.cancel_pending(session=session, chat_id=chat.id, reason="paused with /stop")
        session.commit()
    await reply(update, text(chat.lang, "stopped"))


async def cmd_topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The built-in topics, each with a toggle button."""
    svc = services(context)
    chat = ensure_chat(svc, update)
    catalog = svc.catalog.current
    if not catalog.topics:
        await reply(update, text(chat.lang, "no_topics"))
        return
    with Session(svc.engine) as session:
        subscribed = set(repo.chat_topics(session=session, chat_id=chat.id))
    await reply(
        update,
        text(chat.lang, "topics_header"),
        reply_markup=topics_keyboard(catalog, subscribed, chat.lang),
    )


# Telegram's stand-in for every anonymous group admin: not one person, so not capped as one
ANONYMOUS_ADMIN_ID = 1087968824


def watch_owner(update: Update) -> int | None:
    """The person a new watch counts against for the per-user cap (None: no one identifiable)."""
    user = update.effective_user
    if user is None or user.id == ANONYMOUS_ADMIN_ID or update.effective_message is None:
        return None
    if update.effective_message.sender_chat is not None:  # sent as a channel or as the group
        return None
    return user.id


async def cmd_watch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Add a keyword watch and answer with its number."""
    svc = services(context)
    chat = ensure_chat(svc, update)
    query = command_args(update, context)
    if not query:
        await reply(update, text(chat.lang, "watch_usage"))
        return
    if not await may_change(update, context, chat):
        return
    if len(query) > MAX_QUERY_CHARS:
        await reply(
            update,
            text(chat.lang, "watch_too_long", length=len(query), limit=MAX_QUERY_CHARS),
        )
        return
    try:
        parse_query(query)
    except QuerySyntaxError as exc:
        # every problem has a code and a text in both languages; the English message is the
        # fallback for a code without one
        key = f"query_{getattr(exc, 'code', '')}"
        values = {k: html.escape(str(v)) for k, v in getattr(exc, "values", {}).items()}
        problem = text(chat.lang, key, **values) if key in TEXTS else html.escape(exc.message)
        await reply(
            update,
            text(
                chat.lang,
                "watch_syntax",
                problem=problem,
                position=exc.position + 1,
                query=html.escape(query),
            ),
        )
        return
    with Session(svc.engine) as session:
        before = repo.list_watches(session=session, chat_id=chat.id)
        try:
            watch = repo.add_watch(
                session=session,
                chat_id=chat.id,
                query=query,
                max_watches=MAX_WATCHES,
                owner_id=watch_owner(update),
                now=svc.now(),
            )
        except UserWatchLimitError as exc:
            await reply(update, text(chat.lang, "watch_user_limit", limit=exc.limit))
            return
        except WatchLimitError as exc:
            await reply(update, text(chat.lang, "watch_limit", limit=exc.limit))
            return
        number = [w.id for w in repo.list_watches(session=session, chat_id=chat.id)].index(
            watch.id
        ) + 1
        existed = any(w.id == watch.id for w in before)
        session.commit()
    if existed:
        await reply(update, text(chat.lang, "watch_exists", number=number))
        return
    note = "" if chat.active else "\n\n" + text(chat.lang, "paused_note")
    await reply(
        update, text(chat.lang, "watch_added", number=number, query=html.escape(query)) + note
    )


async def cmd_watches(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The chat's watches and topics, each with a remove button."""
    svc = services(context)
    chat = ensure_chat(svc, update)
    with Session(svc.engine) as session:
        watches = repo.list_watches(session=session, chat_id=chat.id)
        topic_ids = repo.chat_topics(session=session, chat_id=chat.id)
    body, markup = watches_view(svc.catalog.current, watches, topic_ids, chat.lang)
    await reply(update, body, reply_markup=markup)


async def cmd_unwatch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remove a watch by its number."""
    svc = services(context)
    chat = ensure_chat(svc, update)
    # ASCII or Arabic-Indic digits only, within the id range: «²», «①», 30 digits get the usage
    number = parse_number(command_args(update, context).removeprefix("#"), low=0)
    if number is None:
        await reply(update, text(chat.lang, "unwatch_usage"))
        return
    if not await may_change(update, context, chat):
        return
    with Session(svc.engine) as session:
        watches = repo.list_watches(session=session, chat_id=chat.id)
        if not 1 <= number <= len(watches):
            await reply(update, text(chat.lang, "unwatch_missing", number=number))
            return
        query = watches[number - 1].query
        repo.remove_watch(session=session, chat_id=chat.id, number=number)
        session.commit()
    await reply(update, text(chat.lang, "unwatched", number=number, query=html.escape(query)))


async def cmd_feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The monitored feeds."""
    svc = services(context)
    chat = ensure_chat(svc, update)
    feeds = [f for f in svc.catalog.current.config.feeds if f.enabled]
    lines = [text(chat.lang, "feeds_header", count=len(feeds))]
    lines += [f"• {html.escape(f.name, quote=False)}" for f in feeds]
    await reply(update, "\n".join(lines))


async def cmd_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Usage with Arabic examples (and the admin commands, for admins)."""
    svc = services(context)
    chat = ensure_chat(svc, update)
    body = text(chat.lang, "help")
    user = update.effective_user
    if svc.is_admin(user.id if user else None):
        body += text(chat.lang, "help_admin")
    await reply(update, body)


async def cmd_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set the chat's reply language."""
    svc = services(context)
    chat = ensure_chat(svc, update)
    choice = (context.args[0].lower() if context.args else "").strip()
    if choice not in LANGS:
        await reply(update, text(chat.lang, "lang_usage"))
        return
    if not await may_change(update, context, chat):
        return
    with Session(svc.engine) as session:
        repo.set_chat_lang(session=session, chat_id=chat.id, lang=choice, now=svc.now())
        session.commit()
    await reply(update, text(choice, "lang_set"))


async def cmd_unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An unknown command, in a private chat: point to /help (groups stay quiet)."""
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        return
    info = ensure_chat(services(context), update)
    await reply(update, text(info.lang, "unknown_command"))


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Plain text in a private chat: show how to watch it."""
    message = update.effective_message
    if message is None or not message.text:
        return
    info = ensure_chat(services(context), update)
    query = message.text.strip()[:MAX_QUERY_CHARS]
    await reply(update, text(info.lang, "plain_text_hint", query=html.escape(query)))
