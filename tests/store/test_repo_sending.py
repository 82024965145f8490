"""Chat send leases and the shared flood budget, on SQLite and the real PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from postbot.store import repo
from postbot.store.models import Chat, Delivery

from .conftest import NOW

SEC = timedelta(seconds=1)
LEASE = NOW + 30 * SEC


def _queue(session: Session, chat_id: int, story_ids: list[int], at: timedelta = 0 * SEC) -> None:
    for story_id in story_ids:
        repo.enqueue_delivery(
            session=session,
            chat_id=chat_id,
            story_id=story_id,
            reasons=["topic:isis"],
            now=NOW - 60 * SEC + at,
        )
    session.commit()


def test_claim_takes_the_longest_waiting_chats_and_a_few_alerts_each(
    session: Session, make_chat: Callable[..., int], make_story: Callable[..., int]
) -> None:
    stories = [make_story(f"k{i}") for i in range(4)]
    for chat_id, at in ((1, 5 * SEC), (2, 0 * SEC), (3, 9 * SEC)):
        make_chat(chat_id)
        _queue(session, chat_id, stories, at)
    make_chat(4, active=False)
    _queue(session, 4, stories)
    rows = repo.claim_chats(
        session=session, owner="me", now=NOW, lease_until=LEASE, chats=2, per_chat=3
    )
    session.commit()
    assert [r.story_id for r in rows if r.chat_id == 1] == stories[:3]
    assert sorted({r.chat_id for r in rows}) == [1, 2]  # chat 2 waited longest, then chat 1
    assert all(r.lease_owner == "me" for r in rows) and len(rows) == 6
    chat = session.get(Chat, 1)
    assert chat is not None and chat.send_lease_owner == "me"
    # a leased chat is nobody else's, even for its alerts not yet claimed
    others = repo.claim_chats(
        session=session, owner="other", now=NOW, lease_until=LEASE, chats=5, per_chat=5
    )
    assert {r.chat_id for r in others} == {3}
    # once its lease has run out (its process died), the chat can be taken over
    later = repo.claim_chats(
        session=session,
        owner="other",
        now=LEASE + SEC,
        lease_until=LEASE + 30 * SEC,
        chats=5,
        per_chat=5,
    )
    assert {r.chat_id for r in later} == {1, 2, 3}


def test_release_and_renew(
    session: Session, make_chat: Callable[..., int], make_story: Callable[..., int]
) -> None:
    make_chat(7)
    _queue(session, 7, [make_story("a"), make_story("b")])
    repo.claim_chats(session=session, owner="me", now=NOW, lease_until=LEASE, chats=1, per_chat=5)
    session.commit()
    assert repo.renew_leases(session=session, owner="me", lease_until=LEASE + 60 * SEC) == 1
    session.commit()
    session.expire_all()
    chat = session.get(Chat, 7)
    assert chat is not None and chat.send_lease_until == LEASE + 60 * SEC
    # the chat's lease guards its alerts: after their own leases end, no one else takes them
    taken = repo.claim_chats(
        session=session,
        owner="other",
        now=LEASE + SEC,
        lease_until=LEASE + 30 * SEC,
        chats=5,
        per_chat=5,
    )
    assert taken == []
    repo.release_chat(session=session, chat_id=7, owner="me")
    session.commit()
    session.expire_all()
    chat = session.get(Chat, 7)
    assert chat is not None and chat.send_lease_owner is None
    assert {d.lease_owner for d in session.exec(sa.select(Delivery)).scalars()} == {None}


def test_booked_slots_follow_each_other_and_never_go_back(session: Session) -> None:
    spacing = timedelta(milliseconds=100)
    first = repo.book_send_slots(session=session, now=NOW, spacing=spacing, count=5)
    second = repo.book_send_slots(session=session, now=NOW, spacing=spacing, count=2)
    session.commit()
    assert first == NOW and second == NOW + 5 * spacing
    # later, with the budget idle, booking starts at the present again
    third = repo.book_send_slots(session=session, now=NOW + 10 * SEC, spacing=spacing, count=1)
    assert third == NOW + 10 * SEC


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_two_processes_never_claim_the_same_chat(
    engine: sa.Engine, make_chat: Callable[..., int], make_story: Callable[..., int]
) -> None:
    stories = [make_story(f"k{i}") for i in range(3)]
    with Session(engine) as setup:
        for chat_id in range(1, 7):
            make_chat(chat_id)
            _queue(setup, chat_id, stories)
    with Session(engine) as first, Session(engine) as second:
        a = repo.claim_chats(
            session=first, owner="w1", now=NOW, lease_until=LEASE, chats=4, per_chat=5
        )
        # `first` still holds its row locks: SKIP LOCKED hands `second` the other chats
        b = repo.claim_chats(
            session=second, owner="w2", now=NOW, lease_until=LEASE, chats=4, per_chat=5
        )
        assert len({r.chat_id for r in a}) == 4 and len({r.chat_id for r in b}) == 2
        assert not {r.chat_id for r in a} & {r.chat_id for r in b}
        first.commit()
        second.commit()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_concurrent_bookings_never_overlap(engine: sa.Engine) -> None:
    spacing = timedelta(milliseconds=50)
    with Session(engine) as first:
        a = repo.book_send_slots(session=first, now=NOW, spacing=spacing, count=3)
        first.commit()
    with Session(engine) as second:
        b = repo.book_send_slots(session=second, now=NOW, spacing=spacing, count=3)
        second.commit()
    assert b == a + 3 * spacing


@pytest.mark.parametrize("sizes", [range(1, 25), range(40, 0, -3), [7, 1, 30, 2, 19, 11, 3]])
def test_claims_of_any_size_share_cached_statements(
    session: Session,
    make_chat: Callable[..., int],
    make_story: Callable[..., int],
    sizes: range | list[int],
) -> None:
    """The statements a claim runs do not depend on how many chats are due: SQLAlchemy's
    compiled cache (and the driver's) stays the same size however many claim sizes it sees."""
    engine = session.get_bind()
    cache = engine._compiled_cache  # type: ignore[union-attr]
    assert cache is not None
    story = make_story("s")
    next_chat = 1000

    def claim(due: int, taken: int) -> list[int]:
        nonlocal next_chat
        chat_ids = list(range(next_chat, next_chat + due))
        next_chat += due
        for i, chat_id in enumerate(chat_ids):
            make_chat(chat_id)
            _queue(session, chat_id, [story], at=i * SEC)  # the first waited longest
        rows = repo.claim_chats(
            session=session, owner="me", now=NOW, lease_until=LEASE, chats=taken, per_chat=1
        )
        got = sorted({r.chat_id for r in rows})
        # the chats not taken leave the next round alone
        session.execute(
            sa.update(Chat).where(Chat.id.in_(set(chat_ids) - set(got))).values(active=False)  # type: ignore[attr-defined]
        )
        session.commit()
        return got

    for due in (2, 3):  # warm up: every statement a claim uses compiled once
        claim(due, due)
    before = len(cache)
    for due in sizes:
        taken = max(due // 2, 1)
        chats = claim(due, taken)
        first = next_chat - due
        assert chats == list(range(first, first + taken))  # the longest waiting, in order
    assert len(cache) == before
