"""Stable watch numbers, /unwatch in all its forms, /mute, /pause, /resume, the 🔕 button and
/stop's kept alerts, end to end: a real `postbot run` against the Bot API double and a feed.

Time-bound cases (a pause that holds, a one-day mute) move the bot's clock forward through
POSTBOT_CLOCK_OFFSET_FILE (postbot/clock.py) instead of waiting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from postbot.alerts.direction import strip_marks
from postbot.alerts.texts import text
from support.botapi import BotApiDouble, BotMessage
from support.feedserver import FeedItem, FeedServer
from support.process import (
    TOKEN,
    BotProcess,
    Say,
    alerts,
    bot_process,
    converse,
    press,
    publish,
    query_db,
    says,
    wait_db,
)

pytestmark = pytest.mark.e2e

NUMBERS, MUTER, WITNESS, PAUSER, STOPPER = 7601, 7602, 7603, 7604, 7605
GROUP, ADMIN, MEMBER = -1007601, 7611, 7612


def item(guid: str, title: str, summary: str) -> FeedItem:
    return FeedItem(title, f"https://news.example/{guid}", summary, guid=guid)


ISIS_ONLY = item("m-1", "هجوم لداعش على نقطة للجيش في مطيبيجة", "هاجم مسلحون من داعش نقطة للجيش.")
BOTH = item("m-2", "اشتباك مع خلية لداعش قرب الرطبة", "قالت القوات إن خلية لداعش قرب الرطبة.")
ISIS_AGAIN = item("m-3", "تفكيك خلية لداعش في كركوك", "أعلنت الشرطة تفكيك خلية لتنظيم داعش.")


def button_data(message: BotMessage | None) -> list[str]:
    markup = message.reply_markup if message else None
    return [b["callback_data"] for row in (markup or {}).get("inline_keyboard", []) for b in row]


def numbered(bot: BotProcess, chat_id: int) -> list[tuple[int, str]]:
    rows = query_db(
        bot, "SELECT number, query FROM watch WHERE chat_id = :c ORDER BY number", c=chat_id
    )
    return [(int(r[0]), str(r[1])) for r in rows]


def one(double: BotApiDouble, line: Say) -> str:
    (reply,) = converse(double, [line])[line.chat_id]
    return reply


def delivered_to(bot: BotProcess, chat_id: int, guid: str) -> list[Any]:
    """The chat's delivery rows for the story with this guid."""
    return query_db(
        bot,
        "SELECT d.status, d.hold FROM delivery d JOIN story s ON s.id = d.story_id"
        " WHERE d.chat_id = :c AND s.link = :link",
        c=chat_id,
        link=f"https://news.example/{guid}",
    )


def wait_alert(double: BotApiDouble, chat_id: int, count: int) -> str:
    """The chat's `count`-th alert's text, once it came."""
    found = double.wait_for(
        lambda d: alerts(d, chat_id)[count - 1] if len(alerts(d, chat_id)) >= count else None,
        timeout=20,
        what=f"alert {count} to {chat_id}",
    )
    return found.text


def test_numbers_survive_removal_and_unwatch_takes_numbers_text_and_all(
    bot: BotProcess, double: BotApiDouble
) -> None:
    u = NUMBERS
    replies = converse(double, [Say(u, f"/watch {q}") for q in ("الرطبة", "الفلوجة", "هيت")])
    assert ["#1" in replies[u][0], "#2" in replies[u][1], "#3" in replies[u][2]] == [True] * 3
    assert one(double, Say(u, "/unwatch 2")) == says("en", "unwatched", number=2, query="الفلوجة")
    assert "#4" in one(double, Say(u, "/watch الموصل"))  # #2 is not given again
    listing = one(double, Say(u, "/watches"))
    assert "1. الرطبة" in listing and "3. هيت" in listing and "4. الموصل" in listing
    assert "2." not in listing

    # several numbers, Arabic-Indic digits, and one that does not exist: said which
    mixed = one(double, Say(u, "/unwatch ١, 9"))
    assert mixed.splitlines() == [
        says("en", "unwatched", number=1, query="الرطبة"),
        says("en", "unwatch_not_found", numbers="9"),
    ]
    # by its text, spelled differently
    assert one(double, Say(u, "/unwatch هَيت")) == says("en", "unwatched", number=3, query="هيت")
    assert numbered(bot, u) == [(4, "الموصل")]
    converse(double, [Say(u, "/watch بيجي"), Say(u, "/watch كركوك")])
    assert one(double, Say(u, "/unwatch 5 6")).splitlines() == [
        says("en", "unwatched", number=5, query="بيجي"),
        says("en", "unwatched", number=6, query="كركوك"),
    ]

    # all: nothing goes before the confirm; "keep" keeps them
    converse(double, [Say(u, "/watch تكريت")])
    ask = one(double, Say(u, "/unwatch all"))
    assert ask == says("en", "unwatch_all_ask", count=2)
    question = double.messages(u)[-1]
    confirm, keep = button_data(question)
    assert keep == "uwk" and confirm.startswith("uwa:")
    assert press(double, u, question.message_id, keep).text is None
    assert numbered(bot, u) == [(4, "الموصل"), (7, "تكريت")]

    converse(double, [Say(u, "/unwatch الكل", lang="ar")])
    question = double.messages(u)[-1]
    confirm = button_data(question)[0]
    converse(double, [Say(u, "/watch سامراء")])  # added after the question: it stays
    press(double, u, question.message_id, confirm)
    done = says("en", "unwatch_all_done", count=2)
    double.wait_for(lambda d: any(m.text == done for m in d.messages(u)), what="the confirm edited")
    assert numbered(bot, u) == [(8, "سامراء")]
    # the same confirm pressed again (a stale client still shows it) removes nothing more
    stale = double.press_button(u, question.message_id, confirm, forged=True)
    double.wait_for(
        lambda d: any(a.query_id == stale for a in d.callback_answers), what="the stale answer"
    )
    assert numbered(bot, u) == [(8, "سامراء")]


