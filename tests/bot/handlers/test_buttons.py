"""Button presses in-process: topic toggles, ❌ under /watches, 🔕 and ⏹ under an alert,
forged data; in groups only admins may press."""

from __future__ import annotations

from postbot.alerts.direction import lay_out
from postbot.alerts.html import visible_text
from postbot.alerts.texts import text
from postbot.delivery.keyboards import alert_keyboard
from postbot.service import topics, watches

from .conftest import Chatter

USER = 4301


async def test_topic_buttons_toggle_and_redraw(chatter: Chatter) -> None:
    await chatter.say(USER, "/topics")
    message_id = chatter.last(USER).message_id
    assert await chatter.press(USER, message_id, "topic:isis") == text(
        "en", "topic_on", topic="ISIS"
    )
    assert "topic:isis" in chatter.buttons(USER)
    keyboard = chatter.double.messages(USER)[-1].reply_markup or {}
    labels = [b["text"] for row in keyboard["inline_keyboard"] for b in row]
    assert "✅ ISIS" in labels
    assert await chatter.press(USER, message_id, "topic:isis") == text(
        "en", "topic_off", topic="ISIS"
    )
    assert topics.chat_topics(chatter.svc.engine, USER) == frozenset()


async def test_remove_buttons_under_the_watch_list(chatter: Chatter) -> None:
    await chatter.say(USER, "/watch داعش")
    await chatter.say(USER, "/start topic_isis")
    await chatter.say(USER, "/watches")
    message_id = chatter.last(USER).message_id
    (watch,) = watches.watch_list(chatter.svc.engine, USER).watches
    data = f"unwatch:{watch.id}"
    assert await chatter.press(USER, message_id, data) == text("en", "removed")
    assert chatter.buttons(USER) == ["untopic:isis"]  # the list was redrawn
    assert await chatter.press(USER, message_id, "untopic:isis") == text("en", "removed")
    # redrawn as replies are written: each line laid out for its reader (alerts/direction.py)
    redrawn = visible_text(lay_out(text("en", "watches_none"), "en"))
    assert chatter.double.messages(USER)[-1].text == redrawn
    assert redrawn != visible_text(text("en", "watches_none"))  # the Arabic word is isolated


async def test_alert_buttons_mute_for_a_day_and_stop_then_drop_spent_ones(chatter: Chatter) -> None:
    await chatter.say(USER, "/watch داعش")
    await chatter.say(USER, "/start topic_isis")
    (watch,) = watches.watch_list(chatter.svc.engine, USER).watches
    assert watch.id is not None
    keyboard = alert_keyboard(topics=[("isis", "ISIS")], watches=[(watch.id, "داعش")], lang="en")
    assert keyboard is not None
    alert = await chatter.app.bot.send_message(USER, "🔔 alert", reply_markup=keyboard)
    mute, stop = f"mw:{watch.id}", "st:isis"
    assert await chatter.press(USER, alert.message_id, mute) == text(
        "en", "button_muted_toast", query="داعش"
    )
    # muted for a day, not removed: a confirmation with an unmute button; the alert keeps both
    assert chatter.buttons(USER) == [f"um:{watch.id}"]
    (kept,) = watches.watch_list(chatter.svc.engine, USER).watches
    assert kept.muted_until is not None
    assert await chatter.press(USER, alert.message_id, stop) == text(
        "en", "topic_stopped", topic="ISIS"
    )
    alert_now = next(m for m in chatter.double.messages(USER) if m.message_id == alert.message_id)
    assert alert_now.reply_markup is not None
    assert [
        b["callback_data"] for row in alert_now.reply_markup["inline_keyboard"] for b in row
    ] == [mute]


async def test_forged_and_foreign_data_are_refused_politely(chatter: Chatter) -> None:
    await chatter.say(USER, "/topics")
    message_id = chatter.last(USER).message_id
    invalid = text("en", "button_invalid")
    for data in ("nonsense", "unwatch:" + "9" * 20, "mw:x", "\x00bad"):
        chatter.double.press_button(USER, message_id, data, forged=True)
        await chatter.handle_pending()
        assert chatter.double.callback_answers[-1].text == invalid


async def test_only_group_admins_may_press(chatter: Chatter) -> None:
    group, admin, member = -4300, 4310, 4311
    chatter.double.set_admins(group, [admin])
    await chatter.say(group, "/topics", user_id=admin, chat_type="group")  # members get no buttons
    message_id = chatter.last(group).message_id
    refused = await chatter.press(group, message_id, "topic:isis", user_id=member)
    assert refused == text("en", "group_admins_only")
    assert topics.chat_topics(chatter.svc.engine, group) == frozenset()
    await chatter.press(group, message_id, "topic:isis", user_id=admin)
    assert topics.chat_topics(chatter.svc.engine, group) == frozenset({"isis"})
