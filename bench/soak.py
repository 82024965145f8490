"""Soak: real postbot processes for M minutes against misbehaving feeds and a flaky Telegram.

    python bench/soak.py [--minutes 2] [--workers 0] [--chats 200] [--seed S] [--story-every 20]
                         [--slope-after 1] [--tracemalloc DIR] [--tracemalloc-every 120]
                         [--census DIR]

With `--workers 0` one `postbot run` works on a SQLite file; with `--workers K` a `postbot run`
and K `postbot worker`s share a temporary PostgreSQL database made on the server of
POSTBOT_TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test), dropped after.
They talk to the strict Bot API double and the feed server of doubles/.

Twelve feeds, every 10 s. Nine carry news: six healthy (`wire1`..`wire6`), `hang` (now and then
holds a request 70 s, longer than the fetch's timeouts, or a few seconds), `flap` (switches
between 200 and 500 every 8-45 s) and `malformed` (a valid RSS made of not-well-formed XML:
bare `&`, unclosed tags, no closing `</rss>`). Three never give anything: `garbage` (random bytes,
changed every 15-30 s), `huge` (a 6 MB body, over the 5 MB cap) and `limited` (429 with
Retry-After: 30). N private chats follow the topic isis, written to the database before the
processes start. Once the start-up poll has recorded every feed's backlog, the soak runs for
M minutes: one new ISIS event about every `--story-every` seconds in a news feed picked at
random (distinct events as real ones are: a kind of incident in a town not used for that kind
yet, its own unit, figures, time of day and source, from several templates), and for a fifth
of them another outlet's rewrite of it in another feed 20-60 s later (one story: the bot should
join it to the first, one alert and an "also in" edit); 5% of the chats block the bot at
random times; every 25-50 s a 429 storm (the next 10-40 sendMessage calls answered "retry
after 2"); every 15-35 s one to three sendMessage connections dropped before they are
processed. Then publishing stops, the hang and flap faults
are lifted, and the soak waits until every published story is stored and the outbox has no
pending row to an active chat (or a timeout), and stops the processes with SIGTERM.

Every 30 s:
`t=S rss_mb=run:R,w1:R sent=A pending=P errors=E feed_errors=F` (RSS from /proc/PID/status,
sent = alerts the double accepted, pending = outbox rows still pending, errors = ERROR lines in
the processes' logs, feed_errors = failed polls logged). At the end:

`expected=E delivered=D lost=L duplicated=U blocked_chats=B sends_after_block=X rejected_429=R
feed_errors=F error_log_lines=G tracebacks=T rss_start_mb=.. rss_end_mb=.. rss_growth_pct=..`

expected = every published event times every chat that never blocked the bot; delivered =
those pairs the double accepted an alert for (any outlet's item of the event); duplicated =
alerts beyond one per (chat, story),
blocked chats included; sends_after_block = sendMessage calls that reached the double for a
blocked chat after it blocked the bot, beyond the one refused with 403 (calls answered by an
injected 429 or drop are not counted, the bot rightly tries again); rejected_429 = the double's
own flood-control refusals (the injected ones are `injected_429` on the next line); rss_start
is each process's RSS one minute into the soak (warm-up), rss_end the last sample before the
stop, rss_growth_pct the largest growth of one process. A line `extra: ...` adds details
(among them `rss_slope_mb_per_min`, each process's least-squares RSS trend after the warm-up,
from samples every 10 s), and `lost_by=` / `lost_feeds=` say where lost alerts stopped (no
story row, no delivery row, or the row's status); `stuck_pending=` counts pending rows left
to chats that are no longer active (nothing would ever send or give them up). Feeds that give
no stories without an HTTP error (garbage, malformed) are `feed_warnings_by_feed`, not errors.
A line `joins: expected_joins=J joined=K missed_joins=M wrong_joins=W missed_join_alerts=A`
counts the rewrites published (J), stories joined to an item of their own event (K), items of
one event left apart (M: each an extra alert, A of them sent) and stories joined to another
event's (W: that event hidden, which also shows as lost); each wrong join is then named on a
`wrong_join: story=ID:FEED,LINK,seen=…,title=… root=ID:…` line, followed by every
`join_log: PROCESS: …` line in which a process logged a join (pipeline/ingest.py logs each with
both stories and its reason: the same link, or the score). The last line is `result=ok`, or
`result=FAIL` with the reasons; the exit code is 0 when lost = 0, wrong_joins = 0,
duplicated <= 1, sends_after_block = 0, no traceback, and also no token in the logs, no
process died or exited non-zero on SIGTERM, the outbox drained with nothing stuck, and the
double had no internal error.

Memory: `--slope-after MIN` starts the RSS slope MIN minutes in rather than after the one-minute
warm-up (a 60-minute soak is judged with `--slope-after 10`). `--tracemalloc DIR` sets
POSTBOT_TRACEMALLOC for every process (src/postbot/memtrace.py): each appends to DIR/<name>.txt,
every `--tracemalloc-every` seconds, the source lines whose live memory grew most since its
first report. `--census DIR` sets POSTBOT_MEMCENSUS instead or as well: no tracemalloc (so the
RSS slope still means something), each process appends to DIR/<name>.txt at the same period a line
of RSS, malloc's bytes in use and free, SQLite's heap, pymalloc's arenas and bytes in blocks (in
use / free), then the object types that grew most since the first census, postbot's large
containers and caches with their sizes, and SQLAlchemy's compiled-statement caches.
POSTBOT_TRACEMALLOC_FRAMES in the soak's environment is passed on (tracebacks that deep).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the shared doubles/ package

import sqlalchemy as sa  # noqa: E402

from doubles.botapi import BotApiDouble, CallRecord  # noqa: E402
from doubles.databases import temporary_pg_database  # noqa: E402
from doubles.feedserver import FeedItem, FeedServer  # noqa: E402
from doubles.process import (  # noqa: E402
    TOKEN,
    BotProcess,
    alerts,
    bot_process,
    seed_chats,
    write_config,
)
from postbot.store.db import database_url, make_engine, upgrade_engine  # noqa: E402

PG_ENV = "POSTBOT_TEST_DATABASE_URL"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
FIRST_CHAT = 20_000_000
HEALTHY = [f"wire{i}" for i in range(1, 7)]
NEWS_FEEDS = [*HEALTHY, "hang", "flap", "malformed"]
DEAD_FEEDS = ["garbage", "huge", "limited"]
ITEMS_KEPT = 20  # a feed shows its latest 20 items, like a real one
BLOCK_SHARE = 0.05
WARM_UP = 60.0
REPORT_EVERY = 30.0
SAMPLE_EVERY = 10.0
HUGE_BYTES = 6 * 1024 * 1024
LONG_HANG = 70.0  # longer than the fetch's read timeout (30 s) and total timeout (60 s)

# Stories are distinct events, as real ones are: each a kind of incident in one place (no kind
# twice in a place), with its own unit, figures, time of day and source, worded from one of
# several templates. About COPY_SHARE of them are run again by another feed 20-60 s later in
# other words (another headline and lead, same facts): those are one story, and the bot should
# join them (one alert, "also in"); the report counts them apart from losses.
PLACES = {
    "حديثة": "الأنبار",
    "الرطبة": "الأنبار",
    "عانة": "الأنبار",
    "القائم": "الأنبار",
    "راوة": "الأنبار",
    "هيت": "الأنبار",
    "الفلوجة": "الأنبار",
    "عكاشات": "الأنبار",
    "سامراء": "صلاح الدين",
    "تكريت": "صلاح الدين",
    "بيجي": "صلاح الدين",
    "الشرقاط": "صلاح الدين",
    "طوزخورماتو": "صلاح الدين",
    "الحويجة": "كركوك",
    "داقوق": "كركوك",
    "الرشاد": "كركوك",
    "خانقين": "ديالى",
    "المقدادية": "ديالى",
    "جلولاء": "ديالى",
    "بلدروز": "ديالى",
    "الطارمية": "بغداد",
    "جرف النصر": "بابل",
    "مخمور": "أربيل",
    "سنجار": "نينوى",
    "تلعفر": "نينوى",
    "البعاج": "نينوى",
    "الميادين": "دير الزور",
    "البوكمال": "دير الزور",
    "الشدادي": "الحسكة",
    "السخنة": "حمص",
}
UNITS = ["الجيش العراقي", "الحشد الشعبي", "الشرطة الاتحادية", "حرس الحدود", "الشرطة المحلية"]
UNITS += ["قوات البيشمركة", "الحشد العشائري", "قوات الرد السريع"]
DAYPARTS = ["فجر اليوم", "صباح اليوم", "ظهر اليوم", "مساء أمس", "ليل أمس", "قبيل منتصف الليل"]
SOURCES = ["خلية الإعلام الأمني", "مصدر أمني", "قيادة العمليات المشتركة", "مسؤول محلي"]
SOURCES += ["مصدر في الشرطة", "بيان للجيش", "قائد العمليات في المنطقة"]
COPY_SHARE = 0.2
# kind -> (headlines, leads); {killed} {wounded} {count} {unit} {place} {province} {daypart}
# {source}; the first headline and lead of a kind are the first outlet's, a copy takes another
KINDS: dict[str, tuple[list[str], list[str]]] = {
    "ambush": (
        [
            "مقتل {killed} من {unit} بكمين لداعش قرب {place}",
            "كمين لخلايا داعش يوقع {killed} قتلى من {unit} في {place} بمحافظة {province}",
            "{province}: {killed} قتلى و{wounded} جرحى من {unit} بكمين قرب {place}",
        ],
        [
            "قتل {killed} من عناصر {unit} وأصيب {wounded} آخرون {daypart} بكمين نصبه مسلحون من "
            "تنظيم داعش لرتل عسكري قرب {place}، بحسب {source}.",
            "أفاد {source} بأن كميناً لداعش استهدف رتلاً لـ{unit} قرب {place} {daypart}، ما أسفر "
            "عن مقتل {killed} وجرح {wounded}، وأن المهاجمين فروا نحو المناطق الوعرة.",
        ],
    ),
    "ied": (
        [
            "انفجار عبوة ناسفة بعجلة لـ{unit} في {place} يوقع {wounded} جرحى",
            "إصابة {wounded} من {unit} بتفجير عبوة على طريق {place}",
            "عبوة ناسفة تستهدف عجلة عسكرية في {place} غربي {province}",
        ],
        [
            "أصيب {wounded} من منتسبي {unit} {daypart} بانفجار عبوة ناسفة زرعها عناصر داعش على "
            "طريق ترابي في {place}، وفق {source}، فيما طوقت قوة أمنية المكان.",
            "ذكر {source} أن عبوة ناسفة من مخلفات داعش انفجرت بعجلة تابعة لـ{unit} في {place} "
            "{daypart}، وأسفرت عن إصابة {wounded} نقلوا إلى مستشفى قريب.",
        ],
    ),
    "airstrike": (
        [
            "ضربة جوية تدمر مضافة لداعش في {place} وتقتل {killed} من عناصره",
            "طيران الجيش يقصف وكراً لداعش قرب {place} ويقتل {killed} مسلحين",
            "مقتل {killed} إرهابيين بقصف جوي على مخبأ في {place}",
        ],
        [
            "نفذت طائرات القوة الجوية {daypart} ضربة على مضافة لتنظيم داعش في وادٍ قرب {place} "
            "بمحافظة {province}، ما أدى إلى مقتل {killed} من عناصره، بحسب {source}.",
            "قال {source} إن ضربة جوية استهدفت مخبأ لداعش قرب {place} {daypart}، وقتلت {killed} "
            "مسلحين ودمرت أسلحة وأعتدة كانت بحوزتهم.",
        ],
    ),
    "arrest": (
        [
            "اعتقال {count} من عناصر داعش بعملية أمنية في {place}",
            "القبض على خلية لداعش من {count} أفراد في {place}",
            "{unit} يعتقل {count} مطلوبين بتهم إرهابية في {place}",
        ],
        [
            "ألقت قوة من {unit} القبض على {count} من عناصر داعش {daypart} في عملية دهم بمنطقة "
            "{place} في {province}، وفق {source}.",
            "أعلن {source} اعتقال خلية من {count} عناصر ينتمون لداعش في {place}، بعد عملية "
            "استخبارية نفذتها {unit} {daypart}.",
        ],
    ),
    "foiled": (
        [
            "إحباط هجوم لداعش على قرية في {place}",
            "{unit} تصد تسللاً لداعش نحو {place} دون خسائر",
            "إفشال محاولة تسلل لخلايا داعش قرب {place} بمحافظة {province}",
        ],
        [
            "أحبطت قوة من {unit} {daypart} هجوماً لعناصر داعش حاولوا التسلل إلى قرية في {place}، "
            "وأجبرتهم على الانسحاب بعد اشتباك قصير، بحسب {source}.",
            "قال {source} إن {unit} صدت محاولة تسلل لمسلحي داعش نحو {place} {daypart} دون "
            "تسجيل خسائر، وإن تعزيزات وصلت إلى المنطقة.",
        ],
    ),
    "rockets": (
        [
            "سقوط {count} صواريخ قرب مقر لـ{unit} في {place}",
            "قصف صاروخي يستهدف موقعاً لـ{unit} في {place} دون إصابات",
            "{count} صواريخ كاتيوشا تسقط قرب {place} في {province}",
        ],
        [
            "سقطت {count} صواريخ من نوع كاتيوشا {daypart} قرب مقر لـ{unit} في {place}، دون أن "
            "تسفر عن إصابات، بحسب {source}، الذي رجح وقوف خلايا داعش وراء القصف.",
            "أفاد {source} بسقوط {count} صواريخ أطلقها عناصر من داعش على محيط موقع لـ{unit} في "
            "{place} {daypart}، مبيناً أن القصف لم يوقع خسائر بشرية.",
        ],
    ),
    "cache": (
        [
            "العثور على مخبأ لداعش يضم {count} عبوات ناسفة في {place}",
            "ضبط {count} عبوات معدة للتفجير في وكر لداعش قرب {place}",
            "{unit} تكشف مخزن أسلحة لداعش في {place}",
        ],
        [
            "عثرت قوة من {unit} {daypart} على مخبأ لتنظيم داعش في {place} يضم {count} عبوات "
            "ناسفة وأحزمة وأسلحة خفيفة، وفق {source}.",
            "ذكر {source} أن {unit} ضبطت {count} عبوات ناسفة معدة للتفجير في وكر لداعش قرب "
            "{place} {daypart}، وجرى تفجيرها تحت السيطرة.",
        ],
    ),
    "kidnap": (
        [
            "مسلحون من داعش يختطفون {count} رعاة أغنام قرب {place}",
            "اختطاف {count} مدنيين على يد خلية لداعش في صحراء {place}",
            "داعش يخطف {count} رعاة في {place} و{unit} تبدأ عملية بحث",
        ],
        [
            "اختطف مسلحون من تنظيم داعش {daypart} {count} رعاة أغنام في منطقة صحراوية قرب "
            "{place} بمحافظة {province}، بحسب {source}، فيما بدأت {unit} عمليات بحث.",
            "قال {source} إن خلية لداعش خطفت {count} مدنيين يرعون الأغنام قرب {place} {daypart}، "
            "وإن {unit} تلاحق الخاطفين.",
        ],
    ),
}


@dataclass(frozen=True)
class Event:
    """One real-world incident: what, where, who, how many, when, said by whom."""

    number: int
    kind: str
    place: str
    unit: str
    killed: int
    wounded: int
    count: int
    daypart: str
    source: str


class Events:
    """Distinct events: no kind twice in one place until every pair is used."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.unused: list[tuple[str, str]] = []

    def next(self, number: int) -> Event:
        if not self.unused:
            self.unused = [(k, p) for k in KINDS for p in PLACES]
            self.rng.shuffle(self.unused)
        kind, place = self.unused.pop()
        rng = self.rng
        return Event(
            number, kind, place, rng.choice(UNITS), rng.randint(2, 9), rng.randint(2, 12),
            rng.randint(3, 40), rng.choice(DAYPARTS), rng.choice(SOURCES),
        )  # fmt: skip


