"""Watch services on SQLite and PostgreSQL: numbers, refusals with reasons, removal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from postbot.service import chats, watches
from postbot.service.watches import (
    AddedWatch,
    QueryInvalid,
    QueryTooLong,
    RemovedWatch,
    TooManyWatches,
)
from postbot.store import repo
from postbot.store.repo.watches import MAX_QUERY_CHARS, MAX_WATCHES_PER_USER

NOW = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)


def _chat(engine: sa.Engine, chat_id: int) -> None:
    kind = "private" if chat_id > 0 else "supergroup"
    chats.ensure_chat(engine, chat_id=chat_id, kind=kind, title=None, lang="ar", now=NOW)


def _add(engine: sa.Engine, chat_id: int, query: str, owner: int | None = None) -> object:
    return watches.add_watch(engine, chat_id=chat_id, owner_id=owner, query=query, now=NOW)


def test_numbers_follow_creation_and_a_repeated_query_keeps_its_number(
    engine: sa.Engine,
) -> None:
    _chat(engine, 1)
    assert _add(engine, 1, "داعش") == AddedWatch(1, existed=False)
    assert _add(engine, 1, "الأنبار") == AddedWatch(2, existed=False)
    assert _add(engine, 1, "داعش") == AddedWatch(1, existed=True)
    assert watches.remove_watch(engine, chat_id=1, number=1) == RemovedWatch(1, "داعش")
    # numbers are for life: #1 is not given again, and #2 stays #2
    assert _add(engine, 1, "الرمادي") == AddedWatch(3, existed=False)
    listed = watches.watch_list(engine, 1).watches
    assert [(w.number, w.query) for w in listed] == [(2, "الأنبار"), (3, "الرمادي")]


def test_the_number_follows_the_order_added_even_when_the_clock_went_back(
    engine: sa.Engine,
) -> None:
    _chat(engine, 1)
    _add(engine, 1, "داعش")
    earlier = watches.add_watch(
        engine, chat_id=1, owner_id=None, query="الأنبار", now=NOW - timedelta(hours=1)
    )
    listed = [w.query for w in watches.watch_list(engine, 1).watches]
    assert isinstance(earlier, AddedWatch)
    assert listed[earlier.number - 1] == "الأنبار"


def test_refusals_say_why_and_store_nothing(engine: sa.Engine) -> None:
    _chat(engine, 1)
    assert _add(engine, 1, "x" * (MAX_QUERY_CHARS + 1)) == QueryTooLong(
        MAX_QUERY_CHARS + 1, MAX_QUERY_CHARS
    )
    invalid = _add(engine, 1, '"عين الأسد')
    assert isinstance(invalid, QueryInvalid)
    assert invalid.error.position == 0
    assert watches.watch_list(engine, 1).watches == []


def test_the_chat_limit_and_the_per_person_limit_are_told_apart(engine: sa.Engine) -> None:
    _chat(engine, 1)
    _chat(engine, 2)
    with Session(engine) as session:
        for i in range(repo.MAX_WATCHES):
            repo.add_watch(session=session, chat_id=1, query=f"كلمة{i}", owner_id=7, now=NOW)
        session.commit()
    assert _add(engine, 1, "واحدة أخرى") == TooManyWatches(repo.MAX_WATCHES, per_user=False)
    others = MAX_WATCHES_PER_USER - repo.MAX_WATCHES  # the rest of the person's cap elsewhere
    with Session(engine) as session:
        for i in range(others):
            chat_id = -(100 + i // 40)
            if i % 40 == 0:
                repo.get_or_create_chat(
                    session=session, chat_id=chat_id, kind="group", title=None, lang="ar"
                )
            repo.add_watch(session=session, chat_id=chat_id, query=f"ك{i}", owner_id=7, now=NOW)
        session.commit()
    refused = _add(engine, 2, "داعش", owner=7)
    assert refused == TooManyWatches(MAX_WATCHES_PER_USER, per_user=True)
    assert _add(engine, 2, "داعش", owner=8) == AddedWatch(1, existed=False)


def test_remove_listed_removes_a_watch_or_a_topic_and_returns_the_list(
    engine: sa.Engine,
) -> None:
    _chat(engine, 1)
    _add(engine, 1, "داعش")
    chats.start_chat(engine, chat_id=1, topic_id="isis", now=NOW)
    (watch,) = watches.watch_list(engine, 1).watches
    assert watch.id is not None
    removed, after = watches.remove_listed(engine, chat_id=1, watch_id=watch.id)
    assert removed and after.watches == [] and after.topic_ids == ["isis"]
    removed, after = watches.remove_listed(engine, chat_id=1, watch_id=watch.id)
    assert not removed
    removed, after = watches.remove_listed(engine, chat_id=1, topic_id="isis")
    assert removed and after.topic_ids == []
    assert watches.remove_watch(engine, chat_id=1, number=1) is None
