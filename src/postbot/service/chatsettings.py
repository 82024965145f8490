"""How a chat takes its alerts: /format, /silent, /sources and /connect (SPEC §5)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from postbot.store import repo


@dataclass(frozen=True, slots=True)
class Channel:
    """The channel a chat's alerts go to."""

    id: int
    title: str | None


def set_format(engine: sa.Engine, *, chat_id: int, alert_format: str, now: datetime) -> None:
    """Full alerts or compact ones (title, outlet and link)."""
    with Session(engine) as session:
        repo.set_chat_format(session=session, chat_id=chat_id, alert_format=alert_format, now=now)
        session.commit()


def set_silent(engine: sa.Engine, *, chat_id: int, on: bool, now: datetime) -> None:
    """Alerts sent without a sound (on) or with one."""
    with Session(engine) as session:
        repo.set_chat_silent(session=session, chat_id=chat_id, on=on, now=now)
        session.commit()


def excluded_feeds(engine: sa.Engine, chat_id: int) -> frozenset[str]:
    """The outlets (feed ids) the chat left out (none for a chat not stored)."""
    with Session(engine) as session:
        chat = repo.get_chat(session=session, chat_id=chat_id)
        return frozenset(chat.excluded_feeds or ()) if chat else frozenset()


def toggle_feed(
    engine: sa.Engine, *, chat_id: int, feed_id: str, known: Collection[str], now: datetime
) -> frozenset[str]:
    """Leave the outlet out, or hear it again; returns the outlets left out now (only those
    still `known`: a feed removed from the config is forgotten)."""
    with Session(engine) as session:
        chat = repo.get_chat(session=session, chat_id=chat_id)
        if chat is None:
            raise KeyError(f"no chat {chat_id}")
        out = set(chat.excluded_feeds or ()) & set(known)
        out ^= {feed_id}
        repo.set_chat_excluded_feeds(session=session, chat_id=chat_id, feed_ids=out, now=now)
        session.commit()
    return frozenset(out)


def channel_of(engine: sa.Engine, chat_id: int) -> Channel | None:
    """The channel the chat's alerts go to, if connected."""
    with Session(engine) as session:
        chat = repo.get_chat(session=session, chat_id=chat_id)
        if chat is None or chat.channel_id is None:
            return None
        return Channel(chat.channel_id, chat.channel_title)


def connect(
    engine: sa.Engine, *, chat_id: int, channel_id: int, title: str | None, now: datetime
) -> None:
    """Send the chat's alerts to the channel from now on."""
    with Session(engine) as session:
        repo.set_chat_channel(
            session=session, chat_id=chat_id, channel_id=channel_id, title=title, now=now
        )
        session.commit()


def disconnect(engine: sa.Engine, *, chat_id: int, now: datetime) -> Channel | None:
    """Alerts to the chat itself again; the channel it was connected to, if any."""
    with Session(engine) as session:
        chat = repo.get_chat(session=session, chat_id=chat_id)
        if chat is None or chat.channel_id is None:
            return None
        was = Channel(chat.channel_id, chat.channel_title)
        repo.set_chat_channel(
            session=session, chat_id=chat_id, channel_id=None, title=None, now=now
        )
        session.commit()
    return was


def channel_gone(engine: sa.Engine, *, channel_id: int, now: datetime) -> list[tuple[int, str]]:
    """The bot left or was removed from a channel: every chat connected to it hears its alerts
    again; returns those chats with their language, to tell them."""
    with Session(engine) as session:
        connected = repo.chats_connected_to(session=session, channel_id=channel_id)
        told = [(chat.id, chat.lang) for chat in connected]
        for chat_id, _ in told:
            repo.set_chat_channel(
                session=session, chat_id=chat_id, channel_id=None, title=None, now=now
            )
        session.commit()
    return told
