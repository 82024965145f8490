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
