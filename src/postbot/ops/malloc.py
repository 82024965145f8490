"""glibc malloc settings for a long-running process, so that freed memory goes back to the OS.

Measured with POSTBOT_TRACEMALLOC in `bench/soak.py`: Python's live objects stayed flat while RSS
rose. Two glibc behaviours hold on to freed memory:

- big transient buffers (a feed body read up to the 5 MB cap, a response being parsed) are
  mmapped and given back on free, but each such free raises glibc's *dynamic* mmap threshold
  (up to 32 MiB) and its trim threshold with it: later buffers of that size come from the heap,
  and the heap keeps up to twice that much free memory instead of trimming it;
- every thread that allocates (the database threads, asyncio's `to_thread` pool, the metrics
  server) may get an arena of its own (up to 8 per core); freed memory stays spread over them.

Fixing the mmap threshold (which also freezes the trim threshold at its 128 KiB default) and
capping arenas at 2 keeps RSS near what is in use. Call `tune()` first thing, before threads.

That is not all: glibc only trims free memory at the *top* of a heap. Free chunks between chunks
in use stay resident, and threads' arena creeps up that way. Measured in a SQLite soak
(`bench/soak.py --census`, /proc/PID/smaps between two moments): Python's blocks and malloc's
in-use bytes flat, RSS +0.7 MB in 4 minutes, all of it in the threads' arena. `start_trimming()`
calls `malloc_trim(0)` every minute from a thread of its own, which hands back every whole free
page inside every arena (madvise), a few milliseconds' work.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

# <malloc.h>
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8

MMAP_THRESHOLD = 256 * 1024  # larger blocks are mmapped and unmapped on free, always
TRIM_THRESHOLD = 1024 * 1024  # free memory at a heap's top beyond this goes back at once
ARENA_MAX = 2


@functools.cache
def load(name: str) -> ctypes.CDLL | None:
    """A shared library by its short name ("c", "sqlite3"), loaded once: `find_library` runs
    ldconfig in a child process, too slow for a call every minute. None if it cannot load."""
    try:
        return ctypes.CDLL(ctypes.util.find_library(name))
    except (OSError, TypeError):
        return None


def libc_function(name: str) -> Any:
    """A function of the C library (None where it has no such function: not glibc)."""
    return getattr(load("c"), name, None)


def tune() -> bool:
    """Apply the settings; False (and nothing changes) where the C library is not glibc."""
    mallopt = libc_function("mallopt")
    if mallopt is None:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done = all(
        mallopt(option, value) == 1
        for option, value in (
            (M_MMAP_THRESHOLD, MMAP_THRESHOLD),
            (M_TRIM_THRESHOLD, TRIM_THRESHOLD),
            (M_ARENA_MAX, ARENA_MAX),
        )
    )
    if not done:
        log.warning("malloc settings were not all accepted: memory may not be given back")
    return done


TRIM_EVERY = 60.0  # seconds
_trimming = threading.Event()  # set while a trimming thread runs (one per process)


def trim() -> bool:
    """Give the free pages inside every malloc arena back to the OS; False where not glibc."""
    malloc_trim = libc_function("malloc_trim")
    if malloc_trim is None:
        return False
    malloc_trim.argtypes = [ctypes.c_size_t]
    malloc_trim.restype = ctypes.c_int
    malloc_trim(0)
    return True


def start_trimming(every: float = TRIM_EVERY) -> bool:
    """Trim every `every` seconds from a daemon thread, for the life of the process. False (and
    no thread) where malloc cannot be trimmed, or when a thread already trims."""
    if _trimming.is_set() or not trim():
        return False
    _trimming.set()

    def loop() -> None:
        while True:
            time.sleep(every)
            trim()

    threading.Thread(target=loop, name="malloc-trim", daemon=True).start()
    return True
