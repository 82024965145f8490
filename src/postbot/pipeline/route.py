"""Which chats a story goes to, and why: every active chat's topics and watches in one matcher.

The watch matcher is rebuilt only when the watches change (their count or newest id moved) or
the config was reloaded, so a poll normally costs one match per story however many chats there
are. Each chat's `Reasons` (store/reasons.py) are stored with its delivery: the topic ids, the
watches' ids with their query text as it was (so the alert can say why it matched even if the
watch was removed before it was sent) and the spans to bold for that chat's own topics and
watches. Sending renders from these and never matches the story again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from postbot.config.catalog import Catalog
from postbot.errors import QuerySyntaxError
from postbot.match.query import Node, parse_query
from postbot.match.topics import StoryMatch, StoryMatcher
from postbot.store import repo
from postbot.store.reasons import Reasons, WatchReason

log = logging.getLogger(__name__)


class Routed(dict[int, Reasons]):
    """Each chat's reasons; `held_until` names the chats whose every matching watch or topic
    is muted with `hold`: their alert waits until the first of those mutes ends."""

    def __init__(self) -> None:
        super().__init__()
        self.held_until: dict[int, datetime] = {}


@dataclass(frozen=True, slots=True)
class _WatchOwner:
    chat_id: int
    watch_id: int
    created_at: datetime


class Router:
    """Matches stories against all topics and active watches and names the chats to alert."""

    def __init__(self) -> None:
        self._signature: tuple[object, ...] | None = None
        self._matcher: StoryMatcher[str] | None = None
        self._owners: dict[str, list[_WatchOwner]] = {}

    def refresh(self, session: Session, catalog: Catalog, catalog_version: int) -> None:
        """Rebuild the matcher if watches or the config changed since the last build."""
        signature = (catalog_version, id(catalog), *repo.watches_shape(session=session))
        if signature == self._signature and self._matcher is not None:
            return
        owners: dict[str, list[_WatchOwner]] = defaultdict(list)
        parsed: dict[str, Node] = {}
        for watch in repo.all_watches(session=session):
            if watch.query not in parsed:
                try:
                    parsed[watch.query] = parse_query(watch.query)
                except QuerySyntaxError as exc:  # stored before a grammar change: skip, say so
                    log.warning(
                        "watch %s of chat %s no longer parses: %s", watch.id, watch.chat_id, exc
                    )
                    continue
            owners[watch.query].append(_WatchOwner(watch.chat_id, watch.id or 0, watch.created_at))
        self._matcher = StoryMatcher(catalog.topics, parsed)
        self._owners = dict(owners)
        self._signature = signature

    def match(self, title: str, summary: str) -> StoryMatch[str]:
        """Match one story (after `refresh`)."""
        if self._matcher is None:
            raise RuntimeError("Router.refresh must run before match")
        return self._matcher.match(title, summary)

    def recipients(
        self,
        session: Session,
        match: StoryMatch[str],
        *,
        first_seen: datetime,
        now: datetime | None = None,
    ) -> Routed:
        """Active chats this match concerns, each with its reasons (topics first, then watches)
        and the spans of that chat's topics and watches.

        A watch counts only if it existed when the story was first seen. Watches and topics
        muted at `now` (default: `first_seen`) are left out of the reasons; a chat whose every
        matching one is muted gets nothing, or, when some of those mutes hold, an alert held
        (`Routed.held_until`) naming those.
        """
        topics: dict[int, list[str]] = defaultdict(list)
        watches: dict[int, dict[str, int]] = defaultdict(dict)
        order = {t: i for i, t in enumerate(match.topics)}
        followers = repo.topic_followers(session=session, topic_ids=match.topics)
        for chat_id, topic_id in sorted(followers, key=lambda r: order[r[1]]):
            topics[chat_id].append(topic_id)
        for query in match.watches:
            for owner in self._owners.get(query, ()):
                if owner.created_at <= first_seen:
                    watches[owner.chat_id].setdefault(query, owner.watch_id)
        active = repo.active_chat_ids(session=session, chat_ids=topics.keys() | watches.keys())
        # thousands of chats follow the same topics: their spans are worked out once
        spans: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[tuple[int, int], ...]] = {}
        chats = [c for c in [*topics, *(c for c in watches if c not in topics)] if c in active]
        at = now or first_seen
        muted_w = repo.muted_watch_ids(session=session, chat_ids=chats, now=at)
        muted_t = repo.muted_topics(session=session, chat_ids=chats, now=at)
        out = Routed()
        for chat_id in chats:
            chat_topics = tuple(dict.fromkeys(topics.get(chat_id, ())))
            chat_watches = [WatchReason(i, q) for q, i in watches.get(chat_id, {}).items()]
            live_t = tuple(t for t in chat_topics if (chat_id, t) not in muted_t)
            live_w = [w for w in chat_watches if w.id not in muted_w]
            if live_t or live_w:
                out[chat_id] = reasons_for(match, live_t, live_w, cache=spans)
                continue
            held = {t: muted_t[chat_id, t] for t in chat_topics if muted_t[chat_id, t][1]}
            held_w = [w for w in chat_watches if w.id is not None and muted_w[w.id][1]]
            ends = [u for u, _ in held.values()] + [muted_w[w.id or 0][0] for w in held_w]
            if ends:
                out[chat_id] = reasons_for(match, tuple(held), held_w, cache=spans)
                out.held_until[chat_id] = min(ends)
        return out


def reasons_for(
    match: StoryMatch[str],
    topics: Sequence[str],
    watches: Sequence[WatchReason],
    *,
    cache: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[tuple[int, int], ...]] | None = None,
) -> Reasons:
    """One chat's reasons for a matched story: its topics and watches that matched, and the
    spans of their words (`cache` shares them between chats with the same topics and watches)."""
    key = (tuple(topics), tuple(w.query for w in watches))
    spans = None if cache is None else cache.get(key)
    if spans is None:
        spans = match.highlights(key[0], key[1])
        if cache is not None:
            cache[key] = spans
    return Reasons(key[0], tuple(watches), spans=spans, chars=len(match.document.text))
