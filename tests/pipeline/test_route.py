"""Router: who a story goes to, with the ids of what matched and each chat's own words to bold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from postbot.feeds.story import Story
from postbot.pipeline.route import Router
from postbot.store import repo
from postbot.store.models import Delivery
from postbot.store.reasons import Reasons, WatchReason, reasons_of
from support.catalogs import catalog

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TITLE = "هجوم لداعش قرب الرطبة"
SUMMARY = "قالت القوات إن خلايا داعش هاجمت موقعاً في الفلوجة."
CATALOG = catalog()


def chats(engine: sa.Engine, spec: dict[int, tuple[list[str], list[str]]]) -> dict[str, int]:
    """Chats with (topics, watches); returns each watch's id by "<chat>:<query>"."""
    ids: dict[str, int] = {}
    with Session(engine) as session:
        for chat_id, (topics, queries) in spec.items():
            repo.get_or_create_chat(
                session=session, chat_id=chat_id, kind="private", title=None, lang="ar", now=T0
            )
            for topic in topics:
                repo.subscribe_topic(session=session, chat_id=chat_id, topic_id=topic, now=T0)
            for query in queries:
                watch = repo.add_watch(session=session, chat_id=chat_id, query=query, now=T0)
                ids[f"{chat_id}:{query}"] = watch.id or 0
        session.commit()
    return ids


def route(engine: sa.Engine, router: Router, *, first_seen: datetime = T0) -> dict[int, Reasons]:
    with Session(engine) as session:
        router.refresh(session, CATALOG, 1)
        match = router.match(TITLE, SUMMARY)
        return router.recipients(session, match, first_seen=first_seen)


def bold(reasons: Reasons) -> list[str]:
    text = f"{TITLE}\n{SUMMARY}"
    assert reasons.chars == len(text)
    return [text[a:b] for a, b in reasons.spans]


def test_each_chat_gets_its_topics_and_watches_with_their_ids(engine: sa.Engine) -> None:
    ids = chats(engine, {1: (["isis"], ["الرطبة"]), 2: ([], ["الفلوجة", "البصرة"]), 3: ([], [])})
    found = route(engine, Router())
    assert set(found) == {1, 2}
    assert found[1].topics == ("isis",)
    assert found[1].watches == (WatchReason(ids["1:الرطبة"], "الرطبة"),)
    assert found[1].labels() == ["topic:isis", "watch:الرطبة"]
    assert found[2].watches == (WatchReason(ids["2:الفلوجة"], "الفلوجة"),)


def test_a_chat_bolds_only_its_own_words(engine: sa.Engine) -> None:
    chats(engine, {1: (["isis"], []), 2: ([], ["الفلوجة"])})
    found = route(engine, Router())
    assert "الفلوجة" not in bold(found[1]) and any("داعش" in w for w in bold(found[1]))
    assert bold(found[2]) == ["الفلوجة"]


def test_a_watch_newer_than_the_story_and_an_inactive_chat_get_nothing(engine: sa.Engine) -> None:
    chats(engine, {1: ([], ["الرطبة"]), 2: (["isis"], [])})
    with Session(engine) as session:
        repo.set_chat_active(session=session, chat_id=2, active=False)
        session.commit()
    assert route(engine, Router(), first_seen=T0 - timedelta(minutes=1)) == {}


def test_the_matcher_is_rebuilt_when_a_watch_is_added(engine: sa.Engine) -> None:
    router = Router()
    chats(engine, {1: ([], ["البصرة"])})
    assert route(engine, router) == {}
    chats(engine, {1: ([], ["الرطبة"])})
    assert [w.query for w in route(engine, router)[1].watches] == ["الرطبة"]


def test_queued_reasons_read_back_as_routed(engine: sa.Engine) -> None:
    chats(engine, {1: (["isis"], ["الرطبة"])})
    why = route(engine, Router())[1]
    with Session(engine) as session:
        repo.upsert_feeds(session=session, feeds=[repo.FeedSpec("f", "u", "F")], now=T0)
        story = Story("f", "k", TITLE, None, SUMMARY, T0)
        row, _ = repo.save_story(session=session, story=story, now=T0)
        repo.enqueue_delivery(session=session, chat_id=1, story_id=row.id or 0, reasons=why, now=T0)
        session.commit()
        stored = session.exec(select(Delivery)).one()
    assert stored.reasons == ["topic:isis", "watch:الرطبة"]  # the labels, as before 0006
    assert reasons_of(stored.reasons, stored.watch_ids, stored.highlights) == why
