"""Keyword watches and topic subscriptions of chats.

Keyword-only functions that receive the Session; they flush but never commit. A watch's number
is given when it is added, from its chat's counter (`Chat.watch_seq`), and kept for life: a
removed watch's number is never given again in that chat.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from postbot.errors import StoreError
from postbot.store.db import insert_ignore
from postbot.store.models import Chat, TopicSubscription, Watch
from postbot.store.repo.chats import now_or_utcnow

MAX_WATCHES = 50
# Per person, across every chat where they add watches (their private chat and the groups they
# administer): four chats' worth. Few people run more than a handful of groups with watches,
# and it bounds what one account can add to the matcher to 200 of the costliest legal watches
# (bench/match.py --adversarial), a small share of a 10,000-watch deployment.
MAX_WATCHES_PER_USER = 200
MAX_QUERY_CHARS = 200


class WatchLimitError(StoreError):
    """The chat already has the maximum number of watches."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"a chat may have at most {limit} watches")


class UserWatchLimitError(WatchLimitError):
    """The person adding the watch already has the maximum number across all chats."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.args = (f"one person may have at most {limit} watches across all chats",)


def count_owned_watches(*, session: Session, owner_id: int) -> int:
    """How many watches this Telegram user has added, in every chat."""
    stmt = select(func.count()).select_from(Watch).where(col(Watch.owner_id) == owner_id)
    return int(session.exec(stmt).one())


def list_watches(*, session: Session, chat_id: int) -> list[Watch]:
    """The chat's watches by number."""
    stmt = select(Watch).where(col(Watch.chat_id) == chat_id).order_by(col(Watch.number))
    return list(session.exec(stmt).all())


@dataclass(frozen=True, slots=True)
class NumberedWatch:
    """A watch with its display number, and whether it was there before it was asked for."""

    watch: Watch
    number: int
    existed: bool


def add_watch(
    *,
    session: Session,
    chat_id: int,
    query: str,
    max_watches: int = MAX_WATCHES,
    owner_id: int | None = None,
    max_per_owner: int = MAX_WATCHES_PER_USER,
    now: datetime | None = None,
) -> Watch:
    """Add a watch (an identical query returns the existing one).

    WatchLimitError past the chat's limit; UserWatchLimitError when `owner_id` (the user who
    adds it) already has `max_per_owner` watches across all chats.
    """
    return add_numbered_watch(
        session=session,
        chat_id=chat_id,
        query=query,
        max_watches=max_watches,
        owner_id=owner_id,
        max_per_owner=max_per_owner,
        now=now,
    ).watch


def add_numbered_watch(
    *,
    session: Session,
    chat_id: int,
    query: str,
    max_watches: int = MAX_WATCHES,
    owner_id: int | None = None,
    max_per_owner: int = MAX_WATCHES_PER_USER,
    now: datetime | None = None,
) -> NumberedWatch:
    """`add_watch`, also saying the watch's display number and whether it existed (the chat's
    watches are listed once)."""
    query = query.strip()
    if not query or len(query) > MAX_QUERY_CHARS:
        raise ValueError(f"a query must have 1 to {MAX_QUERY_CHARS} characters")
    watches = list_watches(session=session, chat_id=chat_id)
    for watch in watches:
        if watch.query == query:
            return NumberedWatch(watch, watch.number, existed=True)
    if len(watches) >= max_watches:
        raise WatchLimitError(max_watches)
    if owner_id is not None and (
        count_owned_watches(session=session, owner_id=owner_id) >= max_per_owner
    ):
        raise UserWatchLimitError(max_per_owner)
    number = next_watch_number(session=session, chat_id=chat_id)
    watch = Watch(
        chat_id=chat_id,
        query=query,
        created_at=now_or_utcnow(now),
        owner_id=owner_id,
        number=number,
    )
    session.add(watch)
    session.flush()
    return NumberedWatch(watch, number, existed=False)


def next_watch_number(*, session: Session, chat_id: int) -> int:
    """Take the chat's next watch number (the UPDATE locks the chat row until commit, so two
    watches added at once get different numbers)."""
    session.exec(
        sa.update(Chat)
        .where(col(Chat.id) == chat_id)
        .values(watch_seq=col(Chat.watch_seq) + 1)
        .execution_options(synchronize_session=False)
    )
    seq = session.exec(select(Chat.watch_seq).where(col(Chat.id) == chat_id)).one_or_none()
    if seq is None:
        raise StoreError(f"no chat {chat_id}: store the chat before its watches")
    # a chat row that predates its watches' numbers (restored from elsewhere): stay above them
    top = session.exec(
        select(func.max(col(Watch.number))).where(col(Watch.chat_id) == chat_id)
    ).one()
    if top is not None and top >= seq:
        seq = top + 1
        session.exec(
            sa.update(Chat)
            .where(col(Chat.id) == chat_id)
            .values(watch_seq=seq)
            .execution_options(synchronize_session=False)
        )
    return int(seq)


