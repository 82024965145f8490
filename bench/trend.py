"""/trend's counting over N stored stories: the scan of the whole window against the text index.

    .venv/bin/python bench/trend.py --stories 200000 [--backend sqlite|postgresql|both]

Builds the database bench/search.py builds (N stories of real Arabic and English text over the
last 180 days, beat words at realistic rates, filed in the text index), then counts subjects
with `service.trend.build_trend` (what /trend and `postbot trend` run before drawing) twice:
through the index (`matching_sightings` as it is) and by scanning every story of the window
(`Subject.need` forced to None, the way it counted before). For each it prints

    backend=B subject=S days=D mode=index|scan cpu_s=C wall_s=W total=T

CPU is this process's (`time.process_time`: the matcher and SQLite; PostgreSQL's own work is in
its server process, in the wall time). Each figure is the median of --repeat runs. The totals
of both modes must be equal (the bench stops otherwise).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from unittest import mock

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import NOW, build, pg_database  # noqa: E402
from postbot.config.catalog import Catalog  # noqa: E402
from postbot.config.load import load_config  # noqa: E402
from postbot.service.trend import Subject, build_trend, find_subject  # noqa: E402
from postbot.store.db import make_engine  # noqa: E402

SUBJECTS = [("isis", 30), ("isis", 90), ('"عين الأسد"', 90), ("ain_al_asad", 90), ("العراق", 30)]


def _timed(fn: Callable[[], int], repeat: int) -> tuple[float, float, int]:
    cpu, wall, total = [], [], 0
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        total = fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall), total


def run(name: str, engine: sa.Engine, count: int, repeat: int) -> None:
    build_s = build(engine, count)
    print(f"backend={name} stories={count} build_s={build_s:.0f}", flush=True)
    catalog = Catalog.build(load_config(ROOT / "config" / "postbot.yaml"))

    def count_it(subject: Subject, days: int) -> int:
        return build_trend(engine, subject, days=days, tz="Asia/Baghdad", now=NOW).total

    count_it(find_subject(catalog, "isis"), 7)  # warm up: connections, caches
    for words, days in SUBJECTS:
        subject = find_subject(catalog, words)
        totals = {}
        for mode in ("scan", "index"):
            if mode == "scan":
                with mock.patch.object(Subject, "need", lambda self: None):
                    cpu, wall, total = _timed(partial(count_it, subject, days), repeat)
            else:
                cpu, wall, total = _timed(partial(count_it, subject, days), repeat)
            totals[mode] = total
            print(
                f"backend={name} subject={words} days={days} mode={mode} cpu_s={cpu:.3f}"
                f" wall_s={wall:.3f} total={total}",
                flush=True,
            )
        if totals["scan"] != totals["index"]:
            raise SystemExit(f"{words} {days}d: the index counted {totals}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=200_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{tmp}/bench.db")
            try:
                run("sqlite", engine, args.stories, args.repeat)
            finally:
                engine.dispose()
    if args.backend in ("postgresql", "both"):
        admin = os.environ.get(
            "POSTBOT_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
        )
        with pg_database(admin) as url:
            engine = make_engine(url)
            try:
                run("postgresql", engine, args.stories, args.repeat)
            finally:
                engine.dispose()


if __name__ == "__main__":
    main()
