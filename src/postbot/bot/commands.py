"""Thin handlers for the subscriber commands (SPEC §5): read the arguments, call one service
function off the event loop, reply with a text.

Bad input never raises: it gets a short reply saying what is wrong and how to do it right.
"""

from __future__ import annotations

import html
import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from postbot.alerts.direction import guess_lang, lay_out
from postbot.alerts.feedlist import feed_list_blocks
from postbot.alerts.texts import LANGS, TEXTS, text
from postbot.bot.chats import ChatInfo, ensure_chat, may_change_settings
from postbot.bot.services import Context, services
from postbot.bot.silence_view import silence_note
from postbot.bot.views import split_message, topics_keyboard, watches_view
from postbot.config.model import COUNTRIES
from postbot.errors import QuerySyntaxError
from postbot.service import chats, topics, watches
from postbot.service.watches import (
    MAX_QUERY_CHARS,
    AddedWatch,
    QueryInvalid,
    QueryTooLong,
    TooManyWatches,
)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
DEEP_LINK_TOPIC = "topic_"
# what /lang accepts for each language: the code and the language's name in either language
LANG_WORDS = {
    **{lang: lang for lang in LANGS},
    "arabic": "ar",
    "عربي": "ar",
    "العربية": "ar",
    "عربية": "ar",
    "english": "en",
    "انجليزي": "en",
    "إنجليزي": "en",
    "الإنجليزية": "en",
    "الانجليزية": "en",
}
log = logging.getLogger(__name__)
SHOWN_TOKEN_CHARS = 30  # the part of a query an error points at, shown at most this long


async def reply(
    update: Update, html_text: str, *, lang: str | None = None, **kwargs: object
) -> None:
    """Answer in the chat the update came from, as HTML without link previews, each line laid
    out for a reader of `lang` (alerts/direction.py); without `lang`, the language the text is
    written in."""
    message = update.effective_message
    if message is None:
        return
    html_text = lay_out(html_text, lang or guess_lang(html_text))
    await message.reply_text(
        html_text,
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
        **kwargs,  # type: ignore[arg-type]
    )


# what Telegram answers when an edit has nothing to do: a quick second press, or the message
# deleted (or too old to edit) meanwhile
_EDIT_NOTHING_TO_DO = ("not modified", "not found", "can't be edited")


