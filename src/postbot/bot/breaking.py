"""`/breaking on|off`: a chat also receives every breaking story, whatever it follows.

A story is breaking when `breaking.outlets` distinct outlets carried it within
`breaking.minutes` of its first sight (config). Such a chat gets each breaking story once, and
its alert is edited as more outlets come in, like any other alert. In groups only admins may
change it; anyone may ask how it is set.
"""

from __future__ import annotations

import html

from telegram import Update

from postbot.alerts.texts import text
from postbot.bot.chats import ensure_chat
from postbot.bot.commands import command_args, may_change, reply
from postbot.bot.services import Context, services
from postbot.bot.settings_cmds import SHOWN_INPUT_CHARS
from postbot.service import chats

# what people type, in both languages, for on and off
SWITCH_WORDS = {
    "on": True,
    "تشغيل": True,
    "تفعيل": True,
    "نعم": True,
    "off": False,
    "إيقاف": False,
    "ايقاف": False,
    "لا": False,
}


def _state(lang: str, on: bool, outlets: int, minutes: int) -> str:
    key = "breaking_on" if on else "breaking_off"
    return text(lang, key, outlets=outlets, minutes=minutes)


async def cmd_breaking(update: Update, context: Context) -> None:
    """Show or set whether the chat receives every breaking story: `/breaking on|off`."""
    svc = services(context)
    chat = await ensure_chat(svc, update)
    arg = command_args(update, context)
    rule = svc.catalog.current.config.breaking
    if not arg:
        on = (await svc.call(chats.chat_settings, svc.engine, chat.id)).breaking
        await reply(update, _state(chat.lang, on, rule.outlets, rule.minutes))
        return
    if not await may_change(update, context, chat):
        return
    choice = SWITCH_WORDS.get(arg.lower())
    if choice is None:
        shown = arg if len(arg) <= SHOWN_INPUT_CHARS else arg[: SHOWN_INPUT_CHARS - 1] + "…"
        await reply(update, text(chat.lang, "breaking_bad", value=html.escape(shown)))
        return
    await svc.call(chats.set_breaking, svc.engine, chat_id=chat.id, on=choice, now=svc.now())
    await reply(update, _state(chat.lang, choice, rule.outlets, rule.minutes))
