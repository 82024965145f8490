"""What routing reads: every watch (to build the matcher), topic followers and active chats.

Keyword-only functions that receive the Session; read only.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session, col, func, select

from postbot.store.models import Chat, TopicSubscription, Watch


def watches_shape(*, session: Session) -> tuple[int, int | None, datetime | None, int]:
    """(count, newest id, newest creation, sum of chat ids) of all watches: what changes when
    a watch is added, removed, re-added under a reused id (SQLite reuses the newest id) or
    moved to another chat (a group that became a supergroup)."""
    count, newest, created, chats = session.exec(
        select(
            func.count(),
            func.max(col(Watch.id)),
            func.max(col(Watch.created_at)),
            func.coalesce(func.sum(col(Watch.chat_id)), 0),
        )
    ).one()
    return int(count), newest, created, int(chats)


def all_watches(*, session: Session) -> list[Watch]:
    """Every watch of every chat, active or not, oldest first within a chat."""
    stmt = select(Watch).order_by(col(Watch.chat_id), col(Watch.created_at), col(Watch.id))
    return list(session.exec(stmt).all())


def topic_followers(*, session: Session, topic_ids: Collection[str]) -> list[tuple[int, str]]:
    """(chat id, topic id) for every chat following one of these topics."""
    if not topic_ids:
        return []
    stmt = select(TopicSubscription.chat_id, TopicSubscription.topic_id).where(
        col(TopicSubscription.topic_id).in_(list(topic_ids))
    )
    return [(chat, topic) for chat, topic in session.exec(stmt).all()]


def active_chat_ids(*, session: Session, chat_ids: Collection[int]) -> set[int]:
    """Those of `chat_ids` that are active."""
    if not chat_ids:
        return set()
    stmt = select(Chat.id).where(col(Chat.id).in_(list(chat_ids)), col(Chat.active).is_(True))
    return set(session.exec(stmt).all())


def chats_excluding(*, session: Session, chat_ids: Collection[int], feed_id: str) -> set[int]:
    """Those of `chat_ids` that left the outlet `feed_id` out with /sources."""
    if not chat_ids:
        return set()
    stmt = select(Chat.id, Chat.excluded_feeds).where(
        col(Chat.id).in_(list(chat_ids)), col(Chat.excluded_feeds).is_not(None)
    )
    return {chat_id for chat_id, feeds in session.exec(stmt).all() if feed_id in (feeds or ())}


def chats_connected_to(*, session: Session, channel_id: int) -> list[Chat]:
    """The chats whose alerts go to this channel (`/connect`)."""
    stmt = select(Chat).where(col(Chat.channel_id) == channel_id).order_by(col(Chat.id))
    return list(session.exec(stmt).all())


def muted_watch_ids(
    *, session: Session, chat_ids: Collection[int], now: datetime
) -> dict[int, tuple[datetime, bool]]:
    """Watch id → (muted until, held) for these chats' watches muted at `now`.

    Read through the `muted_until` index, whatever the number of chats: the cost follows
    the mutes running now, not the chats a story reaches."""
    if not chat_ids:
        return {}
    wanted = set(chat_ids)
    stmt = select(Watch.id, Watch.chat_id, Watch.muted_until, Watch.mute_hold).where(
        col(Watch.muted_until) > now
    )
    return {
        wid: (until, hold)
        for wid, chat, until, hold in session.exec(stmt).all()
        if wid is not None and until is not None and chat in wanted
    }


def muted_topics(
    *, session: Session, chat_ids: Collection[int], now: datetime
) -> dict[tuple[int, str], tuple[datetime, bool]]:
    """(chat, topic) → (muted until, held) for these chats' topics muted at `now` (through
    the `muted_until` index, like `muted_watch_ids`)."""
    if not chat_ids:
        return {}
    wanted = set(chat_ids)
    t = TopicSubscription
    stmt = select(t.chat_id, t.topic_id, t.muted_until, t.mute_hold).where(col(t.muted_until) > now)
    return {
        (chat, topic): (until, hold)
        for chat, topic, until, hold in session.exec(stmt).all()
        if until is not None and chat in wanted
    }
