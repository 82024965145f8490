"""One `postbot run` per database (issue 16): a second one refuses with one line; workers are
unaffected; the first one goes on answering once per command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.botapi import BotApiDouble
from support.process import BotProcess, Say, bot_process, converse, run_cli

pytestmark = pytest.mark.e2e


def _verdict_lines(stderr: str) -> list[str]:
    return [
        line
        for line in stderr.splitlines()
        if line.strip() and not re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", line)
    ]


def _second_run_refused(process: BotProcess, tmp_path: Path) -> str:
    done = run_cli(process.args, env=process.env, cwd=tmp_path, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = _verdict_lines(done.stderr)
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_a_second_run_on_sqlite_refuses_and_the_first_answers_once(
    tmp_path: Path, bot: BotProcess, double: BotApiDouble, config: Path
) -> None:
    second = bot_process(tmp_path, double.url, config, name="second")  # same postbot.db
    assert second.db_url == bot.db_url
    line = _second_run_refused(second, tmp_path)
    assert "another postbot run is already serving postbot.db" in line
    assert f"pid {bot.proc.pid if bot.proc else 0}" in line
    # the first one still serves, alone: one reply per command
    replies = converse(double, [Say(5101, "/help")])
    assert len(replies[5101]) == 1
    assert bot.alive()
    # once it has stopped, a new run starts on the same file
    bot.stop()
    again = bot_process(tmp_path, double.url, config, name="again").start()
    try:
        double.wait_for(lambda d: d.active_polls > 0, timeout=30, what="the new run long-polls")
    finally:
        again.stop()


def test_on_postgresql_a_second_run_refuses_but_workers_start(
    tmp_path: Path, double: BotApiDouble, config: Path, pg_url: str
) -> None:
    run = bot_process(tmp_path, double.url, config, database_url=pg_url, name="run")
    worker = bot_process(
        tmp_path, double.url, config, command=("worker",), database_url=pg_url, name="w1"
    )
    try:
        run.start()
        double.wait_for(lambda d: d.active_polls > 0, timeout=30, what="run long-polls")
        worker.start()
        double.wait_for(
            lambda d: "postbot worker started" in worker.logs(), timeout=30, what="worker"
        )
        second = bot_process(tmp_path, double.url, config, database_url=pg_url, name="second")
        line = _second_run_refused(second, tmp_path)
        assert "another postbot run is already serving this database" in line
        assert "postbot run (long polling)" in line
        assert worker.alive() and run.alive()
    finally:
        for process in (worker, run):
            if process.alive():
                assert process.stop() == 0, process.logs()[-2000:]
