"""POSTBOT_TRACEMALLOC: off by default; when set, reports name the lines whose memory grew."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from postbot.ops import memtrace


@pytest.fixture
def tracing() -> Iterator[None]:
    yield
    tracemalloc.stop()


@pytest.mark.parametrize("environ", [{}, {"POSTBOT_TRACEMALLOC": ""}, {"OTHER": "x"}])
def test_off_unless_set(environ: dict[str, str]) -> None:
    assert memtrace.start_from_env(environ) is False
    assert not tracemalloc.is_tracing()


def _grow(into: list[bytes], n: int) -> None:
    into.extend(bytes(1000) + str(i).encode() for i in range(n))


@pytest.mark.parametrize("blocks", [500, 3000])
def test_report_names_the_growing_line(tracing: None, blocks: int) -> None:
    tracemalloc.start(8)
    kept: list[bytes] = []
    before = tracemalloc.take_snapshot()
    _grow(kept, blocks)
    text = memtrace.report(before, tracemalloc.take_snapshot(), 12.0)
    lines = text.splitlines()
    assert lines[0].startswith("== ") and "t=12s" in lines[0]
    top = next(line for line in lines[1:] if " KiB " in line)  # after any cache summary lines
    assert "test_memtrace.py" in top
    grown_kib = float(top.split()[0])
    assert grown_kib >= blocks * 1000 / 1024  # at least the payload itself
    assert any(line.startswith("-- ") for line in lines)


def test_start_from_env_writes_reports(tracing: None, tmp_path: Path) -> None:
    out = tmp_path / "heap.txt"
    env = {"POSTBOT_TRACEMALLOC": str(out), "POSTBOT_TRACEMALLOC_EVERY": "0.05"}
    assert memtrace.start_from_env(env) is True
    assert tracemalloc.is_tracing()
    kept: list[bytes] = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (out.exists() and out.read_text().count("== ")):
        _grow(kept, 50)
        time.sleep(0.05)
    assert out.read_text().startswith("== ")


class _Holder:  # a postbot-looking object: the census reads attributes of postbot.* classes
    pass


_Holder.__module__ = "postbot.fake"


@pytest.mark.parametrize("entries", [150, 2000])
def test_census_counts_objects_and_large_postbot_containers(entries: int) -> None:
    holder = _Holder()
    holder.seen = {str(i): i for i in range(entries)}  # type: ignore[attr-defined]
    holder.few = [1, 2, 3]  # type: ignore[attr-defined]
    types, sizes = memtrace.census()
    assert types["_Holder"] >= 1
    found = dict(sizes)
    assert found["_Holder.seen"] >= entries
    assert "_Holder.few" not in found  # small containers are left out


def test_census_from_env_writes_lines_without_tracing(tmp_path: Path) -> None:
    out = tmp_path / "census.txt"
    env = {"POSTBOT_MEMCENSUS": str(out), "POSTBOT_TRACEMALLOC_EVERY": "0.05"}
    try:
        assert memtrace.start_from_env(env) is False  # tracemalloc itself stays off
        assert not tracemalloc.is_tracing()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (out.exists() and "sizes:" in out.read_text()):
            time.sleep(0.05)
    finally:
        memtrace.CENSUS_STOP.set()
    lines = out.read_text().splitlines()
    assert lines[0].startswith("== t=") and " blocks=" in lines[0] and " objects=" in lines[0]
    assert lines[1].startswith("grown: ") and lines[2].startswith("sizes: ")


def test_pymalloc_stats_follow_small_objects() -> None:
    before = memtrace.pymalloc_stats()
    if not before:
        pytest.skip("this Python has no sys._debugmallocstats")
    kept = [(i, str(i)) for i in range(300_000)]  # small objects: pymalloc's own
    after = memtrace.pymalloc_stats()
    assert float(after["allocated"]) - float(before["allocated"]) >= 300_000 * 56 / 1024 / 1024
    assert int(after["arenas"]) > int(before["arenas"])
    assert float(after["total"]) >= float(after["allocated"])  # arenas hold the blocks
    assert len(kept) == 300_000
