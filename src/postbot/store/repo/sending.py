"""Sending shared by several processes: chat send leases and the overall flood budget (§8).

A process claims *chats* that have alerts due (FOR UPDATE SKIP LOCKED on the chat rows, then a
send lease on each), and with them up to `per_chat` of each chat's due deliveries. While it holds
a chat's lease no other process sends to that chat, so the chat's alerts go out in order and its
per-chat limit holds. Leases are short and renewed while work goes on (`renew_leases`); a
process that dies simply stops renewing, and another takes the chat over when the lease ends.

A send's end is recorded by `settle`, one function for an alert, an edit and a digest's
rows, whatever Telegram answered.

The overall budget is one row: `book_send_slots` moves its `next_at` forward by `count` slots
under a row lock and returns the first, so processes share Telegram's 30 messages a second
instead of each using it all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

import sqlalchemy as sa
from sqlmodel import Session, col, select

from postbot.store.db import insert_ignore
from postbot.store.leases import unleased
from postbot.store.models import Chat, Delivery, DeliveryStatus, FloodBudget, StoryRow
from postbot.store.repo.chats import chats_by_id, set_chat_active
from postbot.store.repo.clusters import cluster_links, other_outlets, with_cluster_sources
from postbot.store.repo.outbox import MAX_ERROR_CHARS, cancel_pending, edit_if_sources_grew
from postbot.store.repo.watches import topic_pairs, watch_ids_by_query, watch_numbers

GLOBAL = "global"
DIGEST_MAX = 300  # held alerts sent as one digest (split into messages at story boundaries)
# what a sender does: send an alert, send held alerts as a digest, edit a sent alert
_WORK = (DeliveryStatus.PENDING.value, DeliveryStatus.HELD.value, DeliveryStatus.EDIT.value)


def _chat_free(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(col(Chat.send_lease_until).is_(None), col(Chat.send_lease_until) <= now)


def _due(now: datetime) -> list[sa.ColumnElement[bool]]:
    return [
        col(Delivery.status).in_(_WORK),
        col(Delivery.next_attempt_at) <= now,
        unleased(Delivery, now),
    ]


def _lock_chats(session: Session, ids: list[int], chats: int, now: datetime) -> list[Chat]:
    """Lock up to `chats` of `ids` that are still free, in the order of `ids`.

    Only the chats taken are locked (the others stay free for other processes): the ids are
    tried in slices of what is still wanted, so that each query is one statement whatever the
    number of ids. (A CASE ranking the ids made one cached statement per number of ids, each
    holding two parameters per id: memory that grew all along a long run.)
    """
    order = {chat_id: i for i, chat_id in enumerate(ids)}
    taken: list[Chat] = []
    start = 0
    while len(taken) < chats and start < len(ids):
        wanted = ids[start : start + chats - len(taken)]
        start += len(wanted)
        stmt = (
            select(Chat)
            .where(col(Chat.id).in_(wanted), col(Chat.active).is_(True), _chat_free(now))
            .with_for_update(skip_locked=True)
        )
        taken.extend(session.exec(stmt).all())
    return sorted(taken, key=lambda chat: order[chat.id])


def claim_chats(
    *,
    session: Session,
    owner: str,
    now: datetime,
    lease_until: datetime,
    chats: int,
    per_chat: int,
    exclude: Collection[int] = (),
) -> list[Delivery]:
    """Lease up to `chats` chats with due work and up to `per_chat` of each one's alerts.

    Work is an alert to send, a sent alert to edit, or held alerts whose digest is due (all of
    those, up to DIGEST_MAX, go out together).

    The chats whose alerts have waited longest come first. Returns the leased deliveries,
    by chat then due time. The caller commits soon after.
    """
    # candidates from the due deliveries (indexed by status and due time), not from all chats:
    # the cost follows what is due, not how many chats there are
    oldest = sa.func.min(col(Delivery.next_attempt_at))
    candidates = (
        select(Delivery.chat_id)
        .join(Chat, col(Chat.id) == col(Delivery.chat_id))
        .where(*_due(now), col(Chat.active).is_(True), _chat_free(now))
        .group_by(col(Delivery.chat_id))
    )
    if exclude:
        candidates = candidates.where(col(Delivery.chat_id).not_in(list(exclude)))
    ids = list(session.exec(candidates.order_by(oldest).limit(chats * 3)).all())
    if not ids:
        return []
    taken = _lock_chats(session, ids, chats, now)
    if not taken:
        return []
    for chat in taken:
        chat.send_lease_owner, chat.send_lease_until = owner, lease_until
        session.add(chat)
    rows = session.exec(
        select(Delivery)
        .where(col(Delivery.chat_id).in_([c.id for c in taken]), *_due(now))
        .order_by(col(Delivery.chat_id), col(Delivery.next_attempt_at), col(Delivery.id))
        .with_for_update(skip_locked=True)
    ).all()
    per: dict[tuple[int, bool], int] = defaultdict(int)
    leased = []
    for row in rows:
        held = row.status == DeliveryStatus.HELD.value
        if per[row.chat_id, held] >= (DIGEST_MAX if held else per_chat):
            continue
        per[row.chat_id, held] += 1
        row.lease_owner, row.lease_until = owner, lease_until
        session.add(row)
        leased.append(row)
    session.flush()
    return leased


def release_chat(*, session: Session, chat_id: int, owner: str) -> None:
    """Give up this process's send lease on a chat (its deliveries' leases too)."""
    session.exec(
        sa.update(Chat)
        .where(col(Chat.id) == chat_id, col(Chat.send_lease_owner) == owner)
        .values(send_lease_owner=None, send_lease_until=None)
        .execution_options(synchronize_session=False)
    )
    session.exec(
        sa.update(Delivery)
        .where(col(Delivery.chat_id) == chat_id, col(Delivery.lease_owner) == owner)
        .values(lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )


def renew_leases(*, session: Session, owner: str, lease_until: datetime) -> int:
    """Extend every chat send lease this process holds; returns chats renewed.

    Only chats: a delivery is claimed only with its chat, so the chat's lease guards it, and a
    second multi-row UPDATE here (deliveries) could deadlock with a send recording itself
    (its delivery row, then its chat row) or a blocked chat's alerts being given up.
    """
    chats = session.exec(
        sa.update(Chat)
        .where(col(Chat.send_lease_owner) == owner)
        .values(send_lease_until=lease_until)
        .execution_options(synchronize_session=False)
    ).rowcount
    return int(chats)


def note_sent(*, session: Session, chat_id: int, now: datetime) -> None:
    """Remember when the chat was last sent to (the next owner keeps the spacing)."""
    session.exec(
        sa.update(Chat)
        .where(col(Chat.id) == chat_id)
        .values(last_sent_at=now)
        .execution_options(synchronize_session=False)
    )


def book_send_slots(
    *, session: Session, now: datetime, spacing: timedelta, count: int, name: str = GLOBAL
) -> datetime:
    """Book `count` consecutive overall send slots; returns the first (the rest follow at
    `spacing`). Commit at once: the row is locked until then."""
    insert_ignore(session, FloodBudget, {"name": name, "next_at": now}, ("name",))
    row = session.exec(
        select(FloodBudget).where(col(FloodBudget.name) == name).with_for_update()
    ).one()
    start = max(row.next_at, now)
    row.next_at = start + spacing * count
    session.add(row)
    session.flush()
    return start


@dataclass(frozen=True, slots=True)
class SendContext:
    """What the claimed deliveries need to be rendered and sent, read in the claim's session."""

    chats: dict[int, Chat]
    stories: dict[int, StoryRow]  # a later copy's `also_in` is its cluster's other outlets
    links: dict[int, list[tuple[str, str | None]]]  # other outlets with their own articles
    watch_ids: dict[tuple[int, str], int]  # the chats' watches now, by (chat, query)
    topics: set[tuple[int, str]]  # the chats' topics now, as (chat, topic id)
    watch_numbers: dict[int, int] = field(default_factory=dict)  # watch id -> its number


