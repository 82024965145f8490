"""Polling cost: CPU seconds per 1,000 feed polls (mostly conditional GETs) and memory.

    python bench/poll.py --feeds 1000 [--rounds 3] [--changed 10] [--concurrency 16]
    python bench/poll.py --sources 1000 --channels 25   # a quarter are channel-like pages

A `Poller` runs in this process, built as `postbot run` builds it: a SQLite file database
(WAL), the shipped topics plus F feeds polled every 10 s, the httpx client of `make_client()`.
The feeds are served by the feed server of doubles/, started in a child process so that
the CPU figures are the poller's alone (the server's own CPU is printed apart, `server_cpu_s`).
Each feed is an Arabic RSS document of 20 items (about 19 kB) made from the sentences of the
seed article and the Arabic fixture feeds, different for every feed.

Round 1 is every feed's first poll: full download, parse, 20 stories stored per feed (backlog,
no alerts). Then `--rounds` more rounds: every feed is made due and polled again; before each,
`--changed` percent of the feeds (picked at random) get one new item (and drop their oldest),
so those download, store and match one new story, while the rest answer 304 Not Modified to
the stored ETag. `--changed 0` measures pure 304 rounds. A round calls `poller.tick()` until
every feed has been claimed, then `poller.wait_idle()`. The poller's clock stands still within
a round, so no feed comes due twice in one round.

Prints one line per round (wrapped here):
`round=N kind=first|conditional feeds=F polls=P wall_s=W cpu_s=C cpu_s_per_1000_polls=X
polls_per_s=R rss_mb=M peak_rss_mb=K not_modified=K2 new_stories=S errors=E server_cpu_s=Z
db_mb=D` where cpu_s is this process's CPU time (all its threads) during the round, rss_mb
its resident set after the round, peak_rss_mb its peak so far (MiB), not_modified the 304s the
server sent, db_mb the SQLite file plus its WAL. A last `summary` line gives the medians of
cpu_s_per_1000_polls and polls_per_s over the conditional rounds, and the database file's size
once the engine is closed. With the defaults a 1,000-feed run takes about 30 s on 2 cores. The
feed server is not the bottleneck: its CPU is a fifth or less of the poller's.

`--sources` is another name for `--feeds`. `--channels P` makes P percent of the sources
channel-like: the web preview page of a public Telegram channel (bench/channels.py: 20 posts,
about 43 kB, no validators, so every poll downloads and parses it in full), configured as
`telegram:` sources and read by postbot's own channel parser (feeds/channel.py); `--changed`
gives them one new post the same way. The round and summary lines then also say `channels=N`.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import multiprocessing as mp
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the shared doubles/ package

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.channels import channel_posts, render_channel  # noqa: E402
from doubles.catalogs import catalog  # noqa: E402
from doubles.feedserver import FeedItem, FeedServer, render_rss  # noqa: E402
from postbot.config.catalog import CatalogRef  # noqa: E402
from postbot.feeds.fetch import make_client  # noqa: E402
from postbot.feeds.parse import parse_feed  # noqa: E402
from postbot.match.normalize import has_arabic  # noqa: E402
from postbot.pipeline.refresh import Poller, PollOutcome  # noqa: E402
from postbot.store.db import make_engine, upgrade_engine  # noqa: E402
from postbot.store.models import Feed  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
ITEMS_PER_FEED = 20
T_START = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)


# ---------------------------------------------------------------------------- feed content


@functools.cache
def corpus() -> tuple[list[str], list[str]]:
    """(titles, sentences): Arabic fixture titles and the sentences of all Arabic fixtures."""
    texts = [(FIXTURES / "seed-article-ar.txt").read_text(encoding="utf-8")]
    titles: list[str] = []
    for path in sorted((FIXTURES / "feeds").glob("*.xml")):
        parsed = parse_feed(path.read_bytes(), feed_id=path.stem)
        for story in parsed.stories:
            if has_arabic(story.title):
                titles.append(story.title)
                texts.append(story.summary)
    parts = re.split(r"(?<=[.!؟?…])\s+|\n", "\n".join(texts))
    sentences = sorted({p.strip() for p in parts if len(p.split()) >= 4})
    return sorted(set(titles)), sentences


def make_item(feed: int, number: int, rng: random.Random) -> FeedItem:
    """Story `number` of feed `feed`: a title and two to four sentences, its own guid and link."""
    titles, sentences = corpus()
    if rng.random() < 0.5:
        title = rng.choice(titles)
    else:
        title = " ".join(rng.choice(sentences).split()[: rng.randint(7, 14)])
    description = " ".join(rng.sample(sentences, rng.randint(2, 4)))
    return FeedItem(
        title=title,
        link=f"https://agency{feed % 97}.example/{feed}/story-{number}",
        description=description,
        guid=f"f{feed}-{number}",
        pub_date=T_START + timedelta(minutes=7 * number + feed % 7),
    )


def post_text(rng: random.Random) -> str:
    """A channel post: a headline line, then one to three sentences on lines of their own."""
    titles, sentences = corpus()
    return "\n".join([rng.choice(titles), *rng.sample(sentences, rng.randint(1, 3))])


def channel_name(i: int) -> str:
    """Channel `i`'s username (Telegram's are 5 to 32 characters)."""
    return f"chan{i:05d}"


def serve_channel(server: FeedServer, i: int, posts: list[tuple[int, str, datetime]]) -> int:
    """Serve channel `i`'s preview page at /s/chan{i} (no validators: always a full 200)."""
    page = render_channel(channel_name(i), f"قناة الأخبار {i}", posts)
    server.reply(
        f"/s/{channel_name(i)}", page, headers={"Content-Type": "text/html; charset=utf-8"}
    )
    return len(page)


