"""`postbot trend` on the sample data (bench/trend_sample.py): a PNG file and its caption."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime
from pathlib import Path

import matplotlib.image
import pytest

from bench.trend_sample import seed
from postbot.cli import main
from postbot.store.db import make_engine, upgrade_engine

CONFIG = Path(__file__).resolve().parent.parent / "config" / "postbot.yaml"


@pytest.fixture
def sample_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "sample.db"
    stored = seed(f"sqlite:///{db}", 30, random.Random(15), datetime.now(UTC))
    assert stored > 150
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    return db


def test_trend_writes_the_chart_and_prints_its_caption(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "chart.png"
    args = ["trend", "--config", str(CONFIG), "--topic", "isis", "--days", "30", "--out", str(out)]
    assert main(args) == 0
    image = matplotlib.image.imread(io.BytesIO(out.read_bytes()), format="png")
    assert image.shape[:2] == (672, 1200)
    printed = capsys.readouterr().out
    assert printed.startswith("📈 موضوع «داعش»: ")
    assert "أكثر الأيام:" in printed and "<b>" not in printed and "&" not in printed
    assert f"chart written to {out}" in printed
    english = tmp_path / "en.png"
    query = ["--query", '"عين الأسد"', "--lang", "en", "--days", "90", "--out", str(english)]
    assert main(["trend", "--config", str(CONFIG), *query]) == 0
    assert english.read_bytes().startswith(b"\x89PNG")
    assert 'query “"عين الأسد"”' in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(["--topic", "nope"], 2, "unknown topic 'nope'", id="unknown-topic"),
        pytest.param(["--query", "(داعش"], 2, "bad query", id="bad-query"),
        pytest.param(["--topic", "isis", "--tz", "Mars/Base"], 2, "unknown time zone", id="bad-tz"),
        pytest.param(["--query", "كلمةلاتردأبداً"], 1, "No stories matched", id="nothing"),
    ],
)
def test_trend_refuses_clearly_and_writes_nothing(
    sample_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    out = tmp_path / "chart.png"
    argv = ["trend", "--config", str(CONFIG), "--lang", "en", "--out", str(out), *args]
    assert main(argv) == code
    captured = capsys.readouterr()
    assert message in captured.err + captured.out
    assert not out.exists()


def test_trend_brings_an_older_database_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database an older postbot left (before the search index, 0009) is upgraded, as `run`
    does, instead of failing with a traceback."""
    db = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{db}")
    try:
        upgrade_engine(engine, "0008")
    finally:
        engine.dispose()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    out = tmp_path / "chart.png"
    argv = ["trend", "--config", str(CONFIG), "--topic", "isis", "--out", str(out)]
    assert main(argv) == 1  # nothing stored yet: said so (Arabic by default), no file
    assert capsys.readouterr().out.startswith("📭 لا أخبار تطابق موضوع «داعش»")
    assert not out.exists()


@pytest.mark.parametrize(
    ("tz", "label"),
    [
        ("بغداد", "Asia/Baghdad"),
        ("London", "Europe/London"),
        ("UTC+3", "UTC+03"),
        ("asia/damascus", "Asia/Damascus"),
    ],
)
def test_trend_reads_the_zone_as_tz_does(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], tz: str, label: str
) -> None:
    """--tz takes what /tz takes: IANA names in any case, city names, UTC offsets."""
    out = tmp_path / "chart.png"
    argv = ["trend", "--config", str(CONFIG), "--topic", "isis", "--tz", tz, "--out", str(out)]
    assert main(argv) == 0
    assert label in capsys.readouterr().out