def test_group_members_may_not_unwatch_mute_or_pause(bot: BotProcess, double: BotApiDouble) -> None:
    double.register_chat(GROUP, "supergroup")
    double.set_admins(GROUP, [ADMIN])
    admin = {"user_id": ADMIN, "chat_type": "supergroup"}
    member = {"user_id": MEMBER, "chat_type": "supergroup"}
    converse(double, [Say(GROUP, "/watch الرطبة", **admin), Say(GROUP, "/unwatch all", **admin)])
    question = double.messages(GROUP)[-1]
    refused = converse(
        double,
        [
            Say(GROUP, "/unwatch 1", **member),
            Say(GROUP, "/mute 1", **member),
            Say(GROUP, "/pause 2h", **member),
            Say(GROUP, "/resume", **member),
        ],
    )
    assert refused[GROUP] == [says("en", "group_admins_only")] * 4
    answer = press(double, GROUP, question.message_id, button_data(question)[0], user_id=MEMBER)
    assert answer.show_alert
    assert numbered(bot, GROUP) == [(1, "الرطبة")]
    rows = query_db(bot, "SELECT paused_until FROM chat WHERE id = :c", c=GROUP)
    assert rows[0][0] is None
    assert query_db(bot, "SELECT muted_until FROM watch WHERE chat_id = :c", c=GROUP)[0][0] is None


