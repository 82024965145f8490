"""Breaking news in the store: first-seen sightings, the mark, the chats, outlets' own links,
and migration 0004 keeping every chat's rows."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from postbot.store import repo
from postbot.store.db import current_revision, downgrade_engine, upgrade_engine
from postbot.store.models import StoryRow

NOW = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)  # as in conftest
MIN = timedelta(minutes=1)


def _cluster(make_story: Callable[..., int], session: Session, feeds: list[str]) -> list[int]:
    """A first story in feeds[0] and one later copy per other feed, a minute apart each."""
    root = make_story("root", feeds[0], first_seen_at=NOW)
    ids = [root]
    for n, feed in enumerate(feeds[1:], start=1):
        copy = make_story(f"copy{n}", feed, first_seen_at=NOW + n * MIN)
        repo.set_cluster(session=session, story_id=copy, cluster_id=root)
        repo.add_also_in(session=session, story_id=root, feed_id=feed)
        ids.append(copy)
    session.commit()
    return ids


def test_sightings_are_every_story_of_the_cluster(
    session: Session, make_story: Callable[..., int]
) -> None:
    root, *_ = _cluster(make_story, session, ["aljazeera", "sky", "shafaq"])
    make_story("elsewhere", "rudaw", first_seen_at=NOW)  # not in the cluster
    seen = sorted(repo.cluster_sightings(session=session, root_id=root))
    assert seen == [("aljazeera", NOW), ("shafaq", NOW + 2 * MIN), ("sky", NOW + MIN)]


def test_breaking_is_marked_once_and_its_figures_follow(
    session: Session, make_story: Callable[..., int]
) -> None:
    root = make_story("root", "aljazeera")
    mark = repo.mark_breaking
    assert mark(session=session, root_id=root, outlets=3, minutes=4, now=NOW) == (True, True)
    assert mark(session=session, root_id=root, outlets=3, minutes=4, now=NOW + MIN) == (
        False,
        False,
    )
    assert mark(session=session, root_id=root, outlets=4, minutes=9, now=NOW + 5 * MIN) == (
        False,
        True,
    )
    session.commit()
    row = session.get(StoryRow, root)
    assert row is not None
    assert (row.breaking_at, row.breaking_outlets, row.breaking_minutes) == (NOW, 4, 9)


def test_copies_show_their_clusters_breaking_figures(
    session: Session, make_story: Callable[..., int]
) -> None:
    root, copy = _cluster(make_story, session, ["aljazeera", "sky"])
    repo.mark_breaking(session=session, root_id=root, outlets=3, minutes=7, now=NOW)
    session.commit()
    stored = {i: session.get(StoryRow, i) for i in (root, copy)}
    shown = repo.with_cluster_sources(
        session=session, stories={i: s for i, s in stored.items() if s is not None}
    )
    assert (shown[copy].breaking_outlets, shown[copy].breaking_minutes) == (3, 7)
    assert shown[copy].breaking_at == NOW


def test_breaking_chats_are_the_active_ones_that_asked(
    session: Session, make_chat: Callable[..., int]
) -> None:
    for chat_id in (1, 2, 3, 4):
        make_chat(chat_id)
    for chat_id in (1, 3, 4):
        repo.set_chat_breaking(session=session, chat_id=chat_id, on=True, now=NOW)
    repo.set_chat_breaking(session=session, chat_id=4, on=False, now=NOW)
    repo.set_chat_active(session=session, chat_id=3, active=False, now=NOW)
    session.commit()
    assert repo.breaking_chats(session=session) == [1]


def test_a_migrated_group_keeps_its_breaking_setting(
    session: Session, make_chat: Callable[..., int]
) -> None:
    make_chat(-5, kind="group")
    repo.set_chat_breaking(session=session, chat_id=-5, on=True, now=NOW)
    session.commit()
    repo.migrate_chat_id(session=session, old_id=-5, new_id=-1005, now=NOW)
    session.commit()
    assert repo.breaking_chats(session=session) == [-1005]


def test_links_name_each_other_outlets_own_article_in_order(
    session: Session, make_story: Callable[..., int]
) -> None:
    root, sky, shafaq, rudaw = _cluster(
        make_story, session, ["aljazeera", "sky", "shafaq", "rudaw"]
    )
    alone = make_story("alone", "bbc")
    same_feed = make_story("again", "sky", first_seen_at=NOW + 9 * MIN)  # a repost: one outlet
    repo.set_cluster(session=session, story_id=same_feed, cluster_id=root)
    session.commit()
    rows = {i: session.get(StoryRow, i) for i in (root, sky, shafaq, rudaw, alone)}
    links = repo.cluster_links(
        session=session, stories={i: r for i, r in rows.items() if r is not None}
    )
    base = "https://example.com"
    assert links[root] == [
        ("sky", f"{base}/sky/copy1"),
        ("shafaq", f"{base}/shafaq/copy2"),
        ("rudaw", f"{base}/rudaw/copy3"),
    ]
    assert links[shafaq] == [
        ("aljazeera", f"{base}/aljazeera/root"),
        ("sky", f"{base}/sky/copy1"),
        ("rudaw", f"{base}/rudaw/copy3"),
    ]
    assert alone not in links


def test_an_outlet_without_a_stored_story_is_named_without_a_link(
    session: Session, make_story: Callable[..., int]
) -> None:
    root = make_story("root", "aljazeera")
    repo.add_also_in(session=session, story_id=root, feed_id="sky")
    session.commit()
    row = session.get(StoryRow, root)
    assert row is not None
    assert repo.cluster_links(session=session, stories={root: row}) == {root: [("sky", None)]}


@pytest.mark.parametrize("backend_name", ["sqlite-file", "postgresql"])
def test_0004_keeps_every_chat_and_what_hangs_on_it(
    fresh_database: Callable[[str], AbstractContextManager[sa.Engine]], backend_name: str
) -> None:
    """A rebuilt chat table would cascade-delete watches, topics and deliveries on SQLite."""
    with fresh_database(backend_name) as engine:
        upgrade_engine(engine, "0003")
        t = {"t": "2026-11-28 10:00:00"}
        statements = [
            "INSERT INTO chat (id, kind, lang, active, digest, tz, created_at, updated_at)"
            " VALUES (42, 'private', 'ar', true, 'off', 'Asia/Baghdad', :t, :t)",
            "INSERT INTO feed (id, url, name, enabled, consecutive_errors, next_poll_at,"
            " failing_notified, first_polled) VALUES ('f', 'u', 'n', true, 0, :t, false, true)",
            "INSERT INTO story (id, feed_id, key, title, summary, first_seen_at, also_in)"
            " VALUES (7, 'f', 'k', 'title', '', :t, '[]')",
            "INSERT INTO delivery (chat_id, story_id, reasons, status, attempts,"
            " next_attempt_at, created_at, in_digest)"
            " VALUES (42, 7, '[]', 'sent', 1, :t, :t, false)",
            "INSERT INTO watch (chat_id, query, created_at) VALUES (42, 'داعش', :t)",
            "INSERT INTO topic_subscription (chat_id, topic_id, created_at)"
            " VALUES (42, 'isis', :t)",
        ]
        with engine.begin() as conn:
            for sql in statements:
                conn.execute(sa.text(sql), t)
        upgrade_engine(engine, "0004")
        assert current_revision(engine) == "0004"
        counts = "SELECT (SELECT count(*) FROM {}) "
        with engine.connect() as conn:
            kept = {
                table: conn.execute(sa.text(counts.format(table))).scalar_one()
                for table in ("chat", "watch", "topic_subscription", "delivery", "story")
            }
            chat = conn.execute(sa.text("SELECT breaking FROM chat")).one()
            story = conn.execute(
                sa.text("SELECT breaking_at, breaking_outlets, breaking_minutes FROM story")
            ).one()
        assert kept == dict.fromkeys(kept, 1)
        assert not chat[0] and tuple(story) == (None, None, None)
        downgrade_engine(engine, "0003")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("chat")}
        assert "breaking" not in columns
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM watch")).scalar_one() == 1
