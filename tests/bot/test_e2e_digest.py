"""Digests and quiet hours end to end, with the bot's clock moved forward instead of waiting.

A real `postbot run` reads its time from the real clock plus the seconds in the file named by
POSTBOT_CLOCK_OFFSET_FILE (postbot/clock.py); the test writes that file to jump to the end of
an hour or of a quiet window. Everything else (Telegram's pacing, the double) runs in real time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import (
    TOKEN,
    BotProcess,
    Say,
    alerts,
    bot_process,
    converse,
    publish,
    wait_db,
)

pytestmark = pytest.mark.e2e

USER = 5201
BAGHDAD = ZoneInfo("Asia/Baghdad")

STORIES = [
    FeedItem(
        "مقتل جنديين بهجوم لداعش على نقطة للجيش في مطيبيجة",
        "https://news.example/mutaibija",
        "هاجم مسلحون من داعش نقطة للجيش العراقي في منطقة مطيبيجة بين صلاح الدين وديالى.",
        guid="d-1",
    ),
    FeedItem(
        "تفكيك خلية لداعش في كركوك واعتقال أربعة من عناصرها",
        "https://news.example/kirkuk-cell",
        "أعلنت قيادة الشرطة في كركوك تفكيك خلية لتنظيم داعش واعتقال أربعة من أفرادها.",
        guid="d-2",
    ),
    FeedItem(
        "غارة للتحالف على مخبأ لداعش في وادي حوران غربي الأنبار",
        "https://news.example/horan",
        "نفذت طائرات التحالف الدولي غارة على مخبأ لعناصر داعش في وادي حوران.",
        guid="d-3",
    ),
]


class BotClock:
    """The offset file the bot process reads its time from."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = timedelta(0)
        self.path.write_text("0", encoding="utf-8")

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def jump_to(self, moment: datetime) -> None:
        """Move the bot's clock so that it reads `moment` (plus a second) now."""
        self.offset = moment - datetime.now(UTC) + timedelta(seconds=1)
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


def held(bot: BotProcess, count: int) -> datetime:
    """Wait until `count` alerts are held for USER; returns when they are due."""
    rows = wait_db(
        bot,
        "SELECT next_attempt_at FROM delivery WHERE chat_id = :c AND status = 'held'",
        lambda rows: len(rows) == count,
        c=USER,
    )
    due = {r[0] for r in rows}
    assert len(due) == 1, due  # held together, released together
    value = due.pop()
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def digests(double: BotApiDouble) -> list[str]:
    """Digest messages to USER (the replies to /digest and /quiet are not: they have no link)."""
    return [
        r.text
        for r in double.sent
        if r.chat_id == USER
        and r.text[:1] in "📰🌙"
        and any(e["type"] == "text_link" for e in r.entities)
    ]


def test_an_hourly_digest_holds_alerts_and_sends_one_message_per_hour(
    clocked_bot: BotProcess, double: BotApiDouble, feeds: FeedServer, clock: BotClock
) -> None:
    # start ten minutes into an hour, so that no hour ends while the stories come in
    clock.jump_to(clock.now().replace(minute=10, second=0, microsecond=0) + timedelta(hours=1))
    replies = converse(
        double,
        [Say(USER, "/start topic_isis", lang="ar"), Say(USER, "/digest hourly", lang="ar")],
    )
    assert len(replies[USER]) >= 2
    publish(clocked_bot, feeds, STORIES[0])
    held(clocked_bot, 1)
    publish(clocked_bot, feeds, STORIES[1])
    due = held(clocked_bot, 2)
    local = due.astimezone(BAGHDAD)
    assert (local.minute, local.second) == (0, 0) and due > clock.now()  # the next full hour
    assert alerts(double, USER) == []  # nothing instant

    clock.jump_to(due)
    double.wait_for(lambda d: digests(d), timeout=20, what="the hourly digest")
    (digest,) = digests(double)
    assert STORIES[0].title in digest and STORIES[1].title in digest
    lines = [line.strip("\u200f ") for line in digest.splitlines() if line.strip()]
    assert lines[1] == "داعش"  # grouped under the topic's name
    wait_db(
        clocked_bot,
        "SELECT status, in_digest FROM delivery",
        lambda rows: sorted(tuple(r) for r in rows) == [("sent", True)] * 2,
    )

    # the next hour: one more story, one more digest with just that story
    publish(clocked_bot, feeds, STORIES[2])
    later = held(clocked_bot, 1)
    assert later == due + timedelta(hours=1)
    clock.jump_to(later)
    double.wait_for(lambda d: len(digests(d)) == 2, timeout=20, what="the second digest")
    second = digests(double)[1]
    assert STORIES[2].title in second and STORIES[0].title not in second

    # an hour with nothing matched sends nothing
    clock.jump_to(later + timedelta(hours=1))
    clocked_bot.poll_now()
    before = len(double.sent)
    double.wait_for(lambda d: d.active_polls > 0, what="bot still long-polling")
    wait_db(clocked_bot, "SELECT count(*) FROM delivery", lambda rows: rows == [(3,)])
    assert len(digests(double)) == 2 and len(double.sent) == before
    assert alerts(double, USER) == []


def test_quiet_hours_hold_alerts_and_release_them_as_one_message(
    clocked_bot: BotProcess, double: BotApiDouble, feeds: FeedServer, clock: BotClock
) -> None:
    local = clock.now().astimezone(BAGHDAD)
    start = (local - timedelta(hours=1)).strftime("%H:%M")
    end = (local + timedelta(hours=1)).strftime("%H:%M")
    replies = converse(
        double,
        [Say(USER, "/start topic_isis", lang="en"), Say(USER, f"/quiet {start}-{end}", lang="en")],
    )
    assert any(end in r for r in replies[USER])
    publish(clocked_bot, feeds, STORIES[0])
    held(clocked_bot, 1)
    publish(clocked_bot, feeds, STORIES[1])
    due = held(clocked_bot, 2)
    assert due.astimezone(BAGHDAD).strftime("%H:%M") == end
    assert alerts(double, USER) == []

    clock.jump_to(due)
    double.wait_for(lambda d: digests(d), timeout=20, what="the end-of-quiet digest")
    (released,) = digests(double)
    assert released.startswith("🌙")
    assert STORIES[0].title in released and STORIES[1].title in released

    # outside quiet hours, alerts are instant again
    publish(clocked_bot, feeds, STORIES[2])
    double.wait_for(lambda d: alerts(d, USER), timeout=20, what="an instant alert")
    assert STORIES[2].title in alerts(double, USER)[0].text
