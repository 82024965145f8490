"""The delivery outbox: idempotent enqueue, claiming, outcomes and stats."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from postbot.store import repo
from postbot.store.models import Delivery

NOW = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)
MIN = timedelta(minutes=1)


def test_repeated_enqueue_is_a_no_op(
    session: Session, make_chat: Callable[..., int], make_story: Callable[..., int]
) -> None:
    chat_id, story_id = make_chat(), make_story()
    first = repo.enqueue_delivery(
        session=session, chat_id=chat_id, story_id=story_id, reasons=["isis", "watch:1"], now=NOW
    )
    second = repo.enqueue_delivery(
        session=session, chat_id=chat_id, story_id=story_id, reasons=["other"], now=NOW + MIN
    )
    session.commit()
    assert (first, second) == (True, False)
    rows = session.exec(select(Delivery)).all()
    assert len(rows) == 1
    assert rows[0].reasons == ["isis", "watch:1"]
    assert (rows[0].status, rows[0].attempts, rows[0].next_attempt_at) == ("pending", 0, NOW)


def test_enqueue_for_unknown_chat_is_an_error_not_ignored(
    session: Session, make_story: Callable[..., int]
) -> None:
    story_id = make_story()
    with pytest.raises(sa.exc.IntegrityError):
        repo.enqueue_delivery(session=session, chat_id=404, story_id=story_id, reasons=[], now=NOW)


def test_pending_deliveries_due_active_unleased_oldest_first(
    session: Session, make_chat: Callable[..., int], make_story: Callable[..., int]
) -> None:
    on, paused = make_chat(1), make_chat(2, active=False)
    s = [make_story(f"k{i}") for i in range(6)]

    def enqueue(chat_id: int, story_id: int, at: datetime, held: bool = False) -> int:
        release = NOW + 60 * MIN if held else None
        repo.enqueue_delivery(
            session=session,
            chat_id=chat_id,
            story_id=story_id,
            reasons=[],
            now=at,
            release_at=release,
        )
        delivery_id = session.exec(select(Delivery.id).where(Delivery.story_id == story_id)).one()
        assert delivery_id is not None
        return delivery_id

    newer = enqueue(on, s[0], NOW - MIN)
    older = enqueue(on, s[1], NOW - 2 * MIN)
    enqueue(on, s[2], NOW + MIN)  # not yet due
    enqueue(paused, s[3], NOW - 5 * MIN)  # chat paused
    enqueue(on, s[4], NOW - 5 * MIN, held=True)  # waiting for a digest
    leased = enqueue(on, s[5], NOW - 5 * MIN)
    claimed = repo.claim_deliveries(
        session=session, owner="w1", now=NOW, lease_until=NOW + MIN, limit=1
    )
    session.commit()
    assert [d.id for d in claimed] == [leased]
    pending = repo.pending_deliveries(session=session, now=NOW, limit=10)
    assert [d.id for d in pending] == [older, newer]
    # Once the lease runs out, a claimed delivery is due again.
    again = repo.pending_deliveries(session=session, now=NOW + 2 * MIN, limit=10)
    assert leased in [d.id for d in again]


@pytest.mark.parametrize(
    ("retry", "status", "due_again"),
    [(True, "pending", True), (False, "failed", False)],
    ids=["retry-later", "give-up"],
)
def test_mark_failed(
    session: Session,
    make_chat: Callable[..., int],
    make_story: Callable[..., int],
    retry: bool,
    status: str,
    due_again: bool,
) -> None:
    chat_id, story_id = make_chat(), make_story()
    repo.enqueue_delivery(session=session, chat_id=chat_id, story_id=story_id, reasons=[], now=NOW)
    (row,) = repo.claim_deliveries(
        session=session, owner="w1", now=NOW, lease_until=NOW + MIN, limit=5
    )
    assert row.id is not None
    retry_at = NOW + 10 * MIN if retry else None
    attempts = repo.mark_failed(
        session=session, delivery_id=row.id, error="429", now=NOW, retry_at=retry_at
    )
    session.commit()
    assert attempts == 1
    assert (row.status, row.last_error, row.lease_owner) == (status, "429", None)
    assert repo.pending_deliveries(session=session, now=NOW, limit=5) == []
    later = repo.pending_deliveries(session=session, now=NOW + 11 * MIN, limit=5)
    assert bool(later) is due_again


def test_mark_sent(
    session: Session, make_chat: Callable[..., int], make_story: Callable[..., int]
) -> None:
    chat_id, story_id = make_chat(-1001234567890, kind="supergroup"), make_story()
    repo.enqueue_delivery(session=session, chat_id=chat_id, story_id=story_id, reasons=[], now=NOW)
    (row,) = repo.pending_deliveries(session=session, now=NOW, limit=5)
    assert row.id is not None
    repo.mark_sent(session=session, delivery_id=row.id, message_id=2**40, now=NOW + MIN)
    session.commit()
    session.expire_all()
    sent = repo.sent_deliveries_for_story(session=session, story_id=story_id)
    assert [(d.chat_id, d.telegram_message_id, d.sent_at) for d in sent] == [
        (chat_id, 2**40, NOW + MIN)
    ]
    assert repo.pending_deliveries(session=session, now=NOW + MIN, limit=5) == []


def test_held_deliveries_and_cancel_pending(
    session: Session, make_chat: Callable[..., int], make_story: Callable[..., int]
) -> None:
    chat_id = make_chat()
    a, b, c = make_story("a"), make_story("b"), make_story("c")
    repo.enqueue_delivery(
        session=session, chat_id=chat_id, story_id=a, reasons=[], now=NOW, release_at=NOW + MIN
    )
    repo.enqueue_delivery(session=session, chat_id=chat_id, story_id=b, reasons=[], now=NOW)
    repo.enqueue_delivery(session=session, chat_id=chat_id, story_id=c, reasons=[], now=NOW)
    (row_c,) = [
        d for d in repo.pending_deliveries(session=session, now=NOW, limit=5) if d.story_id == c
    ]
    assert row_c.id is not None
    repo.mark_sent(session=session, delivery_id=row_c.id, message_id=7, now=NOW)
    assert [d.story_id for d in repo.held_deliveries(session=session, chat_id=chat_id)] == [a]
    assert repo.cancel_pending(session=session, chat_id=chat_id, reason="403 blocked") == 2
    session.commit()
    statuses = {d.story_id: d.status for d in session.exec(select(Delivery)).all()}
    assert statuses == {a: "failed", b: "failed", c: "sent"}


def test_store_stats(
    session: Session,
    make_chat: Callable[..., int],
    make_story: Callable[..., int],
    make_feed: Callable[..., str],
) -> None:
    on, off = make_chat(1), make_chat(2, active=False)
    repo.add_watch(session=session, chat_id=on, query="داعش")
    repo.add_watch(session=session, chat_id=off, query="ISIS")
    make_feed("broken", consecutive_errors=3)
    make_feed("broken_but_disabled", consecutive_errors=3, enabled=False)
    old, new = make_story("old"), make_story("new")
    for story_id, sent_at in ((old, NOW - timedelta(days=2)), (new, NOW - MIN)):
        repo.enqueue_delivery(session=session, chat_id=on, story_id=story_id, reasons=[], now=NOW)
        delivery_id = session.exec(select(Delivery.id).where(Delivery.story_id == story_id)).one()
        assert delivery_id is not None
        repo.mark_sent(session=session, delivery_id=delivery_id, message_id=1, now=sent_at)
    stats = repo.store_stats(session=session, since=NOW - timedelta(hours=24))
    assert stats == repo.StoreStats(active_chats=1, watches=1, sent_since=1, failing_feeds=1)
