"""Opt-in heap tracing for long runs: `POSTBOT_TRACEMALLOC=path` (off when unset).

Memory that grows over hours is found by comparing the heap at two moments, not by guessing.
With the variable set, `postbot run` / `worker` start `tracemalloc`, keep the first snapshot taken
after `POSTBOT_TRACEMALLOC_EVERY` seconds (default 300) as the baseline, and every period after
that append to `path` the source lines whose live memory grew most since the baseline, and the
tracebacks of the top three. A daemon thread does it, so the event loop is never involved.
Tracing costs CPU and memory of its own: it is a diagnostic, not for production.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import logging
import os
import re
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import Counter, deque
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from postbot.ops import malloc

log = logging.getLogger(__name__)

ENV = "POSTBOT_TRACEMALLOC"
ENV_EVERY = "POSTBOT_TRACEMALLOC_EVERY"
ENV_FRAMES = "POSTBOT_TRACEMALLOC_FRAMES"
ENV_CENSUS = "POSTBOT_MEMCENSUS"
FRAMES = 1  # per line is cheap; 8-12 frames show who called a library, at a high CPU cost
TOP = 25


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost",
        )
    ]  # fmt: skip


def native_mb() -> dict[str, float]:
    """Memory outside Python's objects, MiB: RSS, glibc's heap in use and free (fragmentation),
    and SQLite's own allocations (page caches, prepared statements). Missing ones are left out."""
    figures: dict[str, float] = {}
    try:
        status = Path("/proc/self/status").read_text()
        if found := re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE):
            figures["rss"] = int(found.group(1)) / 1024
    except OSError:
        pass
    if (mallinfo2 := malloc.libc_function("mallinfo2")) is not None:
        mallinfo2.restype = _MallInfo2
        info = mallinfo2()
        figures["malloc_used"] = (info.uordblks + info.hblkhd) / 1024 / 1024
        figures["malloc_free"] = info.fordblks / 1024 / 1024
    if (used := getattr(malloc.load("sqlite3"), "sqlite3_memory_used", None)) is not None:
        used.restype = ctypes.c_int64
        figures["sqlite"] = used() / 1024 / 1024
    return figures


def sqlalchemy_caches(objects: Iterable[object] | None = None) -> list[str]:
    """One line per SQLAlchemy compiled-statement cache: its size and the SQL texts it holds
    most often (many entries of one text mean statements that defeat the cache). `objects`: the
    live objects if the caller has them already (one walk of the heap), else gc's."""
    try:
        from sqlalchemy.util import LRUCache
    except ImportError:
        return []
    lines = []
    live = gc.get_objects() if objects is None else objects
    for cache in (o for o in live if isinstance(o, LRUCache)):
        texts: Counter[str] = Counter()
        for value in list(cache.values()):
            text = getattr(value, "string", None)
            if isinstance(text, str):
                texts[" ".join(text.split())[:140]] += 1
        if texts:
            top = " | ".join(f"{n}x {t}" for t, n in texts.most_common(3))
            lines.append(f"sqlalchemy cache size={len(cache)} distinct={len(texts)}: {top}")
    return lines


def report(baseline: tracemalloc.Snapshot, now: tracemalloc.Snapshot, elapsed: float) -> str:
    """Text block: the lines that grew most between two snapshots, then three tracebacks."""
    base, cur = baseline, now
    total = sum(s.size for s in cur.statistics("filename")) / 1024 / 1024
    native = " ".join(f"{k}_mb={v:.1f}" for k, v in native_mb().items())
    lines = [f"== {datetime.now(UTC):%H:%M:%S} t={elapsed:.0f}s traced_mb={total:.1f} {native}"]
    lines.extend(sqlalchemy_caches())
    for diff in cur.compare_to(base, "lineno")[:TOP]:
        frame = diff.traceback[0]
        lines.append(
            f"{diff.size_diff / 1024:+9.1f} KiB {diff.count_diff:+7d} blocks "
            f"(now {diff.size / 1024:.1f} KiB) {frame.filename}:{frame.lineno}"
        )
    if now.traceback_limit < 2:
        return "\n".join(lines) + "\n"
    for diff in cur.compare_to(base, "traceback")[:3]:
        lines.append(f"-- {diff.size_diff / 1024:+.1f} KiB {diff.count_diff:+d} blocks from:")
        lines.extend("   " + line for line in diff.traceback.format())
    return "\n".join(lines) + "\n"


def _loop(path: Path, every: float) -> None:
    began = time.monotonic()
    time.sleep(every)
    if not tracemalloc.is_tracing():
        return
    baseline = tracemalloc.take_snapshot()
    while True:
        time.sleep(every)
        if not tracemalloc.is_tracing():  # stopped by someone else (a test): nothing to report
            return
        try:
            text = report(baseline, tracemalloc.take_snapshot(), time.monotonic() - began)
            with path.open("a", encoding="utf-8") as out:
                out.write(text)
        except Exception:  # a diagnostic must never take the bot down
            log.exception("tracemalloc report failed")


