"""Chat settings end to end (issue 16 items 4, 5, 7; SPEC §5-§6): times in the chat's zone,
`/tz` by city or offset, `/format`, `/silent`, `/sources`, `/connect`, `/whoami`, and the group
admin path (a refused command stores nothing; a reply goes ahead of 30 queued alerts).

Two outlets are configured so that `/sources` has something to choose between.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session

from postbot.alerts.direction import strip_marks
from postbot.alerts.zones import local_stamp
from postbot.store import repo
from postbot.store.models import StoryRow
from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import (
    BotProcess,
    Say,
    alerts,
    bot_process,
    converse,
    press,
    publish,
    query_db,
    says,
    seed_chats,
    wait_db,
    write_config,
)

pytestmark = pytest.mark.e2e


TZ_USER, LOOK_USER, SOURCES_USER, CONNECT_USER = 9801, 9802, 9803, 9804
ADMIN, MEMBER = 9811, 9812
NEW_GROUP, BUSY_GROUP = -1009820, -1009821
CHANNEL, NOT_MINE, NO_BOT = -1009830, -1009831, -1009832


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.set_feed("/news.xml", [], title="وكالة الاختبار")
        server.set_feed("/other.xml", [], title="المصدر الثاني")
        yield server


@pytest.fixture
def config(tmp_path: Path, feeds: FeedServer) -> Path:
    return write_config(
        tmp_path / "postbot.yaml",
        [
            ("testnews", "وكالة الاختبار", feeds.url("/news.xml")),
            ("second", "المصدر الثاني", feeds.url("/other.xml")),
        ],
    )


def story(n: int, place: str = "الأنبار") -> FeedItem:
    return FeedItem(
        title=f"«داعش» يهاجم موقعاً في {place} رقم {n}",
        link=f"https://news.example/chatsettings-{n}",
        description=f"قال مسؤول إن عناصر من «داعش» هاجموا موقعاً في {place} فجر اليوم ({n}).",
        guid=f"cs-{n}",
    )


def wait_alerts(double: BotApiDouble, chat_id: int, count: int, timeout: float = 30) -> None:
    double.wait_for(
        lambda d: len(alerts(d, chat_id)) >= count,
        timeout=timeout,
        what=f"{count} alerts to {chat_id}",
    )


def test_tz_by_city_and_offset_and_alert_times_in_the_chat_zone(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    lines = [
        "/tz بغداد",
        "/tz london",
        "/tz UTC+3",
        "/tz GMT-5",
        "/tz +03:00",
        "/tz عمّان",
        "/tz البصره",
        "/tz new york",
        "/tz Mars",
        "/tz UTC+5:30",
        "/tz",
        "/watch داعش",
    ]
    replies: list[str] = []
    stored: list[str] = []
    for line in lines:  # one at a time: each reply is checked against the zone stored after it
        replies += converse(double, [Say(TZ_USER, line)])[TZ_USER]
        stored.append(query_db(bot, "SELECT tz FROM chat WHERE id = :c", c=TZ_USER)[0][0])
    assert stored[:10] == [
        "Asia/Baghdad",
        "Europe/London",
        "Etc/GMT-3",  # the POSIX sign: three hours ahead of UTC
        "Etc/GMT+5",
        "Etc/GMT-3",
        "Asia/Amman",
        "Asia/Baghdad",
        "America/New_York",
        "America/New_York",  # the unknown zone changed nothing
        "UTC+05:30",
    ]
    assert replies[2].startswith(says("en", "tz_set", tz="UTC+03", time="X").split("X")[0])
    assert replies[3].startswith("✅ Time zone set to UTC-05 ")
    assert replies[8] == says("en", "tz_unknown_any", value="Mars")
    for example in ("/tz Baghdad", "/tz London", "/tz UTC+3"):
        assert example in replies[8]
    assert replies[10].startswith("🕒 Time zone: UTC+05:30 (it is ")

    publish(bot, feeds, story(1))
    wait_alerts(double, TZ_USER, 1)
    (alert,) = alerts(double, TZ_USER)
    source = next(line for line in alert.text.splitlines() if "Source:" in line)
    source = strip_marks(source)
    assert source.endswith(" UTC+05:30"), source
    # the time shown is the chat's wall clock (the story has no date: the time first seen)
    seen = query_db(bot, "SELECT first_seen_at FROM story WHERE key = 'cs-1'")[0][0]
    first_seen = datetime.fromisoformat(str(seen)).replace(tzinfo=UTC)
    assert source.endswith(local_stamp(first_seen, "UTC+05:30")), source


def test_format_silent_and_whoami(bot: BotProcess, double: BotApiDouble, feeds: FeedServer) -> None:
    replies = converse(
        double,
        [
            Say(LOOK_USER, "/format"),
            Say(LOOK_USER, "/format compact"),
            Say(LOOK_USER, "/format huge"),
            Say(LOOK_USER, "/silent"),
            Say(LOOK_USER, "/silent on"),
            Say(LOOK_USER, "/silent maybe"),
            Say(LOOK_USER, "/whoami"),
            Say(LOOK_USER, "/watch داعش", lang="ar"),
        ],
    )[LOOK_USER]
    assert replies[0] == says("en", "format_current", mode=says("en", "format_full"))
    assert replies[1] == says("en", "format_set", mode=says("en", "format_compact"))
    assert replies[2] == says("en", "format_bad", value="huge")
    assert replies[3] == says("en", "silent_current_off")
    assert replies[4] == says("en", "silent_set_on")
    assert replies[5] == says("en", "silent_bad", value="maybe")
    assert replies[6] == says(
        "en", "whoami", user_id=LOOK_USER, chat_id=LOOK_USER, kind=says("en", "kind_private")
    )
    row = query_db(bot, "SELECT alert_format, silent FROM chat WHERE id = :c", c=LOOK_USER)
    assert row[0][0] == "compact" and bool(row[0][1])

    publish(bot, feeds, story(2))
    wait_alerts(double, LOOK_USER, 1)
    (alert,) = alerts(double, LOOK_USER)
    assert alert.disable_notification is True
    body = alert.text.splitlines()
    # compact: the bell with why, the title, the outlet with the time, the link; no summary
    assert len(body) == 4, body
    assert body[1] == story(2).title
    assert strip_marks(body[2]).startswith("Source: وكالة الاختبار")
    assert "هاجموا" not in alert.text


def test_sources_leave_an_outlet_out(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    replies = converse(double, [Say(SOURCES_USER, "/watch داعش"), Say(SOURCES_USER, "/sources")])
    assert replies[SOURCES_USER][1] == says("en", "sources_header")
    menu = double.messages(SOURCES_USER)[-1]
    assert menu.reply_markup is not None
    labels = [b["text"] for row in menu.reply_markup["inline_keyboard"] for b in row]
    assert labels == ["✅ وكالة الاختبار: on", "✅ المصدر الثاني: on"]
    answer = press(double, SOURCES_USER, menu.message_id, "src:testnews")
    assert answer.text == says("en", "source_off", name="وكالة الاختبار")
    excluded = query_db(bot, "SELECT excluded_feeds FROM chat WHERE id = :c", c=SOURCES_USER)
    assert "testnews" in str(excluded[0][0])
    double.wait_for(
        lambda d: d.messages(SOURCES_USER)[-1].reply_markup != menu.reply_markup,
        what="the redrawn /sources buttons",
    )

    # only in the outlet left out: no alert; in the other outlet: alerted
    publish(bot, feeds, story(3, "الرطبة"))
    wait_db(
        bot,
        "SELECT count(*) FROM story WHERE key = 'cs-3'",
        lambda rows: rows[0][0] == 1,
        what="story 3 seen",
    )
    feeds.add_item("/other.xml", story(4, "القائم"))
    bot.poll_now()
    wait_alerts(double, SOURCES_USER, 1)
    time.sleep(1.5)  # story 3 would have been sent by now
    sent = alerts(double, SOURCES_USER)
    assert len(sent) == 1 and "القائم" in sent[0].text
    assert query_db(
        bot,
        "SELECT count(*) FROM delivery d JOIN story s ON s.id = d.story_id "
        "WHERE s.key = 'cs-3' AND d.chat_id = :c",
        c=SOURCES_USER,
    ) == [(0,)]

    # a story the left-out outlet carried first still reaches the chat through the other one
    same = story(5, "حديثة")
    publish(bot, feeds, same)
    wait_db(
        bot,
        "SELECT count(*) FROM story WHERE key = 'cs-5'",
        lambda rows: rows[0][0] == 1,
        what="story 5 seen in the left-out outlet",
    )
    feeds.add_item("/other.xml", same)
    bot.poll_now()
    wait_alerts(double, SOURCES_USER, 2)
    assert "حديثة" in alerts(double, SOURCES_USER)[1].text


def test_connect_a_channel_and_lose_it(
    bot: BotProcess, double: BotApiDouble, feeds: FeedServer
) -> None:
    double.add_channel(CHANNEL, "postbot_news", title="أخبار", admins=[CONNECT_USER, double.bot_id])
    double.add_channel(NOT_MINE, "not_mine", title="Other", admins=[999, double.bot_id])
    double.add_channel(NO_BOT, "no_bot", title="No bot", admins=[CONNECT_USER])
    double.register_chat(-1001234567, "supergroup", title="A group")
    replies = converse(
        double,
        [
            Say(CONNECT_USER, "/connect"),
            Say(CONNECT_USER, "/connect @missing_one"),
            Say(CONNECT_USER, "/connect -1001234567"),
            Say(CONNECT_USER, "/connect @not_mine"),
            Say(CONNECT_USER, "/connect https://t.me/no_bot"),
            Say(CONNECT_USER, "/disconnect"),
            Say(CONNECT_USER, "/connect @PostBot_News"),
            Say(CONNECT_USER, "/connect"),
            Say(CONNECT_USER, "/watch داعش"),
        ],
    )[CONNECT_USER]
    assert replies[0] == says("en", "connect_usage")
    assert replies[1] == says("en", "connect_not_found", value="@missing_one")
    assert replies[2] == says("en", "connect_not_channel", value="-1001234567")
    assert replies[3] == says("en", "connect_user_not_admin", channel="@not_mine")
    assert replies[4] == says("en", "connect_bot_not_admin", channel="@no_bot")
    assert replies[5] == says("en", "disconnect_none")
    assert replies[6] == says("en", "connect_done", channel="@postbot_news")
    assert replies[7] == says("en", "connect_current", channel="@postbot_news")
    members = [c for c in double.calls if c.method == "getChatMember"]
    assert {str(c.params.get("chat_id")) for c in members} >= {str(CHANNEL), str(NOT_MINE)}

    publish(bot, feeds, story(6))
    wait_alerts(double, CHANNEL, 1)
    assert alerts(double, CONNECT_USER) == []
    assert alerts(double, CHANNEL)[0].reply_markup is None  # no buttons for a channel's readers

    # the bot is removed from the channel: the connection is dropped, the chat told and alerted
    double.block(CHANNEL)
    publish(bot, feeds, story(7, "تكريت"))
    wait_alerts(double, CONNECT_USER, 1)
    texts = [m.text for m in double.messages(CONNECT_USER)]
    assert says("en", "connect_lost") in texts
    assert "تكريت" in alerts(double, CONNECT_USER)[0].text
    row = query_db(bot, "SELECT channel_id FROM chat WHERE id = :c", c=CONNECT_USER)
    assert row == [(None,)]


def _queue_alerts(bot: BotProcess, chat_id: int, count: int) -> None:
    """`count` alerts waiting for the chat in the outbox (as routing would have queued them)."""
    engine = bot.engine()
    now = datetime.now(UTC)
    try:
        with Session(engine) as session:
            for n in range(count):
                row = StoryRow(
                    feed_id="testnews",
                    key=f"queued-{n}",
                    title=f"خبر رقم {n:02d} عن «داعش»",
                    link=f"https://news.example/queued-{n}",
                    summary="نص قصير.",
                    first_seen_at=now - timedelta(minutes=1),
                )
                session.add(row)
                session.flush()
                assert row.id is not None
                repo.enqueue_delivery(
                    session=session,
                    chat_id=chat_id,
                    story_id=row.id,
                    reasons=["topic:isis"],
                    now=now,
                )
            session.commit()
    finally:
        engine.dispose()


@pytest.fixture
def pg_bot(
    tmp_path: Path, double: BotApiDouble, config: Path, feeds: FeedServer, pg_url: str
) -> Iterator[BotProcess]:
    """`postbot run` on the real PostgreSQL (a database of this test's own)."""
    process = bot_process(tmp_path, double.url, config, database_url=pg_url).start()
    try:
        double.wait_for(lambda d: d.active_polls > 0, timeout=30, what="bot long-polls")
        process.wait_first_poll(timeout=45)
        yield process
    finally:
        if process.alive():
            process.stop()
        assert "Traceback" not in process.logs(), process.logs()[-4000:]


def test_group_admin_path(bot: BotProcess, double: BotApiDouble) -> None:
    group_admin_path(bot, double)


def test_group_admin_path_on_postgresql(pg_bot: BotProcess, double: BotApiDouble) -> None:
    group_admin_path(pg_bot, double)


def group_admin_path(bot: BotProcess, double: BotApiDouble) -> None:
    """A member's refused commands store nothing; the admin's first one stores the group; an
    admin's /start answers at once with 30 alerts queued, which keep their order."""
    for group in (NEW_GROUP, BUSY_GROUP):
        double.set_admins(group, [ADMIN])
    replies = converse(
        double,
        [
            Say(NEW_GROUP, "/start", user_id=MEMBER, chat_type="supergroup", lang="ar"),
            Say(NEW_GROUP, "/format compact", user_id=MEMBER, chat_type="supergroup", lang="ar"),
            Say(NEW_GROUP, "/whoami", user_id=MEMBER, chat_type="supergroup", lang="ar"),
            Say(NEW_GROUP, "/sources", user_id=MEMBER, chat_type="supergroup", lang="ar"),
        ],
    )[NEW_GROUP]
    # refused in Arabic, and nothing stored: not even the group's language
    assert replies[:2] == [says("ar", "group_admins_only")] * 2
    assert replies[2] == says(
        "ar", "whoami", user_id=MEMBER, chat_id=NEW_GROUP, kind=says("ar", "kind_supergroup")
    )
    assert replies[3].splitlines()[0] == says("ar", "sources_readonly")
    assert double.messages(NEW_GROUP)[-1].reply_markup is None
    assert query_db(bot, "SELECT count(*) FROM chat WHERE id = :c", c=NEW_GROUP) == [(0,)]
    # the admin's first command stores the group, in the admin's language
    (started,) = converse(
        double, [Say(NEW_GROUP, "/start", user_id=ADMIN, chat_type="supergroup")]
    )[NEW_GROUP]
    assert started.startswith(says("en", "welcome"))
    assert query_db(bot, "SELECT lang FROM chat WHERE id = :c", c=NEW_GROUP) == [("en",)]

    # 30 alerts queued at the group's 20-a-minute pace: an admin's /start still answers at once
    seed_chats(bot, [BUSY_GROUP], topics=["isis"], lang="en")
    _queue_alerts(bot, BUSY_GROUP, 30)
    bot.poll_now()
    wait_alerts(double, BUSY_GROUP, 2)
    asked = time.monotonic()
    double.user_message(BUSY_GROUP, "/start", user_id=ADMIN, chat_type="supergroup")
    double.wait_for(
        lambda d: any(
            strip_marks(m.text).startswith(says("en", "welcome")) for m in d.messages(BUSY_GROUP)
        ),
        timeout=15,
        what="the admin's /start reply",
    )
    waited = time.monotonic() - asked
    queued = 30 - len(alerts(double, BUSY_GROUP))
    print(f"admin /start answered in {waited:.2f}s with {queued} alerts queued")
    assert waited < 3.0, f"/start answered after {waited:.1f}s"
    sent = alerts(double, BUSY_GROUP)
    assert len(sent) < 30  # the alerts were still queued when the reply went
    numbers = [int(a.text.split("رقم ")[1][:2]) for a in sent]
    assert numbers == sorted(numbers)  # alerts keep their order among themselves
    assert double.stats()["rejected_429"] == 0
