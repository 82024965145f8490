"""Chats: creation, settings, pause/resume, and the group → supergroup id migration.

Keyword-only functions that receive the Session; they flush but never commit.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from postbot.alerts.texts import LANGS
from postbot.store.db import insert_ignore, table_of
from postbot.store.models import (
    DEFAULT_TZ,
    Chat,
    ChatKind,
    Delivery,
    Digest,
    TopicSubscription,
    Watch,
)

# What a chat's members chose, carried over when Telegram moves a group to a new id.
_SETTINGS = (
    "title",
    "lang",
    "active",
    "digest",
    "digest_at",
    "tz",
    "quiet_start",
    "quiet_end",
    "breaking",
    "alert_format",
    "silent",
    "excluded_feeds",
    "channel_id",
    "channel_title",
    "watch_seq",
    "paused_until",
    "pause_hold",
)


def now_or_utcnow(now: datetime | None) -> datetime:
    """`now`, or the current UTC time when None."""
    return now if now is not None else datetime.now(UTC)


def get_chat(*, session: Session, chat_id: int) -> Chat | None:
    """The chat row with this id, if any."""
    return session.get(Chat, chat_id)


def get_or_create_chat(
    *,
    session: Session,
    chat_id: int,
    kind: str,
    title: str | None,
    lang: str,
    now: datetime | None = None,
) -> Chat:
    """Return the chat, creating it (active) if new; an existing chat keeps its language."""
    now = now_or_utcnow(now)
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}")
    kind = ChatKind(kind).value
    values = {
        "id": chat_id,
        "kind": kind,
        "title": title,
        "lang": lang,
        "active": True,
        "digest": Digest.OFF.value,
        "tz": DEFAULT_TZ,
        "created_at": now,
        "updated_at": now,
    }
    # Two webhook processes may see a new chat's first updates at the same moment.
    insert_ignore(session, Chat, values, ("id",))
    chat = session.exec(select(Chat).where(col(Chat.id) == chat_id)).one()
    if chat.title != title or chat.kind != kind:
        chat.title, chat.kind, chat.updated_at = title, kind, now
        session.add(chat)
        session.flush()
    return chat


def _require_chat(session: Session, chat_id: int) -> Chat:
    chat = session.get(Chat, chat_id)
    if chat is None:
        raise KeyError(f"no chat {chat_id}")
    return chat


def _touch(session: Session, chat: Chat, now: datetime | None) -> Chat:
    chat.updated_at = now_or_utcnow(now)
    session.add(chat)
    session.flush()
    return chat


def set_chat_active(
    *, session: Session, chat_id: int, active: bool, now: datetime | None = None
) -> bool:
    """Pause or resume a chat; False if the chat is unknown. Its watches are kept either way."""
    chat = session.get(Chat, chat_id)
    if chat is None:
        return False
    chat.active = active
    _touch(session, chat, now)
    return True


def set_chat_lang(
    *, session: Session, chat_id: int, lang: str, now: datetime | None = None
) -> Chat:
    """Set the chat's reply language ("ar" or "en")."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}")
    chat = _require_chat(session, chat_id)
    chat.lang = lang
    return _touch(session, chat, now)


def set_chat_digest(
    *, session: Session, chat_id: int, digest: str, at: str | None, now: datetime | None = None
) -> Chat:
    """Set instant alerts ("off") or an hourly/daily digest, optionally at "HH:MM"."""
    chat = _require_chat(session, chat_id)
    chat.digest, chat.digest_at = Digest(digest).value, at
    return _touch(session, chat, now)


def set_chat_breaking(
    *, session: Session, chat_id: int, on: bool, now: datetime | None = None
) -> Chat:
    """Turn on or off every breaking story for this chat, whatever it follows (`/breaking`)."""
    chat = _require_chat(session, chat_id)
    chat.breaking = on
    return _touch(session, chat, now)


def set_chat_tz(*, session: Session, chat_id: int, tz: str, now: datetime | None = None) -> Chat:
    """Set the chat's IANA time zone (validated by the caller)."""
    chat = _require_chat(session, chat_id)
    chat.tz = tz
    return _touch(session, chat, now)


def set_chat_quiet(
    *,
    session: Session,
    chat_id: int,
    start: str | None,
    end: str | None,
    now: datetime | None = None,
) -> Chat:
    """Set quiet hours "HH:MM"-"HH:MM", or clear them with None, None."""
    if (start is None) != (end is None):
        raise ValueError("quiet hours need both a start and an end")
    chat = _require_chat(session, chat_id)
    chat.quiet_start, chat.quiet_end = start, end
    return _touch(session, chat, now)


