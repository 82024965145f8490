"""Issue 16's walk, end to end against ONE `postbot run` and the Bot API double: an Arabic
analyst, an English journalist, and a group's admin and member go through every item of the
issue the way people use the bot, and every message each chat reads (replies, alerts, edits,
toasts, button labels) speaks the chat's language only: no English sentence in an Arabic chat,
no Arabic sentence in an English one outside names (outlets, stories, the queries people typed)
and examples (tests/support/language.py).

Two outlets are configured so that `/sources` has something to leave out. Nothing waits on the
wall clock beyond the harness: feeds are polled at once (`publish`), and where a story must NOT
alert, a witness chat that follows the same words shows that routing is done.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bidi import get_display

from postbot.alerts.direction import strip_marks
from postbot.alerts.zones import local_stamp
from support.botapi import BotApiDouble, BotMessage
from support.feedserver import FeedItem, FeedServer
from support.language import arabic_runs, latin_outside_allowed, prose
from support.process import (
    BotProcess,
    Say,
    alerts,
    converse,
    press,
    publish,
    query_db,
    run_cli,
    says,
    wait_db,
    write_config,
)

pytestmark = pytest.mark.e2e

ANALYST, JOURNALIST, WITNESS = 8801, 8802, 8803
GROUP, ADMIN, MEMBER, CHANNEL = -1008810, 8811, 8812, -1008820
OUTLETS = {"testnews": "وكالة الاختبار", "second": "المصدر الثاني"}


def story(guid: str, title: str, summary: str) -> FeedItem:
    return FeedItem(title, f"https://news.example/walk/{guid}", summary, guid=guid)


ANBAR = story(
    "anbar", "انتشار أمني واسع في الأنبار بعد هجمات ليلية", "عززت القوات انتشارها في مدن الأنبار."
)
AIN = story(
    "ain",
    "سقوط صاروخ قرب قاعدة عين الأسد الجوية",
    "قالت مصادر أمنية إن صاروخاً سقط قرب قاعدة عين الأسد دون إصابات.",
)
HELD = story("held", "«داعش» يهاجم نقطة تفتيش في الرطبة", "هاجم مسلحون من «داعش» نقطة تفتيش.")
QAIM_OFF = story(
    "qaim-off", "اشتباكات قرب القائم على الحدود", "تبادل مسلحون إطلاق النار قرب القائم."
)
QAIM_ON = story("qaim-on", "تعزيزات عسكرية تصل إلى القائم", "وصلت تعزيزات عسكرية إلى مدينة القائم.")
HARIR = story(
    "harir",
    "هجوم بطائرة مسيرة على قاعدة حرير شمال أربيل",
    "أفادت مصادر أمنية بأن طائرة مسيرة استهدفت قاعدة حرير دون إصابات.",
)
FLOOD = [
    story(f"flood-{n}", f"«داعش» يتبنى هجوماً في كركوك رقم {n}", f"تبنى «داعش» هجوماً ({n}).")
    for n in range(1, 6)
]
TROOPS = story(
    "troops",
    "وصول 2,500 جندي أمريكي إلى قاعدة حرير",
    "قال مسؤول إن نحو 2,500 جندي أمريكي وصلوا إلى قاعدة حرير خلال الأسبوع.",
)
CONNECTED = story("conn", "«داعش» يفجر عبوة في ديالى", "انفجرت عبوة زرعها «داعش» في ديالى.")
STORIES = [ANBAR, AIN, HELD, QAIM_OFF, QAIM_ON, HARIR, TROOPS, CONNECTED, *FLOOD]


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.set_feed("/news.xml", [], title=OUTLETS["testnews"])
        server.set_feed("/other.xml", [], title=OUTLETS["second"])
        yield server


@pytest.fixture
def config(tmp_path: Path, feeds: FeedServer) -> Path:
    return write_config(
        tmp_path / "postbot.yaml",
        [
            ("testnews", OUTLETS["testnews"], feeds.url("/news.xml")),
            ("second", OUTLETS["second"], feeds.url("/other.xml")),
        ],
    )


# ------------------------------------------------------------------------ the language scan

# Words a reply may quote from elsewhere: what the feeds said, the outlets' names and the
# queries people typed (names and examples, not the bot's own sentences).
TYPED = '"Harir base" OR Erbil · Harir OR حرير · داعش أو الأنبار · عين الأسد · داعش (سوريا'
NAMES = {
    word
    for source in [*OUTLETS.values(), TYPED, *(s.title + " " + s.description for s in STORIES)]
    for word in re.findall(r"[\u0600-\u06ff]+|[A-Za-z]+", source)
}


def own_words(markup: str) -> str:
    """A message's own words: no code, quotes, commands, tags, direction marks or names."""
    plain = strip_marks(prose(html.unescape(prose(markup))))
    return re.sub(r"[\u0600-\u06ff]+|[A-Za-z]+", lambda m: " " if m[0] in NAMES else m[0], plain)


