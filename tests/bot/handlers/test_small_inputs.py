"""Small inputs as people type them (issue 16), in-process: /watch reads the query back with
the phrase hint, localized parse errors, /lang shows and refuses, /quiet with start = end, and
/reload saying what changed."""

from __future__ import annotations

import html

from postbot.alerts.html import visible_text
from postbot.alerts.texts import text
from postbot.service import chats, watches
from support.process import ADMIN_ID, write_config

from .conftest import FEEDS, Chatter

USER = 4501
ARABIC = 4502


def says(lang: str, key: str, **values: object) -> str:
    return visible_text(text(lang, key, **values))


async def test_watch_reads_the_query_back_with_the_phrase_hint(chatter: Chatter) -> None:
    (reply,) = await chatter.say(ARABIC, "/watch عين الأسد", lang="ar")
    assert reply.splitlines() == [
        says("ar", "watch_added", number=1, query="عين الأسد").splitlines()[0],
        says("ar", "watch_added", number=1, query="عين الأسد").splitlines()[1],
        says("ar", "watch_read_as", expr="عين AND الأسد"),
        *says("ar", "watch_and_hint", suggestion='"عين الأسد"').splitlines(),
    ]
    (reply,) = await chatter.say(ARABIC, "/watch داعش أو الأنبار", lang="ar")
    assert says("ar", "watch_read_as", expr="داعش OR الأنبار") in reply
    assert "/watch" not in reply.split("\n", 2)[-1]  # no phrase hint for an OR of two words
    (reply,) = await chatter.say(ARABIC, '/watch "عين الأسد"', lang="ar")
    assert "AND" not in reply and "OR" not in reply  # one phrase: nothing to read back
    stored = [w.query for w in watches.watch_list(chatter.svc.engine, ARABIC).watches]
    assert stored == ["عين الأسد", "داعش أو الأنبار", '"عين الأسد"']


async def test_parse_errors_are_in_the_chats_language(chatter: Chatter) -> None:
    (arabic,) = await chatter.say(ARABIC, "/watch داعش (سوريا", lang="ar")
    assert (
        arabic.splitlines()[0]
        == says(
            "ar",
            "watch_syntax_at",
            problem=says("ar", "query_unclosed_paren"),
            position=6,
            token="(",
            query="",
        ).splitlines()[0]
    )
    assert "parenthesis" not in arabic
    (english,) = await chatter.say(USER, '/watch ISIS "Anbar')
    assert english.startswith("⚠️ I could not read that query: unclosed quotation mark")
    assert watches.watch_list(chatter.svc.engine, ARABIC).watches == []


async def test_lang_shows_the_setting_and_refuses_what_it_does_not_speak(
    chatter: Chatter,
) -> None:
    current_en = says("en", "lang_current", name=says("en", "lang_name_en"))
    assert await chatter.say(USER, "/lang") == [current_en + "\n" + says("en", "lang_usage")]
    (refused,) = await chatter.say(USER, "/lang fr")
    assert refused.splitlines()[:2] == [says("en", "lang_unsupported", value="fr"), current_en]
    assert chats.chat_settings(chatter.svc.engine, USER).lang == "en"
    assert await chatter.say(USER, "/lang العربية") == [says("ar", "lang_set")]
    assert chats.chat_settings(chatter.svc.engine, USER).lang == "ar"


async def test_quiet_window_that_ends_when_it_starts(chatter: Chatter) -> None:
    (reply,) = await chatter.say(USER, "/quiet 22:00-22:00")
    assert reply == says("en", "quiet_same", value="22:00-22:00")
    (arabic,) = await chatter.say(ARABIC, "/quiet ٢٢:٠٠-٢٢:٠٠", lang="ar")
    assert arabic == says("ar", "quiet_same", value="22:00-22:00")
    assert chats.chat_settings(chatter.svc.engine, USER).quiet_start is None


async def test_reload_says_what_changed(chatter: Chatter) -> None:
    path = chatter.svc.config_path
    (same,) = await chatter.say(ADMIN_ID, "/reload")
    assert same.splitlines()[1] == says("en", "reload_none")
    feeds = [(FEEDS[0][0], FEEDS[0][1], "http://127.0.0.1:9/moved.xml"), ("b", "B", "http://b/")]
    write_config(path, feeds)
    (moved,) = await chatter.say(ADMIN_ID, "/reload")
    assert moved.splitlines()[1:] == [
        says("en", "reload_feeds_added", names="B (b)"),
        says("en", "reload_feeds_changed", names=html.unescape(f"{FEEDS[0][1]} ({FEEDS[0][0]})")),
    ]
    write_config(path, [("b", "B", "http://b/")])
    (removed,) = await chatter.say(ADMIN_ID, "/reload")
    assert removed.splitlines()[1:] == [
        says("en", "reload_feeds_removed", names=f"{FEEDS[0][1]} ({FEEDS[0][0]})")
    ]
