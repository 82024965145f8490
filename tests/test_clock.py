"""The clock: real UTC time, moved forward by an offset file named at process start."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from postbot import clock
from postbot.cli import main

CONFIG = Path(__file__).resolve().parent.parent / "config" / "postbot.yaml"


@pytest.fixture(autouse=True)
def _real_time_after() -> Iterator[None]:
    yield
    clock.use_offset_file(None)  # the setting is process-wide: leave none for later tests


def test_without_an_offset_file_it_is_the_real_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.OFFSET_FILE_ENV, raising=False)
    clock.configure_from_environment()
    before = datetime.now(UTC)
    now = clock.utcnow()
    assert now.tzinfo is not None and before <= now <= datetime.now(UTC)


def test_the_offset_file_moves_it_and_is_read_again_when_it_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "offset"
    path.write_text("3600", encoding="utf-8")
    monkeypatch.setenv(clock.OFFSET_FILE_ENV, str(path))
    clock.configure_from_environment()
    shifted = clock.utcnow() - datetime.now(UTC)
    assert timedelta(minutes=59) < shifted <= timedelta(hours=1)
    path.write_text("-60.5", encoding="utf-8")
    shifted = clock.utcnow() - datetime.now(UTC)
    assert timedelta(seconds=-61) < shifted <= timedelta(seconds=-60)


def test_an_unreadable_offset_is_the_real_time_and_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "offset"
    path.write_text("an hour", encoding="utf-8")
    monkeypatch.setenv(clock.OFFSET_FILE_ENV, str(path))
    clock.configure_from_environment()
    with caplog.at_level(logging.WARNING, logger="postbot.clock"):
        assert abs(clock.utcnow() - datetime.now(UTC)) < timedelta(seconds=1)
    assert "unreadable" in caplog.text
    monkeypatch.setenv(clock.OFFSET_FILE_ENV, str(tmp_path / "missing"))
    clock.configure_from_environment()
    assert abs(clock.utcnow() - datetime.now(UTC)) < timedelta(seconds=1)


def test_the_environment_is_read_once_not_on_every_call(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "offset"
    path.write_text("3600", encoding="utf-8")
    monkeypatch.delenv(clock.OFFSET_FILE_ENV, raising=False)
    clock.configure_from_environment()
    monkeypatch.setenv(clock.OFFSET_FILE_ENV, str(path))
    assert abs(clock.utcnow() - datetime.now(UTC)) < timedelta(seconds=1)
    clock.configure_from_environment({clock.OFFSET_FILE_ENV: str(path)})
    assert clock.utcnow() - datetime.now(UTC) > timedelta(minutes=59)
    monkeypatch.delenv(clock.OFFSET_FILE_ENV)
    assert clock.utcnow() - datetime.now(UTC) > timedelta(minutes=59)


def test_main_takes_the_offset_file_from_the_environment_at_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "offset"
    path.write_text("7200", encoding="utf-8")
    monkeypatch.setenv(clock.OFFSET_FILE_ENV, str(path))
    assert main(["check-config", str(CONFIG)]) == 0
    assert clock.utcnow() - datetime.now(UTC) > timedelta(minutes=119)