def story(rng: random.Random, feed: str, event: Event, *, copy: bool = False) -> FeedItem:
    """An outlet's item about `event`: the first outlet's wording, or (copy) another one."""
    headlines, leads = KINDS[event.kind]
    if copy:
        headline = rng.choice(headlines[1:])
        lead = leads[1]
    else:
        headline, lead = headlines[0], leads[0]
    values = {
        "killed": event.killed, "wounded": event.wounded, "count": event.count,
        "unit": event.unit, "place": event.place, "province": PLACES[event.place],
        "daypart": event.daypart, "source": event.source,
    }  # fmt: skip
    number = event.number
    suffix = "-copy" if copy else ""
    return FeedItem(
        title=headline.format(**values),
        link=f"https://news.example/soak/{feed}/{number}{suffix}",
        description=lead.format(**values),
        guid=f"soak-{feed}-{number}{suffix}",
        pub_date=datetime.now(UTC),
    )


@dataclass(frozen=True)
class Published:
    """One story put in a news feed during the soak."""

    feed: str
    item: FeedItem
    at: float  # time.monotonic() when published
    event: int = 0  # the event it reports (copies share their original's)
    copy: bool = False  # another outlet's rewrite of an event already published


@dataclass
class Sample:
    """RSS of every process at one moment (seconds since the soak began)."""

    t: float
    mb: dict[str, float]


