"""postbot.ops.malloc: big buffers freed by a long-running process go back to the OS.

Each case runs in a fresh interpreter (malloc settings are process-wide): it allocates and frees
buffers of one size a few times, keeping something small after each (as the bot keeps a row),
from the main thread or another thread, then reads glibc's count of free-but-kept heap memory.
Untuned, glibc raises its mmap threshold after the first free and later buffers come from the
heap, where the small survivor pins them; tuned, what is freed is given back.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from postbot.ops import malloc
from postbot.ops.memtrace import native_mb

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or "malloc_free" not in native_mb(),
    reason="glibc only",
)

PROGRAM = textwrap.dedent(
    """
    import sys, threading
    from postbot.ops import malloc
    from postbot.ops.memtrace import native_mb

    size, rounds = int(sys.argv[1]), int(sys.argv[2])
    tuned, in_thread = sys.argv[3] == "1", sys.argv[4] == "1"
    if tuned:
        assert malloc.tune()

    kept = []

    def churn():
        for n in range(rounds):
            body = bytearray(size)  # a response body: read, parsed, freed
            body[::4096] = b"x" * len(body[::4096])  # touched, so it is resident
            kept.append(b"story %d " % n * 100)  # something small that stays, after it
            del body

    if in_thread:
        t = threading.Thread(target=churn)
        t.start()
        t.join()
    else:
        churn()
    print(native_mb()["malloc_free"])
    """
)


def free_after_churn(size: int, rounds: int, *, tuned: bool, in_thread: bool) -> float:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            PROGRAM,
            str(size),
            str(rounds),
            str(int(tuned)),
            str(int(in_thread)),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return float(out.stdout.strip())


@pytest.mark.parametrize(
    ("size_mb", "rounds", "in_thread"),
    [(2, 3, False), (5, 4, False), (12, 2, False), (5, 4, True), (3, 6, True)],
)
def test_freed_buffers_go_back(size_mb: int, rounds: int, in_thread: bool) -> None:
    size = size_mb * 1024 * 1024
    untuned = free_after_churn(size, rounds, tuned=False, in_thread=in_thread)
    tuned = free_after_churn(size, rounds, tuned=True, in_thread=in_thread)
    # untuned glibc keeps at least one buffer's worth; tuned keeps less than the trim threshold
    # plus small change, whatever the buffer size
    assert untuned >= size_mb * 0.9
    assert tuned < malloc.TRIM_THRESHOLD / 1024 / 1024 + 1.0


def test_tune_is_idempotent() -> None:
    assert malloc.tune() is True
    assert malloc.tune() is True


# Free chunks *between* chunks in use: many mid-sized buffers (over obmalloc's 512 bytes, under
# the mmap threshold) from a thread, every k-th kept. glibc cannot trim them from the heap's top;
# malloc_trim(0) gives their whole pages back.
FRAGMENTS = textwrap.dedent(
    """
    import re, sys, threading
    from pathlib import Path
    from postbot.ops import malloc

    size, count, keep_every, trimmed = (int(a) for a in sys.argv[1:5])
    assert malloc.tune()

    def anon_kb():
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"^RssAnon:\\s+(\\d+) kB", status, re.MULTILINE).group(1))

    kept = []

    def churn():
        chunks = [bytearray(b"x" * size) for _ in range(count)]  # written: resident
        kept.extend(chunks[::keep_every])
        chunks.clear()

    before = anon_kb()
    t = threading.Thread(target=churn)
    t.start()
    t.join()
    if trimmed:
        assert malloc.trim()
    print((anon_kb() - before) / 1024, len(kept))
    """
)


def resident_after_fragments(size: int, count: int, keep_every: int, *, trimmed: bool) -> float:
    args = [str(size), str(count), str(keep_every), str(int(trimmed))]
    out = subprocess.run(
        [sys.executable, "-c", FRAGMENTS, *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return float(out.stdout.split()[0])


@pytest.mark.parametrize(
    ("size", "count", "keep_every"),
    [(8 * 1024, 4000, 10), (20 * 1024, 1500, 7), (64 * 1024, 500, 16), (3000, 12000, 25)],
)
def test_trim_gives_back_free_pages_between_chunks_in_use(
    size: int, count: int, keep_every: int
) -> None:
    churned_mb = size * count / 1024 / 1024
    kept_mb = churned_mb / keep_every
    untrimmed = resident_after_fragments(size, count, keep_every, trimmed=False)
    trimmed = resident_after_fragments(size, count, keep_every, trimmed=True)
    # untrimmed, the freed chunks stay resident, pinned by the survivors between them
    assert untrimmed >= churned_mb * 0.6
    # trimmed, what stays is what was kept (a page per survivor at most) plus small change
    assert trimmed <= kept_mb + count / keep_every * 4 / 1024 + 2.0
    assert trimmed < untrimmed / 2


def test_start_trimming_runs_one_thread() -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import threading\n"
            "from postbot.ops import malloc\n"
            "first, again = malloc.start_trimming(0.01), malloc.start_trimming(0.01)\n"
            "names = [t.name for t in threading.enumerate()]\n"
            "print(first, again, names.count('malloc-trim'))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.split() == ["True", "False", "1"]


def test_the_c_library_is_looked_up_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # find_library runs ldconfig in a child process: never once a minute from a 100 MB bot
    import ctypes.util

    from postbot.ops.memtrace import native_mb

    assert malloc.trim()  # loaded by now, whoever came first
    looked: list[str | None] = []
    real = ctypes.util.find_library
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: looked.append(name) or real(name))
    for _ in range(3):
        assert malloc.trim()
        assert malloc.tune()
        assert "malloc_used" in native_mb()
    assert looked.count("c") == 0
    assert looked.count("sqlite3") <= 1  # memtrace's first read of SQLite's heap, if not before
