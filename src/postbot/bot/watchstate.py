"""/unwatch (numbers, text, all with a confirm button), /mute, /pause, /resume, and the buttons
they use: confirm or cancel "remove all", the 🔕 under an alert (mute for a day) and the unmute
button of its confirmation. Thin: the logic is in service/watchstate.py."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from postbot.alerts.direction import lay_out
from postbot.alerts.silence import (
    MAX_SILENCE,
    MUTE_DEFAULT,
    PAUSE_DEFAULT,
    DurationError,
    SilenceArgs,
    parse_silence,
    parse_unwatch,
)
from postbot.alerts.texts import text
from postbot.bot.chats import ChatInfo, ensure_chat
from postbot.bot.commands import command_args, edit, edit_markup, may_change, reply
from postbot.bot.services import Context, Services, services
from postbot.bot.silence_view import chat_tz as _tz
from postbot.bot.silence_view import still_muted
from postbot.bot.views import local_time, short_label
from postbot.delivery.keyboards import callback_data
from postbot.ids import parse_number
from postbot.service import watchstate
from postbot.service.watchstate import ConfirmAll, Target

UNWATCH_ALL = "uwa:"  # + the watch counter when asked + ":" + the minute asked (unix / 60)
UNWATCH_KEEP = "uwk"
UNMUTE = "um:"  # + watch id
PREFIXES = (UNWATCH_ALL, UNWATCH_KEEP, UNMUTE)
CONFIRM_FOR = timedelta(minutes=10)
OFF_WORDS = frozenset({"off", "end", "stop", "إلغاء", "الغاء", "إنهاء", "انهاء", "إيقاف"})


def _minute(when: datetime) -> int:
    return int(when.timestamp()) // 60


def _duration_problem(lang: str, exc: DurationError) -> str:
    if exc.code == "long":
        return text(lang, "duration_long", value=html.escape(exc.value), days=MAX_SILENCE.days)
    return text(lang, "duration_bad", value=html.escape(exc.value))


async def cmd_unwatch(update: Update, context: Context) -> None:
    """Remove watches: `/unwatch 2`, `/unwatch 1 2`, `/unwatch 1,2`, `/unwatch <query>`, or
    `/unwatch all` (asks first, with a confirm button)."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    raw = command_args(update, context)
    if not raw:
        await reply(update, text(chat.lang, "unwatch_usage"))
        return
    if not await may_change(update, context, chat):
        return
    args = parse_unwatch(raw)
    done = await svc.call(watchstate.unwatch, svc.engine, chat_id=chat.id, args=args, raw=raw)
    lang = chat.lang
    if isinstance(done, ConfirmAll):
        if done.count == 0:
            await reply(update, text(lang, "unwatch_none"))
            return
        data = f"{UNWATCH_ALL}{done.up_to}:{_minute(svc.now())}"
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(text(lang, "unwatch_all_yes"), callback_data=data)],
                [InlineKeyboardButton(text(lang, "unwatch_all_no"), callback_data=UNWATCH_KEEP)],
            ]
        )
        await reply(update, text(lang, "unwatch_all_ask", count=done.count), reply_markup=markup)
        return
    lines = [text(lang, "unwatched", number=n, query=html.escape(q)) for n, q in done.removed]
    if len(done.missing) == 1 and not done.removed:
        lines.append(text(lang, "unwatch_missing", number=done.missing[0]))
    elif done.missing:
        numbers = ", ".join(str(n) for n in done.missing)
        lines.append(text(lang, "unwatch_not_found", numbers=numbers))
    if done.text and not looks_like_words(done.text):
        # "²", "-1", "1e3", forty digits: a number was meant, and it is not one
        lines.append(text(lang, "unwatch_usage"))
    elif done.text:
        lines.append(text(lang, "unwatch_text_missing", query=html.escape(short_label(done.text))))
    await reply(update, "\n".join(lines))


def looks_like_words(arg: str) -> bool:
    """Whether /unwatch's argument reads as a query's text rather than a mistyped number."""
    return any(c.isalpha() for c in arg) and not any(c.isnumeric() for c in arg)