@dataclass
class Injection:
    """sendMessage faults queued when the double had seen `index` calls."""

    index: int
    kind: str  # "429" or "drop"
    count: int


@dataclass
class Ledger:
    """What the soak did to the bot: stories, blocks and injected Telegram faults."""

    published: list[Published] = field(default_factory=list)
    blocked: dict[int, int] = field(default_factory=dict)  # chat -> calls seen when blocked
    injections: list[Injection] = field(default_factory=list)


# ----------------------------------------------------------------------------- feed content


def path_of(feed: str) -> str:
    return f"/{feed}.xml"


def backlog(feed: str) -> FeedItem:
    return FeedItem(
        title=f"خبر قديم في {feed}",
        link=f"https://news.example/soak/{feed}/old",
        description="خبر كان في الموجز قبل تشغيل البوت.",
        guid=f"soak-{feed}-old",
    )


def malformed_rss(items: list[FeedItem]) -> bytes:
    """RSS that is not well-formed XML (bare &, an unclosed <b>, no closing tags at the end),
    yet every item can be read by a forgiving parser."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>\n',
        "<title>مصدر مشوه & غير سليم</title><link>https://news.example/malformed</link>\n",
    ]
    for item in items:
        parts.append(
            f"<item><title>{item.title}</title><link>{item.link}</link>"
            f"<description>{item.description} <b>قراءة & متابعة</description>"
            f"<guid>{item.guid}</guid></item>\n"
        )
    parts.append("<item><title>بلا نهاية & بلا رابط")
    return "".join(parts).encode("utf-8")


def huge_body() -> bytes:
    """A well-formed RSS document over the 5 MB cap."""
    filler = "نص طويل جداً " * (HUGE_BYTES // 20)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>ضخم</title>'
        f"<item><title>داعش</title><description>{filler}</description></item>"
        "</channel></rss>"
    ).encode()


def garbage(rng: random.Random) -> bytes:
    """Random bytes, sometimes behind an XML prolog, sometimes NULs."""
    size = rng.randint(1, 64) * 1024
    kind = rng.randrange(3)
    if kind == 0:
        return rng.randbytes(size)
    if kind == 1:
        return b'<?xml version="1.0" encoding="utf-8"?>\n<rss><channel><item><title>' + (
            rng.randbytes(size)
        )
    return b"\x00" * size


class NewsFeeds:
    """The nine news feeds' items, rendered into the feed server."""

    def __init__(self, server: FeedServer) -> None:
        self.server = server
        self.items: dict[str, list[FeedItem]] = {f: [backlog(f)] for f in NEWS_FEEDS}
        for feed in NEWS_FEEDS:
            self._render(feed)

    def add(self, feed: str, item: FeedItem) -> None:
        self.items[feed].insert(0, item)
        del self.items[feed][ITEMS_KEPT:]
        self._render(feed)

    def _render(self, feed: str) -> None:
        items = self.items[feed]
        if feed == "malformed":
            self.server.set_raw(
                path_of(feed), malformed_rss(items), headers={"Content-Type": "application/rss+xml"}
            )
        else:
            self.server.set_feed(path_of(feed), items, title=f"وكالة {feed}")


