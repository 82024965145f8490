"""Mutes and pauses (/mute, /pause, /resume, the 🔕 button) and the alerts they hold.

Keyword-only functions that receive the Session; they flush but never commit. A mute or pause
lasts until its stored instant: routing compares with now (store/repo/routing.py), so nothing
has to clear it when it ends. Alerts held by one wait as HELD deliveries whose `hold` says why
("pause", "mute"); they go out as a digest at their release time, or sooner when /resume ends
the mute or pause early (`release_held`). Alerts waiting when a chat sent /stop are kept and
come back as one "while you were away" digest on /start (`recall_waiting`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from postbot.store.models import Chat, Delivery, DeliveryStatus, TopicSubscription, Watch
from postbot.store.reasons import Reasons, reasons_of
from postbot.store.repo.outbox import MAX_ERROR_CHARS

PAUSE = "pause"
MUTE = "mute"
AWAY = "away"
HOLDS = (PAUSE, MUTE, AWAY)


@dataclass(frozen=True, slots=True)
class TopicMute:
    """A followed topic that is muted: until when, and whether its alerts are held."""

    topic_id: str
    until: datetime
    hold: bool


@dataclass(frozen=True, slots=True)
class ChatSilence:
    """What is silent in a chat right now: the pause, the muted watches and topics."""

    paused_until: datetime | None
    pause_hold: bool
    watches: list[Watch]
    topics: list[TopicMute]


def mute_watch(
    *, session: Session, chat_id: int, watch_id: int, until: datetime | None, hold: bool = False
) -> Watch | None:
    """Mute the chat's watch (by id) until then (None: unmute); None if the chat has no such
    watch."""
    watch = session.get(Watch, watch_id)
    if watch is None or watch.chat_id != chat_id:
        return None
    watch.muted_until, watch.mute_hold = until, hold and until is not None
    session.add(watch)
    session.flush()
    return watch


def mute_topic(
    *, session: Session, chat_id: int, topic_id: str, until: datetime | None, hold: bool = False
) -> bool:
    """Mute a topic the chat follows until then (None: unmute); False if it does not follow it."""
    sub = session.get(TopicSubscription, (chat_id, topic_id))
    if sub is None:
        return False
    sub.muted_until, sub.mute_hold = until, hold and until is not None
    session.add(sub)
    session.flush()
    return True


def pause_chat(
    *, session: Session, chat_id: int, until: datetime | None, hold: bool = False
) -> bool:
    """Pause the whole chat until then (None: resume); False if the chat is not stored."""
    chat = session.get(Chat, chat_id)
    if chat is None:
        return False
    chat.paused_until, chat.pause_hold = until, hold and until is not None
    session.add(chat)
    session.flush()
    return True


def chat_silence(*, session: Session, chat_id: int, now: datetime) -> ChatSilence:
    """The chat's pause and mutes still running at `now`."""
    chat = session.get(Chat, chat_id)
    paused = chat.paused_until if chat and chat.paused_until and chat.paused_until > now else None
    watches = session.exec(
        select(Watch)
        .where(col(Watch.chat_id) == chat_id, col(Watch.muted_until) > now)
        .order_by(col(Watch.number))
    ).all()
    topics = session.exec(
        select(TopicSubscription)
        .where(col(TopicSubscription.chat_id) == chat_id, col(TopicSubscription.muted_until) > now)
        .order_by(col(TopicSubscription.created_at))
    ).all()
    return ChatSilence(
        paused,
        bool(paused and chat and chat.pause_hold),
        list(watches),
        [TopicMute(t.topic_id, t.muted_until, t.mute_hold) for t in topics if t.muted_until],
    )


def release_held(
    *,
    session: Session,
    chat_id: int,
    hold: str,
    at: datetime,
    concerns: Callable[[Reasons], bool] | None = None,
    later_too: bool = False,
) -> int:
    """Move the chat's alerts held by `hold` (those whose reasons `concerns` accepts, if
    given) to go out at `at`, when the mute or pause that held them ended early; with
    `later_too` also those due sooner (the mute or pause was made longer)."""
    stmt = select(Delivery).where(
        col(Delivery.chat_id) == chat_id,
        col(Delivery.status) == DeliveryStatus.HELD.value,
        col(Delivery.hold) == hold,
    )
    if not later_too:
        stmt = stmt.where(col(Delivery.next_attempt_at) > at)
    rows = session.exec(stmt).all()
    moved = 0
    for row in rows:
        if concerns is None or concerns(reasons_of(row.reasons, row.watch_ids)):
            row.next_attempt_at = at
            session.add(row)
            moved += 1
    session.flush()
    return moved


def keep_waiting(*, session: Session, chat_id: int) -> int:
    """/stop: the chat's pending alerts wait, held, for /start (the dispatcher skips inactive
    chats); returns how many alerts wait now, held ones included."""
    waiting = [DeliveryStatus.PENDING.value, DeliveryStatus.HELD.value]
    stmt = sa.update(Delivery).where(
        col(Delivery.chat_id) == chat_id, col(Delivery.status) == DeliveryStatus.PENDING.value
    )
    session.exec(
        stmt.values(status=DeliveryStatus.HELD.value, hold=AWAY).execution_options(
            synchronize_session=False
        )
    )
    count = session.exec(
        select(sa.func.count())
        .select_from(Delivery)
        .where(col(Delivery.chat_id) == chat_id, col(Delivery.status).in_(waiting))
    ).one()
    return int(count)


def recall_waiting(*, session: Session, chat_id: int, now: datetime, cap: int) -> int:
    """/start after /stop: the alerts that waited go out now as one "while you were away"
    digest, the newest `cap` of them; older ones are given up. Returns how many go out."""
    rows = session.exec(
        select(Delivery)
        .where(
            col(Delivery.chat_id) == chat_id,
            col(Delivery.status).in_([DeliveryStatus.PENDING.value, DeliveryStatus.HELD.value]),
        )
        .order_by(col(Delivery.created_at).desc(), col(Delivery.id).desc())
    ).all()
    for n, row in enumerate(rows):
        if n < cap:
            row.status, row.hold, row.next_attempt_at = DeliveryStatus.HELD.value, AWAY, now
        else:
            row.status = DeliveryStatus.FAILED.value
            row.last_error = f"over the {cap} alerts kept while stopped"[:MAX_ERROR_CHARS]
        session.add(row)
    session.flush()
    return min(len(rows), cap)