async def edit(
    query: CallbackQuery,
    html_text: str,
    *,
    lang: str | None = None,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Replace the text of the message a button was pressed on, as `reply` writes one (HTML, no
    link preview, each line laid out for a reader of `lang`); an edit that has nothing to do is
    no error."""
    try:
        await query.edit_message_text(
            lay_out(html_text, lang or guess_lang(html_text)),
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=reply_markup,
        )
    except BadRequest as exc:
        _unless_nothing_to_do(exc)


async def edit_markup(query: CallbackQuery, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the buttons under the message a button was pressed on (None: drop them); an
    edit that has nothing to do is no error."""
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest as exc:
        _unless_nothing_to_do(exc)


def _unless_nothing_to_do(exc: BadRequest) -> None:
    """Raise `exc` unless Telegram refused the edit because it had nothing to do."""
    if not any(reason in exc.message.lower() for reason in _EDIT_NOTHING_TO_DO):
        raise exc
    log.debug("edit skipped: %s", html.escape(exc.message))


async def may_change(update: Update, context: Context, chat: ChatInfo) -> bool:
    """Whether the sender may change this chat's settings; if not, they are told so."""
    if await may_change_settings(update, context):
        if not chat.stored:  # a group's first change: store it now, in the sender's language
            await ensure_chat(services(context), update, create=True)
        return True
    await reply(update, text(chat.lang, "group_admins_only"))
    return False


def command_args(update: Update, context: Context) -> str:
    """Everything after the command word, as typed (spaces and quotes kept)."""
    message = update.effective_message
    raw = message.text if message and message.text else ""
    parts = raw.split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


async def cmd_start(update: Update, context: Context) -> None:
    """Subscribe or resume this chat; `/start topic_<id>` also follows that topic."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    if not await may_change(update, context, chat):
        return
    catalog = svc.catalog.current
    arg = context.args[0] if context.args else ""
    asked = arg.removeprefix(DEEP_LINK_TOPIC) if arg.startswith(DEEP_LINK_TOPIC) else None
    topic = catalog.topic(asked) if asked is not None else None
    started = await svc.call(
        chats.start_chat,
        svc.engine,
        chat_id=chat.id,
        topic_id=topic.id if topic else None,
        now=svc.now(),
    )
    notes = [text(chat.lang, "resumed")] if started.resumed else []
    if started.waiting:
        notes.append(text(chat.lang, "away_note", n=started.waiting))
    if topic is not None:
        notes.append(text(chat.lang, "subscribed_topic", topic=html.escape(topic.name(chat.lang))))
    elif asked is not None:
        notes.append(text(chat.lang, "unknown_topic", topic=html.escape(asked)))
    body = "\n\n".join([text(chat.lang, "welcome"), *notes])
    await reply(update, body, reply_markup=topics_keyboard(catalog, started.topics, chat.lang))


async def cmd_stop(update: Update, context: Context) -> None:
    """Stop alerts to this chat; watches, topics and the alerts waiting are kept for /start."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    if not await may_change(update, context, chat):
        return
    waiting = await svc.call(chats.stop_chat, svc.engine, chat_id=chat.id, now=svc.now())
    if waiting:
        await reply(update, text(chat.lang, "stopped_kept", n=waiting, cap=chats.AWAY_MAX))
    else:
        await reply(update, text(chat.lang, "stopped"))


async def cmd_topics(update: Update, context: Context) -> None:
    """The built-in topics, each with a toggle button."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    catalog = svc.catalog.current
    if not catalog.topics:
        await reply(update, text(chat.lang, "no_topics"))
        return
    followed = await svc.call(topics.chat_topics, svc.engine, chat.id)
    keyboard = topics_keyboard(catalog, followed, chat.lang)
    if chat.is_group and not await may_change_settings(update, context):
        # a member reads what the group follows: no buttons they may not press
        lines = [text(chat.lang, "topics_readonly")]
        lines += [html.escape(b.text, quote=False) for row in keyboard.inline_keyboard for b in row]
        await reply(update, "\n".join(lines))
        return
    await reply(update, text(chat.lang, "topics_header"), reply_markup=keyboard)


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


def query_problem(lang: str, exc: QuerySyntaxError, query: str) -> str:
    """The reply to a query that does not parse: what is wrong, where, the part at fault and
    the query, all in the chat's language (a code without a text gets a generic one, never the
    English message)."""
    key = f"query_{exc.code}"
    values = {
        k: v if isinstance(v, int) else html.escape(str(v))
        for k, v in getattr(exc, "values", {}).items()
    }
    values.setdefault("token", html.escape(exc.token))
    problem = text(lang, key, **values) if key in TEXTS else text(lang, "query_unknown")
    token = exc.token.strip()
    if len(token) > SHOWN_TOKEN_CHARS:
        token = token[: SHOWN_TOKEN_CHARS - 1] + "…"
    return text(
        lang,
        "watch_syntax_at" if token else "watch_syntax",
        problem=problem,
        position=exc.position + 1,
        token=html.escape(token),
        query=html.escape(query),
    )


def watch_added(lang: str, added: AddedWatch, query: str) -> str:
    """The reply to a new watch: its number, how the query was read, and the phrase hint."""
    lines = [text(lang, "watch_added", number=added.number, query=html.escape(query))]
    if added.read_as is not None:
        lines.append(text(lang, "watch_read_as", expr=html.escape(added.read_as)))
    if added.suggestion is not None:
        lines.append(text(lang, "watch_and_hint", suggestion=html.escape(added.suggestion)))
    return "\n".join(lines)


async def cmd_watch(update: Update, context: Context) -> None:
    """Add a keyword watch and answer with its number."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    query = command_args(update, context)
    if not query:
        await reply(update, text(chat.lang, "watch_usage"))
        return
    if not await may_change(update, context, chat):
        return
    owner = watch_owner(update)
    result = await svc.call(
        watches.add_watch, svc.engine, chat_id=chat.id, owner_id=owner, query=query, now=svc.now()
    )
    lang = chat.lang
    match result:
        case AddedWatch(number=number, existed=True):
            answer = text(lang, "watch_exists", number=number)
        case AddedWatch():
            answer = watch_added(lang, result, query)
            if not chat.active:
                answer += "\n\n" + text(lang, "paused_note")
        case QueryTooLong(length=length, limit=limit):
            answer = text(lang, "watch_too_long", length=length, limit=limit)
        case QueryInvalid(error=error):
            answer = query_problem(lang, error, query)
        case TooManyWatches(limit=limit, per_user=per_user):
            answer = text(lang, "watch_user_limit" if per_user else "watch_limit", limit=limit)
    await reply(update, answer, lang=lang)


