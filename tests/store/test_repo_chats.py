"""Chats: creation, settings and the group → supergroup id migration."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from postbot.store import repo
from postbot.store.models import Chat, Delivery

NOW = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


def test_get_or_create_chat_creates_once_and_keeps_language(session: Session) -> None:
    chat = repo.get_or_create_chat(
        session=session,
        chat_id=-1001234567890,
        kind="supergroup",
        title="أخبار",
        lang="ar",
        now=NOW,
    )
    assert (chat.active, chat.lang, chat.tz, chat.digest) == (True, "ar", "Asia/Baghdad", "off")
    repo.set_chat_lang(session=session, chat_id=chat.id, lang="en", now=NOW)
    again = repo.get_or_create_chat(
        session=session,
        chat_id=-1001234567890,
        kind="supergroup",
        title="News",
        lang="ar",
        now=LATER,
    )
    session.commit()
    assert again.lang == "en"  # an explicit /lang survives later updates
    assert again.title == "News" and again.updated_at == LATER and again.created_at == NOW
    assert len(session.exec(select(Chat)).all()) == 1


@pytest.mark.parametrize(
    ("kind", "lang"), [("private", "fr"), ("room", "ar")], ids=["bad-lang", "bad-kind"]
)
def test_get_or_create_chat_rejects_bad_values(session: Session, kind: str, lang: str) -> None:
    with pytest.raises(ValueError):
        repo.get_or_create_chat(session=session, chat_id=1, kind=kind, title=None, lang=lang)


def test_chat_settings(session: Session, make_chat: Callable[..., int]) -> None:
    chat_id = make_chat()
    assert repo.set_chat_active(session=session, chat_id=chat_id, active=False, now=LATER)
    assert not repo.set_chat_active(session=session, chat_id=999, active=False)
    repo.set_chat_digest(session=session, chat_id=chat_id, digest="daily", at="08:00")
    repo.set_chat_tz(session=session, chat_id=chat_id, tz="Asia/Damascus")
    repo.set_chat_quiet(session=session, chat_id=chat_id, start="23:00", end="07:00")
    session.commit()
    session.expire_all()
    chat = repo.get_chat(session=session, chat_id=chat_id)
    assert chat is not None
    assert (chat.active, chat.digest, chat.digest_at, chat.tz) == (
        False,
        "daily",
        "08:00",
        "Asia/Damascus",
    )
    assert (chat.quiet_start, chat.quiet_end) == ("23:00", "07:00")
    assert chat.updated_at > NOW


@pytest.mark.parametrize(
    "call",
    [
        lambda s, c: repo.set_chat_digest(session=s, chat_id=c, digest="weekly", at=None),
        lambda s, c: repo.set_chat_lang(session=s, chat_id=c, lang="de"),
        lambda s, c: repo.set_chat_quiet(session=s, chat_id=c, start="23:00", end=None),
    ],
    ids=["digest", "lang", "half-quiet"],
)
def test_chat_settings_reject_bad_values(
    session: Session, make_chat: Callable[..., int], call: Callable[[Session, int], object]
) -> None:
    chat_id = make_chat()
    with pytest.raises(ValueError):
        call(session, chat_id)


def test_migrate_chat_id_moves_everything(
    session: Session, make_chat: Callable[..., int], make_story: Callable[..., int]
) -> None:
    old = make_chat(-4001, kind="group", lang="ar", digest="hourly", title="مجموعة")
    new = -1004001
    repo.add_watch(session=session, chat_id=old, query="داعش", now=NOW)
    repo.add_watch(session=session, chat_id=old, query='"عين الأسد"', now=LATER)
    repo.subscribe_topic(session=session, chat_id=old, topic_id="isis")
    story = make_story()
    repo.enqueue_delivery(session=session, chat_id=old, story_id=story, reasons=["isis"], now=NOW)
    session.commit()

    assert repo.migrate_chat_id(session=session, old_id=old, new_id=new, now=LATER)
    session.commit()
    assert repo.get_chat(session=session, chat_id=old) is None
    moved = repo.get_chat(session=session, chat_id=new)
    assert moved is not None
    assert (moved.kind, moved.lang, moved.digest, moved.title) == (
        "supergroup",
        "ar",
        "hourly",
        "مجموعة",
    )
    assert [w.query for w in repo.list_watches(session=session, chat_id=new)] == [
        "داعش",
        '"عين الأسد"',
    ]
    assert repo.chat_topics(session=session, chat_id=new) == ["isis"]
    assert [d.chat_id for d in session.exec(select(Delivery)).all()] == [new]


def test_migrate_chat_id_into_existing_chat_merges(
    session: Session, make_chat: Callable[..., int], make_story: Callable[..., int]
) -> None:
    old, new = make_chat(-4002, kind="group"), make_chat(-1004002, kind="supergroup")
    story = make_story()
    for chat_id in (old, new):
        repo.subscribe_topic(session=session, chat_id=chat_id, topic_id="isis")
        repo.enqueue_delivery(session=session, chat_id=chat_id, story_id=story, reasons=[], now=NOW)
    repo.subscribe_topic(session=session, chat_id=old, topic_id="troop_numbers")
    session.commit()
    assert repo.migrate_chat_id(session=session, old_id=old, new_id=new)
    session.commit()
    assert sorted(repo.chat_topics(session=session, chat_id=new)) == ["isis", "troop_numbers"]
    assert [d.chat_id for d in session.exec(select(Delivery)).all()] == [new]


def test_migrating_into_a_chat_with_watches_numbers_the_old_ones_after_them(
    session: Session, make_chat: Callable[..., int]
) -> None:
    old = make_chat(-4003, kind="group", lang="ar", digest="hourly")
    new = make_chat(-1004003, kind="supergroup")
    for query in ("داعش", "الأنبار"):
        repo.add_watch(session=session, chat_id=old, query=query, now=NOW)
    repo.add_watch(session=session, chat_id=new, query="هيت", now=NOW)
    session.commit()
    assert repo.migrate_chat_id(session=session, old_id=old, new_id=new)
    session.commit()
    listed = repo.list_watches(session=session, chat_id=new)
    assert [(w.number, w.query) for w in listed] == [(1, "هيت"), (2, "داعش"), (3, "الأنبار")]
    assert repo.add_watch(session=session, chat_id=new, query="الرطبة", now=NOW).number == 4
    moved = repo.get_chat(session=session, chat_id=new)
    assert moved is not None and (moved.lang, moved.digest) == ("ar", "hourly")  # settings moved


def test_migrate_unknown_chat_does_nothing(session: Session) -> None:
    assert not repo.migrate_chat_id(session=session, old_id=1, new_id=2)
    assert session.exec(select(Chat)).all() == []
