"""Routing with mutes and pauses: muted watches and topics are left out of the reasons, a chat
whose every reason is muted gets nothing (or an alert held to the mute's end), a paused chat
gets nothing (or its alert held to the pause's end)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from postbot.config.catalog import CatalogRef
from postbot.feeds.story import Story
from postbot.ops.metrics import Metrics
from postbot.pipeline.enqueue import Enqueuer
from postbot.pipeline.route import Routed, Router
from postbot.store import repo
from postbot.store.models import Delivery
from postbot.store.reasons import WatchReason

from .test_route import CATALOG, SUMMARY, T0, TITLE, chats

HOUR = timedelta(hours=1)


def route(engine: sa.Engine, router: Router, *, first_seen: datetime = T0) -> Routed:
    with Session(engine) as session:
        router.refresh(session, CATALOG, 1)
        return router.recipients(session, router.match(TITLE, SUMMARY), first_seen=first_seen)


def _mute_watch(engine: sa.Engine, chat_id: int, watch_id: int, hours: float, hold: bool) -> None:
    with Session(engine) as session:
        until = T0 + hours * HOUR
        repo.mute_watch(session=session, chat_id=chat_id, watch_id=watch_id, until=until, hold=hold)
        session.commit()


def _mute_topic(engine: sa.Engine, chat_id: int, topic: str, hours: float, hold: bool) -> None:
    with Session(engine) as session:
        until = T0 + hours * HOUR
        repo.mute_topic(session=session, chat_id=chat_id, topic_id=topic, until=until, hold=hold)
        session.commit()


def test_a_muted_watch_leaves_the_reasons_and_an_unmuted_topic_still_alerts(
    engine: sa.Engine,
) -> None:
    ids = chats(engine, {1: (["isis"], ["الرطبة", "الفلوجة"]), 2: ([], ["الرطبة"])})
    _mute_watch(engine, 1, ids["1:الرطبة"], 2, hold=False)
    found = route(engine, Router())
    assert found[1].topics == ("isis",)
    assert found[1].watches == (WatchReason(ids["1:الفلوجة"], "الفلوجة"),)
    assert found[2].watches == (WatchReason(ids["2:الرطبة"], "الرطبة"),)  # its own is not muted
    assert found.held_until == {}
    # a mute ends by time: three hours later it no longer counts
    later = route(engine, Router(), first_seen=T0 + 3 * HOUR)
    assert [w.query for w in later[1].watches] == ["الرطبة", "الفلوجة"]


def test_every_reason_muted_drops_the_story_or_holds_it_to_the_first_end(
    engine: sa.Engine,
) -> None:
    ids = chats(engine, {1: (["isis"], ["الرطبة"]), 2: (["isis"], ["الرطبة"])})
    _mute_topic(engine, 1, "isis", 1, hold=False)
    _mute_watch(engine, 1, ids["1:الرطبة"], 2, hold=False)
    _mute_topic(engine, 2, "isis", 3, hold=True)
    _mute_watch(engine, 2, ids["2:الرطبة"], 2, hold=True)
    found = route(engine, Router())
    assert 1 not in found
    assert found[2].topics == ("isis",) and found.held_until == {2: T0 + 2 * HOUR}


def _enqueue(engine: sa.Engine, key: str) -> list[Delivery]:
    enqueuer = Enqueuer(catalog=CatalogRef(CATALOG), metrics=Metrics())
    with Session(engine) as session:
        repo.upsert_feeds(session=session, feeds=[repo.FeedSpec("f", "u", "F")], now=T0)
        row, _ = repo.save_story(
            session=session, story=Story("f", key, TITLE, None, SUMMARY, T0), now=T0
        )
        enqueuer.refresh(session)
        enqueuer.enqueue(session, row, None, T0)
        session.commit()
        return list(
            session.exec(
                select(Delivery)
                .where(col(Delivery.story_id) == row.id)
                .order_by(col(Delivery.chat_id))
            ).all()
        )


def test_paused_chats_get_nothing_or_a_held_alert_and_held_mutes_are_queued(
    engine: sa.Engine,
) -> None:
    ids = chats(
        engine, {1: (["isis"], []), 2: (["isis"], []), 3: ([], ["الرطبة"]), 4: (["isis"], [])}
    )
    with Session(engine) as session:
        repo.pause_chat(session=session, chat_id=1, until=T0 + HOUR, hold=False)
        repo.pause_chat(session=session, chat_id=2, until=T0 + 2 * HOUR, hold=True)
        session.commit()
    _mute_watch(engine, 3, ids["3:الرطبة"], 1, hold=True)
    rows = _enqueue(engine, "k1")
    got = {r.chat_id: (r.status, r.hold, r.next_attempt_at) for r in rows}
    assert got == {
        2: ("held", "pause", T0 + 2 * HOUR),
        3: ("held", "mute", T0 + HOUR),
        4: ("pending", None, T0),
    }