def set_chat_format(
    *, session: Session, chat_id: int, alert_format: str, now: datetime | None = None
) -> Chat:
    """Full alerts ("full") or title, outlet and link only ("compact")."""
    if alert_format not in ("full", "compact"):
        raise ValueError(f"unknown alert format {alert_format!r}")
    chat = _require_chat(session, chat_id)
    chat.alert_format = alert_format
    return _touch(session, chat, now)


def set_chat_silent(
    *, session: Session, chat_id: int, on: bool, now: datetime | None = None
) -> Chat:
    """Alerts sent without a notification sound (on) or with one."""
    chat = _require_chat(session, chat_id)
    chat.silent = on
    return _touch(session, chat, now)


def set_chat_excluded_feeds(
    *, session: Session, chat_id: int, feed_ids: Collection[str], now: datetime | None = None
) -> Chat:
    """The outlets (feed ids) this chat does not hear from; empty: every outlet."""
    chat = _require_chat(session, chat_id)
    chat.excluded_feeds = sorted(set(feed_ids)) or None
    return _touch(session, chat, now)


def set_chat_channel(
    *,
    session: Session,
    chat_id: int,
    channel_id: int | None,
    title: str | None,
    only: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Connect the chat to a channel (its alerts go there), or disconnect it (None).

    `only`: change nothing unless the chat is connected to that channel now (a connection made
    again meanwhile is kept). False when nothing changed.
    """
    chat = session.get(Chat, chat_id)
    if chat is None or (only is not None and chat.channel_id != only):
        return False
    chat.channel_id, chat.channel_title = channel_id, title
    _touch(session, chat, now)
    return True


def migrate_chat_id(
    *, session: Session, old_id: int, new_id: int, now: datetime | None = None
) -> bool:
    """Move a group that became a supergroup: settings, watches, topics and deliveries follow."""
    now = now_or_utcnow(now)
    old = session.get(Chat, old_id)
    if old is None or old_id == new_id:
        return False
    new = session.get(Chat, new_id)
    if new is None:
        new = Chat(id=new_id, created_at=old.created_at)
    own_seq = new.watch_seq or 0  # the numbers the new chat gave out itself, if any
    # The old chat's settings win: a row created for the new id only has defaults.
    for name in _SETTINGS:
        setattr(new, name, getattr(old, name))
    # whoever is sending to the group keeps sending to the supergroup, at the same pace: its
    # alerts move to the new id, and only the chat's lease keeps other processes off them
    for name in ("send_lease_owner", "send_lease_until", "last_sent_at"):
        setattr(new, name, getattr(old, name))
    new.kind, new.updated_at = ChatKind.SUPERGROUP.value, now
    _renumber_above(session, old_id, new_id, new, own_seq)
    session.add(new)
    session.flush()
    _rechat(session, Watch, old_id, new_id, key=None)
    _rechat(session, TopicSubscription, old_id, new_id, key="topic_id")
    _rechat(session, Delivery, old_id, new_id, key="story_id")
    session.delete(old)
    session.flush()
    return True


def _renumber_above(session: Session, old_id: int, new_id: int, new: Chat, own_seq: int) -> None:
    """Watches the new chat already has keep their numbers; the old chat's follow them (a
    watch's number is unique in its chat), and the counter goes on from the last."""
    taken = session.exec(select(Watch.number).where(col(Watch.chat_id) == new_id)).all()
    if not taken:
        return
    top = max(own_seq, *taken)
    moving = session.exec(
        select(Watch.id).where(col(Watch.chat_id) == old_id).order_by(col(Watch.number))
    ).all()
    table = table_of(Watch)
    # out of the way first (negative numbers are free), so no step collides within the chat
    session.exec(sa.update(table).where(table.c.chat_id == old_id).values(number=-table.c.number))
    for watch_id in moving:
        top += 1
        session.exec(sa.update(table).where(table.c.id == watch_id).values(number=top))
    new.watch_seq = top  # loaded watches are reloaded after the move (`_rechat`)


def _rechat(
    session: Session, model: type[SQLModel], old_id: int, new_id: int, key: str | None
) -> None:
    """Point the old chat's rows at the new chat id, at the Core level."""
    table = table_of(model)
    chat = table.c.chat_id
    if key is not None:
        # Rows the new chat already has would collide on `key`: the new chat's copy wins.
        taken = sa.select(table.c[key]).where(chat == new_id)
        session.exec(sa.delete(table).where(chat == old_id, table.c[key].in_(taken)))
    session.exec(sa.update(table).where(chat == old_id).values(chat_id=new_id))
    # Loaded rows still carry the old id; make the session reload them.
    session.expire_all()


def chats_by_id(*, session: Session, chat_ids: Collection[int]) -> dict[int, Chat]:
    """These chats' rows (for their digest and quiet-hour settings), by id."""
    if not chat_ids:
        return {}
    chats = session.exec(select(Chat).where(col(Chat.id).in_(list(chat_ids)))).all()
    return {c.id: c for c in chats}
