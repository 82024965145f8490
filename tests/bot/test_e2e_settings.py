"""Digest, time zone and quiet hours (SPEC §5) and the buttons under an alert (SPEC §6), end to end.

A real `postbot run` process talks to the Bot API double. Replies that name a time ("next digest:
2026-11-28 21:30") are checked against the schedule the chat asked for, read back from the reply.

The alert buttons are pressed on alert messages that the test posts to the double itself, with the
keyboard `views.alert_keyboard` builds, so every case (malformed data, a second alert with the same
button) can be set up exactly; `test_a_real_alert_carries_the_buttons` checks that the dispatcher
puts that keyboard under a real alert.
"""

from __future__ import annotations

import html
import json
import re
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from postbot.alerts.release import release_at
from postbot.alerts.texts import text
from postbot.delivery.keyboards import alert_keyboard, short_label
from postbot.feeds.story import Story
from postbot.store import repo
from support.botapi import BotApiDouble, BotMessage
from support.feedserver import FeedItem, FeedServer
from support.process import (
    TOKEN,
    BotProcess,
    Say,
    converse,
    interleave,
    press,
    publish,
    query_db,
    says,
    seed_chats,
    wait_db,
)

pytestmark = pytest.mark.e2e

DIGESTER, ZONER, QUIETER, HOLDER = 7101, 7102, 7103, 7104
GROUP = -1007101
ADMIN, MEMBER = 7001, 7002
ENGLISH_BUTTONS, ARABIC_BUTTONS, WIRED = 7201, 7202, 7203
GROUP_BUTTONS = -1007201
BAGHDAD = "Asia/Baghdad"
STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")
LONG_QUERY = '"القوات الأمريكية" OR "التحالف الدولي" -سوريا'


def settings_of(bot: BotProcess, chat_id: int) -> tuple[Any, ...]:
    """(digest, digest_at, tz, quiet_start, quiet_end) as stored."""
    rows = query_db(
        bot,
        "SELECT digest, digest_at, tz, quiet_start, quiet_end FROM chat WHERE id = :c",
        c=chat_id,
    )
    return tuple(rows[0])


def stamp(reply: str, index: int = 0) -> str:
    """The `index`-th "YYYY-MM-DD HH:MM" a reply shows."""
    found = STAMP.findall(reply)
    assert len(found) > index, reply
    return str(found[index])


def wall_now_close(shown: str, tz: str) -> bool:
    """The reply's "now there" is the zone's wall clock (within two minutes)."""
    local = datetime.strptime(shown, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(tz))
    return abs(local - datetime.now(UTC)) <= timedelta(minutes=2)


def naive_utc(value: object) -> datetime:
    """A timestamp as SQLite returns it (naive UTC text) as an aware datetime."""
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


# ------------------------------------------------------------------ the commands