def test_a_muted_watch_is_skipped_until_resume_and_other_reasons_still_alert(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    m, w = MUTER, WITNESS
    converse(
        double,
        [Say(m, "/watch الرطبة"), Say(m, "/watch داعش"), Say(w, "/watch داعش")],
    )
    muted = one(double, Say(m, "/mute 2 2h"))
    assert muted.startswith("🔕 Watch #2 داعش is muted until") and "dropped" in muted

    # a story only the muted watch matches: the witness is alerted, the muter is not
    publish(bot, feeds, ISIS_ONLY)
    wait_alert(double, w, 1)
    assert delivered_to(bot, m, "m-1") == [] and alerts(double, m) == []

    # a story matching the muted watch and another one: alerted, naming only the other
    publish(bot, feeds, BOTH)
    first_line = strip_marks(wait_alert(double, m, 1).splitlines()[0])
    assert first_line == "🔔 #1 “الرطبة”"

    # /resume alone: not paused, and it lists what stays muted
    still = one(double, Say(m, "/resume"))
    assert says("en", "resume_not_paused") in still and "#2 داعش until" in still
    assert one(double, Say(m, "/resume 2")) == says("en", "unmuted_watch", number=2, query="داعش")
    publish(bot, feeds, ISIS_AGAIN)
    assert strip_marks(wait_alert(double, m, 2).splitlines()[0]) == "🔔 #2 “داعش”"


def test_bad_durations_and_unknown_targets_are_explained(
    bot: BotProcess, double: BotApiDouble
) -> None:
    u = NUMBERS + 50
    converse(double, [Say(u, "/watch داعش", lang="ar")])
    replies = converse(
        double,
        [
            Say(u, "/mute", lang="ar"),
            Say(u, "/mute 1 40d", lang="ar"),
            Say(u, "/mute 7", lang="ar"),
            Say(u, "/mute قاعدة عين الأسد", lang="ar"),
            Say(u, "/pause soon", lang="ar"),
            Say(u, "/mute 1 ساعتين", lang="ar"),
        ],
    )[u]
    assert replies[0] == says("ar", "mute_usage")
    assert replies[1] == says("ar", "duration_long", value="40d", days=30)
    assert replies[2] == says("ar", "mute_unknown", target="7")
    assert replies[3] == says("ar", "mute_not_followed", topic="قاعدة عين الأسد")
    assert replies[4].startswith(says("ar", "duration_bad", value="soon"))
    assert replies[5].startswith("🔕 كُتمت كلمة المراقبة #1")
    arabic = replies[5].replace("Asia/Baghdad", "").replace("/resume", "")
    assert not re.search(r"[A-Za-z]{3,}", arabic)


# ------------------------------------------------------------------ with the bot's clock moved


class BotClock:
    """The offset file the bot process reads its time from."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = timedelta(0)
        self.path.write_text("0", encoding="utf-8")

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def forward(self, by: timedelta) -> None:
        self.offset += by
        self.path.write_text(str(self.offset.total_seconds()), encoding="utf-8")


@pytest.fixture
def clock(tmp_path: Path) -> BotClock:
    return BotClock(tmp_path / "clock-offset")


@pytest.fixture
def clocked_bot(
    tmp_path: Path, double: BotApiDouble, config: Path, feeds: FeedServer, clock: BotClock
) -> Iterator[BotProcess]:
    process = bot_process(
        tmp_path, double.url, config, env={"POSTBOT_CLOCK_OFFSET_FILE": str(clock.path)}
    ).start()
    try:
        double.wait_for(lambda d: d.active_polls > 0, timeout=30, what="bot long-polls")
        process.wait_first_poll()
        yield process
    finally:
        if process.alive():
            process.stop()
        logs = process.logs()
        assert TOKEN not in logs
        assert not re.search(r"Traceback", logs), logs[-4000:]


def digests_to(double: BotApiDouble, chat_id: int, head: str) -> list[str]:
    return [r.text for r in double.sent if r.chat_id == chat_id and r.text.startswith(head)]


def test_pause_hold_delivers_after_and_the_bell_button_mutes_for_a_day(
    clocked_bot: BotProcess, double: BotApiDouble, feeds: FeedServer, clock: BotClock
) -> None:
    bot, p, w = clocked_bot, PAUSER, WITNESS
    converse(double, [Say(p, "/watch داعش"), Say(w, "/watch داعش")])
    paused = one(double, Say(p, "/pause 2h hold"))
    assert paused.startswith("⏸ Alerts are paused until") and "come together" in paused

    publish(bot, feeds, ISIS_ONLY)
    wait_alert(double, w, 1)
    assert delivered_to(bot, p, "m-1") == [("held", "pause")] and alerts(double, p) == []

    # the pause ends by itself: what it held comes as one digest
    clock.forward(timedelta(hours=2, minutes=1))
    head = text("en", "digest_pause_head")
    double.wait_for(lambda d: digests_to(d, p, head), timeout=20, what="the pause's digest")
    (digest,) = digests_to(double, p, head)
    assert ISIS_ONLY.title in digest

    # alerts again; 🔕 mutes the watch for a day (kept, with an unmute button)
    publish(bot, feeds, BOTH)
    wait_alert(double, p, 1)
    alert = next(m for m in double.messages(p) if m.text.startswith("🔔"))
    (mute,) = [d for d in button_data(alert) if d.startswith("mw:")]
    answer = press(double, p, alert.message_id, mute)
    assert answer.text == text("en", "button_muted_toast", query="داعش")
    note = double.wait_for(
        lambda d: next((m for m in d.messages(p) if m.text.startswith("🔕 Watch #1")), None),
        what="the mute's confirmation",
    )
    assert button_data(note) == [f"um:{mute.removeprefix('mw:')}"]
    assert numbered(bot, p) == [(1, "داعش")]

    publish(bot, feeds, ISIS_AGAIN)
    wait_alert(double, w, 3)
    assert delivered_to(bot, p, "m-3") == [] and len(alerts(double, p)) == 1

    # a day later the mute is over
    clock.forward(timedelta(days=1, minutes=1))
    publish(bot, feeds, item("m-4", "غارة على مخبأ لداعش في وادي حوران", "غارة على داعش."))
    wait_alert(double, p, 2)


def test_stop_keeps_waiting_alerts_and_start_delivers_them_as_one_digest(
    clocked_bot: BotProcess, double: BotApiDouble, feeds: FeedServer, clock: BotClock
) -> None:
    bot, s = clocked_bot, STOPPER
    converse(double, [Say(s, "/watch داعش"), Say(s, "/quiet 00:00-23:59")])
    publish(bot, feeds, ISIS_ONLY)  # held by the quiet hours: waiting when /stop comes
    wait_db(
        bot,
        "SELECT status FROM delivery WHERE chat_id = :c",
        lambda rows: [r[0] for r in rows] == ["held"],
        c=s,
    )
    stopped = one(double, Say(s, "/stop"))
    assert stopped == says("en", "stopped_kept", n=1, cap=30)
    converse(double, [Say(s, "/start")])
    note = says("en", "away_note", n=1)
    double.wait_for(lambda d: any(note in m.text for m in d.messages(s)), what="/start's reply")
    head = text("en", "digest_away_head")
    double.wait_for(lambda d: digests_to(d, s, head), timeout=20, what="the away digest")
    assert ISIS_ONLY.title in digests_to(double, s, head)[0]
