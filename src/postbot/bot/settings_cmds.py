"""When a chat takes its alerts (SPEC §5): `/digest`, `/tz` and `/quiet`.

Each shows the current setting when given nothing, and otherwise changes it (group admins only);
the service moves the chat's held alerts to the time the new settings release them, and the
reply says so: `/digest off` outside quiet hours sends what was held, as one digest, right away.
"""

from __future__ import annotations

import html

from telegram import Update

from postbot.alerts.release import (
    DEFAULT_DIGEST_AT,
    EmptyQuietWindow,
    parse_hhmm,
    parse_quiet,
)
from postbot.alerts.texts import text
from postbot.alerts.zones import parse_zone, zone_name
from postbot.bot.chats import ensure_chat
from postbot.bot.commands import command_args, may_change, reply
from postbot.bot.services import Context, services
from postbot.bot.views import digest_lines, local_time, quiet_lines
from postbot.service import chats, timing
from postbot.service.timing import Held

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


def held_lines(lang: str, held: Held | None, tz: str) -> list[str]:
    """What a settings change did to the chat's held alerts (nothing when none moved)."""
    if held is None:
        return []
    if held.at is None:
        return [text(lang, "held_now", count=held.count)]
    when = local_time(held.at, tz)
    return [text(lang, "held_at", count=held.count, when=when, tz=zone_name(tz, held.at))]


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


async def cmd_digest(update: Update, context: Context) -> None:
    """Show or set the chat's digest: `/digest off|hourly|daily [HH:MM]`."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    arg = command_args(update, context)
    now = svc.now()
    if not arg:
        row = await svc.call(chats.chat_settings, svc.engine, chat.id)
        lines = digest_lines(chat.lang, row, now)
        await reply(update, "\n".join([*lines, "", text(chat.lang, "digest_usage")]))
        return
    if not await may_change(update, context, chat):
        return
    choice = _read_digest(arg, chat.lang)
    if isinstance(choice, str):
        await reply(update, choice)
        return
    mode, at = choice
    changed = await svc.call(
        timing.set_digest, svc.engine, chat_id=chat.id, mode=mode, at=at, now=now
    )
    lines = digest_lines(chat.lang, changed.chat, now)
    lines += held_lines(chat.lang, changed.held, changed.chat.tz)
    await reply(update, "\n".join(lines))


async def cmd_tz(update: Update, context: Context) -> None:
    """Show or set the chat's time zone: `/tz Asia/Baghdad`."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    arg = command_args(update, context)
    now = svc.now()
    if not arg:
        tz = (await svc.call(chats.chat_settings, svc.engine, chat.id)).tz
        shown = zone_name(tz, now)
        await reply(update, text(chat.lang, "tz_shown", tz=shown, time=local_time(now, tz)))
        return
    if not await may_change(update, context, chat):
        return
    try:
        tz = parse_zone(arg)  # an IANA name, a city in Arabic or English, or a UTC offset
    except ValueError:
        await reply(update, text(chat.lang, "tz_unknown_any", value=_shown(arg)))
        return
    changed = await svc.call(timing.set_tz, svc.engine, chat_id=chat.id, tz=tz, now=now)
    row = changed.chat
    lines = [text(chat.lang, "tz_set", tz=zone_name(tz, now), time=local_time(now, tz))]
    if row.digest != "off":
        lines += digest_lines(chat.lang, row, now)
    if row.quiet_start is not None:
        lines += quiet_lines(chat.lang, row, now)
    lines += held_lines(chat.lang, changed.held, row.tz)
    await reply(update, "\n".join(lines))


async def cmd_quiet(update: Update, context: Context) -> None:
    """Show, set or clear the chat's quiet hours: `/quiet 23:00-07:00`, `/quiet off`."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    arg = command_args(update, context)
    now = svc.now()
    if not arg:
        row = await svc.call(chats.chat_settings, svc.engine, chat.id)
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
        except EmptyQuietWindow as exc:
            value = f"{exc.at}-{exc.at}"
            await reply(update, text(chat.lang, "quiet_same", value=value), lang=chat.lang)
            return
        except ValueError:
            await reply(update, text(chat.lang, "quiet_bad", value=_shown(arg)))
            return
    start, end = window
    changed = await svc.call(
        timing.set_quiet, svc.engine, chat_id=chat.id, start=start, end=end, now=now
    )
    row = changed.chat
    lines = quiet_lines(chat.lang, row, now) if start else [text(chat.lang, "quiet_off")]
    lines += held_lines(chat.lang, changed.held, row.tz)
    await reply(update, "\n".join(lines))