def serve_feeds(conn: Connection, feeds: int, seed: int, channels: int = 0) -> None:
    """Child process: serve `feeds` sources, the first `channels` of them channel pages at
    /s/chan{i} and the others feeds at /f{i}.xml, and answer commands on `conn`."""
    rng = random.Random(seed)
    items: list[list[FeedItem]] = []
    posts: dict[int, list[tuple[int, str, datetime]]] = {}
    size = 0
    with FeedServer() as server:
        for i in range(feeds):
            if i < channels:
                posts[i] = channel_posts(i, 0, ITEMS_PER_FEED, T_START, lambda: post_text(rng))
                size += serve_channel(server, i, posts[i])
                items.append([])
                continue
            stories = [make_item(i, n, rng) for n in range(ITEMS_PER_FEED)]
            items.append(stories[::-1])  # newest first, as feeds list them
            server.set_feed(f"/f{i}.xml", items[i], title=f"وكالة الأنباء {i}")
            size += len(
                render_rss(items[i], title="", link=server.url(f"/f{i}.xml"), encoding="utf-8")
            )
        conn.send((server.url("/"), size))
        while True:
            command, arg = conn.recv()
            if command == "change":  # one new story at the top, the oldest drops off
                for i in arg:
                    if i in posts:
                        new = channel_posts(
                            i, posts[i][-1][0] + 1, 1, T_START, lambda: post_text(rng)
                        )
                        posts[i] = [*posts[i][1:], *new]
                        serve_channel(server, i, posts[i])
                        continue
                    number = int(str(items[i][0].guid).rsplit("-", 1)[1]) + 1
                    items[i] = [make_item(i, number, rng), *items[i][:-1]]
                    server.set_feed(f"/f{i}.xml", items[i], title=f"وكالة الأنباء {i}")
                conn.send(len(arg))
            elif command == "stats":
                paths = [f"/f{i}.xml" for i in range(channels, feeds)]
                conn.send(
                    {
                        "hits": sum(server.hits(p) for p in paths),
                        "not_modified": sum(server.conditional_hits(p) for p in paths),
                        "cpu_s": time.process_time(),
                    }
                )
            else:
                conn.send(None)
                return