def send_context(*, session: Session, deliveries: Sequence[Delivery]) -> SendContext:
    """The chats, stories, outlets, watches and topics of these claimed deliveries."""
    chat_ids = {d.chat_id for d in deliveries}
    story_ids = {d.story_id for d in deliveries}
    rows = {
        s.id or 0: s for s in session.exec(select(StoryRow).where(col(StoryRow.id).in_(story_ids)))
    }
    return SendContext(
        chats=chats_by_id(session=session, chat_ids=chat_ids),
        stories=with_cluster_sources(session=session, stories=rows),
        links=cluster_links(session=session, stories=rows),
        watch_ids=watch_ids_by_query(session=session, chat_ids=chat_ids),
        topics=topic_pairs(session=session, chat_ids=chat_ids),
        watch_numbers=watch_numbers(session=session, chat_ids=chat_ids),
    )


@dataclass(frozen=True, slots=True)
class Settlement:
    """How a send ended, for the deliveries it carried (see `settle`)."""

    state: Literal["sent", "retry", "failed", "chat_gone"]
    error: str | None = None
    message_id: int | None = None
    retry_at: datetime | None = None
    count: bool = True  # the try counts against the attempts allowed (a 429 does not)


def settle(
    *,
    session: Session,
    chat_id: int,
    delivery_ids: Sequence[int],
    status: DeliveryStatus,
    settlement: Settlement,
    now: datetime,
    shown: tuple[int, int] | None = None,
) -> None:
    """Record how a send of `delivery_ids` (rows in `status`: pending alert, held alerts of a
    digest, or a sent alert to edit) ended; the caller commits.

        sent       -> sent, with the message id (a digest's rows marked in_digest; an edit
                      keeps its message); the chat's last send noted
        retry      -> due again at `retry_at`, in the same status
        failed     -> given up; an edit's alert stays sent as it was
        chat_gone  -> failed, the chat deactivated and everything it still waits for given up

    `shown` (story id, other outlets the text named): after a send or edit, another outlet
    that came in meanwhile marks the alert for one more edit. Only rows still in `status`
    change: a digest's parts already sent stay sent.
    """
    ids = list(delivery_ids)
    state = settlement.state
    # the chat row before the deliveries: the order of every transaction that touches both,
    # so that none of them can deadlock on PostgreSQL
    if state == "sent":
        note_sent(session=session, chat_id=chat_id, now=now)
    elif state == "chat_gone":
        set_chat_active(session=session, chat_id=chat_id, active=False)
    editing = status == DeliveryStatus.EDIT
    error = settlement.error
    values: dict[str, object] = {
        "lease_owner": None,
        "lease_until": None,
        "last_error": None if error is None else error[:MAX_ERROR_CHARS],
    }
    tried = col(Delivery.attempts) + 1
    if state == "retry":
        values["next_attempt_at"] = settlement.retry_at or now
        if settlement.count:
            values["attempts"] = tried
    elif editing:  # done or given up: the alert itself was sent before
        values["status"] = DeliveryStatus.SENT.value
    elif state == "sent":
        values.update(
            status=DeliveryStatus.SENT.value,
            sent_at=now,
            telegram_message_id=settlement.message_id,
            attempts=tried,
        )
        if status == DeliveryStatus.HELD:
            values["in_digest"] = True
    else:
        values.update(status=DeliveryStatus.FAILED.value, attempts=tried)
    session.exec(
        sa.update(Delivery)
        .where(col(Delivery.id).in_(ids), col(Delivery.status) == status.value)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if state == "chat_gone":
        cancel_pending(session=session, chat_id=chat_id, reason=f"chat blocked: {error}")
    if state == "sent" and shown is not None and len(ids) == 1:
        story_id, outlets = shown
        edit_if_sources_grew(
            session=session,
            delivery_id=ids[0],
            shown=outlets,
            sources=other_outlets(session=session, story_id=story_id),
            now=now,
        )