async def _silence_args(update: Update, context: Context, chat: ChatInfo) -> SilenceArgs | None:
    """/mute's and /pause's arguments; None (the problem answered) when the duration is bad."""
    try:
        return parse_silence(command_args(update, context))
    except DurationError as exc:
        await reply(update, _duration_problem(chat.lang, exc))
        return None


async def cmd_mute(update: Update, context: Context) -> None:
    """`/mute <watch number, query or topic> [2h|1d|1w] [hold]` (a day if no duration)."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    args = await _silence_args(update, context, chat)
    if args is None:
        return
    if not args.target:
        await reply(update, text(chat.lang, "mute_usage"))
        return
    if not await may_change(update, context, chat):
        return
    muted = await svc.call(
        watchstate.mute,
        svc.engine,
        chat_id=chat.id,
        catalog=svc.catalog.current,
        target=args.target,
        duration=args.duration or MUTE_DEFAULT,
        hold=args.hold,
        now=svc.now(),
    )
    lang = chat.lang
    if muted.target is None:
        await reply(
            update, text(lang, "mute_unknown", target=html.escape(short_label(args.target)))
        )
        return
    name = _target_name(svc, muted.target, lang)
    if not muted.followed:
        await reply(update, text(lang, "mute_not_followed", topic=name))
        return
    assert muted.until is not None
    tz = await _tz(svc, chat.id)
    head = _muted_line(lang, muted.target, name, muted.until, tz)
    fate = text(lang, "silence_holds" if muted.hold else "silence_drops")
    await reply(update, f"{head}\n{fate}")


def _target_name(svc: Services, target: Target, lang: str) -> str:
    if target.topic_id is not None:
        return html.escape(svc.catalog.current.topic_name(target.topic_id, lang))
    return html.escape(target.query)


def _muted_line(lang: str, target: Target, name: str, until: datetime, tz: str) -> str:
    when = local_time(until, tz)
    if target.topic_id is not None:
        return text(lang, "muted_topic", topic=name, when=when, tz=tz)
    return text(lang, "muted_watch", number=target.number, query=name, when=when, tz=tz)


async def cmd_pause(update: Update, context: Context) -> None:
    """`/pause [2h|1d] [hold]`: no alerts to this chat for a while (two hours if no duration)."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    args = await _silence_args(update, context, chat)
    if args is None:
        return
    if args.target.lower() in OFF_WORDS and args.duration is None:
        if await may_change(update, context, chat):
            await _resume(update, svc, chat, "")  # "/pause off" means /resume
        return
    if args.target:
        value = html.escape(short_label(args.target))
        hint = text(chat.lang, "pause_usage_hint")
        await reply(update, text(chat.lang, "duration_bad", value=value) + "\n" + hint)
        return
    if not await may_change(update, context, chat):
        return
    until = await svc.call(
        watchstate.pause,
        svc.engine,
        chat_id=chat.id,
        duration=args.duration or PAUSE_DEFAULT,
        hold=args.hold,
        now=svc.now(),
    )
    tz = await _tz(svc, chat.id)
    lines = [text(chat.lang, "paused", when=local_time(until, tz), tz=tz)]
    lines.append(text(chat.lang, "pause_holds" if args.hold else "pause_drops"))
    if not chat.active:
        lines.append(text(chat.lang, "resume_stopped"))
    await reply(update, "\n".join(lines))


