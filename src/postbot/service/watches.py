"""Keyword watches: add one (or say why not), list them with the topics, remove one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from postbot.errors import QuerySyntaxError
from postbot.match.explain import read_back, with_phrase
from postbot.match.query import parse_query
from postbot.store import repo
from postbot.store.models import Watch
from postbot.store.repo.watches import MAX_QUERY_CHARS, MAX_WATCHES

__all__ = [
    "MAX_QUERY_CHARS",
    "AddWatchResult",
    "AddedWatch",
    "QueryInvalid",
    "QueryTooLong",
    "RemovedWatch",
    "TooManyWatches",
    "WatchList",
    "add_watch",
    "read_list",
    "remove_listed",
    "remove_watch",
    "watch_list",
]


@dataclass(frozen=True, slots=True)
class AddedWatch:
    """The watch's display number, and whether the chat already had that query; `read_as` is
    the query written with explicit AND/OR (None for one word or phrase) and `suggestion` the
    query with its unquoted AND-ed words quoted as a phrase (None when there are none).
    """

    number: int
    existed: bool
    read_as: str | None = None
    suggestion: str | None = None


@dataclass(frozen=True, slots=True)
class QueryTooLong:
    """Refused: the query has `length` characters, more than `limit`."""

    length: int
    limit: int


@dataclass(frozen=True, slots=True)
class QueryInvalid:
    """Refused: the query does not parse (the error says where and why)."""

    error: QuerySyntaxError


@dataclass(frozen=True, slots=True)
class TooManyWatches:
    """Refused: the chat (or, `per_user`, the person across all chats) has `limit` watches."""

    limit: int
    per_user: bool


AddWatchResult = AddedWatch | QueryTooLong | QueryInvalid | TooManyWatches


@dataclass(frozen=True, slots=True)
class WatchList:
    """A chat's watches (in number order) and the topics it follows (in subscription order)."""

    watches: list[Watch]
    topic_ids: list[str]


@dataclass(frozen=True, slots=True)
class RemovedWatch:
    """The watch /unwatch removed: its number and query."""

    number: int
    query: str


def add_watch(
    engine: sa.Engine, *, chat_id: int, owner_id: int | None, query: str, now: datetime
) -> AddWatchResult:
    """Add a keyword watch to the chat (counted against `owner_id`'s own cap, if any)."""
    if len(query) > MAX_QUERY_CHARS:
        return QueryTooLong(len(query), MAX_QUERY_CHARS)
    try:
        node = parse_query(query)
    except QuerySyntaxError as exc:
        return QueryInvalid(exc)
    with Session(engine) as session:
        try:
            added = repo.add_numbered_watch(
                session=session,
                chat_id=chat_id,
                query=query,
                max_watches=MAX_WATCHES,
                owner_id=owner_id,
                now=now,
            )
        except repo.UserWatchLimitError as exc:
            return TooManyWatches(exc.limit, per_user=True)
        except repo.WatchLimitError as exc:
            return TooManyWatches(exc.limit, per_user=False)
        session.commit()
    read_as = read_back(node)
    if read_as == " ".join(query.split()):  # written out already: nothing to add
        read_as = None
    return AddedWatch(added.number, added.existed, read_as, with_phrase(query, node))


def read_list(session: Session, chat_id: int) -> WatchList:
    """The chat's watches and topics, read in `session`."""
    return WatchList(
        repo.list_watches(session=session, chat_id=chat_id),
        repo.chat_topics(session=session, chat_id=chat_id),
    )


def watch_list(engine: sa.Engine, chat_id: int) -> WatchList:
    """The chat's watches and topics (rows detached, for display)."""
    with Session(engine, expire_on_commit=False) as session:
        return read_list(session, chat_id)


def remove_watch(engine: sa.Engine, *, chat_id: int, number: int) -> RemovedWatch | None:
    """Remove the chat's watch with this display number; None if there is none."""
    with Session(engine) as session:
        watch = repo.take_watch(session=session, chat_id=chat_id, number=number)
        removed = None if watch is None else RemovedWatch(number, watch.query)
        session.commit()
    return removed


def remove_listed(
    engine: sa.Engine, *, chat_id: int, watch_id: int | None = None, topic_id: str | None = None
) -> tuple[bool, WatchList]:
    """A ❌ under /watches: remove the watch (by id) or the topic; (removed, the list after)."""
    with Session(engine, expire_on_commit=False) as session:
        if watch_id is not None:
            removed = (
                repo.take_watch_by_id(session=session, chat_id=chat_id, watch_id=watch_id)
                is not None
            )
        elif topic_id is not None:
            removed = repo.unsubscribe_topic(session=session, chat_id=chat_id, topic_id=topic_id)
        else:
            raise ValueError("remove_listed needs a watch id or a topic id")
        session.commit()
        return removed, read_list(session, chat_id)