class FeedProcess:
    """The feed server in a child process, driven over a pipe."""

    def __init__(self, feeds: int, seed: int, channels: int = 0) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(
            target=serve_feeds, args=(child, feeds, seed, channels), daemon=True
        )
        self._proc.start()
        child.close()
        self.base_url, self.total_bytes = self._conn.recv()

    def ask(self, command: str, arg: object = None) -> Any:
        self._conn.send((command, arg))
        return self._conn.recv()

    def stop(self) -> None:
        self.ask("stop")
        self._proc.join(10)


# ---------------------------------------------------------------------------- the poller side


class Clock:
    """The poller's clock: set at the start of each round and still within it."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


async def no_admins(key: str, values: dict[str, str]) -> None:
    """Admins are not told anything in the benchmark."""


def make_due(engine: sa.Engine, now: datetime) -> None:
    """Every feed is due now."""
    with Session(engine) as session:
        session.exec(sa.update(Feed).values(next_poll_at=now))
        session.commit()


async def run_round(poller: Poller, feeds: int) -> list[PollOutcome]:
    """Tick until every feed has been claimed once, then wait for the polls in flight."""
    claimed: set[str] = set()
    pending: set[asyncio.Task[PollOutcome]] = set()
    done: list[asyncio.Task[PollOutcome]] = []
    while len(claimed) < feeds:
        tasks = await poller.tick()
        for task in tasks:
            claimed.add(task.get_name().removeprefix("poll:"))
        pending.update(tasks)
        if len(claimed) >= feeds:
            break
        if not pending:
            raise SystemExit(f"poll bench: only {len(claimed)} of {feeds} feeds came due")
        finished, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        done.extend(finished)
    await poller.wait_idle()
    done.extend(pending)
    return [t.result() for t in done]


def rss_mb() -> float:
    """Resident set size of this process now (VmRSS, the same figure as /proc/self/statm), MiB."""
    return _proc_status_kb("VmRSS") / 2**10


def peak_rss_mb() -> float:
    """Peak resident set size so far (getrusage ru_maxrss, kB on Linux), in MiB.

    The kernel updates its high-water mark lazily, so it can lag the current RSS by a few
    pages: callers keep the maximum of both."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10


