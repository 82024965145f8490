"""Watch numbers for life, /unwatch forms, mutes, pauses and what they hold, and /stop's kept
alerts, on SQLite and PostgreSQL (service/watchstate.py, store/repo/silence.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from postbot.alerts.silence import parse_unwatch
from postbot.feeds.story import Story
from postbot.service import chats, watches, watchstate
from postbot.service.watchstate import ConfirmAll, Unwatched
from postbot.store import repo
from postbot.store.models import Delivery, DeliveryStatus
from postbot.store.reasons import Reasons, WatchReason
from support.catalogs import catalog

NOW = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)
HOUR = timedelta(hours=1)
CATALOG = catalog()


def _chat(engine: sa.Engine, chat_id: int = 1) -> None:
    chats.ensure_chat(engine, chat_id=chat_id, kind="private", title=None, lang="ar", now=NOW)


def _add(engine: sa.Engine, *queries: str, chat_id: int = 1) -> None:
    for query in queries:
        watches.add_watch(engine, chat_id=chat_id, owner_id=None, query=query, now=NOW)


def _listed(engine: sa.Engine, chat_id: int = 1) -> list[tuple[int, str]]:
    return [(w.number, w.query) for w in watches.watch_list(engine, chat_id).watches]


def _unwatch(engine: sa.Engine, raw: str, chat_id: int = 1) -> Unwatched | ConfirmAll:
    return watchstate.unwatch(engine, chat_id=chat_id, args=parse_unwatch(raw), raw=raw)


def test_numbers_survive_removals_and_are_never_reused(engine: sa.Engine) -> None:
    _chat(engine)
    _chat(engine, 2)
    _add(engine, "داعش", "الأنبار", "الرمادي")
    _add(engine, "هيت", chat_id=2)  # another chat counts on its own
    assert _unwatch(engine, "2") == Unwatched([(2, "الأنبار")])
    _add(engine, "الفلوجة")
    assert _listed(engine) == [(1, "داعش"), (3, "الرمادي"), (4, "الفلوجة")]
    assert _unwatch(engine, "4") == Unwatched([(4, "الفلوجة")])
    _add(engine, "تكريت")  # the highest number removed is not given again either
    assert _listed(engine) == [(1, "داعش"), (3, "الرمادي"), (5, "تكريت")]
    assert _listed(engine, 2) == [(1, "هيت")]


def test_unwatch_several_numbers_mixed_with_unknown_ones(engine: sa.Engine) -> None:
    _chat(engine)
    _add(engine, "alpha", "beta", "gamma", "delta")
    assert _unwatch(engine, "1 2") == Unwatched([(1, "alpha"), (2, "beta")])
    assert _unwatch(engine, "٣،9, 2") == Unwatched([(3, "gamma")], missing=[9, 2])
    assert _unwatch(engine, "#7") == Unwatched([], missing=[7])
    assert _listed(engine) == [(4, "delta")]


def test_unwatch_by_query_text_after_normalization(engine: sa.Engine) -> None:
    _chat(engine)
    _add(engine, '"عين الأسد" OR الأنبار', "2026", "داعش")
    # spelling (hamza, tashkeel), case and spaces do not matter
    assert _unwatch(engine, '"عين الاسد"   or  الانبار') == Unwatched(
        [(1, '"عين الأسد" OR الأنبار')]
    )
    assert _unwatch(engine, "دَاعش") == Unwatched([(3, "داعش")])
    # a watch whose text is a number: no watch #2026, so the text is meant
    assert _unwatch(engine, "2026") == Unwatched([(2, "2026")])
    assert _unwatch(engine, "الموصل") == Unwatched([], text="الموصل")


def test_unwatch_all_asks_and_a_stale_confirm_keeps_newer_watches(engine: sa.Engine) -> None:
    _chat(engine)
    _add(engine, "alpha", "beta")
    asked = _unwatch(engine, "الكل")
    assert asked == ConfirmAll(count=2, up_to=2)
    assert isinstance(asked, ConfirmAll)
    assert _listed(engine) == [(1, "alpha"), (2, "beta")]  # nothing removed before the confirm
    _add(engine, "gamma")  # added after the question: the confirm does not take it
    removed = watchstate.confirm_unwatch_all(engine, chat_id=1, up_to=asked.up_to)
    assert removed == [(1, "alpha"), (2, "beta")]
    assert _listed(engine) == [(3, "gamma")]
    assert watchstate.confirm_unwatch_all(engine, chat_id=1, up_to=asked.up_to) == []


def test_mute_by_number_text_or_topic_and_resume(engine: sa.Engine) -> None:
    _chat(engine)
    _add(engine, "داعش", "الأنبار")
    chats.start_chat(engine, chat_id=1, topic_id="isis", now=NOW)
    muted = watchstate.mute(
        engine, chat_id=1, catalog=CATALOG, target="2", duration=2 * HOUR, hold=False, now=NOW
    )
    assert muted.target is not None and muted.target.number == 2
    assert muted.until == NOW + 2 * HOUR and not muted.hold
    topic = watchstate.mute(
        engine, chat_id=1, catalog=CATALOG, target="isis", duration=HOUR, hold=True, now=NOW
    )
    assert topic.target is not None and topic.target.topic_id == "isis" and topic.hold
    unknown = watchstate.mute(
        engine, chat_id=1, catalog=CATALOG, target="9", duration=HOUR, hold=False, now=NOW
    )
    assert unknown.target is None
    not_followed = watchstate.mute(
        engine,
        chat_id=1,
        catalog=CATALOG,
        target="Ain al-Asad air base",
        duration=HOUR,
        hold=False,
        now=NOW,
    )
    assert not not_followed.followed
    silent = watchstate.silence(engine, chat_id=1, now=NOW)
    assert [w.number for w in silent.watches] == [2] and silent.topics[0].topic_id == "isis"
    # a mute ends by itself: an hour and a half later only the watch is still muted
    later = watchstate.silence(engine, chat_id=1, now=NOW + 90 * timedelta(minutes=1))
    assert [w.number for w in later.watches] == [2] and later.topics == []
    done = watchstate.resume(engine, chat_id=1, catalog=CATALOG, target="الأنبار", now=NOW)
    assert done.was_silent and done.target is not None and done.target.number == 2
    assert done.still.watches == [] and [t.topic_id for t in done.still.topics] == ["isis"]
    again = watchstate.resume(engine, chat_id=1, catalog=CATALOG, target="2", now=NOW)
    assert not again.was_silent


def _story(engine: sa.Engine, key: str) -> int:
    with Session(engine) as session:
        repo.upsert_feeds(
            session=session, feeds=[repo.FeedSpec("wire", "https://w.example/rss", "Wire")]
        )
        story = Story("wire", key, f"خبر {key}", f"https://w.example/{key}", "نص", NOW)
        row, _ = repo.save_story(session=session, story=story, now=NOW)
        session.commit()
        assert row.id is not None
        return row.id


def _hold(engine: sa.Engine, key: str, reasons: Reasons, hold: str, until: datetime) -> None:
    story_id = _story(engine, key)
    with Session(engine) as session:
        repo.enqueue_delivery(
            session=session,
            chat_id=1,
            story_id=story_id,
            reasons=reasons,
            now=NOW,
            release_at=until,
            hold=hold,
        )
        session.commit()


def _held(engine: sa.Engine) -> list[tuple[str | None, datetime]]:
    with Session(engine) as session:
        rows = session.exec(
            select(Delivery)
            .where(col(Delivery.status) == DeliveryStatus.HELD.value)
            .order_by(col(Delivery.id))
        ).all()
        return [(r.hold, r.next_attempt_at) for r in rows]


def test_resume_releases_what_the_pause_or_the_mute_held(engine: sa.Engine) -> None:
    _chat(engine)
    _add(engine, "داعش", "الأنبار")
    ids = {w.query: w.id for w in watches.watch_list(engine, 1).watches}
    watchstate.pause(engine, chat_id=1, duration=2 * HOUR, hold=True, now=NOW)
    watchstate.mute(
        engine, chat_id=1, catalog=CATALOG, target="1", duration=HOUR, hold=True, now=NOW
    )
    _hold(engine, "p", Reasons(topics=("isis",)), "pause", NOW + 2 * HOUR)
    _hold(engine, "m1", Reasons(watches=(WatchReason(ids["داعش"], "داعش"),)), "mute", NOW + HOUR)
    _hold(
        engine, "m2", Reasons(watches=(WatchReason(ids["الأنبار"], "الأنبار"),)), "mute", NOW + HOUR
    )
    # muting #2 again for longer: what its first mute held waits for the new end
    watchstate.mute(
        engine, chat_id=1, catalog=CATALOG, target="2", duration=3 * HOUR, hold=True, now=NOW
    )
    assert _held(engine)[2] == ("mute", NOW + 3 * HOUR)
    watchstate.mute(
        engine, chat_id=1, catalog=CATALOG, target="2", duration=HOUR, hold=True, now=NOW
    )
    # unmuting #1 sends its held alert now, not the other watch's, nor the pause's
    soon = NOW + timedelta(minutes=5)
    done = watchstate.resume(engine, chat_id=1, catalog=CATALOG, target="1", now=soon)
    assert done.released == 1
    assert _held(engine) == [("pause", NOW + 2 * HOUR), ("mute", soon), ("mute", NOW + HOUR)]
    # /resume alone ends the pause and sends what it held
    done = watchstate.resume(engine, chat_id=1, catalog=CATALOG, target="", now=soon)
    assert done.was_silent and done.released == 1
    assert _held(engine)[0] == ("pause", soon)
    assert watchstate.silence(engine, chat_id=1, now=soon).paused_until is None


def test_stop_keeps_waiting_alerts_and_start_sends_the_latest_as_one_digest(
    engine: sa.Engine,
) -> None:
    _chat(engine)
    for n in range(chats.AWAY_MAX + 2):
        story_id = _story(engine, f"s{n}")
        with Session(engine) as session:
            repo.enqueue_delivery(
                session=session,
                chat_id=1,
                story_id=story_id,
                reasons=["topic:isis"],
                now=NOW + timedelta(seconds=n),
            )
            session.commit()
    assert chats.stop_chat(engine, chat_id=1, now=NOW) == chats.AWAY_MAX + 2
    later = NOW + HOUR
    started = chats.start_chat(engine, chat_id=1, topic_id=None, now=later)
    assert started.resumed and started.waiting == chats.AWAY_MAX
    held = _held(engine)
    assert held == [("away", later)] * chats.AWAY_MAX
    with Session(engine) as session:
        failed = session.exec(
            select(Delivery).where(col(Delivery.status) == DeliveryStatus.FAILED.value)
        ).all()
        # the two oldest are given up, and say why
        assert len(failed) == 2 and all(
            "kept while stopped" in (f.last_error or "") for f in failed
        )