def test_digest_tz_and_quiet_commands_store_and_explain(
    bot: BotProcess, double: BotApiDouble
) -> None:
    rounds = [
        [
            Say(DIGESTER, "/digest"),
            Say(ZONER, "/tz", lang="ar"),
            Say(QUIETER, "/quiet"),
        ],
        [
            Say(DIGESTER, "/digest hourly"),
            Say(ZONER, "/tz europe/london", lang="ar"),
            Say(QUIETER, "/quiet 23:00-07:00"),
        ],
        [
            Say(DIGESTER, "/digest daily 21:30"),
            Say(ZONER, "/tz Mars/Olympus", lang="ar"),
            Say(QUIETER, "/quiet ٢٢:٣٠ – ٠٦:٠٠"),
        ],
        [
            Say(DIGESTER, "/digest daily"),
            Say(ZONER, "/tz ../../etc/passwd", lang="ar"),
            Say(QUIETER, "/quiet 23:00-23:00"),
        ],
        [
            Say(DIGESTER, "/digest hourly 08:00"),
            Say(ZONER, "/tz", lang="ar"),
            Say(QUIETER, "/quiet 25:00-07:00"),
        ],
        [
            Say(DIGESTER, "/digest daily 7"),
            Say(ZONER, "/tz <b>Baghdad</b>", lang="ar"),
            Say(QUIETER, "/quiet"),
        ],
        [
            Say(DIGESTER, "/digest weekly"),
            Say(ZONER, "/digest", lang="ar"),
            Say(QUIETER, "/quiet off"),
        ],
        [
            Say(DIGESTER, "/digest off"),
            Say(ZONER, "/tz Asia/Damascus", lang="ar"),
            Say(QUIETER, "/quiet"),
        ],
    ]
    seen: list[dict[int, str]] = []
    stored: list[dict[int, tuple[Any, ...]]] = []
    for lines in rounds:
        replies = converse(double, lines)
        seen.append({chat: texts[0] for chat, texts in replies.items()})
        stored.append({line.chat_id: settings_of(bot, line.chat_id) for line in lines})

    # /digest: show, hourly, daily 21:30, daily (08:00), then bad input leaves it alone, off
    digest = [r[DIGESTER] for r in seen]
    assert [s[DIGESTER][:2] for s in stored] == [
        ("off", None),
        ("hourly", None),
        ("daily", "21:30"),
        ("daily", "08:00"),
        ("daily", "08:00"),
        ("daily", "08:00"),
        ("daily", "08:00"),
        ("off", None),
    ]
    assert digest[0] == says("en", "digest_off") + "\n\n" + says("en", "digest_usage")
    hourly_next = stamp(digest[1])
    assert hourly_next.endswith(":00")
    assert digest[1] == "\n".join(
        [says("en", "digest_hourly"), says("en", "digest_next", when=hourly_next, tz=BAGHDAD)]
    )
    daily_next = stamp(digest[2])
    assert daily_next.endswith(" 21:30")
    assert digest[2] == "\n".join(
        [
            says("en", "digest_daily", at="21:30", tz=BAGHDAD),
            says("en", "digest_next", when=daily_next, tz=BAGHDAD),
        ]
    )
    assert digest[3].splitlines()[0] == says("en", "digest_daily", at="08:00", tz=BAGHDAD)
    assert stamp(digest[3]).endswith(" 08:00")
    assert digest[4] == says("en", "digest_hourly_time", at="08:00")
    assert digest[5] == says("en", "digest_bad_time", value="7")
    assert digest[6] == says("en", "digest_bad", value="weekly") + "\n\n" + says(
        "en", "digest_usage"
    )
    assert digest[7] == says("en", "digest_off")

    # /tz (an Arabic-speaking user): show, set (any case), unknown zones and path tricks refused
    zone = [r[ZONER] for r in seen]
    assert [s[ZONER][2] for s in stored if ZONER in s] == [
        BAGHDAD,
        "Europe/London",
        "Europe/London",
        "Europe/London",
        "Europe/London",
        "Europe/London",
        "Europe/London",
        "Asia/Damascus",
    ]
    assert zone[0] == says("ar", "tz_shown", tz=BAGHDAD, time=stamp(zone[0]))
    assert wall_now_close(stamp(zone[0]), BAGHDAD)
    assert zone[1] == says("ar", "tz_set", tz="Europe/London", time=stamp(zone[1]))
    assert wall_now_close(stamp(zone[1]), "Europe/London")
    assert zone[2] == says("ar", "tz_unknown_any", value="Mars/Olympus")
    for example in ("بغداد", "UTC+3", "Europe/London"):  # a city, an offset, an IANA name
        assert f"/tz {example}" in zone[2]
    assert zone[3] == says("ar", "tz_unknown_any", value="../../etc/passwd")
    assert zone[4] == says("ar", "tz_shown", tz="Europe/London", time=stamp(zone[4]))
    assert zone[5] == says("ar", "tz_unknown_any", value=html.escape("<b>Baghdad</b>"))
    assert "<b>Baghdad</b>" in zone[5]  # shown as typed, not as markup
    assert zone[6] == says("ar", "digest_off") + "\n\n" + says("ar", "digest_usage")
    assert zone[7] == says("ar", "tz_set", tz="Asia/Damascus", time=stamp(zone[7]))

    # /quiet: show, set (also Arabic-Indic digits and an en dash), bad windows refused, off
    quiet = [r[QUIETER] for r in seen]
    assert [s[QUIETER][3:] for s in stored] == [
        (None, None),
        ("23:00", "07:00"),
        ("22:30", "06:00"),
        ("22:30", "06:00"),
        ("22:30", "06:00"),
        ("22:30", "06:00"),
        (None, None),
        (None, None),
    ]
    assert quiet[0] == says("en", "quiet_none")
    night = says("en", "quiet_on", start="23:00", end="07:00", tz=BAGHDAD)
    assert quiet[1].splitlines()[0] == night
    assert quiet[2].splitlines()[0] == says(
        "en", "quiet_on", start="22:30", end="06:00", tz=BAGHDAD
    )
    if len(quiet[2].splitlines()) > 1:  # the test runs in the night, Baghdad time
        assert quiet[2].splitlines()[1] == says("en", "quiet_now", when=stamp(quiet[2]))
        assert stamp(quiet[2]).endswith(" 06:00")
    assert quiet[3] == says("en", "quiet_same", value="23:00-23:00")
    assert quiet[4] == says("en", "quiet_bad", value="25:00-07:00")
    assert quiet[5].splitlines()[-1] == says("en", "quiet_hint_off")
    assert quiet[6] == says("en", "quiet_off")
    assert quiet[7] == says("en", "quiet_none")
    # each command touched its own setting only
    assert stored[-1][DIGESTER] == ("off", None, BAGHDAD, None, None)
    assert stored[-1][QUIETER] == ("off", None, BAGHDAD, None, None)


