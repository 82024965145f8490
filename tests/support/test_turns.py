"""Turns: shared turns overlap, an `alone` turn waits for them and keeps new ones out."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from support.turns import turn

WAIT = 5.0


def _hold(directory: Path, alone: bool, entered: threading.Event, leave: threading.Event) -> None:
    with turn(directory, alone=alone):
        entered.set()
        leave.wait(WAIT)


Held = tuple[threading.Thread, threading.Event, threading.Event]


def _start(directory: Path, alone: bool) -> Held:
    entered, leave = threading.Event(), threading.Event()
    thread = threading.Thread(target=_hold, args=(directory, alone, entered, leave))
    thread.start()
    return thread, entered, leave


def test_shared_turns_run_together(tmp_path: Path) -> None:
    first, first_in, first_out = _start(tmp_path, alone=False)
    second, second_in, second_out = _start(tmp_path, alone=False)
    assert first_in.wait(WAIT) and second_in.wait(WAIT)
    first_out.set()
    second_out.set()
    first.join()
    second.join()


def test_an_alone_turn_waits_for_running_ones_and_keeps_new_ones_out(tmp_path: Path) -> None:
    running, running_in, running_out = _start(tmp_path, alone=False)
    assert running_in.wait(WAIT)
    alone, alone_in, alone_out = _start(tmp_path, alone=True)
    time.sleep(0.2)
    assert not alone_in.is_set(), "the alone turn started beside a running test"
    late, late_in, late_out = _start(tmp_path, alone=False)
    time.sleep(0.2)
    assert not late_in.is_set(), "a new test slipped in before the waiting alone turn"
    running_out.set()
    assert alone_in.wait(WAIT)
    time.sleep(0.2)
    assert not late_in.is_set(), "a test started while the alone turn ran"
    alone_out.set()
    assert late_in.wait(WAIT)
    late_out.set()
    for thread in (running, alone, late):
        thread.join()