# ----------------------------------------------------------------------------- faults


class HangFault:
    """Alternates a hang longer than the fetch timeouts (one poll fails) and a short one."""

    def __init__(self, server: FeedServer, rng: random.Random, now: float) -> None:
        self.server, self.rng = server, rng
        self.path = path_of("hang")
        self.state = "idle"
        self.next_at = now + rng.uniform(15, 30)
        self.long = True
        self.until = 0.0
        self.hits = 0
        self.episodes = Counter[str]()

    def step(self, now: float) -> None:
        if self.state == "idle" and now >= self.next_at:
            if self.long:
                self.server.hang(self.path, LONG_HANG)
                self.hits = self.server.hits(self.path)
                self.state = "armed"
            else:
                self.server.hang(self.path, self.rng.uniform(2, 8))
                self.state, self.until = "hanging", now + 15
            self.episodes["long" if self.long else "short"] += 1
        elif self.state == "armed" and self.server.hits(self.path) > self.hits:
            # a request is held: keep holding until the fetch has given up on it
            self.state, self.until = "hanging", now + LONG_HANG - 5
        elif self.state == "hanging" and now >= self.until:
            self.clear()
            self.state = "idle"
            self.next_at = now + self.rng.uniform(30, 60)
            self.long = not self.long

    def clear(self) -> None:
        self.server.hang(self.path, 0)


class FlapFault:
    """Switches the feed between 500 and 200 every 8-45 s."""

    def __init__(self, server: FeedServer, rng: random.Random, now: float) -> None:
        self.server, self.rng = server, rng
        self.path = path_of("flap")
        self.failing = False
        self.next_at = now + rng.uniform(8, 45)
        self.flips = 0

    def step(self, now: float) -> None:
        if now < self.next_at:
            return
        self.failing = not self.failing
        self.server.set_status(self.path, 500 if self.failing else None)
        self.flips += 1
        self.next_at = now + self.rng.uniform(8, 45)

    def clear(self) -> None:
        self.server.set_status(self.path, None)


class GarbageFeed:
    """New random bytes every 15-30 s (so they are fetched in full, never 304)."""

    def __init__(self, server: FeedServer, rng: random.Random, now: float) -> None:
        self.server, self.rng = server, rng
        self.next_at = now

    def step(self, now: float) -> None:
        if now < self.next_at:
            return
        body = garbage(self.rng)
        self.server.set_raw(
            path_of("garbage"), body, headers={"Content-Type": "application/rss+xml"}
        )
        self.next_at = now + self.rng.uniform(15, 30)


@contextmanager
def at_call_index(double: BotApiDouble) -> Iterator[Callable[[], int]]:
    """Hold the double's lock (re-entrant) so that a fault or a block and the number of calls
    seen so far are one atomic step: the replay in `classify_calls` is then exact."""
    with double._cond:
        yield lambda: len(double._calls)


class TelegramFaults:
    """429 storms, dropped connections and chats that block the bot, on their own clocks."""

    def __init__(
        self,
        double: BotApiDouble,
        rng: random.Random,
        ledger: Ledger,
        now: float,
        blocks: list[tuple[float, int]],
    ) -> None:
        self.double, self.rng, self.ledger = double, rng, ledger
        self.storm_at = now + rng.uniform(25, 50)
        self.drop_at = now + rng.uniform(15, 35)
        self.blocks = deque(sorted(blocks))

    def step(self, now: float) -> None:
        if now >= self.storm_at:
            count = self.rng.randint(10, 40)
            with at_call_index(self.double) as calls:
                self.ledger.injections.append(Injection(calls(), "429", count))
                self.double.fail_next(
                    "sendMessage",
                    count,
                    error_code=429,
                    description="Too Many Requests: retry after 2",
                    retry_after=2,
                )
            self.storm_at = now + self.rng.uniform(25, 50)
        if now >= self.drop_at:
            count = self.rng.randint(1, 3)
            with at_call_index(self.double) as calls:
                self.ledger.injections.append(Injection(calls(), "drop", count))
                self.double.drop_next("sendMessage", count)
            self.drop_at = now + self.rng.uniform(15, 35)
        while self.blocks and now >= self.blocks[0][0]:
            _, chat_id = self.blocks.popleft()
            with at_call_index(self.double) as calls:
                self.ledger.blocked[chat_id] = calls()
                self.double.block(chat_id)


