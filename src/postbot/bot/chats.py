"""Who is talking: the chat row for an update, its language, and the group-admin rule."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Chat as TgChat
from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from postbot.alerts.texts import lang_of
from postbot.bot.services import Context, Services
from postbot.service import chats

log = logging.getLogger(__name__)

GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)
ADMIN_STATUSES = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


@dataclass(frozen=True, slots=True)
class ChatInfo:
    """The chat an update came from, as stored."""

    id: int
    lang: str
    active: bool
    is_group: bool
    stored: bool = True  # False: a group nobody allowed to has changed yet (see ensure_chat)


def kind_of(chat: TgChat) -> str:
    """Our chat kind for a Telegram chat type."""
    return chat.type if chat.type in ("private", "group", "supergroup", "channel") else "private"


async def ensure_chat(svc: Services, update: Update, *, create: bool | None = None) -> ChatInfo:
    """The update's chat, created (with the user's language) on first contact.

    A group is not created here (`create` None: private chats only): a member's refused
    command must change nothing, not even the language the group is first stored with;
    `may_change` stores it once its sender is allowed to."""
    chat = update.effective_chat
    assert chat is not None
    user = update.effective_user
    group = chat.type in GROUP_TYPES
    state = await svc.call(
        chats.ensure_chat,
        svc.engine,
        chat_id=chat.id,
        kind=kind_of(chat),
        title=chat.title or chat.username or None,
        lang=lang_of(user.language_code if user else None),
        now=svc.now(),
        create=not group if create is None else create,
    )
    return ChatInfo(state.id, state.lang, state.active, group, state.stored)


async def may_change_settings(update: Update, context: Context) -> bool:
    """In a group only its administrators may change settings; anyone in a private chat."""
    chat = update.effective_chat
    if chat is None or chat.type not in GROUP_TYPES:
        return True
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        # an anonymous administrator posts as the group itself
        return message.sender_chat.id == chat.id
    user = update.effective_user
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.warning(
            "chat %s: could not check whether user %s is an admin: %s", chat.id, user.id, exc
        )
        return False
    return member.status in ADMIN_STATUSES
