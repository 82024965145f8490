"""SQLite's own memory in a long run is bounded, however many distinct statements it sees.

Each case runs in a fresh interpreter (SQLite's memory counter is process-wide): a file database
larger than the page caches, several threads (so several pooled connections) running queries
whose IN lists have many different lengths (each length is a prepared statement of its own),
then `sqlite3_memory_used()`. Untuned, every connection kept 128 such statements and a 2 MiB
cache: SQLite's heap grew with every new length seen.
"""

from __future__ import annotations

import ctypes.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from postbot.store import db

pytestmark = pytest.mark.skipif(
    ctypes.util.find_library("sqlite3") is None, reason="needs libsqlite3 to read its counter"
)

PROGRAM = textwrap.dedent(
    """
    import ctypes, ctypes.util, random, sys, threading
    import sqlalchemy as sa
    from postbot.store.db import make_engine

    path, lengths, threads, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    engine = make_engine(f"sqlite:///{path}")
    lib = ctypes.CDLL(ctypes.util.find_library("sqlite3"))
    lib.sqlite3_memory_used.restype = ctypes.c_int64
    rows = 20000
    with engine.begin() as c:
        c.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, body TEXT)"))
        c.execute(sa.text("CREATE INDEX t_k ON t(k)"))
        for i in range(0, rows, 1000):
            c.execute(
                sa.text("INSERT INTO t (k, body) VALUES (:k, :b)"),
                [{"k": j % 997, "b": "x" * 300} for j in range(i, i + 1000)],
            )
    t = sa.table("t", sa.column("id"), sa.column("k"), sa.column("body"))

    def work(n: int) -> None:
        rng = random.Random(seed * 100 + n)
        order = list(range(1, lengths + 1))
        rng.shuffle(order)
        for size in order:
            with engine.connect() as c:
                ids = rng.sample(range(rows), size)
                c.execute(sa.select(sa.func.count()).where(t.c.id.in_(ids))).all()
                total = sa.func.sum(sa.func.length(t.c.body))
                c.execute(sa.select(total).where(t.c.k == size)).all()

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(lib.sqlite3_memory_used() / 1024 / 1024)
    """
)


def sqlite_mb(tmp_path: Path, lengths: int, threads: int, seed: int) -> float:
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(tmp_path / f"db{lengths}"), str(lengths),
         str(threads), str(seed)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return float(out.stdout.strip())


@pytest.mark.parametrize(("threads", "seed"), [(1, 1), (3, 2), (5, 3)])
def test_sqlite_memory_is_bounded(tmp_path: Path, threads: int, seed: int) -> None:
    few = sqlite_mb(tmp_path, 60, threads, seed)
    many = sqlite_mb(tmp_path, 300, threads, seed)
    # five times more distinct statements: about the same memory, all under the soft limit
    # plus what the cached statements of the pooled connections may hold
    ceiling = db.SQLITE_SOFT_HEAP_LIMIT / 1024 / 1024 + 4.0
    assert many < ceiling
    assert many - few < 2.0