async def cmd_resume(update: Update, context: Context) -> None:
    """`/resume`: end the pause and list what stays muted; `/resume <watch|topic>` unmutes
    one; `/resume all` ends the pause and every mute."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    if not await may_change(update, context, chat):
        return
    await _resume(update, svc, chat, command_args(update, context))


async def _resume(update: Update, svc: Services, chat: ChatInfo, target: str) -> None:
    done = await svc.call(
        watchstate.resume,
        svc.engine,
        chat_id=chat.id,
        catalog=svc.catalog.current,
        target=target,
        now=svc.now(),
    )
    lang = chat.lang
    tz = await _tz(svc, chat.id)
    if done.unknown:
        await reply(update, text(lang, "mute_unknown", target=html.escape(short_label(target))))
        return
    lines: list[str] = []
    if done.target is not None:
        name = _target_name(svc, done.target, lang)
        if not done.was_silent:
            lines.append(text(lang, "not_muted", target=name))
        elif done.target.topic_id is not None:
            lines.append(text(lang, "unmuted_topic", topic=name))
        else:
            lines.append(text(lang, "unmuted_watch", number=done.target.number, query=name))
    else:
        lines.append(text(lang, "resumed_chat" if done.was_silent else "resume_not_paused"))
    if done.released:
        lines.append(text(lang, "resume_released", n=done.released))
    lines += still_muted(svc, done.still, lang, tz)
    if not chat.active:
        lines.append(text(lang, "resume_stopped"))
    await reply(update, "\n".join(lines))


async def on_button(svc: Services, query: CallbackQuery, chat: ChatInfo, data: str) -> None:
    """Our buttons (the caller checked that the presser may change this chat)."""
    lang = chat.lang
    if data == UNWATCH_KEEP:
        await query.answer()
        await edit(query, text(lang, "unwatch_all_kept"), lang=lang)
    elif data.startswith(UNWATCH_ALL):
        await _confirm_all(svc, query, chat, data.removeprefix(UNWATCH_ALL))
    elif data.startswith(UNMUTE):
        watch_id = parse_number(data.removeprefix(UNMUTE))
        if watch_id is None:
            await query.answer(text(lang, "button_invalid"))
            return
        found = await svc.call(
            watchstate.mute_watch_by_id,
            svc.engine,
            chat_id=chat.id,
            watch_id=watch_id,
            until=None,
            now=svc.now(),
        )
        if found is None:
            await query.answer(text(lang, "watch_already_removed"))
            await edit_markup(query, None)
            return
        await query.answer(text(lang, "button_unmuted_toast", query=short_label(found.query)))
        name = html.escape(found.query)
        await edit(query, text(lang, "unmuted_watch", number=found.number, query=name), lang=lang)
    else:
        await query.answer(text(lang, "button_invalid"))


async def _confirm_all(svc: Services, query: CallbackQuery, chat: ChatInfo, rest: str) -> None:
    lang = chat.lang
    seq, _, minute = rest.partition(":")
    up_to, asked = parse_number(seq, low=0), parse_number(minute, low=0)
    if up_to is None or asked is None:
        await query.answer(text(lang, "button_invalid"))
        return
    age = timedelta(minutes=_minute(svc.now()) - asked)
    if not timedelta(0) <= age <= CONFIRM_FOR:
        await query.answer(text(lang, "unwatch_all_expired"), show_alert=True)
        await edit(query, text(lang, "unwatch_all_stale"), lang=lang)
        return
    removed = await svc.call(
        watchstate.confirm_unwatch_all, svc.engine, chat_id=chat.id, up_to=up_to
    )
    await query.answer()
    body = text(lang, "unwatch_all_done", count=len(removed))
    if not removed:
        body = text(lang, "unwatch_none")
    await edit(query, body, lang=lang)


async def mute_from_alert(
    svc: Services, query: CallbackQuery, chat: ChatInfo, watch_id: int
) -> None:
    """🔕 under an alert: mute that watch for a day; a message says so, with an unmute
    button (the alert and its buttons stay)."""
    lang = chat.lang
    now = svc.now()
    found = await svc.call(
        watchstate.mute_watch_by_id,
        svc.engine,
        chat_id=chat.id,
        watch_id=watch_id,
        until=now + MUTE_DEFAULT,
        now=now,
    )
    if found is None:
        await query.answer(text(lang, "watch_already_removed"))
        return
    await query.answer(text(lang, "button_muted_toast", query=short_label(found.query)))
    tz = await _tz(svc, chat.id)
    head = _muted_line(lang, found, html.escape(found.query), now + MUTE_DEFAULT, tz)
    body = f"{head}\n{text(lang, 'silence_drops')}"
    data = callback_data(UNMUTE, str(watch_id))
    markup = (
        InlineKeyboardMarkup(
            [[InlineKeyboardButton(text(lang, "button_unmute"), callback_data=data)]]
        )
        if data
        else None
    )
    # a message of its own (a callback answer cannot carry a button); the alert stays as it is
    await query.get_bot().send_message(
        chat.id, lay_out(body, lang), parse_mode=ParseMode.HTML, reply_markup=markup
    )
