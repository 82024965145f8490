"""A cache of what was used recently: bounded by count *and* by idle time.

A count alone does not level memory off. The poller's caches of compared stories (2,048 prepared
texts, 4,096 fingerprints) filled for hours at a quiet feed rate: a 60-minute SQLite soak
(`bench/soak.py`, about 3.6 stories a minute, ~12 KB a story in them) grew by them all hour, and
at night a bot kept the day's stories it would never compare again. Here an entry not used for
`idle` seconds is dropped too, so memory follows what is in use: a story that new ones keep
resembling stays, the rest go. Missing an entry only costs recomputing it.

Thread-safe (the poller and the dispatcher use theirs from worker threads). The clock is
injectable for tests; by default `time.monotonic`.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

IDLE_SECONDS = 600.0  # ten minutes unused


class RecentCache(Generic[K, V]):
    """At most `size` entries, none unused for more than `idle` seconds (least recent first)."""

    def __init__(
        self,
        size: int,
        idle: float = IDLE_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if size < 1 or idle <= 0:
            raise ValueError("a cache needs room for one entry and a positive idle time")
        self.size = size
        self.idle = idle
        self._clock = clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()  # least recent first
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value kept for `key` (now the most recent), or None."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries[key] = (now, found[1])
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: K, value: V) -> None:
        """Keep `value` for `key`, dropping the least recent entries beyond the bounds."""
        now = self._clock()
        with self._lock:
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            self._expire(now)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def recall(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for `key`, or `make()`, kept and returned (made outside the lock: two
        threads missing one key at once both make it, the later one is kept)."""
        found = self.get(key)
        if found is None:
            found = make()
            self.put(key, found)
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _expire(self, now: float) -> None:
        entries, oldest = self._entries, now - self.idle
        while entries:
            used, _ = next(iter(entries.values()))
            if used >= oldest:
                return
            entries.popitem(last=False)