def classify_calls(calls: list[CallRecord], injections: list[Injection]) -> list[str | None]:
    """For each call, the injected fault that answered it ("429", "drop") or None.

    The double takes sendMessage faults first in, first out, in the order calls arrive, and
    `calls` is in that order; an injection made when `index` calls had arrived applies from
    call number `index` on.
    """
    queued: deque[str] = deque()
    pending = deque(sorted(injections, key=lambda i: i.index))
    result: list[str | None] = []
    for index, call in enumerate(calls):
        while pending and pending[0].index <= index:
            injection = pending.popleft()
            queued.extend([injection.kind] * injection.count)
        if call.method == "sendMessage" and queued:
            result.append(queued.popleft())
        else:
            result.append(None)
    return result


# ----------------------------------------------------------------------------- measuring


def rss_mb(pid: int) -> float:
    """Resident set size of a process in MiB (0 if it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def sample(processes: dict[str, BotProcess], t: float) -> Sample:
    return Sample(t, {n: rss_mb(p.proc.pid) for n, p in processes.items() if p.proc is not None})


def traced(args: argparse.Namespace, name: str) -> dict[str, str]:
    """Environment that makes one process write its heap growth (`--tracemalloc`) and its census
    (`--census`) to `<dir>/<name>.txt`; empty when neither is asked for."""
    wanted = {"POSTBOT_TRACEMALLOC": args.tracemalloc, "POSTBOT_MEMCENSUS": args.census}
    env = {"POSTBOT_TRACEMALLOC_EVERY": f"{args.tracemalloc_every:g}"}
    if frames := os.environ.get("POSTBOT_TRACEMALLOC_FRAMES"):  # bot_process drops POSTBOT_*
        env["POSTBOT_TRACEMALLOC_FRAMES"] = frames
    for variable, folder in wanted.items():
        if folder:
            directory = Path(folder)
            directory.mkdir(parents=True, exist_ok=True)
            env[variable] = str(directory.resolve() / f"{name}.txt")
    return env if any(wanted.values()) else {}


def shown(mb: dict[str, float]) -> str:
    return ",".join(f"{name}:{value:.1f}" for name, value in mb.items())


def slope_mb_per_min(samples: list[Sample], name: str, after: float = WARM_UP) -> float:
    """Least-squares slope of one process's RSS from `after` seconds on, MiB per minute."""
    points = [(s.t / 60, s.mb[name]) for s in samples if s.t >= after and name in s.mb]
    if len(points) < 2:
        return 0.0
    mean_t = sum(t for t, _ in points) / len(points)
    mean_mb = sum(mb for _, mb in points) / len(points)
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if not spread:
        return 0.0
    return sum((t - mean_t) * (mb - mean_mb) for t, mb in points) / spread


_ERROR_LINE = re.compile(r"^\S+ \S+ ERROR ", re.MULTILINE)
_FEED_ERROR = re.compile(r"feed (\S+): poll failed")
_FEED_WARNING = re.compile(r"WARNING \S+: feed (\S+): (?!poll failed)")


@dataclass
class LogFigures:
    errors: int
    tracebacks: int
    feed_errors: Counter[str]
    feed_warnings: Counter[str]
    token_leaks: int


def log_figures(processes: dict[str, BotProcess]) -> LogFigures:
    texts = [p.logs() for p in processes.values()]
    feed_errors: Counter[str] = Counter()
    feed_warnings: Counter[str] = Counter()
    for text in texts:
        feed_errors.update(_FEED_ERROR.findall(text))
        feed_warnings.update(_FEED_WARNING.findall(text))
    return LogFigures(
        errors=sum(len(_ERROR_LINE.findall(t)) for t in texts),
        tracebacks=sum(t.count("Traceback (most recent call last)") for t in texts),
        feed_errors=feed_errors,
        feed_warnings=feed_warnings,
        token_leaks=sum(t.count(TOKEN) + t.count(TOKEN.split(":", 1)[1]) for t in texts if TOKEN),
    )


def counts(counter: Counter[str]) -> str:
    return ",".join(f"{k}:{v}" for k, v in sorted(counter.items())) or "none"


def scalar(engine: sa.Engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(sql)).scalar() or 0)


def pending(engine: sa.Engine) -> int:
    return scalar(engine, "SELECT count(*) FROM delivery WHERE status = 'pending'")


def pending_to(engine: sa.Engine, *, active: bool) -> int:
    """Pending rows to active chats (the outbox's work), or to inactive ones (stuck: nothing
    claims them; a chat that blocked the bot has its pending rows given up)."""
    return scalar(
        engine,
        "SELECT count(*) FROM delivery JOIN chat ON chat.id = delivery.chat_id "
        f"WHERE delivery.status = 'pending' AND {'' if active else 'NOT '}chat.active",
    )


def stored_links(engine: sa.Engine) -> set[str]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(sa.text("SELECT link FROM story")) if r[0]}


