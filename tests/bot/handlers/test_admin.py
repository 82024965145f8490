"""Admin commands and membership updates in-process: /stats, /feedstatus, /reload (good and
bad YAML), refusals for everyone else; the bot blocked, a group migrated; admin notices."""

from __future__ import annotations

from sqlmodel import Session

from postbot.alerts.direction import strip_marks
from postbot.alerts.html import visible_text
from postbot.alerts.texts import text
from postbot.bot.admin import notify_admins
from postbot.service import chats, watches
from postbot.store import repo
from support.process import ADMIN_ID, write_config

from .conftest import FEEDS, Chatter

USER = 4401


def says(lang: str, key: str, **values: object) -> str:
    return visible_text(text(lang, key, **values))


async def test_admin_commands_are_refused_to_others(chatter: Chatter) -> None:
    for command in ("/stats", "/feedstatus", "/reload"):
        assert await chatter.say(USER, command) == [says("en", "admins_only")]


async def test_stats_and_feedstatus(chatter: Chatter) -> None:
    await chatter.say(USER, "/watch داعش")
    with Session(chatter.svc.engine) as session:
        repo.upsert_feeds(session=session, feeds=chatter.svc.catalog.current.config.feeds)
        session.commit()
    (stats,) = await chatter.say(ADMIN_ID, "/stats")
    assert stats == says("en", "stats", chats=2, watches=1, sent=0, pending=0, failing=0, feeds=1)
    (status,) = await chatter.say(ADMIN_ID, "/feedstatus")
    assert status.startswith("✅ وكالة الاختبار (testnews)")


async def test_reload_keeps_the_running_config_when_the_new_one_is_bad(
    chatter: Chatter,
) -> None:
    reloads: list[int] = []
    chatter.svc.on_reload = lambda: reloads.append(1)
    path = chatter.svc.config_path
    write_config(path, [*FEEDS, ("second", "Second", "http://127.0.0.1:9/2.xml")])
    (done,) = await chatter.say(ADMIN_ID, "/reload")
    topics = len(chatter.svc.catalog.current.config.topics)
    assert done.splitlines() == [
        says("en", "reloaded", feeds=2, topics=topics),
        says("en", "reload_feeds_added", names="Second (second)"),
    ]
    assert reloads == [1]
    path.write_text("feeds: 3\n", encoding="utf-8")
    (failed,) = await chatter.say(ADMIN_ID, "/reload")
    assert failed.startswith(visible_text(text("en", "reload_failed", problems="")).strip())
    assert len(chatter.svc.catalog.current.config.feeds) == 2
    assert reloads == [1]


async def test_a_blocked_bot_deactivates_the_chat(chatter: Chatter) -> None:
    await chatter.say(USER, "/start")
    chatter.double.raw_update(
        {
            "my_chat_member": {
                "chat": {"id": USER, "type": "private", "first_name": "T"},
                "from": {"id": USER, "is_bot": False, "first_name": "T"},
                "date": 1,
                "old_chat_member": {"status": "member", "user": chatter.double.bot_user},
                "new_chat_member": {
                    "status": "kicked",
                    "user": chatter.double.bot_user,
                    "until_date": 0,
                },
            }
        }
    )
    await chatter.handle_pending()
    assert not chats.chat_settings(chatter.svc.engine, USER).active


async def test_a_migrated_group_keeps_its_watches(chatter: Chatter) -> None:
    old, new, admin = -4400, -1004400, 4410
    chatter.double.set_admins(old, [admin])
    await chatter.say(old, "/watch داعش", user_id=admin, chat_type="group")
    chatter.double.migrate(old, new)
    await chatter.handle_pending()
    assert [w.query for w in watches.watch_list(chatter.svc.engine, new).watches] == ["داعش"]


async def test_admins_are_told_in_their_language(chatter: Chatter) -> None:
    await chatter.say(ADMIN_ID, "/lang ar")
    values = {"feed": "Wire", "feed_id": "wire", "error": "http://u:secret@w.example 500"}
    await notify_admins(chatter.app.bot, chatter.svc, "feed_failing", values)
    notice = chatter.last(ADMIN_ID)
    assert strip_marks(notice.text).startswith("⚠️ المصدر «Wire» (wire) يفشل")
    assert "\u2066Wire\u2069" in notice.text  # the Latin name isolated in the Arabic line
    assert "secret" not in notice.text