def test_group_members_may_read_the_settings_but_only_admins_change_them(
    bot: BotProcess, double: BotApiDouble
) -> None:
    """Each setting in a group of its own, so that no group waits out more than two of
    Telegram's 3-second group pacings (one group took nine in a row)."""
    digest_group, tz_group, quiet_group, admin_group = GROUP, GROUP - 1, GROUP - 2, GROUP - 3
    for group in (digest_group, tz_group, quiet_group, admin_group):
        double.set_admins(group, [ADMIN])

    def member(group: int, line: str) -> Say:
        return Say(group, line, user_id=MEMBER, chat_type="supergroup")

    replies = converse(
        double,
        interleave(
            [member(digest_group, "/digest daily 21:30"), member(digest_group, "/digest")],
            [member(tz_group, "/tz Europe/London"), member(tz_group, "/tz")],
            [
                member(quiet_group, "/quiet 23:00-07:00"),
                member(quiet_group, "/quiet off"),
                member(quiet_group, "/quiet"),
            ],
            [
                Say(admin_group, "/tz Asia/Damascus", user_id=ADMIN, chat_type="supergroup"),
                Say(admin_group, "/quiet 22:00-06:00", anonymous=True),
            ],
        ),
    )
    refused = says("en", "group_admins_only")
    digest, tz, quiet = replies[digest_group], replies[tz_group], replies[quiet_group]
    assert [digest[0], tz[0], *quiet[:2]] == [refused] * 4
    assert digest[1] == says("en", "digest_off") + "\n\n" + says("en", "digest_usage")
    assert tz[1] == says("en", "tz_shown", tz=BAGHDAD, time=stamp(tz[1]))
    assert quiet[2] == says("en", "quiet_none")
    admin = replies[admin_group]
    assert admin[0] == says("en", "tz_set", tz="Asia/Damascus", time=stamp(admin[0]))
    assert admin[1].splitlines()[0] == says(
        "en", "quiet_on", start="22:00", end="06:00", tz="Asia/Damascus"
    )
    assert settings_of(bot, admin_group) == ("off", None, "Asia/Damascus", "22:00", "06:00")
    for group in (digest_group, tz_group, quiet_group):  # refused: nothing stored at all
        assert query_db(bot, "SELECT count(*) FROM chat WHERE id = :c", c=group) == [(0,)]