def news_feeds_polled(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, first_polled FROM feed")).all()
    polled = {r[0] for r in rows if r[1]}
    return set(NEWS_FEEDS) <= polled


def logged(process: BotProcess, text: str) -> bool:
    return text in process.logs()


def wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise SystemExit(f"soak: timed out waiting for {what}")


_HREF = re.compile(r'href="([^"]+)"')


def alert_link(html: str) -> str | None:
    match = _HREF.search(html)
    return match.group(1).replace("&amp;", "&") if match else None


def lost_reasons(
    engine: sa.Engine, lost: set[tuple[int, str]], links: dict[str, Published]
) -> tuple[Counter[str], Counter[str]]:
    """Where the lost alerts stopped (per DB state), and from which feeds they were."""
    with engine.connect() as conn:
        stories = {r[1]: r[0] for r in conn.execute(sa.text("SELECT id, link FROM story"))}
        rows = conn.execute(
            sa.text("SELECT chat_id, story_id, status, last_error FROM delivery")
        ).all()
    by_pair = {(r[0], r[1]): (r[2], r[3] or "") for r in rows}
    reasons: Counter[str] = Counter()
    for chat_id, link in lost:
        story_id = stories.get(link)
        if story_id is None:
            reasons["no_story_row"] += 1
            continue
        state = by_pair.get((chat_id, story_id))
        if state is None:
            reasons["no_delivery_row"] += 1
            continue
        status, error = state
        reasons[f"{status}:{error.split(':', 1)[0]}" if error else status] += 1
    feeds = Counter(links[link].feed for _, link in lost)
    return reasons, feeds


def join_figures(
    engine: sa.Engine, published: list[Published], wrong: list[str] | None = None
) -> dict[str, int]:
    """Copies published (expected joins), stories the bot joined to another item of their own
    event (joined) or of another event (wrong: that event was hidden), and items of one event
    left apart (missed: one more alert). Each wrong join is described in `wrong`."""
    event_of = {p.item.link: p.event for p in published}
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT id, link, cluster_id, feed_id, first_seen_at, title FROM story")
        ).all()
    by_id = {r[0]: r for r in rows}
    figures = {"expected": sum(1 for p in published if p.copy), "joined": 0, "missed": 0}
    figures["wrong"] = 0
    roots: Counter[int] = Counter()  # event -> its items stored as a first story
    for row in rows:
        story_id, link, cluster_id = row[0], row[1], row[2]
        event = event_of.get(link)
        if event is None:
            continue  # a backlog item
        root = by_id.get(cluster_id) if cluster_id is not None else None
        if cluster_id is None:
            roots[event] += 1
        elif root is not None and event_of.get(root[1]) == event:
            figures["joined"] += 1
        else:
            figures["wrong"] += 1
            if wrong is not None:
                wrong.append(f"story={story_id}:{describe(row)} root={cluster_id}:{describe(root)}")
    figures["missed"] = sum(n - 1 for n in roots.values())
    return figures


def describe(row: Any) -> str:
    """A story row (id, link, cluster, feed, first seen, title) for one line of the report."""
    if row is None:
        return "gone"
    return f"{row[3]},{row[1]},seen={row[4]},title={row[5][:60]!r}"


# ----------------------------------------------------------------------------- the soak


def pg_url_from_env() -> str:
    return database_url(os.environ.get(PG_ENV) or PG_DEFAULT)


@contextmanager
def database(work: Path, workers: int) -> Iterator[str]:
    """SQLite in the work directory, or a temporary PostgreSQL database (dropped after)."""
    if workers == 0:
        yield f"sqlite:///{work / 'postbot.db'}"
        return
    with temporary_pg_database(pg_url_from_env()) as url:
        yield url


