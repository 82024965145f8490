"""Chats: first contact, pause and resume, language, breaking news, removal and migration."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session

from postbot.store import repo
from postbot.store.models import DEFAULT_TZ, Chat


@dataclass(frozen=True, slots=True)
class ChatState:
    """A chat as stored: its id, reply language and whether alerts go to it."""

    id: int
    lang: str
    active: bool
    stored: bool = True  # False: a group not stored yet, looked at by someone who may not change it


# alerts kept while a chat is stopped, sent as one "while you were away" digest on /start
AWAY_MAX = 30


@dataclass(frozen=True, slots=True)
class Started:
    """What /start did: whether the chat was resumed, the topics it follows now, and how many
    alerts that waited since /stop now go out as one digest."""

    resumed: bool
    topics: frozenset[str]
    waiting: int = 0


def ensure_chat(
    engine: sa.Engine,
    *,
    chat_id: int,
    kind: str,
    title: str | None,
    lang: str,
    now: datetime,
    create: bool = True,
) -> ChatState:
    """The chat, created (active, in `lang`) on first contact; an existing chat keeps its lang.

    `create=False` (a group, before we know the sender may change it): a chat not stored yet is
    left so, and described as it would be created (nothing is written)."""
    with Session(engine) as session:
        if not create and repo.get_chat(session=session, chat_id=chat_id) is None:
            return ChatState(chat_id, lang, True, stored=False)
        row = repo.get_or_create_chat(
            session=session, chat_id=chat_id, kind=kind, title=title, lang=lang, now=now
        )
        state = ChatState(row.id, row.lang, row.active)
        session.commit()
    return state


def chat_settings(engine: sa.Engine, chat_id: int) -> Chat:
    """The chat's row (created by ensure_chat), detached for reading its settings."""
    with Session(engine, expire_on_commit=False) as session:
        row = repo.get_chat(session=session, chat_id=chat_id)
    if row is None:  # a group not stored yet: the defaults it would have
        return Chat(
            id=chat_id, tz=DEFAULT_TZ, created_at=datetime.now(UTC), updated_at=datetime.now(UTC)
        )
    return row


def start_chat(engine: sa.Engine, *, chat_id: int, topic_id: str | None, now: datetime) -> Started:
    """Resume the chat if stopped and follow `topic_id`. What waited since /stop goes out now
    as one digest (the latest AWAY_MAX alerts; older ones are given up)."""
    waiting = 0
    with Session(engine) as session:
        row = repo.get_chat(session=session, chat_id=chat_id)
        resumed = row is not None and not row.active
        if resumed:
            waiting = repo.recall_waiting(session=session, chat_id=chat_id, now=now, cap=AWAY_MAX)
            repo.set_chat_active(session=session, chat_id=chat_id, active=True, now=now)
        if topic_id is not None:
            repo.subscribe_topic(session=session, chat_id=chat_id, topic_id=topic_id, now=now)
        topics = frozenset(repo.chat_topics(session=session, chat_id=chat_id))
        session.commit()
    return Started(resumed, topics, waiting)


def stop_chat(engine: sa.Engine, *, chat_id: int, now: datetime) -> int:
    """Stop alerts to the chat; watches and topics are kept, and so are the alerts waiting
    (for /start). Returns how many wait."""
    with Session(engine) as session:
        repo.set_chat_active(session=session, chat_id=chat_id, active=False, now=now)
        waiting = repo.keep_waiting(session=session, chat_id=chat_id)
        session.commit()
    return waiting


def set_lang(engine: sa.Engine, *, chat_id: int, lang: str, now: datetime) -> None:
    """Set the chat's reply language."""
    with Session(engine) as session:
        repo.set_chat_lang(session=session, chat_id=chat_id, lang=lang, now=now)
        session.commit()


def set_breaking(engine: sa.Engine, *, chat_id: int, on: bool, now: datetime) -> None:
    """Turn every breaking story on or off for the chat."""
    with Session(engine) as session:
        repo.set_chat_breaking(session=session, chat_id=chat_id, on=on, now=now)
        session.commit()


def chat_gone(engine: sa.Engine, *, chat_id: int, now: datetime) -> bool:
    """The bot was blocked or removed: deactivate the chat and drop its queue (settings kept).

    False when the chat was never stored.
    """
    with Session(engine) as session:
        known = repo.set_chat_active(session=session, chat_id=chat_id, active=False, now=now)
        if known:
            repo.cancel_pending(session=session, chat_id=chat_id, reason="bot removed or blocked")
        session.commit()
    return known


def migrate_chat(engine: sa.Engine, *, old_id: int, new_id: int, now: datetime) -> bool:
    """A group became a supergroup: its settings, watches and queue follow the new id."""
    with Session(engine) as session:
        moved = repo.migrate_chat_id(session=session, old_id=old_id, new_id=new_id, now=now)
        session.commit()
    return moved


def chat_langs(engine: sa.Engine, chat_ids: Collection[int]) -> dict[int, str]:
    """The reply language of each of these chats that is stored."""
    with Session(engine) as session:
        chats = repo.chats_by_id(session=session, chat_ids=chat_ids)
    return {chat_id: chat.lang for chat_id, chat in chats.items()}
