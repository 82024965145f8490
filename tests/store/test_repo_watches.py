"""Keyword watches (limit, numbering) and topic subscriptions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from postbot.store import repo

NOW = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)


def _at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def test_watch_limit(session: Session, make_chat: Callable[..., int]) -> None:
    chat_id = make_chat()
    for i in range(repo.MAX_WATCHES):
        repo.add_watch(session=session, chat_id=chat_id, query=f"كلمة{i}", now=_at(i))
    with pytest.raises(repo.WatchLimitError, match="at most 50"):
        repo.add_watch(session=session, chat_id=chat_id, query="one too many")
    assert len(repo.list_watches(session=session, chat_id=chat_id)) == 50


def test_watch_limit_is_per_chat_and_configurable(
    session: Session, make_chat: Callable[..., int]
) -> None:
    a, b = make_chat(1), make_chat(2)
    repo.add_watch(session=session, chat_id=a, query="داعش", max_watches=1)
    with pytest.raises(repo.WatchLimitError) as info:
        repo.add_watch(session=session, chat_id=a, query="ISIS", max_watches=1)
    assert info.value.limit == 1
    assert repo.add_watch(session=session, chat_id=b, query="ISIS", max_watches=1).chat_id == b


@pytest.mark.parametrize("query", ["", "   ", "x" * 201], ids=["empty", "blank", "too-long"])
def test_add_watch_rejects_bad_queries(
    session: Session, make_chat: Callable[..., int], query: str
) -> None:
    chat_id = make_chat()
    with pytest.raises(ValueError, match="1 to 200"):
        repo.add_watch(session=session, chat_id=chat_id, query=query)


def test_add_watch_same_query_returns_existing(
    session: Session, make_chat: Callable[..., int]
) -> None:
    chat_id = make_chat()
    first = repo.add_watch(session=session, chat_id=chat_id, query="عين الأسد")
    again = repo.add_watch(session=session, chat_id=chat_id, query="  عين الأسد ")
    assert again.id == first.id
    assert len(repo.list_watches(session=session, chat_id=chat_id)) == 1


@pytest.mark.parametrize(
    ("number", "removed", "left"),
    [
        (1, True, [(2, "c"), (3, "b"), (4, "d")]),
        (2, True, [(1, "a"), (3, "b"), (4, "d")]),
        (4, True, [(1, "a"), (2, "c"), (3, "b")]),
        (0, False, [(1, "a"), (2, "c"), (3, "b"), (4, "d")]),
        (5, False, [(1, "a"), (2, "c"), (3, "b"), (4, "d")]),
    ],
    ids=["first", "middle", "last", "zero", "past-end"],
)
def test_remove_watch_by_number_keeps_the_other_numbers(
    session: Session,
    make_chat: Callable[..., int],
    number: int,
    removed: bool,
    left: list[tuple[int, str]],
) -> None:
    chat_id = make_chat()
    other = make_chat(2)
    # numbers follow the order watches were added in, whatever their clock said
    for query, minute in [("a", 0), ("c", 2), ("b", 1), ("d", 3)]:
        repo.add_watch(session=session, chat_id=chat_id, query=query, now=_at(minute))
    repo.add_watch(session=session, chat_id=other, query="z", now=NOW)
    assert repo.remove_watch(session=session, chat_id=chat_id, number=number) is removed
    session.commit()
    listed = repo.list_watches(session=session, chat_id=chat_id)
    assert [(w.number, w.query) for w in listed] == left
    assert [w.number for w in repo.list_watches(session=session, chat_id=other)] == [1]
    # a number once given is never given again in the chat
    added = repo.add_watch(session=session, chat_id=chat_id, query="e", now=NOW)
    assert added.number == 5


def test_take_watch_by_id_only_for_its_chat(
    session: Session, make_chat: Callable[..., int]
) -> None:
    a, b = make_chat(1), make_chat(2)
    watch = repo.add_watch(session=session, chat_id=a, query="داعش")
    assert watch.id is not None
    assert repo.take_watch_by_id(session=session, chat_id=b, watch_id=watch.id) is None
    taken = repo.take_watch_by_id(session=session, chat_id=a, watch_id=watch.id)
    assert taken is not None and taken.query == "داعش"
    assert repo.list_watches(session=session, chat_id=a) == []


def test_topic_subscriptions(session: Session, make_chat: Callable[..., int]) -> None:
    chat_id = make_chat()
    assert repo.subscribe_topic(session=session, chat_id=chat_id, topic_id="isis", now=_at(1))
    assert not repo.subscribe_topic(session=session, chat_id=chat_id, topic_id="isis", now=_at(2))
    assert repo.subscribe_topic(
        session=session, chat_id=chat_id, topic_id="ain_al_asad", now=_at(3)
    )
    assert repo.chat_topics(session=session, chat_id=chat_id) == ["isis", "ain_al_asad"]
    assert repo.unsubscribe_topic(session=session, chat_id=chat_id, topic_id="isis")
    assert not repo.unsubscribe_topic(session=session, chat_id=chat_id, topic_id="isis")
    assert repo.chat_topics(session=session, chat_id=chat_id) == ["ain_al_asad"]


def test_watch_limit_per_user_across_chats(session: Session, make_chat: Callable[..., int]) -> None:
    from postbot.store.repo.watches import UserWatchLimitError, count_owned_watches

    chats = [make_chat(10 + i) for i in range(3)]
    owner, other = 777, 778
    for i in range(5):  # spread over three chats, under each chat's own limit
        repo.add_watch(
            session=session,
            chat_id=chats[i % 3],
            query=f"ك{i}",
            owner_id=owner,
            max_per_owner=5,
            now=_at(i),
        )
    assert count_owned_watches(session=session, owner_id=owner) == 5
    with pytest.raises(UserWatchLimitError) as info:
        repo.add_watch(
            session=session, chat_id=chats[2], query="one more", owner_id=owner, max_per_owner=5
        )
    assert info.value.limit == 5 and isinstance(info.value, repo.WatchLimitError)
    assert "across all chats" in str(info.value)
    # an identical query is the existing watch, not a new one: no limit applies
    again = repo.add_watch(
        session=session, chat_id=chats[0], query="ك0", owner_id=owner, max_per_owner=5
    )
    assert again.owner_id == owner
    # someone else in the same chat, and watches with no known owner, are not counted
    assert (
        repo.add_watch(
            session=session, chat_id=chats[2], query="x1", owner_id=other, max_per_owner=5
        ).owner_id
        == other
    )
    assert repo.add_watch(session=session, chat_id=chats[2], query="x2", max_per_owner=5)
    assert count_owned_watches(session=session, owner_id=owner) == 5
    # removing one frees a place
    assert repo.remove_watch(session=session, chat_id=chats[0], number=1)
    repo.add_watch(
        session=session, chat_id=chats[1], query="now fits", owner_id=owner, max_per_owner=5
    )
    assert count_owned_watches(session=session, owner_id=owner) == 5


def test_default_per_user_limit_is_four_chats() -> None:
    from postbot.store.repo.watches import MAX_WATCHES_PER_USER

    assert MAX_WATCHES_PER_USER == 4 * repo.MAX_WATCHES