def prepare_db(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade_engine(engine)
    finally:
        engine.dispose()


def soak(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    minutes: float = args.minutes
    duration = minutes * 60
    chats = list(range(FIRST_CHAT, FIRST_CHAT + args.chats))
    blocked_count = max(1, round(len(chats) * BLOCK_SHARE))
    to_block = rng.sample(chats, blocked_count)
    ledger = Ledger()
    print(
        f"soak: minutes={minutes:g} workers={args.workers} chats={len(chats)} seed={args.seed} "
        f"story_every_s={args.story_every:g} feeds={len(NEWS_FEEDS) + len(DEAD_FEEDS)} "
        f"db={'postgresql' if args.workers else 'sqlite'}",
        flush=True,
    )
    load = len(chats) / args.story_every
    if load > 20:
        print(
            f"soak: warning: {load:.0f} alerts/s wanted, near Telegram's 30/s: the outbox "
            "will grow whatever the bot does",
            flush=True,
        )
    with (
        tempfile.TemporaryDirectory(prefix="soak-") as tmp,
        FeedServer() as server,
        BotApiDouble(token=TOKEN) as double,
    ):
        work = Path(tmp)
        news = NewsFeeds(server)
        server.set_raw(path_of("huge"), huge_body(), headers={"Content-Type": "application/xml"})
        server.set_status(path_of("limited"), 429, retry_after=30)
        garbage_feed = GarbageFeed(server, rng, time.monotonic())
        garbage_feed.step(time.monotonic())
        config = write_config(
            work / "postbot.yaml",
            [(f, f"وكالة {f}", server.url(path_of(f))) for f in NEWS_FEEDS + DEAD_FEEDS],
        )
        with database(work, args.workers) as url:
            prepare_db(url)
            run = bot_process(
                work, double.url, config, database_url=url, name="run", env=traced(args, "run")
            )
            workers = [
                bot_process(
                    work,
                    double.url,
                    config,
                    command=("worker",),
                    database_url=url,
                    name=f"w{i}",
                    env=traced(args, f"w{i}"),
                )
                for i in range(1, args.workers + 1)
            ]
            processes = {"run": run, **{f"w{i}": w for i, w in enumerate(workers, 1)}}
            seed_chats(run, chats, topics=["isis"])
            engine = make_engine(url)
            codes: dict[str, int | None] = {}
            try:
                run.start()
                double.wait_for(lambda d: d.active_polls > 0, timeout=60, what="run long-polls")
                wait(lambda: news_feeds_polled(engine), 60, "the start-up poll of the news feeds")
                for worker in workers:
                    worker.start()
                for worker in workers:
                    wait(partial(logged, worker, "postbot worker started"), 60, "a worker")
                figures = run_soak(
                    args, rng, duration, server, news, garbage_feed, double, ledger, processes,
                    engine, to_block,
                )  # fmt: skip
            finally:
                for name, process in reversed(processes.items()):
                    if process.proc is None:
                        continue
                    try:
                        codes[name] = process.stop(signal.SIGTERM, timeout=30)
                    except AssertionError:
                        codes[name] = None
            figures.codes = codes
            figures.slope_after = max(args.slope_after * 60, WARM_UP)
            try:
                return report(figures, double, ledger, chats, processes, engine)
            finally:
                engine.dispose()


@dataclass
class Figures:
    """What the soak loop measured."""

    samples: list[Sample]
    drained: bool
    drain_s: float
    died: list[str]
    hang_episodes: Counter[str]
    flaps: int
    limited_hits: int
    codes: dict[str, int | None] = field(default_factory=dict)
    slope_after: float = WARM_UP  # seconds into the soak where the RSS slope starts


def run_soak(
    args: argparse.Namespace,
    rng: random.Random,
    duration: float,
    server: FeedServer,
    news: NewsFeeds,
    garbage_feed: GarbageFeed,
    double: BotApiDouble,
    ledger: Ledger,
    processes: dict[str, BotProcess],
    engine: sa.Engine,
    to_block: list[int],
) -> Figures:
    """Publish and inject faults for `duration` seconds, then drain the outbox."""
    began = time.monotonic()
    end = began + duration
    hang = HangFault(server, rng, began)
    flap = FlapFault(server, rng, began)
    blocks = [(began + rng.uniform(10, duration * 0.8), chat) for chat in to_block]
    telegram = TelegramFaults(double, rng, ledger, began, blocks)
    limited_before = server.hits(path_of("limited"))
    next_story = began + rng.uniform(1, 5)
    next_sample = began
    next_report = began + REPORT_EVERY
    samples: list[Sample] = []
    died: list[str] = []
    number = 0

    def periodic(now: float) -> None:
        nonlocal next_sample, next_report
        if now >= next_sample:
            samples.append(sample(processes, now - began))
            next_sample += SAMPLE_EVERY
        if now >= next_report:
            logs = log_figures(processes)
            print(
                f"t={now - began:.0f}s rss_mb={shown(samples[-1].mb)} "
                f"sent={len(alerts(double))} pending={pending(engine)} errors={logs.errors} "
                f"feed_errors={sum(logs.feed_errors.values())}",
                flush=True,
            )
            next_report += REPORT_EVERY

    events = Events(rng)
    copies: list[tuple[float, str, Event]] = []  # (when, feed, event): another outlet's rewrite
    while (now := time.monotonic()) < end:
        if now >= next_story:
            number += 1
            feed = rng.choice(NEWS_FEEDS)
            event = events.next(number)
            item = story(rng, feed, event)
            news.add(feed, item)
            ledger.published.append(Published(feed, item, now, number))
            next_story = now + args.story_every * rng.uniform(0.5, 1.5)
            if rng.random() < COPY_SHARE and now + 60 < end:
                other = rng.choice([f for f in NEWS_FEEDS if f != feed])
                copies.append((now + rng.uniform(20, 60), other, event))
        for due in [c for c in copies if c[0] <= now]:
            copies.remove(due)
            _, feed, event = due
            item = story(rng, feed, event, copy=True)
            news.add(feed, item)
            ledger.published.append(Published(feed, item, now, event.number, copy=True))
        hang.step(now)
        flap.step(now)
        garbage_feed.step(now)
        telegram.step(now)
        periodic(now)
        died = [name for name, p in processes.items() if not p.alive()]
        if died:
            print(f"soak: process died: {','.join(died)}", flush=True)
            break
        time.sleep(0.1)

    # drain: faults lifted, every published story stored, nothing pending
    hang.clear()
    flap.clear()
    drain_from = time.monotonic()
    links = {p.item.link for p in ledger.published}
    budget = 240 + len(ledger.published) * args.chats / 25
    drained = False
    while not died and time.monotonic() < drain_from + budget:
        now = time.monotonic()
        periodic(now)
        if links <= stored_links(engine) and pending_to(engine, active=True) == 0:
            drained = True
            break
        died = [name for name, p in processes.items() if not p.alive()]
        time.sleep(0.5)
    drain_s = time.monotonic() - drain_from
    time.sleep(2.0)  # a late duplicate would arrive now
    samples.append(sample(processes, time.monotonic() - began))
    return Figures(
        samples=samples,
        drained=drained,
        drain_s=drain_s,
        died=died,
        hang_episodes=hang.episodes,
        flaps=flap.flips,
        limited_hits=server.hits(path_of("limited")) - limited_before,
    )


def report(
    figures: Figures,
    double: BotApiDouble,
    ledger: Ledger,
    chats: list[int],
    processes: dict[str, BotProcess],
    engine: sa.Engine,
) -> int:
    """Print the final lines; 0 if nothing was lost or wrongly sent."""
    links = {p.item.link: p for p in ledger.published}
    never_blocked = set(chats) - set(ledger.blocked)
    # one alert per event and chat: a copy another outlet ran is the same event (any of its
    # links will do, the first stored is the one alerted)
    expected = {(chat, p.event) for p in ledger.published if not p.copy for chat in never_blocked}
    per_pair: Counter[tuple[int, str]] = Counter()
    unmatched = 0
    for record in alerts(double):
        link = alert_link(record.html)
        if link is not None and link in links:
            per_pair[(record.chat_id, link)] += 1
        else:
            unmatched += 1
    per_event: Counter[tuple[int, int]] = Counter()
    for chat_id, link in per_pair:
        per_event[(chat_id, links[link].event)] += 1
    delivered = len(expected & per_event.keys())
    lost_events = expected - per_event.keys()
    first_link = {p.event: p.item.link for p in reversed(ledger.published)}
    first_link.update({p.event: p.item.link for p in ledger.published if not p.copy})
    lost = {(chat, first_link[event]) for chat, event in lost_events}
    duplicated = sum(n - 1 for n in per_pair.values())
    # a missed join: a chat alerted to two outlets' copies of one event (one message too many)
    missed_join_alerts = sum(n - 1 for n in per_event.values())
    wrong_joins: list[str] = []
    joins = join_figures(engine, ledger.published, wrong_joins)

    calls = double.calls
    faults = classify_calls(calls, ledger.injections)
    sends_after_block = 0
    still_active = 0
    stuck = pending_to(engine, active=False)
    with engine.connect() as conn:
        active = {r[0]: bool(r[1]) for r in conn.execute(sa.text("SELECT id, active FROM chat"))}
    for chat_id, index in ledger.blocked.items():
        attempts = sum(
            1
            for call, fault in zip(calls[index:], faults[index:], strict=True)
            if call.method == "sendMessage"
            and fault is None
            and str(call.params.get("chat_id")) == str(chat_id)
        )
        sends_after_block += max(attempts - 1, 0)
        if attempts and active.get(chat_id, True):
            still_active += 1

    stats = double.stats()
    logs = log_figures(processes)
    start = next((s for s in figures.samples if s.t >= WARM_UP), figures.samples[-1])
    last = figures.samples[-1]
    growth = {name: (last.mb.get(name, 0.0) - mb) / mb * 100 for name, mb in start.mb.items() if mb}
    print(
        f"expected={len(expected)} delivered={delivered} lost={len(lost)} "
        f"duplicated={duplicated} blocked_chats={len(ledger.blocked)} "
        f"sends_after_block={sends_after_block} rejected_429={stats['rejected_429']} "
        f"feed_errors={sum(logs.feed_errors.values())} error_log_lines={logs.errors} "
        f"tracebacks={logs.tracebacks} rss_start_mb={shown(start.mb)} "
        f"rss_end_mb={shown(last.mb)} rss_growth_pct={max(growth.values(), default=0.0):.1f}",
        flush=True,
    )
    injected = Counter[str]()
    for injection in ledger.injections:
        injected[injection.kind] += injection.count
    used = Counter(f for f in faults if f is not None)
    after = figures.slope_after
    slopes = ",".join(
        f"{name}:{slope_mb_per_min(figures.samples, name, after):.2f}" for name in last.mb
    )
    healthy_errors = sum(logs.feed_errors[f] for f in HEALTHY)
    print(
        f"joins: expected_joins={joins['expected']} joined={joins['joined']} "
        f"missed_joins={joins['missed']} wrong_joins={joins['wrong']} "
        f"missed_join_alerts={missed_join_alerts}",
        flush=True,
    )
    print(
        f"extra: stories={len(links)} events={len(first_link)} alerts={sum(per_pair.values())} "
        f"unmatched_alerts={unmatched} "
        f"injected_429={used['429']}/{injected['429']} dropped={used['drop']}/{injected['drop']} "
        f"rejected_403={stats['rejected_403']} blocked_still_active={still_active} "
        f"stuck_pending={stuck} "
        f"max_per_s={stats['max_per_second']} drained={int(figures.drained)} "
        f"drain_s={figures.drain_s:.0f} healthy_feed_errors={healthy_errors} "
        f"feed_errors_by_feed={counts(logs.feed_errors)} "
        f"feed_warnings_by_feed={counts(logs.feed_warnings)} "
        f"rss_slope_mb_per_min={slopes} "
        f"hang_episodes={figures.hang_episodes['long']}long+{figures.hang_episodes['short']}short "
        f"flaps={figures.flaps} limited_hits={figures.limited_hits} "
        f"token_in_logs={logs.token_leaks} double_errors={stats['internal_errors']} "
        f"exit_codes={','.join(f'{k}:{v}' for k, v in figures.codes.items())}",
        flush=True,
    )
    for line in wrong_joins:
        print(f"wrong_join: {line}", flush=True)
    if wrong_joins:  # the processes' own account of each join (pipeline/ingest.py logs them)
        for name, process in processes.items():
            for logged_line in process.logs().splitlines():
                if " joins story " in logged_line:
                    print(f"join_log: {name}: {logged_line[:400]}", flush=True)
    if lost:
        reasons, feeds = lost_reasons(engine, lost, links)
        print(
            f"lost_by={','.join(f'{k}:{v}' for k, v in reasons.most_common())} "
            f"lost_feeds={','.join(f'{k}:{v}' for k, v in feeds.most_common())}",
            flush=True,
        )
    failures = []
    if lost:
        failures.append("lost")
    if joins["wrong"]:
        failures.append("wrong_joins")
    if duplicated > 1:
        failures.append("duplicated")
    if sends_after_block:
        failures.append("sends_after_block")
    if logs.tracebacks:
        failures.append("tracebacks")
    if logs.token_leaks:
        failures.append("token_in_logs")
    if stats["internal_errors"]:
        failures.append("double_errors")
    if figures.died:
        failures.append(f"died:{','.join(figures.died)}")
    bad_exits = [k for k, v in figures.codes.items() if v != 0]
    if bad_exits and not figures.died:
        failures.append(f"exit_codes:{','.join(bad_exits)}")
    if stuck:
        failures.append("stuck_pending")
    if not figures.drained:
        failures.append("not_drained")
    print("result=ok" if not failures else f"result=FAIL reasons={','.join(failures)}", flush=True)
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=2.0, help="soak length (default 2)")
    parser.add_argument(
        "--workers", type=int, default=0, help="postbot workers beside run (PostgreSQL if > 0)"
    )
    parser.add_argument("--chats", type=int, default=200, help="chats following isis")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument(
        "--story-every", type=float, default=20.0, help="seconds between stories (any feed)"
    )
    parser.add_argument(
        "--slope-after",
        type=float,
        default=WARM_UP / 60,
        metavar="MIN",
        help="rss_slope_mb_per_min counts samples from MIN minutes on (default 1, the warm-up)",
    )
    parser.add_argument(
        "--tracemalloc",
        metavar="DIR",
        default=None,
        help="each process writes its heap growth (tracemalloc) to DIR/<name>.txt (default off)",
    )
    parser.add_argument(
        "--census",
        metavar="DIR",
        default=None,
        help="each process writes a cheap census (object counts by type, postbot's large "
        "containers, native memory; no tracemalloc) to DIR/<name>.txt (default off)",
    )
    parser.add_argument(
        "--tracemalloc-every", type=float, default=120.0, help="seconds between heap reports"
    )
    args = parser.parse_args()
    if args.seed is None:
        args.seed = random.randrange(1_000_000)
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    sys.exit(soak(args))


if __name__ == "__main__":
    main()
