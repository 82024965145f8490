"""The clock: real UTC time, moved forward by an offset file when one is named."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from postbot import clock


def test_without_an_offset_file_it_is_the_real_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.OFFSET_FILE_ENV, raising=False)
    before = datetime.now(UTC)
    now = clock.utcnow()
    assert now.tzinfo is not None and before <= now <= datetime.now(UTC)


def test_the_offset_file_moves_it_and_is_read_again_when_it_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "offset"
    path.write_text("3600", encoding="utf-8")
    monkeypatch.setenv(clock.OFFSET_FILE_ENV, str(path))
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
    with caplog.at_level(logging.WARNING, logger="postbot.clock"):
        assert abs(clock.utcnow() - datetime.now(UTC)) < timedelta(seconds=1)
    assert "unreadable" in caplog.text
    monkeypatch.setenv(clock.OFFSET_FILE_ENV, str(tmp_path / "missing"))
    assert abs(clock.utcnow() - datetime.now(UTC)) < timedelta(seconds=1)
