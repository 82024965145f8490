"""Telegram telling us about the chat itself: the bot removed or blocked, a group migrated."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus

from postbot.bot.services import Context, services
from postbot.service import chats

log = logging.getLogger(__name__)

GONE = (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)


async def on_my_member(update: Update, context: Context) -> None:
    """The bot was blocked or removed: stop sending there (its settings are kept)."""
    change = update.my_chat_member
    if change is None or change.new_chat_member.status not in GONE:
        return
    svc = services(context)
    chat_id = change.chat.id
    await svc.call(chats.chat_gone, svc.engine, chat_id=chat_id, now=svc.now())
    log.info("chat %s removed or blocked the bot: deactivated", chat_id)


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