def wrong_language(markup: str, lang: str) -> list[str]:
    words = own_words(markup)
    return latin_outside_allowed(words) if lang == "ar" else arabic_runs(words)


def scan(double: BotApiDouble, chat_id: int, lang: str) -> int:
    """Every message the chat was sent (each send and edit), every toast and button label in
    it: in `lang` only. Returns how many texts were scanned."""
    texts = [r.html for r in double.sent if r.chat_id == chat_id]
    texts += [a.text for a in double.callback_answers if a.chat_id == chat_id and a.text]
    texts += [
        button["text"]
        for r in double.sent
        if r.chat_id == chat_id
        for row in (r.reply_markup or {}).get("inline_keyboard", [])
        for button in row
    ]
    problems = [(t, wrong_language(t, lang)) for t in texts if wrong_language(t, lang)]
    assert problems == [], problems
    lines = [line for r in double.sent if r.chat_id == chat_id for line in r.text.splitlines()]
    misread = [line for line in lines if misread_line(line, lang)]
    assert misread == [], [get_display(line) for line in misread]
    return len(texts)


_FLIPPED_COMMAND = re.compile(r"(?<![\w/])[a-z_]+/(?=\s|$)")  # "/watch" seen as "watch/"


def misread_line(line: str, lang: str) -> bool:
    """Whether a line, in the visual order a reader sees (python-bidi, the paragraph direction
    from its first strong character as Telegram takes it), reads wrongly: in an Arabic chat a
    command shown as "watch/"; in an English chat a line written in English (its first letter
    Latin) that is laid out right to left (a leading RLM or Arabic mark)."""
    seen = strip_marks(get_display(line))
    if lang == "ar":
        return _FLIPPED_COMMAND.search(seen) is not None
    first = re.search(r"[A-Za-z\u0600-\u06ff]+", strip_marks(line))
    if first is None or not first[0].isascii():
        return False  # no words, or a line of the story itself (its title, its summary)
    strong = next((c for c in line if c.isalpha() or c in "\u200e\u200f\u061c"), "")
    seen_first = re.search(r"[A-Za-z\u0600-\u06ff]+", seen)
    return strong in "\u200f\u061c" or seen_first is None or seen_first[0] != first[0]


# ---------------------------------------------------------------------------------- helpers


def one(double: BotApiDouble, line: Say) -> str:
    (reply,) = converse(double, [line])[line.chat_id]
    return reply


def ar(chat_id: int, line: str) -> Say:
    return Say(chat_id, line, lang="ar")


def has_number(reply: str, n: int) -> bool:
    return f"#{n}" in reply or f"رقم {n}" in reply


def buttons(message: BotMessage | None) -> list[str]:
    markup = message.reply_markup if message else None
    return [b["callback_data"] for row in (markup or {}).get("inline_keyboard", []) for b in row]


def wait_alerts(double: BotApiDouble, chat_id: int, count: int) -> list[str]:
    double.wait_for(
        lambda d: len(alerts(d, chat_id)) >= count, timeout=30, what=f"{count} alerts to {chat_id}"
    )
    return [a.text for a in alerts(double, chat_id)]