def census(
    objects: Iterable[object] | None = None,
) -> tuple[Counter[str], list[tuple[str, int]]]:
    """Live gc-tracked objects (`objects`, else gc's) by type, and the sizes of postbot's own
    large containers: every attribute of a postbot object, and every module global of a postbot
    module, holding 100 or more entries, as ("Class.attr" or "module.NAME", len)."""
    types: Counter[str] = Counter()
    sizes: dict[str, int] = {}
    for obj in gc.get_objects() if objects is None else objects:
        kind = type(obj)
        types[kind.__name__] += 1
        module = kind.__dict__.get("__module__")  # a descriptor on some C types
        if isinstance(module, str) and module.startswith("postbot.") and hasattr(obj, "__dict__"):
            for name, value in vars(obj).items():
                _note(sizes, f"{kind.__name__}.{name}", value)
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("postbot.") and module is not None:
            for name, value in list(vars(module).items()):
                if isinstance(value, functools._lru_cache_wrapper):
                    sizes[f"{module_name}.{name}"] = value.cache_info().currsize
                else:
                    _note(sizes, f"{module_name}.{name}", value)
    return types, sorted(sizes.items(), key=lambda item: -item[1])


def _note(sizes: dict[str, int], key: str, value: object) -> None:
    if isinstance(value, dict | list | set | deque) and len(value) >= 100 and key[-2:] != "__":
        sizes[key] = sizes.get(key, 0) + len(value)


_PYMALLOC_LINES = {
    "# arenas allocated current": "arenas",
    "# arenas highwater mark": "arenas_max",
    "# bytes in allocated blocks": "allocated",
    "# bytes in available blocks": "available",
    "# bytes in unused pools": "unused_pools",
    "# bytes lost to pool headers": "pool_headers",
    "# bytes lost to quantization": "quantization",
    "Total": "total",
}


def pymalloc_stats() -> dict[str, str]:
    """pymalloc's own figures (sys._debugmallocstats, which writes to the C stderr): arenas held
    and bytes in blocks in use, free in used pools, and in pools unused. MiB, or the count."""
    debug = getattr(sys, "_debugmallocstats", None)
    if debug is None:
        return {}
    with tempfile.TemporaryFile(mode="w+") as out:
        sys.stderr.flush()
        saved = os.dup(2)
        try:
            os.dup2(out.fileno(), 2)
            debug()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read()
    found: dict[str, str] = {}
    for line in text.splitlines():
        name, _, value = line.rpartition("=")
        key = _PYMALLOC_LINES.get(name.strip())
        if key and key not in found and value.strip().replace(",", "").isdigit():
            number = int(value.strip().replace(",", ""))
            found[key] = str(number) if key.startswith("arenas") else f"{number / 1024 / 1024:.2f}"
    return found


CENSUS_STOP = threading.Event()  # set: the census thread ends (tests)


def _census_loop(path: Path, every: float) -> None:
    began = time.monotonic()
    first: Counter[str] | None = None
    while not CENSUS_STOP.wait(every):
        try:
            objects = gc.get_objects()  # one walk of the heap for both
            types, sizes = census(objects)
            first = types if first is None else first
            grown = (types - first).most_common(12)
            native = " ".join(f"{k}_mb={v:.1f}" for k, v in native_mb().items())
            lines = [
                f"== t={time.monotonic() - began:.0f}s {native} "
                f"blocks={sys.getallocatedblocks()} objects={sum(types.values())} "
                + " ".join(f"{k}={v}" for k, v in pymalloc_stats().items()),
                "grown: " + " ".join(f"{name}+{n}" for name, n in grown),
                "sizes: " + " ".join(f"{name}={n}" for name, n in sizes[:20]),
                *sqlalchemy_caches(objects),
            ]
            del objects
            with path.open("a", encoding="utf-8") as out:
                out.write("\n".join(lines) + "\n")
        except Exception:  # a diagnostic must never take the bot down
            log.exception("memory census failed")


def start_from_env(environ: dict[str, str] | None = None) -> bool:
    """Start tracing if `POSTBOT_TRACEMALLOC` is set; True when it started. `POSTBOT_MEMCENSUS`
    (a path) starts the cheap census instead or as well: no tracemalloc, a few lines a period."""
    env = os.environ if environ is None else environ
    every = float(env.get(ENV_EVERY) or 300)
    if counted := env.get(ENV_CENSUS):
        CENSUS_STOP.clear()
        threading.Thread(
            target=_census_loop, args=(Path(counted), every), name="memcensus", daemon=True
        ).start()
    target = env.get(ENV)
    if not target:
        return False
    tracemalloc.start(int(env.get(ENV_FRAMES) or FRAMES))
    thread = threading.Thread(
        target=_loop, args=(Path(target), every), name="tracemalloc", daemon=True
    )
    thread.start()
    log.info("tracemalloc on: heap growth every %.0f s to %s", every, target)
    return True
