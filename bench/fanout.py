"""Fan-out: N chats follow a topic, one matching story arrives, how fast do all N get it?

    python bench/fanout.py --chats 1000 [--chats 300 ...] [--repeat 3]
    python bench/fanout.py --chats 1000 --workers 0 --workers 1 --workers 3 [--paid]

A real `postbot run` process (SQLite) polls a local feed server and sends through the Bot API
double from doubles/, which enforces Telegram's limits strictly (30 messages in any one
second overall, 1/s per private chat, 20/min per group) and answers 429 beyond them. The chats
and their topic subscriptions are written to the database before the bot starts; then a story
about ISIS is added to the feed and the feed is made due.

With `--workers K`, K `postbot worker` processes run beside `postbot run` on a fresh PostgreSQL
database (POSTBOT_TEST_DATABASE_URL's server, default the local one): 1 + K processes share the
sending and the one flood budget. With `--paid`, the config says `telegram.paid_broadcast: true`
and the double allows 1,000 messages a second overall (the per-chat limits stay).

Prints one line per run:
`chats=N processes=P db=... limit=L delivered=D seconds=S msgs_per_s=R lost=L dup=U
rejected_429=X max_in_1s=M latency_s=T`
where S runs from the first alert accepted to the last, R = (D - 1) / S, lost = chats that got
nothing, dup = alerts beyond one per chat, max_in_1s = the most alerts the double accepted in
any one-second window, latency_s = from the story being made due to the last alert accepted.
With --repeat, the median run (by msgs_per_s) is printed last, marked `median`.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the shared doubles/ package


from doubles.botapi import BotApiDouble  # noqa: E402
from doubles.databases import temporary_pg_database  # noqa: E402
from doubles.feedserver import FeedItem, FeedServer  # noqa: E402
from doubles.process import (  # noqa: E402
    TOKEN,
    BotProcess,
    bot_process,
    seed_chats,
    write_config,
)
from postbot.store.db import database_url, upgrade_engine  # noqa: E402

STORY = FeedItem(
    title="القوات العراقية تحبط هجوماً لداعش قرب الرطبة",
    link="https://news.example/isis-rutba",
    description="أعلنت قيادة العمليات المشتركة إحباط هجوم لخلايا داعش في صحراء الأنبار. "
    "وقالت إن القوات قتلت ثلاثة مسلحين.",
    guid="isis-rutba",
)
BACKLOG = FeedItem("خبر قديم", "https://news.example/old", "لا شيء.", guid="old")
FIRST_CHAT = 10_000_000
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def seed(bot: BotProcess, chats: int) -> None:
    """The schema, and `chats` private chats following the isis topic."""
    engine = bot.engine()
    upgrade_engine(engine)
    engine.dispose()
    seed_chats(bot, range(FIRST_CHAT, FIRST_CHAT + chats), topics=["isis"])


def wait(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise SystemExit(f"fanout: timed out waiting for {what}")


@contextmanager
def database(workers: int) -> Iterator[str | None]:
    """None (each run's own SQLite file) without workers, else a fresh PostgreSQL database."""
    if not workers:
        yield None
        return
    admin = os.environ.get("POSTBOT_TEST_DATABASE_URL", PG_DEFAULT)
    with temporary_pg_database(database_url(admin)) as url:
        yield url


def run_once(chats: int, workers: int = 0, paid: bool = False) -> dict[str, float]:
    """One fan-out run in a fresh directory; returns its figures."""
    with (
        tempfile.TemporaryDirectory(prefix="fanout-") as tmp,
        FeedServer() as feeds,
        database(workers) as pg_url,
    ):
        work = Path(tmp)
        feeds.set_feed("/news.xml", [BACKLOG])
        config = write_config(
            work / "postbot.yaml", [("wire", "Wire", feeds.url("/news.xml"))], paid_broadcast=paid
        )
        rate = 1000 if paid else 30
        with BotApiDouble(token=TOKEN, global_rate=rate) as double:
            quiet = {"LOG_LEVEL": "WARNING"}
            bot = bot_process(work, double.url, config, env=quiet, database_url=pg_url)
            helpers = [
                bot_process(
                    work,
                    double.url,
                    config,
                    command=("worker",),
                    env=quiet,
                    database_url=pg_url,
                    name=f"worker{i}",
                )
                for i in range(workers)
            ]
            seed(bot, chats)
            processes = [bot, *helpers]
            for process in processes:
                process.start()
            try:
                bot.wait_first_poll(60)
                time.sleep(1.0 if workers else 0.0)  # the workers are up
                feeds.add_item("/news.xml", STORY)
                made_due = time.monotonic()
                bot.poll_now()
                budget = 60 + chats / 20
                wait(
                    lambda: len({r.chat_id for r in double.sent}) >= chats or not bot.alive(),
                    budget,
                    f"{chats} alerts",
                )
                time.sleep(1.0)  # anything sent twice would arrive now
                sent = [r for r in double.sent if r.chat_id >= FIRST_CHAT]
                stats = double.stats()
            finally:
                codes = [p.stop() for p in processes]
            for process, code in zip(processes, codes, strict=True):
                if code != 0:
                    print(process.logs()[-3000:], file=sys.stderr)
    times = sorted(r.time for r in sent)
    per_chat = Counter(r.chat_id for r in sent)
    seconds = times[-1] - times[0] if len(times) > 1 else 0.0
    return {
        "chats": chats,
        "processes": 1 + workers,
        "db": "postgresql" if workers else "sqlite",
        "limit": rate,
        "delivered": len(per_chat),
        "seconds": seconds,
        "msgs_per_s": (len(times) - 1) / seconds if seconds else 0.0,
        "lost": chats - len(per_chat),
        "dup": sum(n - 1 for n in per_chat.values()),
        "rejected_429": stats["rejected_429"],
        "max_in_1s": stats["max_per_second"],
        "latency_s": times[-1] - made_due if times else float("nan"),
    }


def line(figures: dict[str, float], mark: str = "") -> str:
    parts = []
    for key, value in figures.items():
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        parts.append(f"{key}={shown}")
    return " ".join(parts) + (f" {mark}" if mark else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, action="append", help="followers (repeatable)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; median printed")
    parser.add_argument(
        "--workers",
        type=int,
        action="append",
        help="`postbot worker` processes beside `postbot run`, on PostgreSQL (repeatable; "
        "default 0: `postbot run` alone on SQLite)",
    )
    parser.add_argument(
        "--paid", action="store_true", help="telegram.paid_broadcast: true, double at 1,000/s"
    )
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    subprocess.run([sys.executable, "-c", "import postbot"], check=True)
    for chats, workers in itertools.product(args.chats or [1000], args.workers or [0]):
        runs = []
        for _ in range(args.repeat):
            figures = run_once(chats, workers, args.paid)
            runs.append(figures)
            print(line(figures), flush=True)
        if args.repeat > 1:
            rates = [r["msgs_per_s"] for r in runs]
            median = statistics.median_low(rates)
            print(line(runs[rates.index(median)], "median"), flush=True)


if __name__ == "__main__":
    main()
