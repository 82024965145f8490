"""Column types behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, col, select

from postbot.store.models import Chat, Feed, StoryRow

BAGHDAD = timezone(timedelta(hours=3))


@pytest.mark.parametrize(
    "written",
    [
        datetime(2026, 11, 28, 14, 5, 9, 123456, tzinfo=UTC),
        datetime(2026, 11, 28, 17, 5, 9, 123456, tzinfo=BAGHDAD),
        datetime(2026, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=-5))),
    ],
    ids=["utc", "baghdad-offset", "negative-offset"],
)
def test_timestamps_come_back_aware_utc(engine: sa.Engine, written: datetime) -> None:
    with Session(engine) as s:
        s.add(Feed(id="f", url="u", name="n", next_poll_at=written, last_success_at=written))
        s.commit()
    with Session(engine) as s:
        feed = s.exec(select(Feed)).one()
        assert feed.next_poll_at.tzinfo is not None
        assert feed.next_poll_at.utcoffset() == timedelta(0)
        assert feed.next_poll_at == written
        assert feed.last_success_at == written


def test_naive_timestamps_are_refused(session: Session) -> None:
    session.add(Feed(id="f", url="u", name="n", next_poll_at=datetime(2026, 1, 1)))
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()


def test_comparisons_across_offsets_use_the_instant(session: Session) -> None:
    session.add(Feed(id="f", url="u", name="n", next_poll_at=datetime(2026, 1, 1, 12, tzinfo=UTC)))
    session.commit()
    # 14:30 in Baghdad is 11:30 UTC: not yet due; 15:30 Baghdad is 12:30 UTC: due.
    early = datetime(2026, 1, 1, 14, 30, tzinfo=BAGHDAD)
    late = datetime(2026, 1, 1, 15, 30, tzinfo=BAGHDAD)
    due = select(Feed.id).where(col(Feed.next_poll_at) <= late)
    not_due = select(Feed.id).where(col(Feed.next_poll_at) <= early)
    assert session.exec(due).all() == ["f"]
    assert session.exec(not_due).all() == []


@pytest.mark.parametrize(
    "chat_id",
    [-1001234567890, 9_007_199_254_740_991, 123456789],
    ids=["supergroup", "above-32-bits", "private"],
)
def test_big_chat_ids_round_trip(engine: sa.Engine, chat_id: int) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with Session(engine) as s:
        s.add(Chat(id=chat_id, kind="supergroup", created_at=now, updated_at=now))
        s.commit()
    with Session(engine) as s:
        assert s.exec(select(Chat.id)).all() == [chat_id]


def test_json_lists_keep_arabic_text(session: Session, make_story: Callable[..., int]) -> None:
    story_id = make_story(also_in=["الجزيرة", "bbc"])
    session.expire_all()
    row = session.get(StoryRow, story_id)
    assert row is not None
    assert row.also_in == ["الجزيرة", "bbc"]


def test_foreign_keys_are_enforced(session: Session) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    session.add(StoryRow(feed_id="missing", key="k", title="t", first_seen_at=now))
    with pytest.raises(IntegrityError):
        session.flush()
