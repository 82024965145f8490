"""/unwatch all's confirm (kept, expired), /mute, /pause, /resume and /watches' silence note,
in-process against the Bot API double with a clock the test moves."""

from __future__ import annotations

from datetime import timedelta

from bidi import get_display

from postbot.alerts.direction import lay_out, strip_marks
from postbot.alerts.html import visible_text
from postbot.alerts.texts import text
from postbot.delivery.keyboards import alert_keyboard
from postbot.service import watches
from support.process import says

from .conftest import NOW, Chatter

USER = 4401


def _numbers(chatter: Chatter) -> list[tuple[int, str]]:
    return [(w.number, w.query) for w in watches.watch_list(chatter.svc.engine, USER).watches]


async def test_a_confirm_expires_after_ten_minutes(chatter: Chatter) -> None:
    await chatter.say(USER, "/watch داعش")
    assert await chatter.say(USER, "/unwatch all") == [says("en", "unwatch_all_ask", count=1)]
    message_id = chatter.last(USER).message_id
    confirm = chatter.buttons(USER)[0]
    chatter.now[0] = NOW + timedelta(minutes=11)
    assert await chatter.press(USER, message_id, confirm) == text("en", "unwatch_all_expired")
    assert chatter.double.messages(USER)[-1].text == says("en", "unwatch_all_stale")
    assert _numbers(chatter) == [(1, "داعش")]
    assert await chatter.say(USER, "/unwatch all", lang="en") != []
    assert await chatter.press(USER, chatter.last(USER).message_id, "uwk") is None
    assert chatter.double.messages(USER)[-1].text == says("en", "unwatch_all_kept")
    assert _numbers(chatter) == [(1, "داعش")]


async def test_no_watches_means_nothing_to_confirm(chatter: Chatter) -> None:
    assert await chatter.say(USER, "/unwatch الكل", lang="ar") == [says("ar", "unwatch_none")]


async def test_mute_pause_resume_and_the_watch_list_note(chatter: Chatter) -> None:
    await chatter.say(USER, "/watch داعش")
    await chatter.say(USER, "/start topic_isis")
    (muted,) = await chatter.say(USER, "/mute 1 1w hold")
    assert muted == says(
        "en", "muted_watch", number=1, query="داعش", when="2026-12-05 17:05", tz="Asia/Baghdad"
    ) + "\n" + says("en", "silence_holds")
    (topic,) = await chatter.say(USER, "/mute ISIS 2h")
    assert topic.startswith(
        says("en", "muted_topic", topic="ISIS", when="2026-11-28 19:05", tz="Asia/Baghdad")
    )
    (paused,) = await chatter.say(USER, "/pause")
    assert paused.startswith(says("en", "paused", when="2026-11-28 19:05", tz="Asia/Baghdad"))
    (listing,) = await chatter.say(USER, "/watches")
    assert says("en", "list_paused", when="2026-11-28 19:05", tz="Asia/Baghdad") in listing
    assert (
        "#1 داعش until 2026-12-05 17:05" in listing and "• ISIS until 2026-11-28 19:05" in listing
    )

    # three hours later the topic's mute and the pause are over by themselves
    chatter.now[0] = NOW + timedelta(hours=3)
    (listing,) = await chatter.say(USER, "/watches")
    assert "ISIS until" not in listing and "paused" not in listing and "#1 داعش until" in listing
    (resumed,) = await chatter.say(USER, "/pause off")
    assert resumed.startswith(says("en", "resume_not_paused"))
    (everything,) = await chatter.say(USER, "/resume all")
    assert everything.startswith(says("en", "resumed_chat")) and "until" not in everything
    (listing,) = await chatter.say(USER, "/watches")
    assert "🔕" not in listing


def _seen_lines(markup: str) -> list[str]:
    """Each line of a message as a reader sees it (bidi visual order, marks removed)."""
    return [strip_marks(get_display(visible_text(line))) for line in markup.splitlines()]


async def test_what_the_mute_and_confirm_buttons_write_is_laid_out_like_a_reply(
    chatter: Chatter,
) -> None:
    """The 🔕 note, the unmute edit and the "remove all" edit are sent outside `reply`: their
    commands and Latin names are isolated too (the walk of issue 16 saw "resume/" in the
    note of an Arabic chat)."""
    await chatter.say(USER, "/watch داعش", lang="ar")
    (watch,) = watches.watch_list(chatter.svc.engine, USER).watches
    keyboard = alert_keyboard(topics=[], watches=[(watch.id or 0, "داعش")], lang="ar")
    alert = await chatter.app.bot.send_message(USER, "🔔 تنبيه", reply_markup=keyboard)
    await chatter.press(USER, alert.message_id, f"mw:{watch.id}")
    note = chatter.last(USER)
    assert "\u2066/resume\u2069" in note.html and "\u2066Asia/Baghdad\u2069" in note.html
    assert any(
        line.startswith("/resume ") or " /resume " in line for line in _seen_lines(note.html)
    )
    assert not any("resume/" in line for line in _seen_lines(note.html))

    await chatter.press(USER, note.message_id, f"um:{watch.id}")
    edited = chatter.double.messages(USER)[-1]
    assert edited.edit_date is not None
    assert edited.html == lay_out(text("ar", "unmuted_watch", number=1, query="داعش"), "ar")
