"""What the admin commands read: store figures, the feeds' health, a reloaded config."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from postbot.config.catalog import Catalog
from postbot.config.load import load_config
from postbot.store import repo
from postbot.store.models import Feed

STATS_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Stats:
    """/stats: active chats and their watches, alerts sent in 24 h and waiting, feeds failing."""

    chats: int
    watches: int
    sent: int
    pending: int
    failing: int
    feeds: int


def stats(engine: sa.Engine, *, now: datetime) -> Stats:
    """The store's figures for /stats."""
    with Session(engine) as session:
        store = repo.store_stats(session=session, since=now - STATS_WINDOW)
        pending = repo.count_pending(session=session)
        feeds = len(repo.list_feeds(session=session, enabled_only=True))
    return Stats(
        store.active_chats, store.watches, store.sent_since, pending, store.failing_feeds, feeds
    )


def feed_statuses(engine: sa.Engine) -> list[Feed]:
    """Every feed row (detached): enabled ones first, then by id."""
    with Session(engine, expire_on_commit=False) as session:
        feeds = repo.list_feeds(session=session)
    return sorted(feeds, key=lambda f: (not f.enabled, f.id))


def load_catalog(config_path: Path, extra_admins: frozenset[int]) -> Catalog:
    """The config file read again, as a catalog (ConfigError / PostbotError if it is bad)."""
    return Catalog.build(load_config(config_path), extra_admins)
