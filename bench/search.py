"""/search latency over N stored stories, on SQLite and PostgreSQL, next to the naive way.

    .venv/bin/python bench/search.py --stories 200000

Builds a database of N stories first seen over the last 180 days (ids in time order, as the
poller writes them), files them in the text index with the code `save_story` uses
(store/repo/search.py `index_many`), then times 20 realistic queries (Arabic and English,
phrases, OR, exclusions, prefixes) through `service.search.search`, what `/search` runs: index
candidates, the matcher on each, one story per cluster, over 7, 30 and 90 days. For each backend
it prints

    backend=B stories=N period=Dd p50_ms=X p95_ms=Y max_ms=Z
    backend=B index_mb=I database_mb=D build_s=S
    backend=B naive period=30d p50_ms=X p95_ms=Y same_results=K/20

`naive` is the same queries the way a bot without an index would: read every story of the
window, run the matcher on each (the first MAX_RESULTS hits compared with the indexed search's:
`same_results` counts queries whose answers agree). A line per query (`query=... period=...
ms=... found=... checked=...`) goes to stderr.

Stories are made of real Arabic text: the sentences of the 484 articles of
/work/shared/data/cluster/semeval2022-task8-ar-pairs.jsonl, the seed article and the Arabic
fixture feeds, shuffled per story (a title of 6-14 words, a summary of 1-3 sentences), one story
in seven English (the BBC fixture feed's sentences); beat words (Ain al-Asad with its clitics,
ISIS, Anbar, advisers, US forces, ...) are put in at realistic rates so that the queries'
selectivity ranges from 1% to a third of all stories.

PostgreSQL comes from POSTBOT_TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test):
the bench creates its own database `postbot_bench_<hex>` there and drops it afterwards.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent

from postbot.config.urls import database_url  # noqa: E402
from postbot.match.matcher import Matcher, make_document  # noqa: E402
from postbot.match.query import parse_query  # noqa: E402
from postbot.service import search  # noqa: E402
from postbot.store.db import make_engine, upgrade_engine  # noqa: E402
from postbot.store.repo import search as index  # noqa: E402

DATA = Path("/work/shared/data")
FIXTURES = ROOT / "tests" / "fixtures"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
SPAN = timedelta(days=180)
PERIODS = (7, 30, 90)

QUERIES = [
    '"عين الأسد"',
    "داعش",
    "الأنبار OR الرمادي",
    "مستشار*",
    '"القوات الأمريكية" -سوريا',
    "داعش -العراق",
    '"الحشد الشعبي"',
    "العراق",
    "كورونا",
    '"فيروس كورونا"',
    "الحجر OR الكمامات",
    "اقتصاد*",
    "isis",
    '"ain al-asad"',
    "troops -syria",
    "iraq OR syria",
    "(داعش OR isis) -سوريا",
    '"مجلس الأمن"',
    "انتخاب*",
    'الرئيس "البيت الأبيض"',
]

# (rate, variants): beat words put into stories, clitics and spellings varied
ARABIC_BEAT = [
    (0.01, ["عين الأسد", "بعين الأسد", "قاعدة عين الاسد", "«عين الأسد»", "لعين الأسد"]),
    (0.03, ["داعش", "لداعش", "وداعش", "تنظيم داعش"]),
    (0.03, ["الأنبار", "بالأنبار", "الرمادي", "هيت"]),
    (0.02, ["مستشارين أمريكيين", "المستشار", "مستشاري التحالف"]),
    (0.02, ["القوات الأمريكية", "للقوات الأمريكية", "القوات الامريكية"]),
    (0.015, ["الحشد الشعبي", "بالحشد الشعبي"]),
    (0.10, ["سوريا", "العراق", "بالعراق", "وسوريا"]),
]
ENGLISH_BEAT = [
    (0.03, ["ISIS", "Islamic State (ISIS)"]),
    (0.01, ["Ain al-Asad", "the Ain al-Asad air base"]),
    (0.03, ["US troops", "troops"]),
    (0.10, ["Iraq", "Syria"]),
]


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?؟])\s+|\n+", text)
    return [p.strip() for p in parts if 5 <= len(p.split()) <= 60]


def corpus() -> tuple[list[str], list[str]]:
    """(Arabic sentences, English sentences) of the shared data and fixtures."""
    arabic: list[str] = []
    pairs = DATA / "cluster" / "semeval2022-task8-ar-pairs.jsonl"
    for line in pairs.read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        for side in ("a", "b"):
            article = pair.get(side) or {}
            arabic.append(str(article.get("title", "")))
            arabic += _sentences(str(article.get("text", "")))
    arabic += _sentences((DATA / "seed-article-ar.txt").read_text(encoding="utf-8"))
    english: list[str] = []
    for path in (FIXTURES / "feeds").glob("*.xml"):
        raw = path.read_bytes().decode("utf-8", "replace")
        for chunk in re.findall(r"<(?:title|description)>(.*?)</", raw, re.S):
            chunk = re.sub(r"<!\[CDATA\[|\]\]>|<[^>]+>|&[a-z#0-9]+;", " ", chunk)
            target = arabic if re.search("[\u0600-\u06ff]", chunk) else english
            target += _sentences(chunk) or ([chunk.strip()] if len(chunk.split()) >= 4 else [])
    return [s for s in arabic if s], [s for s in english if s]


def _inject(rng: random.Random, text: str, beat: list[tuple[float, list[str]]]) -> str:
    words = text.split()
    for rate, variants in beat:
        if rng.random() < rate:
            words.insert(rng.randint(0, len(words)), rng.choice(variants))
    return " ".join(words)


def stories(count: int, seed: int = 15) -> Iterator[tuple[str, str, datetime]]:
    """(title, summary, first seen) for `count` stories, oldest first."""
    arabic, english = corpus()
    rng = random.Random(seed)
    step = SPAN / count
    for i in range(count):
        pool, beat = (english, ENGLISH_BEAT) if rng.random() < 1 / 7 else (arabic, ARABIC_BEAT)
        words = rng.choice(pool).split()
        size = rng.randint(6, 14)
        start = rng.randint(0, max(0, len(words) - size))
        title = _inject(rng, " ".join(words[start : start + size]), beat)
        summary = _inject(rng, " ".join(rng.sample(pool, rng.randint(1, 3)))[:600], beat)
        yield title, summary, NOW - SPAN + step * i


def build(engine: sa.Engine, count: int) -> float:
    """Migrate, insert `count` stories over 10 feeds and index them; returns seconds taken."""
    started = time.perf_counter()
    upgrade_engine(engine)
    feeds = [f"outlet{k}" for k in range(10)]
    sqlite = engine.dialect.name == "sqlite"

    def at(when: datetime) -> object:
        return when.replace(tzinfo=None) if sqlite else when

    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO feed (id, url, name, enabled, consecutive_errors, next_poll_at,"
                " failing_notified, first_polled) VALUES (:id, :url, :name, true, 0, :t, false,"
                " true)"
            ),
            [{"id": f, "url": f"https://{f}.test/rss", "name": f, "t": at(NOW)} for f in feeds],
        )
    insert = sa.text(
        "INSERT INTO story (feed_id, key, title, link, summary, first_seen_at, also_in)"
        " VALUES (:feed, :key, :title, :link, :summary, :at, '[]')"
    )
    batch: list[dict[str, object]] = []

    def flush() -> None:
        with Session(engine) as session:
            session.execute(insert, batch)
            first = session.execute(sa.text("SELECT max(id) FROM story")).scalar() or 0
            ids = range(first - len(batch) + 1, first + 1)
            rows = [
                (i, str(b["title"]), str(b["summary"])) for i, b in zip(ids, batch, strict=True)
            ]
            index.index_many(session=session, rows=rows)
            session.commit()
        batch.clear()

    for n, (title, summary, when) in enumerate(stories(count)):
        feed = feeds[n % len(feeds)]
        batch.append(
            {
                "feed": feed,
                "key": f"s{n}",
                "title": title,
                "link": f"https://{feed}.test/{n}",
                "summary": summary,
                "at": at(when),
            }
        )
        if len(batch) == 5000:
            flush()
            print(f"  {n + 1} stories", file=sys.stderr, flush=True)
    if batch:
        flush()
    if sqlite:
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO story_fts(story_fts) VALUES ('optimize')")
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return time.perf_counter() - started


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def naive(engine: sa.Engine, query: str, since: datetime) -> list[int]:
    """Every story of the window through the matcher, newest first: no index."""
    matcher: Matcher[int] = Matcher({0: parse_query(query)})
    sql = sa.text(
        "SELECT id, title, summary FROM story WHERE first_seen_at >= :since ORDER BY id DESC"
    )
    since_value: object = since.replace(tzinfo=None) if engine.dialect.name == "sqlite" else since
    with engine.connect() as conn:
        rows = conn.execute(sql, {"since": since_value})
        return [i for i, t, s in rows if matcher.match(make_document(t, s or ""))]


def run(name: str, engine: sa.Engine, count: int, *, with_naive: bool = True) -> None:
    build_s = build(engine, count)
    with Session(engine) as session:
        size = index.index_size(session=session)
        if engine.dialect.name == "sqlite":
            total = session.execute(
                sa.text("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")
            ).scalar()
        else:
            total = session.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
    search.search(engine, query="داعش", days=7, now=NOW)  # warm up: caches, connections
    for days in PERIODS:
        times = []
        for query in QUERIES:
            result = search.search(engine, query=query, days=days, now=NOW)
            assert isinstance(result, search.Searched)
            times.append(result.seconds * 1000)
            print(
                f"  query={query!r} period={days}d ms={result.seconds * 1000:.1f}"
                f" found={len(result.found)} checked={result.checked}"
                f" complete={result.complete}",
                file=sys.stderr,
            )
        print(
            f"backend={name} stories={count} period={days}d p50_ms={_pct(times, 0.5):.1f}"
            f" p95_ms={_pct(times, 0.95):.1f} max_ms={max(times):.1f}",
            flush=True,
        )
    print(
        f"backend={name} index_mb={size / 2**20:.1f} database_mb={int(total or 0) / 2**20:.1f}"
        f" build_s={build_s:.0f}",
        flush=True,
    )
    if not with_naive:
        return
    times, same = [], 0
    since = NOW - timedelta(days=30)
    for query in QUERIES:
        started = time.perf_counter()
        ids = naive(engine, query, since)
        times.append((time.perf_counter() - started) * 1000)
        matches = search.stories_matching(engine, parse_query(query), since=since)
        same += [h.story_id for h in matches.hits] == ids[: len(matches.hits)] and (
            not matches.complete or len(ids) == len(matches.hits)
        )
    print(
        f"backend={name} naive period=30d p50_ms={_pct(times, 0.5):.1f}"
        f" p95_ms={_pct(times, 0.95):.1f} same_results={same}/{len(QUERIES)}",
        flush=True,
    )


@contextmanager
def pg_database(admin_url: str) -> Iterator[str]:
    name = f"postbot_bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(database_url(admin_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield (
            sa.make_url(database_url(admin_url))
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main() -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=200_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive comparison")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{tmp}/bench.db")
            try:
                run("sqlite", engine, args.stories, with_naive=not args.no_naive)
            finally:
                engine.dispose()
    if args.backend in ("postgresql", "both"):
        admin = os.environ.get(
            "POSTBOT_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
        )
        with pg_database(admin) as url:
            engine = make_engine(url)
            try:
                run("postgresql", engine, args.stories, with_naive=not args.no_naive)
            finally:
                engine.dispose()


if __name__ == "__main__":
    main()