async def cmd_watches(update: Update, context: Context) -> None:
    """The chat's watches and topics, each with a remove button."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    listed = await svc.call(watches.watch_list, svc.engine, chat.id)
    body, markup = watches_view(svc.catalog.current, listed.watches, listed.topic_ids, chat.lang)
    if markup is not None and chat.is_group and not await may_change_settings(update, context):
        # a member reads the list: no ❌ buttons, no "tap ❌ to remove"
        hint = text(chat.lang, "watches_hint")
        body = body.replace(hint, text(chat.lang, "watches_readonly_hint"))
        markup = None
    body += await silence_note(svc, chat.id, chat.lang)
    await reply(update, body, lang=chat.lang, reply_markup=markup)


async def cmd_feeds(update: Update, context: Context) -> None:
    """The monitored feeds."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    feeds = [(f.name, f.country) for f in svc.catalog.current.config.feeds if f.enabled]
    for part in split_message(feed_list_blocks(feeds, chat.lang, COUNTRIES)):
        await reply(update, part, lang=chat.lang)


async def cmd_help(update: Update, context: Context) -> None:
    """Usage with Arabic examples (and the admin commands, for admins)."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    body = (
        text(chat.lang, "help")
        + text(chat.lang, "help_chatsettings")
        + text(chat.lang, "help_watchstate")
    )
    user = update.effective_user
    if svc.is_admin(user.id if user else None):
        body += text(chat.lang, "help_admin")
    await reply(update, body)


async def cmd_lang(update: Update, context: Context) -> None:
    """Show the chat's reply language (`/lang`) or set it (`/lang ar|en`, or the language's
    name); anything else is refused with the current setting and the choices."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    arg = command_args(update, context)
    choice = LANG_WORDS.get(arg.lower().strip(" .")) if arg else None
    if choice is None:
        current = text(chat.lang, "lang_current", name=text(chat.lang, f"lang_name_{chat.lang}"))
        lines = [current, text(chat.lang, "lang_usage")]
        if arg:
            shown = arg if len(arg) <= SHOWN_TOKEN_CHARS else arg[: SHOWN_TOKEN_CHARS - 1] + "…"
            lines.insert(0, text(chat.lang, "lang_unsupported", value=html.escape(shown)))
        await reply(update, "\n".join(lines), lang=chat.lang)
        return
    if not await may_change(update, context, chat):
        return
    await svc.call(chats.set_lang, svc.engine, chat_id=chat.id, lang=choice, now=svc.now())
    await reply(update, text(choice, "lang_set"), lang=choice)


async def cmd_unknown(update: Update, context: Context) -> None:
    """An unknown command, in a private chat: point to /help (groups stay quiet)."""
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        return
    info = await ensure_chat(services(context), update)
    await reply(update, text(info.lang, "unknown_command"))


async def on_private_text(update: Update, context: Context) -> None:
    """Plain text in a private chat: show how to watch it."""
    message = update.effective_message
    if message is None or not message.text:
        return
    info = await ensure_chat(services(context), update)
    query = message.text.strip()[:MAX_QUERY_CHARS]
    await reply(
        update,
        text(info.lang, "plain_text_hint", query=html.escape(query)),
    )
