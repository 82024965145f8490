"""Telegram telling us about the chat itself: the bot removed or blocked, a group migrated."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import TelegramError

from postbot.alerts.texts import text
from postbot.bot.services import Context, Services, services
from postbot.service import chats, chatsettings

log = logging.getLogger(__name__)

GONE = (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)


async def on_my_member(update: Update, context: Context) -> None:
    """The bot was blocked or removed: stop sending there (its settings are kept)."""
    change = update.my_chat_member
    if change is None or change.new_chat_member.status not in GONE:
        return
    svc = services(context)
    chat_id = change.chat.id
    if change.chat.type == ChatType.CHANNEL:  # a /connect target: its chats hear alerts again
        await channel_gone(svc, context, chat_id)
        return
    await svc.call(chats.chat_gone, svc.engine, chat_id=chat_id, now=svc.now())
    log.info("chat %s removed or blocked the bot: deactivated", chat_id)


async def channel_gone(svc: Services, context: Context, channel_id: int) -> None:
    """Drop every connection to the channel and tell each chat (the dispatcher does the same
    when a send is refused, should this update never come)."""
    told = await svc.call(
        chatsettings.channel_gone, svc.engine, channel_id=channel_id, now=svc.now()
    )
    for chat_id, lang in told:
        log.info("chat %s: the bot left channel %s; connection dropped", chat_id, channel_id)
        try:
            await context.bot.send_message(
                chat_id, text(lang, "connect_lost"), parse_mode=ParseMode.HTML
            )
        except TelegramError as exc:
            log.info("chat %s: could not say the channel was lost: %s", chat_id, exc)


async def on_migrate(update: Update, context: Context) -> None:
    """A group became a supergroup: its settings, watches and queue follow the new id."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    svc = services(context)
    old_id, new_id = message.chat.id, message.migrate_to_chat_id
    moved = await svc.call(
        chats.migrate_chat, svc.engine, old_id=old_id, new_id=new_id, now=svc.now()
    )
    if moved:
        log.info("chat %s migrated to %s", old_id, new_id)