def remove_watch(*, session: Session, chat_id: int, number: int) -> bool:
    """Remove the chat's watch with this number; False if there is none."""
    return take_watch(session=session, chat_id=chat_id, number=number) is not None


def take_watch(*, session: Session, chat_id: int, number: int) -> Watch | None:
    """Remove the chat's watch with this number and return it; None if there is none."""
    taken = take_watches(session=session, chat_id=chat_id, numbers=[number])
    return taken[0] if taken else None


def take_watches(*, session: Session, chat_id: int, numbers: Collection[int]) -> list[Watch]:
    """Remove the chat's watches with these numbers; returns those found, by number."""
    if not numbers:
        return []
    stmt = (
        select(Watch)
        .where(col(Watch.chat_id) == chat_id, col(Watch.number).in_(list(numbers)))
        .order_by(col(Watch.number))
    )
    found = list(session.exec(stmt).all())
    for watch in found:
        session.delete(watch)
    session.flush()
    return found


def take_all_watches(*, session: Session, chat_id: int, up_to: int) -> list[Watch]:
    """Remove the chat's watches numbered `up_to` or less (those that existed when the user
    was asked to confirm: a watch added since is kept); returns them, by number."""
    stmt = (
        select(Watch)
        .where(col(Watch.chat_id) == chat_id, col(Watch.number) <= up_to)
        .order_by(col(Watch.number))
    )
    found = list(session.exec(stmt).all())
    for watch in found:
        session.delete(watch)
    session.flush()
    return found


def watch_seq(*, session: Session, chat_id: int) -> int:
    """The chat's last given watch number (0: none yet)."""
    seq = session.exec(select(Chat.watch_seq).where(col(Chat.id) == chat_id)).one_or_none()
    return int(seq or 0)


def take_watch_by_id(*, session: Session, chat_id: int, watch_id: int) -> Watch | None:
    """Remove a watch by id and return it; None if there is none of this chat's."""
    watch = session.get(Watch, watch_id)
    if watch is None or watch.chat_id != chat_id:
        return None
    session.delete(watch)
    session.flush()
    return watch


def subscribe_topic(
    *, session: Session, chat_id: int, topic_id: str, now: datetime | None = None
) -> bool:
    """Subscribe the chat to a topic; False if it already was."""
    values = {"chat_id": chat_id, "topic_id": topic_id, "created_at": now_or_utcnow(now)}
    return insert_ignore(session, TopicSubscription, values, ("chat_id", "topic_id"))


def unsubscribe_topic(*, session: Session, chat_id: int, topic_id: str) -> bool:
    """Unsubscribe the chat from a topic; False if it was not subscribed."""
    sub = session.get(TopicSubscription, (chat_id, topic_id))
    if sub is None:
        return False
    session.delete(sub)
    session.flush()
    return True


def chat_topics(*, session: Session, chat_id: int) -> list[str]:
    """The chat's topic ids in subscription order."""
    stmt = (
        select(TopicSubscription.topic_id)
        .where(col(TopicSubscription.chat_id) == chat_id)
        .order_by(col(TopicSubscription.created_at), col(TopicSubscription.topic_id))
    )
    return list(session.exec(stmt).all())


def watch_ids_by_query(
    *, session: Session, chat_ids: Collection[int]
) -> dict[tuple[int, str], int]:
    """(chat, query text) → the id of the chat's watch with that text (the oldest if repeated)."""
    if not chat_ids:
        return {}
    stmt = (
        select(Watch.chat_id, Watch.query, Watch.id)
        .where(col(Watch.chat_id).in_(list(chat_ids)))
        .order_by(col(Watch.id).desc())
    )
    return {(chat, query): wid for chat, query, wid in session.exec(stmt).all() if wid is not None}


def topic_pairs(*, session: Session, chat_ids: Collection[int]) -> set[tuple[int, str]]:
    """The (chat, topic) subscriptions of these chats."""
    if not chat_ids:
        return set()
    stmt = select(TopicSubscription.chat_id, TopicSubscription.topic_id).where(
        col(TopicSubscription.chat_id).in_(list(chat_ids))
    )
    return {(chat, topic) for chat, topic in session.exec(stmt).all()}


def watch_numbers(*, session: Session, chat_ids: Collection[int]) -> dict[int, int]:
    """Watch id → its number, for these chats' watches."""
    if not chat_ids:
        return {}
    stmt = select(Watch.id, Watch.number).where(col(Watch.chat_id).in_(list(chat_ids)))
    return {wid: number for wid, number in session.exec(stmt).all() if wid is not None}
