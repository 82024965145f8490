"""When a chat takes its alerts (SPEC §5): `/digest`, `/tz` and `/quiet`.

Each shows the current setting when given nothing, and otherwise changes it (group admins only)
and moves the chat's held alerts to the time the new settings release them, in one transaction:
`/digest off` outside quiet hours sends what was held, as one digest, right away.
"""

from __future__ import annotations

import html
from datetime import datetime

from sqlmodel import Session
from telegram import Update
from telegram.ext import ContextTypes

from postbot.alerts.release import DEFAULT_DIGEST_AT, check_tz, parse_hhmm, parse_quiet, release_for
from postbot.alerts.texts import text
from postbot.bot.chats import ensure_chat
from postbot.bot.commands import command_args, may_change, reply
from postbot.bot.services import Services, services
from postbot.bot.views import digest_lines, local_time, quiet_lines
from postbot.store import repo
from postbot.store.models import Chat

SHOWN_INPUT_CHARS = 40  # bad input is echoed back at most this long
# /digest modes, with the Arabic words people type for them
DIGEST_WORDS = {
    "off": "off",
    "إيقاف": "off",
    "ايقاف": "off",
    "فوري": "off",
    "hourly": "hourly",
    "ساعي": "hourly",
    "daily": "daily",
    "يومي": "daily",
}
OFF_WORDS = ("off", "إيقاف", "ايقاف")


def _shown(value: str) -> str:
    """User input to echo in an HTML reply: shortened and escaped."""
    if len(value) > SHOWN_INPUT_CHARS:
        value = value[: SHOWN_INPUT_CHARS - 1] + "…"
    return html.escape(value)


def _settings(svc: Services, chat_id: int) -> Chat:
    """The chat row (created by ensure_chat), detached for reading."""
    with Session(svc.engine, expire_on_commit=False) as session:
        row = repo.get_chat(session=session, chat_id=chat_id)
    assert row is not None
    return row


def _reschedule_held(session: Session, chat: Chat, now: datetime, lang: str) -> list[str]:
    """Move the chat's held alerts to when its new settings release them; say so if any."""
    release = release_for(chat, now) or now
    moved = repo.reschedule_held(session=session, chat_id=chat.id, release_at=release)
    if not moved:
        return []
    if release <= now:
        return [text(lang, "held_now", count=moved)]
    return [text(lang, "held_at", count=moved, when=local_time(release, chat.tz), tz=chat.tz)]


def _read_digest(arg: str, lang: str) -> tuple[str, str | None] | str:
    """(mode, at) from the `/digest` arguments, or the reply saying what is wrong with them."""
    words = arg.split()
    mode = DIGEST_WORDS.get(words[0].lower()) if words else None
    if mode is None or len(words) > 2 or (mode == "off" and len(words) == 2):
        return text(lang, "digest_bad", value=_shown(arg)) + "\n\n" + text(lang, "digest_usage")
    if len(words) == 1:
        return mode, (DEFAULT_DIGEST_AT if mode == "daily" else None)
    try:
        at = parse_hhmm(words[1])
    except ValueError:
        return text(lang, "digest_bad_time", value=_shown(words[1]))
    if mode == "hourly":
        return text(lang, "digest_hourly_time", at=at)
    return mode, at


async def cmd_digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show or set the chat's digest: `/digest off|hourly|daily [HH:MM]`."""
    svc = services(context)
    chat = ensure_chat(svc, update)
    arg = command_args(update, context)
    now = svc.now()
    if not arg:
        lines = digest_lines(chat.lang, _settings(svc, chat.id), now)
        await reply(update, "\n".join([*lines, "", text(chat.lang, "digest_usage")]))
        return
    if not await may_change(update, context, chat):
        return
    choice = _read_digest(arg, chat.lang)
    if isinstance(choice, str):
        await reply(update, choice)
        return
    mode, at = choice
    with Session(svc.engine) as session:
        row = repo.set_chat_digest(session=session, chat_id=chat.id, digest=mode, at=at, now=now)
        lines = digest_lines(chat.lang, row, now)
        lines += _reschedule_held(session, row, now, chat.lang)
        session.commit()
    await reply(update, "\n".join(lines))


async def cmd_tz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show or set the chat's time zone: `/tz Asia/Baghdad`."""
    svc = services(context)
    chat = ensure_chat(svc, update)
    arg = command_args(update, context)
    now = svc.now()
    if not arg:
        tz = _settings(svc, chat.id).tz
        await reply(update, text(chat.lang, "tz_current", tz=tz, time=local_time(now, tz)))
        return
    if not await may_change(update, context, chat):
        return
    try:
        tz = check_tz(arg)
    except ValueError:
        await reply(update, text(chat.lang, "tz_unknown", value=_shown(arg)))
        return
    with Session(svc.engine) as session:
        row = repo.set_chat_tz(session=session, chat_id=chat.id, tz=tz, now=now)
        lines = [text(chat.lang, "tz_set", tz=tz, time=local_time(now, tz))]
        if row.digest != "off":
            lines += digest_lines(chat.lang, row, now)
        if row.quiet_start is not None:
            lines += quiet_lines(chat.lang, row, now)
        lines += _reschedule_held(session, row, now, chat.lang)
        session.commit()
    await reply(update, "\n".join(lines))


async def cmd_quiet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show, set or clear the chat's quiet hours: `/quiet 23:00-07:00`, `/quiet off`."""
    svc = services(context)
    chat = ensure_chat(svc, update)
    arg = command_args(update, context)
    now = svc.now()
    if not arg:
        row = _settings(svc, chat.id)
        lines = quiet_lines(chat.lang, row, now)
        if row.quiet_start is not None:
            lines.append(text(chat.lang, "quiet_hint_off"))
        await reply(update, "\n".join(lines))
        return
    if not await may_change(update, context, chat):
        return
    window: tuple[str | None, str | None] = (None, None)
    if arg.lower() not in OFF_WORDS:
        try:
            window = parse_quiet(arg)
        except ValueError:
            await reply(update, text(chat.lang, "quiet_bad", value=_shown(arg)))
            return
    start, end = window
    with Session(svc.engine) as session:
        row = repo.set_chat_quiet(session=session, chat_id=chat.id, start=start, end=end, now=now)
        lines = quiet_lines(chat.lang, row, now) if start else [text(chat.lang, "quiet_off")]
        lines += _reschedule_held(session, row, now, chat.lang)
        session.commit()
    await reply(update, "\n".join(lines))
