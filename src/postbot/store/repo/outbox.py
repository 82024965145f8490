"""The delivery outbox: what is due to a chat is stored here before it is sent.

Keyword-only functions that receive the Session; they flush but never commit. A delivery is
pending until sent or given up; a lease (owner + expiry) marks one being sent, and an expired
lease makes it claimable again, so a killed process loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from postbot.store.db import insert_ignore
from postbot.store.leases import take_leases, unleased
from postbot.store.models import Chat, Delivery, DeliveryStatus, Feed, Watch
from postbot.store.reasons import Reasons, reasons_of

MAX_ERROR_CHARS = 2000


def enqueue_delivery(
    *,
    session: Session,
    chat_id: int,
    story_id: int,
    reasons: Reasons | Sequence[str],
    now: datetime,
    release_at: datetime | None = None,
    hold: str | None = None,
) -> bool:
    """Queue a story for a chat once; False (and nothing changes) if it was already queued.

    `reasons` as routing found them (with watch ids and spans), or bare labels ("topic:<id>",
    "watch:<query>", "breaking"). With `release_at` the alert is held for the chat's digest or
    the end of its quiet hours, and goes out (with the others held) at that time; `hold` says
    when a mute or pause holds it instead ("mute", "pause": repo/silence.py).
    """
    why = reasons if isinstance(reasons, Reasons) else reasons_of(list(reasons))
    values = {
        "chat_id": chat_id,
        "story_id": story_id,
        "reasons": why.labels() if isinstance(reasons, Reasons) else list(reasons),
        "watch_ids": why.watch_ids() or None,
        "highlights": why.highlights(),
        "status": (DeliveryStatus.PENDING if release_at is None else DeliveryStatus.HELD).value,
        "attempts": 0,
        "next_attempt_at": now if release_at is None else release_at,
        "created_at": now,
        "hold": hold if release_at is not None else None,
    }
    return insert_ignore(session, Delivery, values, ("chat_id", "story_id"))


def _pending(now: datetime, limit: int) -> SelectOfScalar[Delivery]:
    return (
        select(Delivery)
        .join(Chat, col(Chat.id) == col(Delivery.chat_id))
        .where(
            col(Delivery.status) == DeliveryStatus.PENDING.value,
            col(Delivery.next_attempt_at) <= now,
            unleased(Delivery, now),
            col(Chat.active).is_(True),
        )
        .order_by(col(Delivery.next_attempt_at), col(Delivery.id))
        .limit(limit)
    )


def pending_deliveries(*, session: Session, now: datetime, limit: int) -> list[Delivery]:
    """Unleased pending deliveries to active chats that are due, oldest first (read only)."""
    return list(session.exec(_pending(now, limit)).all())


def claim_deliveries(
    *,
    session: Session,
    owner: str,
    now: datetime,
    lease_until: datetime,
    limit: int,
) -> list[Delivery]:
    """Lease due deliveries to `owner` (FOR UPDATE SKIP LOCKED on PostgreSQL); commit soon after.

    The dispatcher claims by chat (`repo_sending.claim_chats`); this serves single rows.
    """
    # lock only the deliveries: the joined chat rows stay free for other writers
    stmt = _pending(now, limit)
    return take_leases(session, stmt, owner=owner, lease_until=lease_until, of=Delivery)


def _require(session: Session, delivery_id: int) -> Delivery:
    row = session.get(Delivery, delivery_id)
    if row is None:
        raise KeyError(f"no delivery {delivery_id}")
    return row


def mark_sent(*, session: Session, delivery_id: int, message_id: int | None, now: datetime) -> None:
    """Record that Telegram accepted the message (one UPDATE: it runs once per alert sent)."""
    stmt = (
        sa.update(Delivery)
        .where(col(Delivery.id) == delivery_id)
        .values(
            status=DeliveryStatus.SENT.value,
            sent_at=now,
            telegram_message_id=message_id,
            attempts=col(Delivery.attempts) + 1,
            last_error=None,
            lease_owner=None,
            lease_until=None,
        )
        .execution_options(synchronize_session="fetch")
    )
    if session.exec(stmt).rowcount == 0:
        raise KeyError(f"no delivery {delivery_id}")


def mark_failed(
    *,
    session: Session,
    delivery_id: int,
    error: str,
    now: datetime,
    retry_at: datetime | None = None,
) -> int:
    """Record a failed send: retried at `retry_at`, or given up if None; returns attempts."""
    row = _require(session, delivery_id)
    row.attempts += 1
    row.last_error = error[:MAX_ERROR_CHARS]
    row.lease_owner, row.lease_until = None, None
    if retry_at is None:
        row.status = DeliveryStatus.FAILED.value
    else:
        row.status, row.next_attempt_at = DeliveryStatus.PENDING.value, retry_at
    session.add(row)
    session.flush()
    return row.attempts


def held_deliveries(*, session: Session, chat_id: int) -> list[Delivery]:
    """The chat's held deliveries (digest or quiet hours), oldest first."""
    stmt = (
        select(Delivery)
        .where(col(Delivery.chat_id) == chat_id, col(Delivery.status) == DeliveryStatus.HELD.value)
        .order_by(col(Delivery.created_at), col(Delivery.id))
    )
    return list(session.exec(stmt).all())


