"""Chat settings services on SQLite and PostgreSQL: /format, /silent, /sources, /connect, a
group looked at before anyone may change it, routing that skips a left-out outlet, and the
settings following a group that became a supergroup."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session

from postbot.service import chats, chatsettings
from postbot.service.chats import ChatState
from postbot.service.chatsettings import Channel
from postbot.store import repo

NOW = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)
GROUP, SUPER = -4001, -1004001


def _chat(engine: sa.Engine, chat_id: int = 1, *, create: bool = True) -> ChatState:
    kind = "private" if chat_id > 0 else "supergroup"
    return chats.ensure_chat(
        engine, chat_id=chat_id, kind=kind, title=None, lang="ar", now=NOW, create=create
    )


def test_a_group_looked_at_is_not_stored_until_created(engine: sa.Engine) -> None:
    assert _chat(engine, GROUP, create=False) == ChatState(GROUP, "ar", True, stored=False)
    with Session(engine) as session:
        assert repo.get_chat(session=session, chat_id=GROUP) is None
    assert chats.chat_settings(engine, GROUP).tz == "Asia/Baghdad"  # the defaults it would have
    assert _chat(engine, GROUP) == ChatState(GROUP, "ar", True)
    assert _chat(engine, GROUP, create=False) == ChatState(GROUP, "ar", True)


def test_format_and_silent_round_trip(engine: sa.Engine) -> None:
    _chat(engine)
    row = chats.chat_settings(engine, 1)
    assert (row.alert_format, row.silent) == ("full", False)
    chatsettings.set_format(engine, chat_id=1, alert_format="compact", now=NOW)
    chatsettings.set_silent(engine, chat_id=1, on=True, now=NOW)
    row = chats.chat_settings(engine, 1)
    assert (row.alert_format, row.silent) == ("compact", True)


def test_toggle_feed_and_forget_removed_feeds(engine: sa.Engine) -> None:
    _chat(engine)
    known = ["wire", "other"]
    assert chatsettings.excluded_feeds(engine, 1) == frozenset()
    assert chatsettings.toggle_feed(
        engine, chat_id=1, feed_id="wire", known=known, now=NOW
    ) == frozenset({"wire"})
    assert chatsettings.excluded_feeds(engine, 1) == frozenset({"wire"})
    # "wire" left the config: forgotten at the next toggle
    assert chatsettings.toggle_feed(
        engine, chat_id=1, feed_id="other", known=["other"], now=NOW
    ) == frozenset({"other"})
    assert (
        chatsettings.toggle_feed(engine, chat_id=1, feed_id="other", known=["other"], now=NOW)
        == frozenset()
    )
    with Session(engine) as session:
        row = repo.get_chat(session=session, chat_id=1)
        assert row is not None and row.excluded_feeds is None  # all outlets again


def test_chats_excluding_names_only_those_that_left_the_outlet_out(engine: sa.Engine) -> None:
    for chat_id in (1, 2, 3):
        _chat(engine, chat_id)
    chatsettings.toggle_feed(engine, chat_id=1, feed_id="wire", known=["wire"], now=NOW)
    chatsettings.toggle_feed(engine, chat_id=2, feed_id="other", known=["other"], now=NOW)
    with Session(engine) as session:
        assert repo.chats_excluding(session=session, chat_ids=[1, 2, 3], feed_id="wire") == {1}
        assert repo.chats_excluding(session=session, chat_ids=[], feed_id="wire") == set()


def test_connect_disconnect_and_drop_only_that_channel(engine: sa.Engine) -> None:
    _chat(engine)
    assert chatsettings.channel_of(engine, 1) is None
    assert chatsettings.disconnect(engine, chat_id=1, now=NOW) is None
    chatsettings.connect(engine, chat_id=1, channel_id=-100777, title="@news", now=NOW)
    assert chatsettings.channel_of(engine, 1) == Channel(-100777, "@news")
    with Session(engine) as session:  # the dispatcher dropping an older connection: kept
        assert not repo.set_chat_channel(
            session=session, chat_id=1, channel_id=None, title=None, only=-100555
        )
        session.commit()
    assert chatsettings.channel_of(engine, 1) == Channel(-100777, "@news")
    assert chatsettings.disconnect(engine, chat_id=1, now=NOW) == Channel(-100777, "@news")
    assert chatsettings.channel_of(engine, 1) is None


def test_settings_follow_a_group_that_became_a_supergroup(engine: sa.Engine) -> None:
    _chat(engine, GROUP)
    chatsettings.set_format(engine, chat_id=GROUP, alert_format="compact", now=NOW)
    chatsettings.set_silent(engine, chat_id=GROUP, on=True, now=NOW)
    chatsettings.toggle_feed(engine, chat_id=GROUP, feed_id="wire", known=["wire"], now=NOW)
    chatsettings.connect(engine, chat_id=GROUP, channel_id=-100777, title="@news", now=NOW)
    assert chats.migrate_chat(engine, old_id=GROUP, new_id=SUPER, now=NOW)
    row = chats.chat_settings(engine, SUPER)
    assert (row.alert_format, row.silent, row.excluded_feeds) == ("compact", True, ["wire"])
    assert (row.channel_id, row.channel_title) == (-100777, "@news")
