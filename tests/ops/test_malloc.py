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