def sent_deliveries_for_story(*, session: Session, story_id: int) -> list[Delivery]:
    """Deliveries of this story that reached Telegram (to edit them with "also in")."""
    stmt = (
        select(Delivery)
        .where(
            col(Delivery.story_id) == story_id, col(Delivery.status) == DeliveryStatus.SENT.value
        )
        .order_by(col(Delivery.id))
    )
    return list(session.exec(stmt).all())


def cancel_pending(*, session: Session, chat_id: int, reason: str) -> int:
    """Give up the chat's pending and held deliveries (e.g. it blocked the bot); returns count."""
    stmt = (
        sa.update(Delivery)
        .where(
            col(Delivery.chat_id) == chat_id,
            col(Delivery.status).in_([DeliveryStatus.PENDING.value, DeliveryStatus.HELD.value]),
        )
        .values(status=DeliveryStatus.FAILED.value, last_error=reason[:MAX_ERROR_CHARS])
        .execution_options(synchronize_session="fetch")
    )
    return int(session.exec(stmt).rowcount)


@dataclass(frozen=True, slots=True)
class StoreStats:
    """Counts for the admin /stats command."""

    active_chats: int
    watches: int
    sent_since: int
    failing_feeds: int


def store_stats(*, session: Session, since: datetime) -> StoreStats:
    """Active chats, their watches, alerts sent since `since`, enabled feeds now failing."""
    active = col(Chat.active).is_(True)
    chats = session.exec(select(func.count()).select_from(Chat).where(active)).one()
    watches = session.exec(
        select(func.count())
        .select_from(Watch)
        .join(Chat, col(Chat.id) == col(Watch.chat_id))
        .where(active)
    ).one()
    sent = session.exec(
        select(func.count())
        .select_from(Delivery)
        .where(
            col(Delivery.status).in_([DeliveryStatus.SENT.value, DeliveryStatus.EDIT.value]),
            col(Delivery.sent_at) >= since,
        )
    ).one()
    failing = count_failing_feeds(session=session)
    return StoreStats(active_chats=chats, watches=watches, sent_since=sent, failing_feeds=failing)


def count_pending(*, session: Session) -> int:
    """Alerts waiting in the outbox (to be sent now or retried later)."""
    stmt = (
        select(func.count())
        .select_from(Delivery)
        .where(col(Delivery.status) == DeliveryStatus.PENDING.value)
    )
    return int(session.exec(stmt).one())


def count_failing_feeds(*, session: Session) -> int:
    """Enabled feeds whose last poll failed."""
    stmt = (
        select(func.count())
        .select_from(Feed)
        .where(col(Feed.enabled).is_(True), col(Feed.consecutive_errors) > 0)
    )
    return int(session.exec(stmt).one())


def reschedule_held(*, session: Session, chat_id: int, release_at: datetime) -> int:
    """Move the release time of the chat's held alerts (its digest or quiet hours changed);
    those a mute, a pause or /stop holds keep theirs."""
    stmt = (
        sa.update(Delivery)
        .where(
            col(Delivery.chat_id) == chat_id,
            col(Delivery.status) == DeliveryStatus.HELD.value,
            col(Delivery.hold).is_(None),
        )
        .values(next_attempt_at=release_at)
        .execution_options(synchronize_session="fetch")
    )
    return int(session.exec(stmt).rowcount)


def mark_digest_sent(
    *, session: Session, delivery_ids: Sequence[int], message_id: int, now: datetime
) -> None:
    """Record that these held alerts went out together in one digest message."""
    session.exec(
        sa.update(Delivery)
        .where(col(Delivery.id).in_(list(delivery_ids)))
        .values(
            status=DeliveryStatus.SENT.value,
            sent_at=now,
            telegram_message_id=message_id,
            in_digest=True,
            attempts=col(Delivery.attempts) + 1,
            last_error=None,
            lease_owner=None,
            lease_until=None,
        )
        .execution_options(synchronize_session=False)
    )


def settle_held(
    *,
    session: Session,
    delivery_ids: Sequence[int],
    error: str,
    retry_at: datetime | None,
    count: bool = True,
) -> None:
    """A digest could not be sent: held again until `retry_at`, or given up if None."""
    values: dict[str, object] = {
        "last_error": error[:MAX_ERROR_CHARS],
        "lease_owner": None,
        "lease_until": None,
    }
    if count:
        values["attempts"] = col(Delivery.attempts) + 1
    if retry_at is None:
        values["status"] = DeliveryStatus.FAILED.value
    else:
        values["next_attempt_at"] = retry_at
    session.exec(
        sa.update(Delivery)
        # only rows still held: a digest's parts already sent stay sent
        .where(
            col(Delivery.id).in_(list(delivery_ids)),
            col(Delivery.status) == DeliveryStatus.HELD.value,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def edit_if_sources_grew(
    *, session: Session, delivery_id: int, shown: int, sources: int, now: datetime
) -> bool:
    """A message just sent or edited showed `shown` other outlets while the story now has
    `sources`: one more came in meanwhile, so mark it for another edit. True if marked."""
    if sources <= shown:
        return False
    session.exec(
        sa.update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.status) == DeliveryStatus.SENT.value)
        .values(status=DeliveryStatus.EDIT.value, next_attempt_at=now, attempts=0)
        .execution_options(synchronize_session=False)
    )
    return True