def test_held_alerts_move_when_the_settings_change(bot: BotProcess, double: BotApiDouble) -> None:
    """Alerts held for a digest follow the chat's new schedule in the same transaction; with
    instant alerts outside quiet hours they are due at once."""
    later = datetime.now(UTC) + timedelta(days=30)
    seed_chats(bot, [HOLDER], lang="en")
    engine = bot.engine()
    try:
        with Session(engine) as session:
            repo.set_chat_digest(session=session, chat_id=HOLDER, digest="daily", at="21:30")
            for n in (1, 2):
                story = Story("testnews", f"held-{n}", f"خبر محجوز {n}", None, "", None)
                row, _ = repo.save_story(session=session, story=story, now=later)
                assert row.id is not None
                repo.enqueue_delivery(
                    session=session,
                    chat_id=HOLDER,
                    story_id=row.id,
                    reasons=["watch:داعش"],
                    now=later,
                    release_at=later,
                )
            session.commit()
    finally:
        engine.dispose()

    def releases() -> list[datetime]:
        rows = query_db(bot, "SELECT next_attempt_at FROM delivery WHERE chat_id = :c", c=HOLDER)
        assert len(rows) == 2
        return sorted({naive_utc(r[0]) for r in rows})

    def expected(**settings: str | None) -> set[datetime]:
        """Where release_at puts them, judged just before and just after the command."""
        values: dict[str, Any] = {
            "digest": "daily",
            "digest_at": "21:30",
            "tz": "UTC",
            "quiet_start": None,
            "quiet_end": None,
            **settings,
        }
        return {release_at(moment, **values) or moment for moment in (before, datetime.now(UTC))}

    # a daily digest at 21:30, now read in UTC
    before = datetime.now(UTC)
    (reply,) = converse(double, [Say(HOLDER, "/tz UTC")])[HOLDER]
    (release,) = releases()
    assert release in expected() and release.strftime("%H:%M") == "21:30"
    assert reply.splitlines()[-1] == says(
        "en", "held_at", count=2, when=release.strftime("%Y-%m-%d %H:%M"), tz="UTC"
    )

    # quiet hours around now: instant alerts wait for their end
    start = (before - timedelta(hours=2)).strftime("%H:%M")
    end = (before + timedelta(hours=2)).strftime("%H:%M")
    replies = converse(double, [Say(HOLDER, f"/quiet {start}-{end}"), Say(HOLDER, "/digest off")])[
        HOLDER
    ]
    (release,) = releases()
    assert release in expected(digest="off", digest_at=None, quiet_start=start, quiet_end=end)
    assert release.strftime("%H:%M") == end
    assert says("en", "quiet_now", when=release.strftime("%Y-%m-%d %H:%M")) in replies[0]
    assert replies[1] == "\n".join(
        [
            says("en", "digest_off"),
            says("en", "held_at", count=2, when=release.strftime("%Y-%m-%d %H:%M"), tz="UTC"),
        ]
    )

    # no quiet hours, instant alerts: what was held is due right away
    before = datetime.now(UTC)
    (reply,) = converse(double, [Say(HOLDER, "/quiet off")])[HOLDER]
    after = datetime.now(UTC)
    assert reply == "\n".join([says("en", "quiet_off"), says("en", "held_now", count=2)])
    assert all(before - timedelta(seconds=1) <= r <= after for r in releases())
    assert settings_of(bot, HOLDER) == ("off", None, "UTC", None, None)
    # ... and the dispatcher sends them as one digest message
    rows = wait_db(
        bot,
        "SELECT status, telegram_message_id FROM delivery WHERE chat_id = :c",
        lambda rows: all(r[0] == "sent" for r in rows),
        what="held alerts sent",
        c=HOLDER,
    )
    (message_id,) = {r[1] for r in rows}
    digest = current(double, HOLDER, message_id).text
    assert "خبر محجوز 1" in digest and "خبر محجوز 2" in digest


# ------------------------------------------------------------------ the buttons under an alert


