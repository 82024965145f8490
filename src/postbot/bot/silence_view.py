"""The lines that say what is paused or muted in a chat (for /watches and /resume)."""

from __future__ import annotations

import html

from postbot.alerts.texts import text
from postbot.bot.services import Services
from postbot.bot.views import local_time
from postbot.service import chats, watchstate
from postbot.service.watchstate import ChatSilence


async def chat_tz(svc: Services, chat_id: int) -> str:
    """The chat's time zone, for showing when a mute or pause ends."""
    row = await svc.call(chats.chat_settings, svc.engine, chat_id)
    return row.tz


async def silence_note(svc: Services, chat_id: int, lang: str) -> str:
    """What /watches adds when something is paused or muted (empty when nothing is)."""
    now = svc.now()
    silent = await svc.call(watchstate.silence, svc.engine, chat_id=chat_id, now=now)
    if silent.paused_until is None and not silent.watches and not silent.topics:
        return ""
    tz = await chat_tz(svc, chat_id)
    lines: list[str] = []
    if silent.paused_until is not None:
        when = local_time(silent.paused_until, tz)
        lines += ["", text(lang, "list_paused", when=when, tz=tz)]
    return "\n".join(lines + still_muted(svc, silent, lang, tz))


def still_muted(svc: Services, still: ChatSilence, lang: str, tz: str) -> list[str]:
    """The lines listing what stays muted (none if nothing is)."""
    if not still.watches and not still.topics:
        return []
    lines = ["", text(lang, "still_muted")]
    for w in still.watches:
        if w.muted_until is not None:
            when = local_time(w.muted_until, tz)
            query = html.escape(w.query)
            lines.append(text(lang, "still_muted_watch", number=w.number, query=query, when=when))
    for t in still.topics:
        name = html.escape(svc.catalog.current.topic_name(t.topic_id, lang))
        lines.append(text(lang, "still_muted_topic", topic=name, when=local_time(t.until, tz)))
    lines.append(text(lang, "still_muted_hint"))
    return lines
