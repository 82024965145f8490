"""Telegram telling us about the chat itself: the bot removed or blocked, a group migrated."""

from __future__ import annotations

import logging

from sqlmodel import Session
from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import ContextTypes

from postbot.bot.services import services
from postbot.store import repo

log = logging.getLogger(__name__)

GONE = (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)


async def on_my_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot was blocked or removed: stop sending there (its settings are kept)."""
    change = update.my_chat_member
    if change is None or change.new_chat_member.status not in GONE:
        return
    svc = services(context)
    chat_id = change.chat.id
    with Session(svc.engine) as session:
        if repo.set_chat_active(session=session, chat_id=chat_id, active=False, now=svc.now()):
            repo.cancel_pending(session=session, chat_id=chat_id, reason="bot removed or blocked")
        session.commit()
    log.info("chat %s removed or blocked the bot: deactivated", chat_id)


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: its settings, watches and queue follow the new id."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    svc = services(context)
    with Session(svc.engine) as session:
        moved = repo.migrate_chat_id(
            session=session,
            old_id=message.chat.id,
            new_id=message.migrate_to_chat_id,
            now=svc.now(),
        )
        session.commit()
    if moved:
        log.info("chat %s migrated to %s", message.chat.id, message.migrate_to_chat_id)
