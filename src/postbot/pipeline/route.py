"""Which chats a story goes to, and why: every active chat's topics and watches in one matcher.

The watch matcher is rebuilt only when the watches change (their count or newest id moved) or
the config was reloaded, so a poll normally costs one match per story however many chats there
are. Reasons are stored with each delivery as "topic:<id>" and "watch:<query text>", so the
alert can say why it matched even if the watch was removed before it was sent.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from postbot.config.catalog import Catalog
from postbot.errors import QuerySyntaxError
from postbot.match.query import Node, parse_query
from postbot.match.topics import StoryMatch, StoryMatcher
from postbot.store.models import Chat, TopicSubscription, Watch

log = logging.getLogger(__name__)

TOPIC = "topic:"
WATCH = "watch:"


def topic_reason(topic_id: str) -> str:
    """The stored reason for a topic match."""
    return TOPIC + topic_id


def watch_reason(query: str) -> str:
    """The stored reason for a watch match."""
    return WATCH + query


def split_reasons(reasons: list[str]) -> tuple[list[str], list[str]]:
    """Stored reasons back into (topic ids, watch queries)."""
    topics = [r.removeprefix(TOPIC) for r in reasons if r.startswith(TOPIC)]
    watches = [r.removeprefix(WATCH) for r in reasons if r.startswith(WATCH)]
    return topics, watches


@dataclass(frozen=True, slots=True)
class _WatchOwner:
    chat_id: int
    created_at: datetime


class Router:
    """Matches stories against all topics and active watches and names the chats to alert."""

    def __init__(self) -> None:
        self._signature: tuple[object, ...] | None = None
        self._matcher: StoryMatcher[str] | None = None
        self._owners: dict[str, list[_WatchOwner]] = {}

    def refresh(self, session: Session, catalog: Catalog, catalog_version: int) -> None:
        """Rebuild the matcher if watches or the config changed since the last build."""
        # what changes when a watch is added, removed, re-added under a reused id (SQLite reuses
        # the newest id) or moved to another chat (a group that became a supergroup)
        shape = session.exec(
            select(
                func.count(),
                func.max(col(Watch.id)),
                func.max(col(Watch.created_at)),
                func.coalesce(func.sum(col(Watch.chat_id)), 0),
            )
        ).one()
        signature = (catalog_version, id(catalog), *shape)
        if signature == self._signature and self._matcher is not None:
            return
        owners: dict[str, list[_WatchOwner]] = defaultdict(list)
        parsed: dict[str, Node] = {}
        for watch in session.exec(select(Watch)).all():
            if watch.query not in parsed:
                try:
                    parsed[watch.query] = parse_query(watch.query)
                except QuerySyntaxError as exc:  # stored before a grammar change: skip, say so
                    log.warning(
                        "watch %s of chat %s no longer parses: %s", watch.id, watch.chat_id, exc
                    )
                    continue
            owners[watch.query].append(_WatchOwner(watch.chat_id, watch.created_at))
        self._matcher = StoryMatcher(catalog.topics, parsed)
        self._owners = dict(owners)
        self._signature = signature

    def match(self, title: str, summary: str) -> StoryMatch[str]:
        """Match one story (after `refresh`)."""
        if self._matcher is None:
            raise RuntimeError("Router.refresh must run before match")
        return self._matcher.match(title, summary)

    def recipients(
        self, session: Session, match: StoryMatch[str], *, first_seen: datetime
    ) -> dict[int, list[str]]:
        """Active chats this match concerns, each with its reasons (topics first, then watches).

        A watch counts only if it existed when the story was first seen.
        """
        reasons: dict[int, list[str]] = defaultdict(list)
        if match.topics:
            stmt = select(TopicSubscription.chat_id, TopicSubscription.topic_id).where(
                col(TopicSubscription.topic_id).in_(match.topics)
            )
            order = {t: i for i, t in enumerate(match.topics)}
            for chat_id, topic_id in sorted(session.exec(stmt).all(), key=lambda r: order[r[1]]):
                reasons[chat_id].append(topic_reason(topic_id))
        for query in match.watches:
            for owner in self._owners.get(query, ()):
                if owner.created_at <= first_seen:
                    reasons[owner.chat_id].append(watch_reason(query))
        if not reasons:
            return {}
        active = set(
            session.exec(
                select(Chat.id).where(col(Chat.id).in_(list(reasons)), col(Chat.active).is_(True))
            ).all()
        )
        return {chat: list(dict.fromkeys(r)) for chat, r in reasons.items() if chat in active}
