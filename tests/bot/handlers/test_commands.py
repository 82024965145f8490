"""Subscriber commands in-process: /start, /stop, /topics, /watch, /watches, /unwatch, /lang,
/feeds, /help, unknown commands and plain text; replies in the chat's language."""

from __future__ import annotations

import asyncio
import html
import sqlite3

from sqlmodel import Session

from postbot.alerts.html import visible_text
from postbot.alerts.texts import text
from postbot.service import chats, watches
from postbot.store import repo
from postbot.store.repo.watches import MAX_QUERY_CHARS
from support.process import ADMIN_ID

from .conftest import Chatter

USER, OTHER, ARABIC = 4101, 4102, 4103


def says(lang: str, key: str, **values: object) -> str:
    return visible_text(text(lang, key, **values))


async def test_start_subscribes_and_offers_the_topics(chatter: Chatter) -> None:
    (reply,) = await chatter.say(USER, "/start", lang="ar")
    assert reply == says("ar", "welcome")
    assert chatter.buttons(USER) == ["topic:ain_al_asad", "topic:troop_numbers", "topic:isis"]
    state = chats.chat_settings(chatter.svc.engine, USER)
    assert (state.lang, state.active) == ("ar", True)


async def test_start_with_a_deep_link_follows_the_topic(chatter: Chatter) -> None:
    (reply,) = await chatter.say(USER, "/start topic_isis")
    assert reply.endswith(says("en", "subscribed_topic", topic="ISIS"))
    (unknown,) = await chatter.say(USER, "/start topic_nope")
    assert unknown.endswith(says("en", "unknown_topic", topic="nope"))
    with Session(chatter.svc.engine) as session:
        assert repo.chat_topics(session=session, chat_id=USER) == ["isis"]


async def test_stop_pauses_and_start_resumes(chatter: Chatter) -> None:
    assert await chatter.say(USER, "/stop") == [says("en", "stopped")]
    assert not chats.chat_settings(chatter.svc.engine, USER).active
    (paused,) = await chatter.say(USER, "/watch داعش")
    assert paused.endswith(says("en", "paused_note"))
    (resumed,) = await chatter.say(USER, "/start")
    assert resumed == "\n\n".join([says("en", "welcome"), says("en", "resumed")])
    assert chats.chat_settings(chatter.svc.engine, USER).active


async def test_watch_answers_with_the_number_once_per_query(chatter: Chatter) -> None:
    assert await chatter.say(USER, "/watch داعش") == [
        says("en", "watch_added", number=1, query="داعش")
    ]
    assert await chatter.say(USER, '/watch "عين الأسد"') == [
        says("en", "watch_added", number=2, query=html.escape('"عين الأسد"'))
    ]
    assert await chatter.say(USER, "/watch داعش") == [says("en", "watch_exists", number=1)]
    listed = watches.watch_list(chatter.svc.engine, USER)
    assert [w.query for w in listed.watches] == ["داعش", '"عين الأسد"']


async def test_watch_refusals_say_why_and_store_nothing(chatter: Chatter) -> None:
    assert await chatter.say(USER, "/watch") == [says("en", "watch_usage")]
    long_query = "ب" * (MAX_QUERY_CHARS + 1)
    assert await chatter.say(ARABIC, f"/watch {long_query}", lang="ar") == [
        says("ar", "watch_too_long", length=MAX_QUERY_CHARS + 1, limit=MAX_QUERY_CHARS)
    ]
    (syntax,) = await chatter.say(ARABIC, "/watch داعش OR")
    assert syntax == says(
        "ar",
        "watch_syntax_at",
        problem=says("ar", "query_or_last", token="OR"),
        position=6,
        token="OR",
        query="داعش OR",
    )
    assert watches.watch_list(chatter.svc.engine, USER).watches == []
    assert watches.watch_list(chatter.svc.engine, ARABIC).watches == []


