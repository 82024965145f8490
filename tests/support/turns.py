"""Turns between xdist workers: a test marked `alone` runs while no other test runs.

Every test holds a shared lock on `running.lock` while it runs; an `alone` test holds it
exclusively. A waiting exclusive lock does not stop new shared ones (flock has no queue), so a
second lock is the turnstile: an `alone` test holds it exclusively while it waits and runs, and
every other test passes through it (shared, released at once) before it may start.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def turn(directory: Path, *, alone: bool) -> Iterator[None]:
    """Hold a turn to run a test: shared with other tests, or the whole machine if `alone`."""
    mode = fcntl.LOCK_EX if alone else fcntl.LOCK_SH
    with (
        open(directory / "turnstile.lock", "a") as gate,
        open(directory / "running.lock", "a") as running,
    ):
        fcntl.flock(gate, mode)
        fcntl.flock(running, mode)
        if not alone:
            fcntl.flock(gate, fcntl.LOCK_UN)
        yield  # both locks go when the files close
