"""Breaking news: what it adds to a join (poller) and to a claim (dispatcher), against the work
already done there, measured in the same run.

    python bench/breaking.py [--clusters 2000] [--outlets 6] [--claim 100] [--repeat 5]
                             [--database postgresql://...]

Builds `--clusters` clusters of `--outlets` outlets each (a first story and its later copies,
a minute apart, as the poller stores them) in a database (a SQLite file by default; with
`--database postgresql://…` a temporary database on that server, dropped after). Then times,
one transaction each:

- per join: the work a join did before breaking news (`add_also_in` + `mark_for_edit`) as the
  baseline, and the breaking check added to it (`cluster_sightings` + `velocity` +
  `mark_breaking`);
- per claim of `--claim` alerts: `with_cluster_sources` (the baseline: names for "also in")
  and `cluster_links` (added: each outlet's own link).

Prints per repeat, then medians marked `median`:
`join_base_ms=B join_breaking_ms=K claim_base_ms=C claim_links_ms=L`
(median wall time per call within the repeat).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the shared doubles/ package

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from doubles.databases import temporary_pg_database  # noqa: E402
from postbot.match.breaking import velocity  # noqa: E402
from postbot.store import repo  # noqa: E402
from postbot.store.db import database_url, make_engine, upgrade_engine  # noqa: E402
from postbot.store.models import Feed, StoryRow  # noqa: E402

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
WINDOW = timedelta(minutes=30)


def populate(engine: sa.Engine, clusters: int, outlets: int) -> list[int]:
    """The clusters' first stories' ids; every copy points at its first story."""
    feeds = [f"outlet{n}" for n in range(outlets)]
    roots: list[int] = []
    with Session(engine) as session:
        for feed in feeds:
            session.add(
                Feed(id=feed, url=f"https://{feed}.example/rss", name=feed, next_poll_at=NOW)
            )
        session.commit()
        for c in range(clusters):
            root = StoryRow(
                feed_id=feeds[0],
                key=f"s{c}",
                title=f"خبر {c}",
                link=f"https://{feeds[0]}.example/{c}",
                first_seen_at=NOW + c * MIN,
                also_in=feeds[1:],
            )
            session.add(root)
            session.flush()
            assert root.id is not None
            roots.append(root.id)
            for n, feed in enumerate(feeds[1:], start=1):
                session.add(
                    StoryRow(
                        feed_id=feed,
                        key=f"s{c}",
                        title=f"خبر {c}",
                        link=f"https://{feed}.example/{c}",
                        first_seen_at=NOW + (c + n) * MIN,
                        cluster_id=root.id,
                    )
                )
            if c % 500 == 499:
                session.commit()
        session.commit()
    return roots


def timed(fn: Callable[[Session], object], engine: sa.Engine) -> float:
    """Milliseconds for one call of `fn` in its own transaction (rolled back)."""
    with Session(engine) as session:
        start = time.perf_counter()
        fn(session)
        session.flush()
        elapsed = time.perf_counter() - start
        session.rollback()
    return elapsed * 1000


def run_once(engine: sa.Engine, roots: list[int], claim: int, samples: int) -> dict[str, float]:
    step = max(1, len(roots) // samples)
    picked = roots[::step][:samples]
    join_base: list[float] = []
    join_breaking: list[float] = []
    for root_id in picked:
        join_base.append(
            timed(
                lambda s, r=root_id: (
                    repo.add_also_in(session=s, story_id=r, feed_id="newcomer"),
                    repo.mark_for_edit(session=s, story_id=r, now=NOW),
                ),
                engine,
            )
        )

        def breaking(s: Session, r: int = root_id) -> None:
            first = s.get(StoryRow, r)
            assert first is not None
            speed = velocity(
                repo.cluster_sightings(session=s, root_id=r),
                start=first.first_seen_at,
                window=WINDOW,
            )
            repo.mark_breaking(
                session=s, root_id=r, outlets=speed.outlets, minutes=speed.minutes, now=NOW
            )

        join_breaking.append(timed(breaking, engine))
    claim_base: list[float] = []
    claim_links: list[float] = []
    with Session(engine) as session:
        ids = list(session.exec(select(StoryRow.id).order_by(col(StoryRow.id))).all())
    for start in range(0, min(len(ids), samples * claim), claim):
        chunk = [i for i in ids[start : start + claim] if i is not None]
        with Session(engine) as session:
            rows = {
                r.id or 0: r
                for r in session.exec(select(StoryRow).where(col(StoryRow.id).in_(chunk)))
            }
        claim_base.append(
            timed(lambda s, rows=rows: repo.with_cluster_sources(session=s, stories=rows), engine)
        )
        claim_links.append(
            timed(lambda s, rows=rows: repo.cluster_links(session=s, stories=rows), engine)
        )
    return {
        "join_base_ms": statistics.median(join_base),
        "join_breaking_ms": statistics.median(join_breaking),
        "claim_base_ms": statistics.median(claim_base),
        "claim_links_ms": statistics.median(claim_links),
    }


@contextlib.contextmanager
def database(url: str | None) -> Iterator[str]:
    if url is None:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/breaking.db"
        return
    with temporary_pg_database(database_url(url)) as temp:
        yield temp


def line(figures: dict[str, float]) -> str:
    return " ".join(f"{k}={v:.2f}" for k, v in figures.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=2000)
    parser.add_argument("--outlets", type=int, default=6)
    parser.add_argument("--claim", type=int, default=100, help="alerts per dispatcher claim")
    parser.add_argument("--samples", type=int, default=40, help="calls timed per repeat")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", default=None, help="postgresql://… (default: SQLite)")
    args = parser.parse_args()
    with database(args.database) as url:
        engine = make_engine(url)
        try:
            upgrade_engine(engine)
            roots = populate(engine, args.clusters, args.outlets)
            db = "postgresql" if url.startswith("postgresql") else "sqlite"
            runs = []
            for n in range(args.repeat):
                figures = run_once(engine, roots, args.claim, args.samples)
                runs.append(figures)
                print(f"run={n + 1} db={db} clusters={args.clusters} {line(figures)}", flush=True)
            medians = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            print(f"median db={db} clusters={args.clusters} {line(medians)}")
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