async def test_watches_lists_and_unwatch_removes_by_number(chatter: Chatter) -> None:
    assert await chatter.say(USER, "/watches") == [says("en", "watches_none")]
    await chatter.say(USER, "/watch داعش")
    await chatter.say(USER, "/watch الأنبار")
    (listing,) = await chatter.say(USER, "/watches")
    assert "1. داعش" in listing and "2. الأنبار" in listing
    assert chatter.buttons(USER)[:2] == [
        f"unwatch:{w.id}" for w in watches.watch_list(chatter.svc.engine, USER).watches
    ]
    assert await chatter.say(USER, "/unwatch ١") == [
        says("en", "unwatched", number=1, query="داعش")
    ]
    assert await chatter.say(USER, "/unwatch 5") == [says("en", "unwatch_missing", number=5)]
    assert await chatter.say(USER, "/unwatch x") == [says("en", "unwatch_text_missing", query="x")]
    assert await chatter.say(USER, "/unwatch") == [says("en", "unwatch_usage")]
    remaining = watches.watch_list(chatter.svc.engine, USER).watches
    assert [w.query for w in remaining] == ["الأنبار"]


async def test_lang_switches_the_reply_language(chatter: Chatter) -> None:
    assert await chatter.say(USER, "/lang ar") == [says("ar", "lang_set")]
    current = says("ar", "lang_current", name=says("ar", "lang_name_ar"))
    assert await chatter.say(USER, "/lang fr") == [
        "\n".join([says("ar", "lang_unsupported", value="fr"), current, says("ar", "lang_usage")])
    ]
    assert await chatter.say(USER, "/lang") == [current + "\n" + says("ar", "lang_usage")]
    assert await chatter.say(USER, "/stop", lang="en") == [says("ar", "stopped")]


async def test_feeds_help_unknown_and_plain_text(chatter: Chatter) -> None:
    (feeds,) = await chatter.say(USER, "/feeds")
    assert feeds.splitlines() == [says("en", "feeds_header", count=1), "• وكالة الاختبار"]
    (help_text,) = await chatter.say(ARABIC, "/help", lang="ar")
    assert help_text == says("ar", "help") + says("ar", "help_chatsettings") + says(
        "ar", "help_watchstate"
    )
    (admin_help,) = await chatter.say(ADMIN_ID, "/help")
    assert admin_help == says("en", "help") + says("en", "help_chatsettings") + says(
        "en", "help_watchstate"
    ) + says("en", "help_admin")
    assert await chatter.say(USER, "/nosuch") == [says("en", "unknown_command")]
    assert await chatter.say(USER, "عين الأسد") == [
        says("en", "plain_text_hint", query="عين الأسد")
    ]


async def test_group_members_who_are_not_admins_change_nothing(chatter: Chatter) -> None:
    group = -4200
    chatter.double.set_admins(group, [OTHER])
    refused = await chatter.say(group, "/watch داعش", user_id=USER, chat_type="group")
    assert refused == [says("en", "group_admins_only")]
    assert watches.watch_list(chatter.svc.engine, group).watches == []
    added = await chatter.say(group, "/watch داعش", user_id=OTHER, chat_type="group")
    assert added == [says("en", "watch_added", number=1, query="داعش")]


async def test_a_handler_waiting_for_the_database_does_not_hold_up_the_loop(
    chatter: Chatter,
) -> None:
    await chatter.say(USER, "/start")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    # another writer holds SQLite's write lock (a poll saving stories, say) for a while
    blocker = sqlite3.connect(chatter.svc.engine.url.database or "")
    blocker.execute("BEGIN IMMEDIATE")
    running = asyncio.create_task(ticker())
    try:
        handling = asyncio.create_task(chatter.say(USER, "/watch داعش"))
        await asyncio.sleep(0.5)
        assert not handling.done()  # waiting for the lock...
        assert ticks >= 10  # ...while the loop goes on
        blocker.rollback()
        assert await handling == [says("en", "watch_added", number=1, query="داعش")]
    finally:
        running.cancel()
        blocker.close()
