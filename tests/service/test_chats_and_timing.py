"""Chat, topic and timing services on SQLite and PostgreSQL: first contact, pause and resume,
language, breaking news, removal, migration, and held alerts moved by a settings change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from postbot.feeds.story import Story
from postbot.service import chats, timing, topics, watches, watchstate
from postbot.service.chats import ChatState, Started
from postbot.service.timing import Held
from postbot.store import repo
from postbot.store.models import Delivery, DeliveryStatus

NOW = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)  # 17:05 in Baghdad
HOUR = timedelta(hours=1)


def _chat(engine: sa.Engine, chat_id: int = 1, lang: str = "ar") -> ChatState:
    kind = "private" if chat_id > 0 else "supergroup"
    return chats.ensure_chat(engine, chat_id=chat_id, kind=kind, title=None, lang=lang, now=NOW)


def _deliveries(engine: sa.Engine, chat_id: int, status: str | None = None) -> list[Delivery]:
    with Session(engine) as session:
        stmt = select(Delivery).where(col(Delivery.chat_id) == chat_id)
        if status is not None:
            stmt = stmt.where(col(Delivery.status) == status)
        return list(session.exec(stmt).all())


def _queue(engine: sa.Engine, chat_id: int, keys: list[str], release: datetime | None) -> None:
    """Alerts for the chat: pending (release None) or held until `release`."""
    with Session(engine) as session:
        repo.upsert_feeds(
            session=session, feeds=[repo.FeedSpec("wire", "https://w.example/rss", "Wire")]
        )
        for key in keys:
            story = Story("wire", key, f"خبر {key}", f"https://w.example/{key}", "نص", NOW)
            row, _ = repo.save_story(session=session, story=story, now=NOW)
            assert row.id is not None
            repo.enqueue_delivery(
                session=session,
                chat_id=chat_id,
                story_id=row.id,
                reasons=["topic:isis"],
                now=NOW,
                release_at=release,
            )
        session.commit()


def test_first_contact_creates_the_chat_and_keeps_its_language(engine: sa.Engine) -> None:
    assert _chat(engine, 1, "ar") == ChatState(1, "ar", True)
    chats.set_lang(engine, chat_id=1, lang="en", now=NOW)
    assert _chat(engine, 1, "ar") == ChatState(1, "en", True)
    with pytest.raises(ValueError):
        chats.set_lang(engine, chat_id=1, lang="fr", now=NOW)


def test_stop_keeps_the_queue_and_start_resumes_with_a_topic(engine: sa.Engine) -> None:
    _chat(engine)
    _queue(engine, 1, ["a", "b"], release=None)
    assert chats.stop_chat(engine, chat_id=1, now=NOW) == 2
    assert not chats.chat_settings(engine, 1).active
    assert _deliveries(engine, 1, DeliveryStatus.PENDING.value) == []
    assert chats.start_chat(engine, chat_id=1, topic_id="isis", now=NOW) == Started(
        resumed=True, topics=frozenset({"isis"}), waiting=2
    )
    away = _deliveries(engine, 1, DeliveryStatus.HELD.value)
    assert [(d.hold, d.next_attempt_at) for d in away] == [("away", NOW)] * 2
    assert chats.start_chat(engine, chat_id=1, topic_id=None, now=NOW) == Started(
        resumed=False, topics=frozenset({"isis"})
    )


def test_a_removed_bot_deactivates_the_chat_and_a_migration_moves_it(engine: sa.Engine) -> None:
    assert not chats.chat_gone(engine, chat_id=5, now=NOW)  # never seen: nothing to do
    _chat(engine, -10)
    watches.add_watch(engine, chat_id=-10, owner_id=None, query="داعش", now=NOW)
    assert chats.migrate_chat(engine, old_id=-10, new_id=-1000010, now=NOW)
    assert [w.query for w in watches.watch_list(engine, -1000010).watches] == ["داعش"]
    _queue(engine, -1000010, ["a"], release=None)
    assert chats.chat_gone(engine, chat_id=-1000010, now=NOW)
    assert not chats.chat_settings(engine, -1000010).active
    assert {d.status for d in _deliveries(engine, -1000010)} == {DeliveryStatus.FAILED.value}
    assert chats.chat_langs(engine, [-1000010, 77]) == {-1000010: "ar"}


def test_breaking_is_stored(engine: sa.Engine) -> None:
    _chat(engine)
    chats.set_breaking(engine, chat_id=1, on=True, now=NOW)
    assert chats.chat_settings(engine, 1).breaking


def test_topics_toggle_and_alert_buttons_report_what_is_left(engine: sa.Engine) -> None:
    _chat(engine)
    assert topics.toggle_topic(engine, chat_id=1, topic_id="isis", now=NOW).added
    toggled = topics.toggle_topic(engine, chat_id=1, topic_id="isis", now=NOW)
    assert (toggled.added, toggled.topics) == (False, frozenset())
    topics.toggle_topic(engine, chat_id=1, topic_id="isis", now=NOW)
    watches.add_watch(engine, chat_id=1, owner_id=None, query="داعش", now=NOW)
    (watch,) = watches.watch_list(engine, 1).watches
    assert watch.id is not None
    muted = watchstate.mute_watch_by_id(
        engine, chat_id=1, watch_id=watch.id, until=NOW + HOUR, now=NOW
    )
    assert muted is not None and (muted.number, muted.query) == (1, "داعش")
    (kept,) = watches.watch_list(engine, 1).watches  # muted, not removed
    assert kept.muted_until == NOW + HOUR
    assert (
        watchstate.mute_watch_by_id(engine, chat_id=2, watch_id=watch.id, until=None, now=NOW)
        is None
    )
    stopped = topics.stop_topic(engine, chat_id=1, topic_id="isis")
    assert stopped.done and stopped.following.topic_ids == frozenset()
    assert not topics.stop_topic(engine, chat_id=1, topic_id="isis").done
    assert topics.chat_topics(engine, 1) == frozenset()


def test_digest_off_releases_held_alerts_now(engine: sa.Engine) -> None:
    _chat(engine)
    timing.set_digest(engine, chat_id=1, mode="hourly", at=None, now=NOW)
    _queue(engine, 1, ["a", "b"], release=NOW + HOUR)
    changed = timing.set_digest(engine, chat_id=1, mode="off", at=None, now=NOW)
    assert changed.chat.digest == "off"
    assert changed.held == Held(2, None)
    assert {d.next_attempt_at for d in _deliveries(engine, 1)} == {NOW}


def test_quiet_hours_and_time_zone_move_held_alerts_to_their_end(engine: sa.Engine) -> None:
    _chat(engine)
    assert timing.set_quiet(engine, chat_id=1, start="17:00", end="19:00", now=NOW).held is None
    _queue(engine, 1, ["a"], release=NOW + HOUR)
    changed = timing.set_quiet(engine, chat_id=1, start="17:00", end="20:00", now=NOW)
    end = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # 20:00 in Baghdad
    assert changed.held == Held(1, end)
    # in London it is 14:05: outside the window, so the alert goes now
    moved = timing.set_tz(engine, chat_id=1, tz="Europe/London", now=NOW)
    assert (moved.chat.tz, moved.held) == ("Europe/London", Held(1, None))
