"""Feed sync, scheduling, poll outcomes and story storage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from postbot.feeds.story import Story
from postbot.store import repo
from postbot.store.models import Feed, StoryRow

NOW = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)
MIN = timedelta(minutes=1)


def test_upsert_feeds_adds_updates_and_disables(session: Session) -> None:
    repo.upsert_feeds(
        session=session,
        feeds=[
            repo.FeedSpec("aljazeera", "https://a.example/rss", "الجزيرة"),
            repo.FeedSpec("bbc", "https://b.example/rss", "BBC"),
        ],
        now=NOW,
    )
    session.commit()
    bbc = repo.get_feed(session=session, feed_id="bbc")
    assert bbc is not None and bbc.enabled and not bbc.first_polled
    assert bbc.next_poll_at == NOW
    repo.record_poll_failure(
        session=session, feed_id="aljazeera", error="timeout", now=NOW, next_poll_at=NOW + MIN
    )
    session.commit()

    later = NOW + 10 * MIN
    repo.upsert_feeds(
        session=session,
        feeds=[repo.FeedSpec("aljazeera", "https://a.example/rss", "Al Jazeera")],
        now=later,
    )
    session.commit()
    kept = repo.get_feed(session=session, feed_id="aljazeera")
    removed = repo.get_feed(session=session, feed_id="bbc")
    assert kept is not None and removed is not None
    assert kept.name == "Al Jazeera"
    assert kept.consecutive_errors == 1  # polling state survives a config reload
    assert kept.next_poll_at == NOW + MIN
    assert not removed.enabled
    assert [f.id for f in repo.list_feeds(session=session, enabled_only=True)] == ["aljazeera"]


def test_upsert_feeds_new_url_forgets_validators_and_polls_now(session: Session) -> None:
    repo.upsert_feeds(session=session, feeds=[repo.FeedSpec("f", "https://old/rss", "f")], now=NOW)
    repo.record_poll_success(
        session=session,
        feed_id="f",
        etag='"abc"',
        last_modified="Sat, 28 Nov 2026 14:00:00 GMT",
        now=NOW,
        next_poll_at=NOW + 5 * MIN,
    )
    later = NOW + MIN
    repo.upsert_feeds(
        session=session, feeds=[repo.FeedSpec("f", "https://new/rss", "f")], now=later
    )
    session.commit()
    feed = repo.get_feed(session=session, feed_id="f")
    assert feed is not None
    assert (feed.url, feed.etag, feed.last_modified) == ("https://new/rss", None, None)
    assert feed.next_poll_at == later


def test_due_feeds_most_overdue_first(session: Session, make_feed: Callable[..., str]) -> None:
    make_feed("late", next_poll_at=NOW - 10 * MIN)
    make_feed("b_on_time", next_poll_at=NOW)
    make_feed("a_on_time", next_poll_at=NOW)
    make_feed("early", next_poll_at=NOW - 20 * MIN)
    make_feed("future", next_poll_at=NOW + MIN)
    make_feed("disabled", next_poll_at=NOW - 30 * MIN, enabled=False)
    make_feed("leased", next_poll_at=NOW - 30 * MIN, lease_owner="w1", lease_until=NOW + MIN)
    make_feed("lease_expired", next_poll_at=NOW - 5 * MIN, lease_owner="w1", lease_until=NOW)
    due = [f.id for f in repo.due_feeds(session=session, now=NOW, limit=10)]
    assert due == ["early", "late", "lease_expired", "a_on_time", "b_on_time"]
    assert [f.id for f in repo.due_feeds(session=session, now=NOW, limit=2)] == ["early", "late"]


def test_claim_due_feeds_leases_them(session: Session, make_feed: Callable[..., str]) -> None:
    make_feed("a", next_poll_at=NOW - MIN)
    make_feed("b", next_poll_at=NOW)
    claimed = repo.claim_due_feeds(
        session=session, owner="w1", now=NOW, lease_until=NOW + 5 * MIN, limit=1
    )
    session.commit()
    assert [f.id for f in claimed] == ["a"]
    assert claimed[0].lease_owner == "w1"
    assert [f.id for f in repo.due_feeds(session=session, now=NOW, limit=10)] == ["b"]
    # An expired lease (its process died) makes the feed claimable again.
    after = NOW + 6 * MIN
    assert [f.id for f in repo.due_feeds(session=session, now=after, limit=10)] == ["a", "b"]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_concurrent_claims_never_share_a_feed(
    engine: sa.Engine, make_feed: Callable[..., str]
) -> None:
    for i in range(6):
        make_feed(f"f{i}", next_poll_at=NOW - i * MIN)
    lease = NOW + 5 * MIN
    with Session(engine) as first, Session(engine) as second:
        a = repo.claim_due_feeds(session=first, owner="w1", now=NOW, lease_until=lease, limit=4)
        # `first` still holds its row locks: SKIP LOCKED hands `second` the rest.
        b = repo.claim_due_feeds(session=second, owner="w2", now=NOW, lease_until=lease, limit=4)
        assert len(a) == 4 and len(b) == 2
        assert not {f.id for f in a} & {f.id for f in b}
        first.commit()
        second.commit()


def test_poll_failure_counts_up_and_success_resets(
    session: Session, make_feed: Callable[..., str]
) -> None:
    make_feed("f", etag='"v1"', lease_owner="w1", lease_until=NOW + MIN)
    counts = [
        repo.record_poll_failure(
            session=session, feed_id="f", error=f"HTTP 50{i}", now=NOW, next_poll_at=NOW + MIN
        )
        for i in range(3)
    ]
    assert counts == [1, 2, 3]
    feed = repo.get_feed(session=session, feed_id="f")
    assert feed is not None
    assert (feed.last_error, feed.lease_owner, feed.lease_until) == ("HTTP 502", None, None)
    assert not feed.first_polled

    repo.mark_failing_notified(session=session, feed_id="f")
    recovered = repo.record_poll_success(
        session=session, feed_id="f", etag=None, last_modified="x", now=NOW, next_poll_at=NOW + MIN
    )
    session.commit()
    assert recovered is True
    feed = repo.get_feed(session=session, feed_id="f")
    assert feed is not None
    assert (feed.consecutive_errors, feed.last_error, feed.failing_notified) == (0, None, False)
    assert (feed.etag, feed.last_modified) == ('"v1"', "x")  # None keeps the stored ETag
    assert feed.first_polled and feed.last_success_at == NOW
    assert (
        repo.record_poll_success(
            session=session, feed_id="f", etag=None, last_modified=None, now=NOW, next_poll_at=NOW
        )
        is False
    )


def test_poll_failure_error_text_is_capped(session: Session, make_feed: Callable[..., str]) -> None:
    make_feed("f")
    repo.record_poll_failure(
        session=session, feed_id="f", error="x" * 10_000, now=NOW, next_poll_at=NOW
    )
    feed = repo.get_feed(session=session, feed_id="f")
    assert feed is not None and feed.last_error is not None
    assert len(feed.last_error) == 2000


def _story(key: str = "guid-1", feed_id: str = "aljazeera", link: str | None = None) -> Story:
    return Story(
        feed_id=feed_id,
        key=key,
        title="داعش يهاجم قاعدة عين الأسد",
        link=link or f"https://example.com/{key}",
        summary="نحو 250 مستشار",
        published=datetime(2026, 11, 28, 13, 0, tzinfo=UTC),
    )


def test_save_story_is_idempotent(session: Session, make_feed: Callable[..., str]) -> None:
    make_feed("aljazeera")
    make_feed("bbc")
    row, created = repo.save_story(session=session, story=_story(), now=NOW)
    again, created_again = repo.save_story(session=session, story=_story(), now=NOW + MIN)
    other, created_other = repo.save_story(session=session, story=_story(feed_id="bbc"), now=NOW)
    session.commit()
    assert (created, created_again, created_other) == (True, False, True)
    assert again.id == row.id != other.id
    assert again.first_seen_at == NOW  # the first sighting is what counts
    assert again.published == datetime(2026, 11, 28, 13, 0, tzinfo=UTC)
    assert len(session.exec(select(StoryRow)).all()) == 2


def test_also_in_names_each_other_outlet_once(
    session: Session, make_feed: Callable[..., str]
) -> None:
    for feed_id in ("aljazeera", "bbc", "rudaw"):
        make_feed(feed_id)
    link = "https://example.com/same"
    first, _ = repo.save_story(session=session, story=_story("a", "aljazeera", link), now=NOW)
    repo.save_story(session=session, story=_story("b", "bbc", link), now=NOW + MIN)
    assert first.id is not None
    assert repo.add_also_in(session=session, story_id=first.id, feed_id="bbc") is True
    assert repo.add_also_in(session=session, story_id=first.id, feed_id="bbc") is False
    assert repo.add_also_in(session=session, story_id=first.id, feed_id="aljazeera") is False
    assert repo.add_also_in(session=session, story_id=first.id, feed_id="rudaw") is True
    session.commit()
    session.expire_all()
    stored = repo.get_story(session=session, story_id=first.id)
    assert stored is not None and stored.also_in == ["bbc", "rudaw"]


def test_unknown_feed_is_a_clear_error(session: Session) -> None:
    with pytest.raises(KeyError, match="no feed 'ghost'"):
        repo.record_poll_failure(
            session=session, feed_id="ghost", error="e", now=NOW, next_poll_at=NOW
        )
    assert session.get(Feed, "ghost") is None