def _proc_status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for row in status:
            if row.startswith(field + ":"):
                return int(row.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def db_mb(path: Path) -> float:
    """The SQLite file and its WAL, in MiB."""
    files = [path, path.with_name(path.name + "-wal")]
    return sum(f.stat().st_size for f in files if f.exists()) / 2**20


async def bench(args: argparse.Namespace, work: Path, server: FeedProcess) -> None:
    """Build the poller and run the rounds, printing one line each and a summary."""
    db_path = work / "postbot.db"
    engine = make_engine(f"sqlite:///{db_path}")
    upgrade_engine(engine)
    channels = channel_count(args)
    feeds = [
        (f"c{i}", f"قناة {i}", f"telegram:{channel_name(i)}")
        if i < channels
        else (f"f{i}", f"وكالة {i}", f"{server.base_url}f{i}.xml")
        for i in range(args.feeds)
    ]
    shown = f" channels={channels}" if channels else ""
    ref = CatalogRef(catalog(feeds, interval="10s"))
    clock = Clock()
    rng = random.Random(args.seed)
    conditional: list[dict[str, float]] = []
    peak = 0.0  # the kernel's high-water mark lags; keep the highest figure seen
    async with make_client() as client:
        poller = Poller(
            engine=engine,
            client=client,
            catalog=ref,
            owner="bench",
            notify_admins=no_admins,
            concurrency=args.concurrency,
            now=clock,
            rng=random.Random(args.seed),
            channel_preview=f"{server.base_url}s",
        )
        poller.sync_feeds()
        print(f"# rss before the first round: {rss_mb():.1f} MiB", file=sys.stderr)
        for number in range(1, args.rounds + 2):
            if number > 1:
                changed = rng.sample(range(args.feeds), round(args.feeds * args.changed / 100))
                server.ask("change", changed)
                clock.now = datetime.now(UTC)
                make_due(engine, clock.now)
            else:
                clock.now = datetime.now(UTC)
            before = server.ask("stats")
            wall0, cpu0 = time.perf_counter(), time.process_time()
            outcomes = await run_round(poller, args.feeds)
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            after = server.ask("stats")
            polls = len(outcomes)
            current = rss_mb()
            peak = max(peak, current, peak_rss_mb())
            figures: dict[str, float] = {
                "polls": polls,
                "wall_s": wall,
                "cpu_s": cpu,
                "cpu_s_per_1000_polls": cpu / polls * 1000,
                "polls_per_s": polls / wall,
                "rss_mb": current,
                "peak_rss_mb": peak,
                "not_modified": after["not_modified"] - before["not_modified"],
                "new_stories": sum(o.new_stories for o in outcomes),
                "errors": sum(o.error is not None for o in outcomes),
                "server_cpu_s": after["cpu_s"] - before["cpu_s"],
                "db_mb": db_mb(db_path),
            }
            kind = "first" if number == 1 else "conditional"
            print(
                f"round={number} kind={kind} feeds={args.feeds}{shown} {line(figures)}",
                flush=True,
            )
            if number > 1:
                conditional.append(figures)
            if number == 1 and figures["errors"]:
                errors = [o.error for o in outcomes if o.error][:3]
                print(f"# first errors: {errors}", file=sys.stderr)
    engine.dispose()
    if conditional:
        summary = {
            "median_cpu_s_per_1000_polls": statistics.median(
                f["cpu_s_per_1000_polls"] for f in conditional
            ),
            "median_polls_per_s": statistics.median(f["polls_per_s"] for f in conditional),
            "peak_rss_mb": max(peak, peak_rss_mb()),
            "db_file_mb": db_mb(db_path),  # the engine is closed: WAL checkpointed
        }
        print(
            f"summary feeds={args.feeds}{shown} rounds={len(conditional)}"
            f" changed_pct={args.changed:g} "
            f"{line(summary)}",
            flush=True,
        )


def line(figures: dict[str, float]) -> str:
    """`key=value` pairs, floats with three decimals (two above 100)."""
    parts = []
    for key, value in figures.items():
        if isinstance(value, float):
            shown = f"{value:.2f}" if abs(value) >= 100 else f"{value:.3f}"
        else:
            shown = str(value)
        parts.append(f"{key}={shown}")
    return " ".join(parts)


def channel_count(args: argparse.Namespace) -> int:
    """How many of the sources are channel-like pages."""
    return round(args.feeds * args.channels / 100)


def main() -> None:
    """Parse the options, start the feed server and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--feeds", "--sources", type=int, default=1000, help="sources polled per round"
    )
    parser.add_argument(
        "--channels", type=float, default=0.0, help="percent of sources that are channel pages"
    )
    parser.add_argument("--rounds", type=int, default=3, help="conditional rounds after the first")
    parser.add_argument(
        "--changed", type=float, default=10.0, help="percent of feeds with a new item per round"
    )
    parser.add_argument("--concurrency", type=int, default=16, help="polls in flight at once")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    server = FeedProcess(args.feeds, args.seed, channel_count(args))
    print(
        f"# {args.feeds} sources ({channel_count(args)} channel pages) of {ITEMS_PER_FEED} items,"
        f" {server.total_bytes / args.feeds / 1e3:.1f} kB each,"
        f" served in {time.perf_counter() - started:.1f}s",
        file=sys.stderr,
    )
    try:
        with tempfile.TemporaryDirectory(prefix="poll-bench-") as tmp:
            asyncio.run(bench(args, Path(tmp), server))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
