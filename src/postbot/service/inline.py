"""Inline mode (`@bot query` in any chat): the recent stories a topic or query matched, to share.

The same subjects as /trend (a topic's id or name, else a /watch query) and the same matcher;
one result per story however many outlets carried it (its first copy), newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from postbot.alerts.trend import sighting_time
from postbot.config.catalog import Catalog
from postbot.service.trend import Subject, outlet_names
from postbot.store import repo
from postbot.store.models import DEFAULT_TZ

INLINE_DAYS = 7
INLINE_RESULTS = 20


@dataclass(frozen=True, slots=True)
class Found:
    """A story to offer: its first copy's title, link, outlet and time."""

    story_id: int
    title: str
    link: str | None
    outlet: str
    when: datetime


def recent_matches(
    engine: sa.Engine,
    catalog: Catalog,
    subject: Subject,
    *,
    now: datetime,
    days: int = INLINE_DAYS,
    limit: int = INLINE_RESULTS,
) -> list[Found]:
    """The newest stories of the last `days` days the subject matches, one per cluster."""
    counts = subject.test()
    first: dict[int, repo.WindowStory] = {}
    with Session(engine) as session:
        for story in repo.stories_seen_between(
            session=session, since=now - timedelta(days=days), until=now + timedelta(minutes=1)
        ):
            if story.root_id in first or not counts(story.title, story.summary):
                continue
            first[story.root_id] = story

    def newest_first(s: repo.WindowStory) -> tuple[datetime, int]:
        return sighting_time(s.published, s.first_seen_at), s.id

    newest = sorted(first.values(), key=newest_first, reverse=True)[:limit]
    names = outlet_names(engine, catalog, {s.feed_id for s in newest})
    return [
        Found(s.id, s.title, s.link, names[s.feed_id], sighting_time(s.published, s.first_seen_at))
        for s in newest
    ]


def user_tz(engine: sa.Engine, user_id: int) -> str:
    """The time zone of the person's private chat with the bot (/tz), else the default."""
    with Session(engine) as session:
        chat = repo.get_chat(session=session, chat_id=user_id)
    return chat.tz if chat is not None else DEFAULT_TZ
