"""repo.settle: one function records how any send ended, on SQLite and the real PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from postbot.store import repo
from postbot.store.models import Chat, Delivery, DeliveryStatus

from .conftest import NOW

P, H, E = DeliveryStatus.PENDING, DeliveryStatus.HELD, DeliveryStatus.EDIT
LATER = NOW + timedelta(minutes=5)


def _rows(
    session: Session, chat_id: int, status: DeliveryStatus, n: int, make_story: Callable[..., int]
) -> list[int]:
    ids = []
    for i in range(n):
        story = make_story(f"{chat_id}-{status}-{i}")
        repo.enqueue_delivery(session=session, chat_id=chat_id, story_id=story, reasons=[], now=NOW)
        row = session.exec(select(Delivery).where(col(Delivery.story_id) == story)).one()
        row.status, row.attempts, row.lease_owner = status.value, 2, "me"
        row.telegram_message_id = 9 if status is E else None
        session.add(row)
        ids.append(row.id or 0)
    session.commit()
    return ids


def _state(session: Session, ids: list[int]) -> list[tuple[str, int, int | None, bool, str | None]]:
    session.expire_all()
    rows = session.exec(
        select(Delivery).where(col(Delivery.id).in_(ids)).order_by(col(Delivery.id))
    ).all()
    return [(r.status, r.attempts, r.telegram_message_id, r.in_digest, r.last_error) for r in rows]


@pytest.mark.parametrize(
    ("status", "settlement", "expected"),
    [
        pytest.param(
            P, repo.Settlement("sent", message_id=77), ("sent", 3, 77, False, None), id="alert-sent"
        ),
        pytest.param(
            H, repo.Settlement("sent", message_id=78), ("sent", 3, 78, True, None), id="digest-sent"
        ),
        pytest.param(
            E, repo.Settlement("sent", message_id=None), ("sent", 2, 9, False, None), id="edit-done"
        ),
        pytest.param(
            P,
            repo.Settlement("retry", "network: x", retry_at=LATER),
            ("pending", 3, None, False, "network: x"),
            id="alert-retry",
        ),
        pytest.param(
            P,
            repo.Settlement("retry", "429: x", retry_at=LATER, count=False),
            ("pending", 2, None, False, "429: x"),
            id="429-uses-no-try",
        ),
        pytest.param(
            H,
            repo.Settlement("retry", "429: x", retry_at=LATER, count=False),
            ("held", 2, None, False, "429: x"),
            id="digest-429",
        ),
        pytest.param(
            E,
            repo.Settlement("retry", "edit network: x", retry_at=LATER),
            ("edit", 3, 9, False, "edit network: x"),
            id="edit-retry",
        ),
        pytest.param(
            P,
            repo.Settlement("failed", "400: no"),
            ("failed", 3, None, False, "400: no"),
            id="alert-failed",
        ),
        pytest.param(
            H,
            repo.Settlement("failed", "400: no"),
            ("failed", 3, None, False, "400: no"),
            id="digest-failed",
        ),
        pytest.param(
            E,
            repo.Settlement("failed", "edit 400: no"),
            ("sent", 2, 9, False, "edit 400: no"),
            id="edit-refused-stands",
        ),
    ],
)
def test_settle_by_status_and_state(
    session: Session,
    make_chat: Callable[..., int],
    make_story: Callable[..., int],
    status: DeliveryStatus,
    settlement: repo.Settlement,
    expected: tuple[str, int, int | None, bool, str | None],
) -> None:
    chat = make_chat(5)
    ids = _rows(session, chat, status, 2, make_story)
    repo.settle(
        session=session,
        chat_id=chat,
        delivery_ids=ids,
        status=status,
        settlement=settlement,
        now=NOW,
    )
    session.commit()
    assert _state(session, ids) == [expected, expected]
    assert {r.lease_owner for r in session.exec(select(Delivery))} == {None}
    if settlement.state == "retry":
        assert {r.next_attempt_at for r in session.exec(select(Delivery))} == {LATER}
    sent_at = session.get(Chat, chat)
    assert sent_at is not None
    assert (sent_at.last_sent_at == NOW) is (settlement.state == "sent")


def test_only_rows_still_in_the_status_change(
    session: Session, make_chat: Callable[..., int], make_story: Callable[..., int]
) -> None:
    chat = make_chat(6)
    held = _rows(session, chat, H, 2, make_story)
    repo.settle(
        session=session,
        chat_id=chat,
        delivery_ids=held[:1],
        status=H,
        settlement=repo.Settlement("sent", message_id=1),
        now=NOW,
    )
    repo.settle(
        session=session,
        chat_id=chat,
        delivery_ids=held,
        status=H,
        settlement=repo.Settlement("failed", "403: x"),
        now=NOW,
    )
    session.commit()
    assert [s[0] for s in _state(session, held)] == ["sent", "failed"]  # the part sent stays sent


def test_a_gone_chat_is_deactivated_and_everything_it_waits_for_given_up(
    session: Session, make_chat: Callable[..., int], make_story: Callable[..., int]
) -> None:
    chat = make_chat(7)
    sending = _rows(session, chat, P, 1, make_story)
    waiting = _rows(session, chat, H, 2, make_story)
    repo.settle(
        session=session,
        chat_id=chat,
        delivery_ids=sending,
        status=P,
        settlement=repo.Settlement("chat_gone", "403: Forbidden: bot was blocked by the user"),
        now=NOW,
    )
    session.commit()
    state = session.get(Chat, chat)
    assert state is not None and not state.active
    assert [s[0] for s in _state(session, sending + waiting)] == ["failed"] * 3
    assert _state(session, sending)[0][4] == "403: Forbidden: bot was blocked by the user"


def test_a_send_that_showed_fewer_outlets_than_there_are_now_is_edited_again(
    session: Session, make_chat: Callable[..., int], make_story: Callable[..., int]
) -> None:
    chat = make_chat(8)
    [sent] = _rows(session, chat, P, 1, make_story)
    row = session.get(Delivery, sent)
    assert row is not None
    repo.add_also_in(session=session, story_id=row.story_id, feed_id="sky")
    repo.settle(
        session=session,
        chat_id=chat,
        delivery_ids=[sent],
        status=P,
        settlement=repo.Settlement("sent", message_id=3),
        now=NOW,
        shown=(row.story_id, 0),
    )
    session.commit()
    assert _state(session, [sent])[0][0] == "edit"