def deliveries(bot: BotProcess, chat_id: int, item: FeedItem) -> list[tuple[str, str | None]]:
    rows = query_db(
        bot,
        "SELECT d.status, d.hold FROM delivery d JOIN story s ON s.id = d.story_id"
        " WHERE d.chat_id = :c AND s.link = :link",
        c=chat_id,
        link=item.link,
    )
    return [(str(r[0]), r[1]) for r in rows]


def watch_numbers(bot: BotProcess, chat_id: int) -> list[int]:
    rows = query_db(bot, "SELECT number FROM watch WHERE chat_id = :c ORDER BY number", c=chat_id)
    return [int(r[0]) for r in rows]


def chat_row(bot: BotProcess, chat_id: int) -> list[tuple[object, ...]]:
    return [
        tuple(r)
        for r in query_db(
            bot,
            "SELECT lang, active, tz, alert_format, silent, channel_id FROM chat WHERE id = :c",
            c=chat_id,
        )
    ]


# -------------------------------------------------------------------------------- the walk


def test_the_analyst_the_journalist_and_the_group_admin_walk_issue_16(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    analyst(bot, double, feeds)
    journalist(bot, double, feeds)
    group(bot, double, feeds)
    scanned = sum(
        scan(double, chat, lang)
        for chat, lang in [(ANALYST, "ar"), (WITNESS, "en"), (JOURNALIST, "en"), (GROUP, "en")]
    )
    scanned += scan(double, CHANNEL, "en")
    print(f"language scan: {scanned} texts")

    assert double.stats()["rejected_429"] == 0


def analyst(bot: BotProcess, double: BotApiDouble, feeds: FeedServer) -> None:
    """Private chat, Arabic: queries, numbers, time zone, mute, pause, 🔕, the look of alerts,
    sources, removing everything, language and quiet hours."""
    a = ANALYST
    welcome, help_text, whoami, either, spaced, broken, listing = converse(
        double,
        [
            ar(a, "/start"),
            ar(a, "/help"),
            ar(a, "/whoami"),
            ar(a, "/watch داعش أو الأنبار"),
            ar(a, "/watch عين الأسد"),
            ar(a, "/watch داعش (سوريا"),
            ar(a, "/watches"),
        ],
    )[a]
    assert welcome.startswith(says("ar", "welcome"))
    assert str(a) in whoami
    # /help's examples: each command next to its Arabic argument, never "watch/"
    raw_help = [m for m in double.messages(a) if m.text.startswith("🤖")][-1].text
    seen_help = [strip_marks(get_display(line)) for line in raw_help.splitlines()]
    assert "watch/" not in "\n".join(seen_help)
    assert any("/watch " + "داعش"[::-1] in line for line in seen_help), seen_help
    assert help_text.count("/watch") >= 3
    start_menu = next(m for m in double.messages(a) if m.text.startswith("👋"))
    toast = press(double, a, start_menu.message_id, "topic:troop_numbers", lang="ar")
    assert toast.text == says("ar", "topic_on", topic="أعداد القوات")
    assert says("ar", "watch_read_as", expr="داعش OR الأنبار") in either and has_number(either, 1)
    assert says("ar", "watch_and_hint", suggestion='"عين الأسد"') in spaced and has_number(
        spaced, 2
    )
    assert broken.startswith("⚠️ لم أفهم الاستعلام: " + says("ar", "query_unclosed_paren"))
    assert "1. داعش أو الأنبار" in listing and "2. عين الأسد" in listing

    removed, again, listing = converse(
        double, [ar(a, "/unwatch 1"), ar(a, "/watch داعش أو الأنبار"), ar(a, "/watches")]
    )[a]
    assert removed == says("ar", "unwatched", number=1, query="داعش أو الأنبار")
    assert has_number(again, 3)  # #1 is not given again
    assert "1." not in listing and "2. عين الأسد" in listing and "3. داعش أو الأنبار" in listing
    assert watch_numbers(bot, a) == [2, 3]

    # times in the chat's zone, set by the city's Arabic name
    tz = one(double, ar(a, "/tz بغداد"))
    assert "Asia/Baghdad" in tz
    publish(bot, feeds, ANBAR)
    (alert,) = wait_alerts(double, a, 1)
    assert strip_marks(alert.splitlines()[0]) == "🔔 #3 «داعش أو الأنبار»"
    seen_at = query_db(bot, "SELECT first_seen_at FROM story WHERE link = :l", l=ANBAR.link)[0][0]
    stamp = local_stamp(datetime.fromisoformat(str(seen_at)).replace(tzinfo=UTC), "Asia/Baghdad")
    source = next(strip_marks(line) for line in alert.splitlines() if "المصدر" in line)
    assert source.endswith(stamp), source

    # the troop topic's alert says each figure once
    publish(bot, feeds, TROOPS)
    troops = wait_alerts(double, a, 2)[1]
    (figures,) = [line for line in troops.splitlines() if line.startswith("👥")]
    assert figures.count("2,500") == 1 or figures.count("2500") == 1, figures

    # /mute 2 for two hours: a story only #2 matches does not alert (the witness shows it came)
    converse(double, [Say(WITNESS, "/watch عين الأسد")])
    muted = one(double, ar(a, "/mute 2 2h"))
    assert muted.startswith("🔕 كُتمت كلمة المراقبة #2")
    publish(bot, feeds, AIN)
    wait_alerts(double, WITNESS, 1)
    assert deliveries(bot, a, AIN) == [] and len(alerts(double, a)) == 2
    resumed = one(double, ar(a, "/resume"))
    assert says("ar", "resume_not_paused") in resumed and "#2" in resumed

    # /pause 1h hold: a story is held; /resume releases it
    paused = one(double, ar(a, "/pause 1h hold"))
    assert paused.startswith("⏸")
    publish(bot, feeds, HELD)
    wait_db(
        bot,
        "SELECT d.status FROM delivery d JOIN story s ON s.id = d.story_id"
        " WHERE d.chat_id = :c AND s.link = :link",
        lambda rows: [r[0] for r in rows] == ["held"],
        c=a,
        link=HELD.link,
    )
    assert deliveries(bot, a, HELD) == [("held", "pause")]
    converse(double, [ar(a, "/resume")])
    double.wait_for(
        lambda d: any(HELD.title in m.text for m in d.messages(a)), timeout=30, what="held alert"
    )

    # the 🔕 button on the first alert mutes its watch (#3) for a day; the watch is kept
    first = next(m for m in double.messages(a) if m.text.startswith("🔔"))
    (mute,) = [d for d in buttons(first) if d.startswith("mw:")]
    pressed_at = datetime.now(UTC)
    answer = press(double, a, first.message_id, mute, lang="ar")
    assert answer.text == says("ar", "button_muted_toast", query="داعش أو الأنبار")
    note = double.wait_for(
        lambda d: next(
            (m for m in d.messages(a) if m.text.startswith("🔕 كُتمت كلمة المراقبة #3")), None
        ),
        what="the mute's note",
    )
    assert [d[:3] for d in buttons(note)] == ["um:"]  # with a button to undo it
    seen_note = [strip_marks(get_display(line)) for line in note.text.splitlines()]
    assert any(" /resume " in line for line in seen_note), seen_note  # not "resume/"
    until = query_db(bot, "SELECT muted_until FROM watch WHERE chat_id = :c AND number = 3", c=a)
    muted_until = datetime.fromisoformat(str(until[0][0])).replace(tzinfo=UTC)
    assert abs(muted_until - pressed_at - timedelta(days=1)) < timedelta(minutes=2)
    assert watch_numbers(bot, a) == [2, 3]

    # compact and silent alerts, from one outlet only
    fmt, silent, watched, sources = converse(
        double,
        [
            ar(a, "/format compact"),
            ar(a, "/silent on"),
            ar(a, "/watch القائم"),
            ar(a, "/sources"),
        ],
    )[a]
    assert fmt == says("ar", "format_set", mode=says("ar", "format_compact"))
    assert silent == says("ar", "silent_set_on")
    assert has_number(watched, 4)
    assert sources == says("ar", "sources_header")
    menu = double.messages(a)[-1]
    toast = press(double, a, menu.message_id, "src:second", lang="ar")
    assert toast.text == says("ar", "source_off", name=OUTLETS["second"])
    converse(double, [Say(WITNESS, "/watch القائم")])
    feeds.add_item("/other.xml", QAIM_OFF)
    bot.poll_now()
    wait_alerts(double, WITNESS, 2)
    assert deliveries(bot, a, QAIM_OFF) == []
    publish(bot, feeds, QAIM_ON)
    wait_alerts(double, a, 3)
    last = alerts(double, a)[-1]
    assert QAIM_ON.title in last.text and QAIM_ON.description not in last.text
    assert last.disable_notification is True
    assert len(last.text.splitlines()) == 4  # why, title, outlet and time, link

    # remove one by its text, then everything (asked first); the language and quiet hours
    by_text = one(double, ar(a, "/unwatch القائم"))
    assert by_text == says("ar", "unwatched", number=4, query="القائم")
    ask = one(double, ar(a, "/unwatch all"))
    assert ask == says("ar", "unwatch_all_ask", count=2)
    question = double.messages(a)[-1]
    confirm = next(d for d in buttons(question) if d.startswith("uwa:"))
    press(double, a, question.message_id, confirm, lang="ar")
    done = says("ar", "unwatch_all_done", count=2)
    double.wait_for(lambda d: any(strip_marks(m.text) == done for m in d.messages(a)), what="done")
    assert watch_numbers(bot, a) == []
    lang, quiet = converse(double, [ar(a, "/lang"), ar(a, "/quiet 22:00-22:00")])[a]
    assert says("ar", "lang_current", name="العربية") in lang
    assert quiet == says("ar", "quiet_same", value="22:00-22:00")
    assert scan(double, a, "ar") > 20


def journalist(bot: BotProcess, double: BotApiDouble, feeds: FeedServer) -> None:
    """Private chat, English: an English query, what /help says of spellings, zones by city and
    offset, an alert about an Arabic outlet read left to right, looking back, a trend chart."""
    j = JOURNALIST
    welcome, watched, help_text, london, plus3, both = converse(
        double,
        [
            Say(j, "/start"),
            Say(j, '/watch "Harir base" OR Erbil'),
            Say(j, "/help"),
            Say(j, "/tz London"),
            Say(j, "/tz UTC+3"),
            Say(j, "/watch Harir OR حرير"),
        ],
    )[j]
    assert welcome.startswith(says("en", "welcome"))
    # written as the bot reads it: no read-back to add, and no hint
    added = says("en", "watch_added", number=1, query='"Harir base" OR Erbil')
    assert watched == added
    assert "Read as" not in watched and "ℹ️" not in watched
    assert "words as written" in help_text and "Harir OR حرير" in help_text
    assert "Europe/London" in london
    assert plus3.startswith("✅ Time zone set to UTC+03 ")
    assert (
        both.splitlines()[0]
        == says("en", "watch_added", number=2, query="Harir OR حرير").splitlines()[0]
    )
    assert [r[0] for r in query_db(bot, "SELECT tz FROM chat WHERE id = :c", c=j)] == ["Etc/GMT-3"]

    publish(bot, feeds, HARIR)
    (alert,) = wait_alerts(double, j, 1)
    source = next(line for line in alert.splitlines() if "Source" in line)
    assert not source.startswith("\u200f")
    assert strip_marks(get_display(source)).startswith("Source: "), get_display(source)
    assert strip_marks(source).endswith(" UTC+03")
    assert strip_marks(get_display(alert.splitlines()[0])).startswith("🔔 #2")

    found, latest = converse(double, [Say(j, "/search حرير"), Say(j, "/latest")], timeout=60)[j]
    assert HARIR.title in found
    assert HARIR.title in latest and ANBAR.title not in latest  # only what the chat follows
    (caption,) = converse(double, [Say(j, "/trend isis 30d")], timeout=90)[j]
    photo = double.messages(j)[-1]
    assert photo.photo, "the trend is a photo"
    assert caption.startswith("📈"), caption
    assert caption.splitlines()[-1] == says("en", "trend_caption_tz", tz="UTC+03")
    by_outlet = next(line for line in photo.text.splitlines() if "By outlet" in line)
    assert strip_marks(get_display(by_outlet)).startswith("By outlet: "), get_display(by_outlet)
    assert scan(double, j, "en") > 8


def group(bot: BotProcess, double: BotApiDouble, feeds: FeedServer) -> None:
    """A supergroup: the member's refused /start changes nothing, the member reads the watches
    without buttons, the admin connects a channel and disconnects it, and the admin's /start
    answers ahead of the alerts queued at the group's pace."""
    double.register_chat(GROUP, "supergroup", title="غرفة الأخبار")
    double.set_admins(GROUP, [ADMIN])
    admin = {"user_id": ADMIN, "chat_type": "supergroup", "lang": "en"}
    member = {"user_id": MEMBER, "chat_type": "supergroup", "lang": "ar"}
    started, watched = converse(
        double, [Say(GROUP, "/start", **admin), Say(GROUP, "/watch داعش", **admin)]
    )[GROUP]
    assert started.startswith(says("en", "welcome")) and "#1" in watched
    before = chat_row(bot, GROUP)
    assert before and before[0][0] == "en"
    refused, listing = converse(
        double, [Say(GROUP, "/start", **member), Say(GROUP, "/watches", **member)]
    )[GROUP]
    assert refused == says("en", "group_admins_only")
    assert chat_row(bot, GROUP) == before  # not even the language
    assert "1. داعش" in listing and says("en", "watches_readonly_hint") in listing
    assert double.messages(GROUP)[-1].reply_markup is None

    double.add_channel(
        CHANNEL, "walk_channel", title="قناة الاختبار", admins=[ADMIN, double.bot_id]
    )
    connected = one(double, Say(GROUP, "/connect @walk_channel", **admin))
    assert connected == says("en", "connect_done", channel="@walk_channel")
    publish(bot, feeds, CONNECTED)
    wait_alerts(double, CHANNEL, 1)
    assert alerts(double, GROUP) == []
    disconnected = one(double, Say(GROUP, "/disconnect", **admin))
    assert "@walk_channel" in disconnected
    assert query_db(bot, "SELECT channel_id FROM chat WHERE id = :c", c=GROUP) == [(None,)]

    for item in FLOOD:
        feeds.add_item("/news.xml", item)
    bot.poll_now()
    wait_alerts(double, GROUP, 1)
    asked = datetime.now(UTC)
    again = one(double, Say(GROUP, "/start", **admin))
    waited = (datetime.now(UTC) - asked).total_seconds()
    assert again.startswith(says("en", "welcome"))
    assert waited < 3.0, f"the admin's /start answered after {waited:.1f}s"
    assert len(alerts(double, GROUP)) < len(FLOOD)  # alerts were still queued behind it
    print(f"group: the admin's /start answered in {waited:.2f}s")
    # the alerts keep their order among themselves: the order they were queued in
    wait_alerts(double, GROUP, 3)
    queued = query_db(
        bot,
        "SELECT s.title FROM delivery d JOIN story s ON s.id = d.story_id"
        " WHERE d.chat_id = :c ORDER BY d.id",
        c=GROUP,
    )
    titles = [str(r[0]) for r in queued if str(r[0]).startswith("«داعش» يتبنى")]
    sent = [a.text.splitlines()[1] for a in alerts(double, GROUP)]
    assert sent == titles[: len(sent)]

    # the admin starts a second `postbot run` on the same database by mistake: one line, refused
    second = run_cli(bot.args, env=bot.env, cwd=bot.cwd, timeout=60)
    assert second.returncode == 1 and "Traceback" not in second.stderr
    assert "another postbot run is already serving" in second.stderr
    assert bot.alive()
