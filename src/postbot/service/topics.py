"""Topics a chat follows, and the alert button that stops a topic (muting a watch for a day
is service/watchstate.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from postbot.store import repo


@dataclass(frozen=True, slots=True)
class Toggled:
    """Whether a topic button followed (True) or unfollowed the topic; the topics now."""

    added: bool
    topics: frozenset[str]


@dataclass(frozen=True, slots=True)
class Following:
    """What a chat follows now: its watch ids and topic ids (for an alert's live buttons)."""

    watch_ids: frozenset[int]
    topic_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class AlertButton:
    """What an alert's button did (the removed query, or whether the topic was stopped) and
    what the chat follows afterwards."""

    done: bool
    following: Following
    query: str | None = None  # the muted watch's query


def chat_topics(engine: sa.Engine, chat_id: int) -> frozenset[str]:
    """The topics the chat follows."""
    with Session(engine) as session:
        return frozenset(repo.chat_topics(session=session, chat_id=chat_id))


def toggle_topic(engine: sa.Engine, *, chat_id: int, topic_id: str, now: datetime) -> Toggled:
    """Follow the topic, or unfollow it if the chat already does."""
    with Session(engine) as session:
        added = repo.subscribe_topic(session=session, chat_id=chat_id, topic_id=topic_id, now=now)
        if not added:
            repo.unsubscribe_topic(session=session, chat_id=chat_id, topic_id=topic_id)
        topics = frozenset(repo.chat_topics(session=session, chat_id=chat_id))
        session.commit()
    return Toggled(added, topics)


def _following(session: Session, chat_id: int) -> Following:
    watches = repo.list_watches(session=session, chat_id=chat_id)
    return Following(
        frozenset(w.id for w in watches if w.id is not None),
        frozenset(repo.chat_topics(session=session, chat_id=chat_id)),
    )


def stop_topic(engine: sa.Engine, *, chat_id: int, topic_id: str) -> AlertButton:
    """⏹ under an alert: unfollow that topic."""
    with Session(engine) as session:
        stopped = repo.unsubscribe_topic(session=session, chat_id=chat_id, topic_id=topic_id)
        session.commit()
        return AlertButton(stopped, _following(session, chat_id))
