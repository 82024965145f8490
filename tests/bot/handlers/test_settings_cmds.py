"""/digest, /tz, /quiet and /breaking in-process: show the setting, change it, refuse bad
input, and say when the held alerts now go out."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from postbot.alerts.html import visible_text
from postbot.alerts.texts import text
from postbot.bot.views import digest_lines, local_time, quiet_lines
from postbot.feeds.story import Story
from postbot.service import chats
from postbot.store import repo

from .conftest import NOW, Chatter

USER = 4201


def says(lang: str, key: str, **values: object) -> str:
    return visible_text(text(lang, key, **values))


def _lines(lines: list[str]) -> str:
    return visible_text("\n".join(lines))


async def test_digest_shows_sets_and_refuses(chatter: Chatter) -> None:
    (shown,) = await chatter.say(USER, "/digest", lang="ar")
    row = chats.chat_settings(chatter.svc.engine, USER)
    assert shown == _lines([*digest_lines("ar", row, NOW), "", text("ar", "digest_usage")])
    (daily,) = await chatter.say(USER, "/digest يومي ٢١:٣٠")
    row = chats.chat_settings(chatter.svc.engine, USER)
    assert (row.digest, row.digest_at) == ("daily", "21:30")
    assert daily == _lines(digest_lines("ar", row, NOW))
    (bad,) = await chatter.say(USER, "/digest weekly")
    assert bad == visible_text(
        text("ar", "digest_bad", value="weekly") + "\n\n" + text("ar", "digest_usage")
    )
    assert await chatter.say(USER, "/digest hourly 10:00") == [
        says("ar", "digest_hourly_time", at="10:00")
    ]
    assert chats.chat_settings(chatter.svc.engine, USER).digest == "daily"


async def test_tz_shows_sets_and_refuses(chatter: Chatter) -> None:
    (shown,) = await chatter.say(USER, "/tz")
    assert shown == says("en", "tz_shown", tz="Asia/Baghdad", time=local_time(NOW, "Asia/Baghdad"))
    (changed,) = await chatter.say(USER, "/tz Europe/London")
    assert changed == says(
        "en", "tz_set", tz="Europe/London", time=local_time(NOW, "Europe/London")
    )
    assert await chatter.say(USER, "/tz Mars/Base") == [
        says("en", "tz_unknown_any", value="Mars/Base")
    ]
    assert chats.chat_settings(chatter.svc.engine, USER).tz == "Europe/London"


async def test_quiet_sets_and_clears(chatter: Chatter) -> None:
    (none,) = await chatter.say(USER, "/quiet")
    assert none == says("en", "quiet_none")
    (on,) = await chatter.say(USER, "/quiet 23:00-07:00")
    row = chats.chat_settings(chatter.svc.engine, USER)
    assert (row.quiet_start, row.quiet_end) == ("23:00", "07:00")
    assert on == _lines(quiet_lines("en", row, NOW))
    assert await chatter.say(USER, "/quiet 25:00-07:00") == [
        says("en", "quiet_bad", value="25:00-07:00")
    ]
    assert await chatter.say(USER, "/quiet off") == [says("en", "quiet_off")]
    assert chats.chat_settings(chatter.svc.engine, USER).quiet_start is None


async def test_a_settings_change_says_when_held_alerts_go_out(chatter: Chatter) -> None:
    await chatter.say(USER, "/digest hourly")
    engine = chatter.svc.engine
    with Session(engine) as session:
        repo.upsert_feeds(
            session=session, feeds=[repo.FeedSpec("wire", "https://w.example/rss", "Wire")]
        )
        for key in ("a", "b"):
            story = Story("wire", key, f"خبر {key}", f"https://w.example/{key}", "نص", NOW)
            row, _ = repo.save_story(session=session, story=story, now=NOW)
            assert row.id is not None
            repo.enqueue_delivery(
                session=session,
                chat_id=USER,
                story_id=row.id,
                reasons=["topic:isis"],
                now=NOW,
                release_at=NOW + timedelta(hours=1),
            )
        session.commit()
    (reply,) = await chatter.say(USER, "/digest off")
    assert reply.splitlines() == [says("en", "digest_off"), says("en", "held_now", count=2)]


async def test_breaking_shows_and_switches_in_both_languages(chatter: Chatter) -> None:
    rule = chatter.svc.catalog.current.config.breaking
    figures = {"outlets": rule.outlets, "minutes": rule.minutes}
    assert await chatter.say(USER, "/breaking") == [says("en", "breaking_off", **figures)]
    assert await chatter.say(USER, "/breaking تشغيل") == [says("en", "breaking_on", **figures)]
    assert chats.chat_settings(chatter.svc.engine, USER).breaking
    assert await chatter.say(USER, "/breaking maybe") == [says("en", "breaking_bad", value="maybe")]
    assert await chatter.say(USER, "/breaking off") == [says("en", "breaking_off", **figures)]
