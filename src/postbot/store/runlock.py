"""One `postbot run` per database: the lock a `run` holds while it serves (SPEC §8, issue 16).

Two long-polling `run`s on one database both answer every command (each takes Telegram updates in
turn) and, on SQLite, the second releases the first one's leases at start. So a `run` takes a
lock for its whole life and a second one refuses to start with one line saying who holds it:

- SQLite: an exclusive `flock` on a file beside the database (`<db>.run.lock`); the kernel drops
  it when the process dies, however it dies. The holder writes its pid, host and start time in
  it for the refusal to quote.
- PostgreSQL: a session advisory lock held on one dedicated connection; the server drops it when
  that connection closes (the process died). Webhook `run`s may be several behind a load
  balancer (SPEC §8): they take the lock *shared*, so they coexist with each other but not with
  a long-polling `run`. Its `application_name` names the holder.

`postbot worker`s take no lock: any number may run beside the one `run`.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from postbot.store.db import is_sqlite_memory

# pg_try_advisory_lock(int4, int4): "post", "run\0" (pg_locks shows them as classid and objid)
_PG_KEY = (0x706F7374, 0x72756E00)


class AlreadyRunning(Exception):
    """Another `postbot run` holds this database; the message says which."""


def holder_label(mode: str) -> str:
    """How this process describes itself to a `run` that finds the lock taken."""
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"postbot run ({mode}) pid {os.getpid()} on {socket.gethostname()} since {started}"


@contextmanager
def run_lock(engine: sa.Engine, *, webhook: bool = False) -> Iterator[None]:
    """Hold the database's `run` lock while the block runs; AlreadyRunning when it is taken."""
    url = engine.url
    mode = "webhook" if webhook else "long polling"
    if url.get_backend_name() == "sqlite":
        if is_sqlite_memory(url):  # a private in-memory database: no one else can open it
            yield
            return
        with _file_lock(Path(url.database or ""), holder_label(mode)):
            yield
    else:
        with _advisory_lock(engine, holder_label(mode)[:63], shared=webhook):
            yield


@contextmanager
def _file_lock(database: Path, label: str) -> Iterator[None]:
    path = database.with_name(database.name + ".run.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip() or "another process"
            raise AlreadyRunning(
                f"another postbot run is already serving {database.name}: {holder}. "
                "Stop it first (one `run` per database; on PostgreSQL add `postbot worker`s)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, label.encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def _advisory_lock(engine: sa.Engine, label: str, *, shared: bool) -> Iterator[None]:
    take = "pg_try_advisory_lock_shared" if shared else "pg_try_advisory_lock"
    conn = engine.connect()
    try:
        name = sa.text("SELECT set_config('application_name', :label, false)")
        conn.execute(name, {"label": label})
        got = conn.execute(sa.text(f"SELECT {take}(:k1, :k2)"), _keys()).scalar()
        conn.commit()
        if not got:
            raise AlreadyRunning(
                f"another postbot run is already serving this database: {_pg_holders(conn)}. "
                "Stop it first (one long-polling `run` per database; add `postbot worker`s, "
                "or run several in webhook mode)"
            )
        yield
    finally:
        # closing the server session drops the lock: never hand a locked connection to the pool
        conn.invalidate()
        conn.close()


def _keys() -> dict[str, int]:
    return {"k1": _PG_KEY[0], "k2": _PG_KEY[1]}


def _pg_holders(conn: sa.Connection) -> str:
    rows = conn.execute(
        sa.text(
            "SELECT a.application_name, a.client_addr FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.classid = :k1 AND l.objid = :k2 "
            "AND l.objsubid = 2 AND l.granted AND l.database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        ),
        _keys(),
    ).all()
    conn.rollback()
    names = [f"{name or 'unnamed'}" + (f" from {addr}" if addr else "") for name, addr in rows]
    return "; ".join(names) or "another session"