def post_as_bot(double: BotApiDouble, chat_id: int, html_text: str, markup: Any) -> int:
    """Send a message to `chat_id` through the double's Bot API, as the bot would; its id.

    The double holds it like any bot message, so its buttons can be pressed. A 429 (the
    double's one-message-a-second pacing per private chat) is waited out as Telegram asks.
    """
    body = json.dumps(
        {"chat_id": chat_id, "text": html_text, "parse_mode": "HTML", "reply_markup": markup}
    ).encode()
    for _ in range(5):
        request = urllib.request.Request(
            f"{double.url}/bot{TOKEN}/sendMessage",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(json.load(response)["result"]["message_id"])
        except urllib.error.HTTPError as error:
            payload = json.load(error)
            if error.code != 429:
                raise AssertionError(f"sendMessage refused: {payload}") from None
            time.sleep(payload["parameters"]["retry_after"])  # flood pacing, not time logic
    raise AssertionError("the double kept answering 429")


def alert_html(title: str) -> str:
    return f"🔔 «داعش»\n<b>{html.escape(title)}</b>\nالمصدر: وكالة الاختبار"


def watch_ids(bot: BotProcess, chat_id: int) -> dict[str, int]:
    rows = query_db(bot, "SELECT query, id FROM watch WHERE chat_id = :c ORDER BY id", c=chat_id)
    return {row[0]: int(row[1]) for row in rows}


def topics_of(bot: BotProcess, chat_id: int) -> list[str]:
    rows = query_db(
        bot,
        "SELECT topic_id FROM topic_subscription WHERE chat_id = :c ORDER BY topic_id",
        c=chat_id,
    )
    return [row[0] for row in rows]


def button_data(message: BotMessage | None) -> list[str]:
    markup = message.reply_markup if message else None
    return [b["callback_data"] for row in (markup or {}).get("inline_keyboard", []) for b in row]


def current(double: BotApiDouble, chat_id: int, message_id: int) -> BotMessage:
    return next(m for m in double.messages(chat_id) if m.message_id == message_id)


def wait_edits(double: BotApiDouble, chat_id: int, message_id: int, count: int) -> list[Any]:
    """The edits of one message, once there are `count` of them."""

    def edits(d: BotApiDouble) -> list[Any] | None:
        found = [e for e in d.edits if (e.chat_id, e.message_id) == (chat_id, message_id)]
        return found if len(found) >= count else None

    return double.wait_for(edits, what=f"{count} edits of message {message_id}")


def test_alert_buttons_mute_a_watch_and_stop_a_topic(bot: BotProcess, double: BotApiDouble) -> None:
    chat = ENGLISH_BUTTONS
    seed_chats(bot, [chat], topics=["isis", "ain_al_asad"], watches=["داعش", LONG_QUERY], lang="en")
    ids = watch_ids(bot, chat)
    keyboard = alert_keyboard(
        topics=[("isis", "ISIS"), ("ain_al_asad", "Ain al-Asad air base")],
        watches=[(ids["داعش"], "داعش"), (ids[LONG_QUERY], LONG_QUERY)],
        lang="en",
    )
    assert keyboard is not None
    markup = keyboard.to_dict()
    title = "القوات العراقية تحبط هجوماً لداعش قرب الرطبة"
    first = post_as_bot(double, chat, alert_html(title), markup)
    second = post_as_bot(double, chat, alert_html(title + " (2)"), markup)
    mute, mute_long = f"mw:{ids['داعش']}", f"mw:{ids[LONG_QUERY]}"
    assert button_data(current(double, chat, first)) == [
        "st:isis",
        "st:ain_al_asad",
        mute,
        mute_long,
    ]
    original = current(double, chat, first).text

    # 🔕 mutes the watch for a day (it is kept), says so in a message with an unmute button;
    # the alert and its buttons stay
    answer = press(double, chat, first, mute)
    assert answer.text == text("en", "button_muted_toast", query="داعش") and not answer.show_alert
    assert list(watch_ids(bot, chat)) == ["داعش", LONG_QUERY]
    assert muted_for(bot, ids["داعش"]) == pytest.approx(86400, abs=120)
    note = confirmation(double, chat, "🔕 Watch #1")
    assert "until" in note.text and button_data(note) == [f"um:{ids['داعش']}"]
    assert button_data(current(double, chat, first)) == [
        "st:isis",
        "st:ain_al_asad",
        mute,
        mute_long,
    ]

    # the same button under another alert: muted again (still a day), nothing removed
    answer = press(double, chat, second, mute)
    assert answer.text == text("en", "button_muted_toast", query="داعش")
    assert list(watch_ids(bot, chat)) == ["داعش", LONG_QUERY]

    # the confirmation's unmute button ends the mute and drops its button
    answer = press(double, chat, note.message_id, f"um:{ids['داعش']}")
    assert answer.text == text("en", "button_unmuted_toast", query="داعش")
    assert muted_for(bot, ids["داعش"]) is None
    double.wait_for(
        lambda d: current(d, chat, note.message_id).reply_markup is None, what="unmute edit"
    )

    # ⏹ stops the topic and drops its button
    answer = press(double, chat, first, "st:isis")
    assert answer.text == text("en", "topic_stopped", topic="ISIS")
    assert topics_of(bot, chat) == ["ain_al_asad"]
    wait_edits(double, chat, first, 1)
    assert button_data(current(double, chat, first)) == ["st:ain_al_asad", mute, mute_long]

    # two quick presses: a long query is named shortened
    answer = press(double, chat, first, mute_long)
    quick = press(double, chat, first, "st:ain_al_asad")
    assert answer.text == text("en", "button_muted_toast", query=short_label(LONG_QUERY))
    assert len(answer.text or "") <= 200
    assert quick.text == text("en", "topic_stopped", topic=short_label("Ain al-Asad air base"))
    assert muted_for(bot, ids[LONG_QUERY]) is not None
    double.wait_for(
        lambda d: button_data(current(d, chat, first)) == [mute, mute_long],
        what="the stopped topic's button removed",
    )
    final = current(double, chat, first)
    assert final.text == original
    assert topics_of(bot, chat) == []
    assert "Traceback" not in bot.logs()


def muted_for(bot: BotProcess, watch_id: int) -> float | None:
    """Seconds from now until the watch's mute ends (None: not muted)."""
    (row,) = query_db(bot, "SELECT muted_until FROM watch WHERE id = :i", i=watch_id)
    if row[0] is None:
        return None
    return (naive_utc(row[0]) - datetime.now(UTC)).total_seconds()


def confirmation(double: BotApiDouble, chat: int, prefix: str) -> BotMessage:
    """The bot's message in `chat` that starts with `prefix` (waited for)."""
    return double.wait_for(
        lambda d: next((m for m in d.messages(chat) if m.text.startswith(prefix)), None),
        what=f"a message starting {prefix!r}",
    )


def test_alert_buttons_in_arabic_and_malformed_ones(bot: BotProcess, double: BotApiDouble) -> None:
    chat = ARABIC_BUTTONS
    seed_chats(bot, [chat], topics=["isis"], watches=["الرمادي"], lang="ar")
    (watch_id,) = watch_ids(bot, chat).values()
    keyboard = alert_keyboard(topics=[("isis", "داعش")], watches=[(watch_id, "الرمادي")], lang="ar")
    assert keyboard is not None
    markup = keyboard.to_dict()
    assert [b["text"] for row in markup["inline_keyboard"] for b in row] == [
        "⏹ إيقاف «داعش»",
        "🔕 كتم «الرمادي»",
    ]
    forged = [
        [{"text": "?", "callback_data": "mw:abc"}],
        [{"text": "?", "callback_data": "mw:"}],
        [{"text": "?", "callback_data": "st:no_such_topic"}],
    ]
    markup["inline_keyboard"] += forged
    message = post_as_bot(double, chat, alert_html("هجوم في الرمادي"), markup)

    assert press(double, chat, message, "mw:abc", lang="ar").text == text("ar", "button_invalid")
    assert press(double, chat, message, "mw:", lang="ar").text == text("ar", "button_invalid")
    answer = press(double, chat, message, "st:no_such_topic", lang="ar")
    assert answer.text == text("ar", "unknown_topic", topic="no_such_topic")
    assert list(watch_ids(bot, chat)) == ["الرمادي"] and topics_of(bot, chat) == ["isis"]
    # the unknown topic's button goes (it can do nothing); the malformed ones are left alone
    wait_edits(double, chat, message, 1)
    assert button_data(current(double, chat, message)) == [
        "st:isis",
        f"mw:{watch_id}",
        "mw:abc",
        "mw:",
    ]

    answer = press(double, chat, message, f"mw:{watch_id}", lang="ar")
    assert answer.text == text("ar", "button_muted_toast", query="الرمادي")
    note = confirmation(double, chat, "🔕 كُتمت كلمة المراقبة #1")
    assert button_data(note) == [f"um:{watch_id}"]
    answer = press(double, chat, message, "st:isis", lang="ar")
    assert answer.text == text("ar", "topic_stopped", topic="داعش")
    assert list(watch_ids(bot, chat)) == ["الرمادي"] and topics_of(bot, chat) == []
    wait_edits(double, chat, message, 2)
    assert button_data(current(double, chat, message)) == [f"mw:{watch_id}", "mw:abc", "mw:"]


def test_in_a_group_only_admins_may_press_alert_buttons(
    bot: BotProcess, double: BotApiDouble
) -> None:
    group = GROUP_BUTTONS
    double.register_chat(group, "supergroup")
    double.set_admins(group, [ADMIN])
    seed_chats(bot, [group], watches=["الأنبار"], lang="en")
    (watch_id,) = watch_ids(bot, group).values()
    keyboard = alert_keyboard(topics=[], watches=[(watch_id, "الأنبار")], lang="en")
    assert keyboard is not None
    message = post_as_bot(double, group, alert_html("اشتباكات في الأنبار"), keyboard.to_dict())

    answer = press(double, group, message, f"mw:{watch_id}", user_id=MEMBER)
    assert answer.show_alert and answer.text == text("en", "group_admins_only")
    assert list(watch_ids(bot, group)) == ["الأنبار"]
    assert [e for e in double.edits if e.chat_id == group] == []

    assert muted_for(bot, watch_id) is None

    answer = press(double, group, message, f"mw:{watch_id}", user_id=ADMIN)
    assert answer.text == text("en", "button_muted_toast", query="الأنبار")
    assert list(watch_ids(bot, group)) == ["الأنبار"] and muted_for(bot, watch_id)
    note = confirmation(double, group, "🔕 Watch #1")
    # a member may not unmute either
    answer = press(double, group, note.message_id, f"um:{watch_id}", user_id=MEMBER)
    assert answer.show_alert and muted_for(bot, watch_id)


WIRED_STORY = FeedItem(
    title="«داعش» يهاجم نقطة للجيش قرب هيت",
    link="https://news.example/isis-hit",
    description="هاجم عناصر من داعش نقطة عسكرية قرب قضاء هيت غرب الأنبار.",
    guid="isis-hit",
)


def test_a_real_alert_carries_the_buttons(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    """The dispatcher puts alert_keyboard under each alert: one button per reason."""
    seed_chats(bot, [WIRED], topics=["isis"], watches=["هيت"], lang="ar")
    (watch_id,) = watch_ids(bot, WIRED).values()
    publish(bot, feeds, WIRED_STORY)
    alert = double.wait_for(
        lambda d: next((m for m in d.messages(WIRED) if m.text.startswith("🔔")), None),
        timeout=20,
        what="the alert",
    )
    assert button_data(alert) == ["st:isis", f"mw:{watch_id}"]
    assert alert.text.splitlines()[0].replace("\u200f", "") == "🔔 داعش · #1 «هيت»"
    labels = [b["text"] for row in (alert.reply_markup or {})["inline_keyboard"] for b in row]
    assert labels[1] == text("ar", "button_mute_numbered", number=1, query="هيت")
    answer = press(double, WIRED, alert.message_id, f"mw:{watch_id}", lang="ar")
    assert answer.text == text("ar", "button_muted_toast", query="هيت")
    assert list(watch_ids(bot, WIRED)) == ["هيت"]
