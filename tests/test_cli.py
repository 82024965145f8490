"""`postbot` commands end to end: scan over files and over HTTP, check-config, db upgrade."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from postbot.cli import build_parser, main, parse_listen, webhook_secret
from postbot.config.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
FEEDS = ROOT / "tests" / "fixtures" / "feeds"
CONFIG = ROOT / "config" / "postbot.yaml"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in (
        "TELEGRAM_BOT_TOKEN",
        "DATABASE_URL",
        "POSTBOT_CONFIG",
        "POSTBOT_ADMINS",
        "TELEGRAM_WEBHOOK_SECRET",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env, no postbot.db in the checkout


def _scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    code = main(["scan", "--config", str(CONFIG), "--format", "jsonl", *args])
    out = capsys.readouterr().out
    return code, [json.loads(line) for line in out.splitlines() if line.strip()]


def _by_link(records: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    return {r["link"]: r for r in records}


@pytest.mark.parametrize("name", ["sample-ar.xml", "sample-ar-cp1256.xml", "sample-ar-atom.xml"])
def test_scan_flags_the_seed_article(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, records = _scan(capsys, "--feed", str(FEEDS / name), "--all")
    assert code == 0
    assert len(records) == 6
    seed = _by_link(records)["https://gulfnews24.net/?p=72966"]
    assert seed["topics"] == ["ain_al_asad", "troop_numbers", "isis"]
    counts = [(c["low"], c["high"], c["text"]) for c in seed["troop_counts"]]  # type: ignore[attr-defined, index]
    assert (250, 300, "نحو 250–300 مستشار") in counts
    assert (2000, 2000, "أقل من 2000 عنصر") in counts
    assert (None, None, "آلاف المستشارين") in counts
    assert "عين الأسد" in seed["terms"]  # type: ignore[operator]
    assert "داعش" in seed["terms"]  # type: ignore[operator]
    assert seed["published"] == "2026-11-27T17:20:00+00:00"
    summary = str(seed["summary"])
    assert 40 < len(summary) <= 700
    assert "عين الأسد" in summary


def test_scan_leaves_traps_alone(capsys: pytest.CaptureFixture[str]) -> None:
    _, records = _scan(capsys, "--feed", str(FEEDS / "sample-ar.xml"), "--all")
    by_link = _by_link(records)
    for link in (
        "https://example.org/news/1005",
        "https://example.org/news/1003",
        "https://example.org/news/1001",
    ):
        assert by_link[link]["topics"] == [], by_link[link]["title"]
        assert by_link[link]["troop_counts"] == []
    assert by_link["https://example.org/news/1002"]["topics"] == ["isis"]
    troops = by_link["https://example.org/news/1004"]
    assert troops["topics"] == ["troop_numbers"]
    assert troops["troop_counts"][0]["low"] == 2500  # type: ignore[index]


def test_scan_without_all_prints_only_matches(capsys: pytest.CaptureFixture[str]) -> None:
    _, records = _scan(capsys, "--feed", str(FEEDS / "real-bbc-world-en.xml"))
    assert records == []  # "crisis" is not ISIS


def test_scan_watch_query(capsys: pytest.CaptureFixture[str]) -> None:
    _, records = _scan(
        capsys, "--feed", str(FEEDS / "sample-ar.xml"), "--watch", "الأنواء OR مزاد*"
    )
    assert sorted(str(r["link"]) for r in records if r["watches"]) == [
        "https://example.org/news/1001",
        "https://example.org/news/1003",
    ]
    assert all(r["watches"] == ["الأنواء OR مزاد*"] for r in records if r["watches"])


def test_scan_bad_watch_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "scan",
            "--config",
            str(CONFIG),
            "--feed",
            str(FEEDS / "sample-ar.xml"),
            "--watch",
            '"عين الأسد',
        ]
    )
    assert code == 2
    assert "unclosed quotation mark" in capsys.readouterr().err


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/feed.xml":
            body = (FEEDS / "sample-ar-cp1256.xml").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_scan_over_http_one_bad_feed_does_not_stop_others(
    capsys: pytest.CaptureFixture[str], server: str
) -> None:
    code = main(
        [
            "scan",
            "--config",
            str(CONFIG),
            "--format",
            "jsonl",
            "--feed",
            f"{server}/broken",
            "--feed",
            f"{server}/feed.xml",
        ]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "HTTP 500" in captured.err
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert {r["feed"] for r in records} == {"feed"}
    assert any(r["topics"] == ["ain_al_asad", "troop_numbers", "isis"] for r in records)


def test_scan_text_format_shows_the_alert(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--config", str(CONFIG), "--feed", str(FEEDS / "sample-ar.xml")]) == 0
    out = capsys.readouterr().out
    assert "🔔 قاعدة عين الأسد" in out
    assert "اقرأ الخبر" in out
    assert "https://gulfnews24.net/?p=72966" in out
    assert "بشار الأسد" not in out


def test_check_config_ok_and_bad(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["check-config", str(CONFIG)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("feeds:\n  - id: Bad Id\n    name: x\n    url: ftp://x\n", encoding="utf-8")
    assert main(["check-config", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:" in err
    assert f"{bad}:4:" in err


def test_db_upgrade_on_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "x.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    assert main(["db", "upgrade"]) == 0
    assert db.exists() and db.stat().st_size > 0


def test_run_refuses_without_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--config", str(CONFIG)]) == 1
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_run_with_an_unreachable_bot_api_says_so_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'run.db'}")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:9")  # discard port: refused
    assert main(["run", "--config", str(CONFIG)]) == 1
    captured = capsys.readouterr()
    assert "cannot reach the Bot API at http://127.0.0.1:9" in captured.err
    assert token not in captured.out + captured.err
    assert (tmp_path / "run.db").exists()  # migrations ran before the bot started


def test_run_refuses_an_invalid_config(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef")
    bad = tmp_path / "bad.yaml"
    bad.write_text("feeds: 3\n", encoding="utf-8")
    assert main(["run", "--config", str(bad)]) == 1
    assert f"{bad}:1:" in capsys.readouterr().err


@pytest.mark.e2e
def test_scan_into_a_closed_pipe_stops_without_a_traceback() -> None:
    import subprocess
    import sys

    sample = str(ROOT / "tests" / "fixtures" / "feeds" / "sample-ar.xml")
    feeds = [arg for _ in range(60) for arg in ("--feed", sample)]  # more than a pipe holds
    proc = subprocess.Popen(
        [sys.executable, "-m", "postbot", "scan", "--config", str(CONFIG), "--all", *feeds],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10)
    proc.stdout.close()  # like `| head -c 10`
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 1
    assert "Traceback" not in err and "BrokenPipe" not in err


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("9100", ("127.0.0.1", 9100), id="port-only-is-loopback"),
        pytest.param("127.0.0.1:9100", ("127.0.0.1", 9100), id="loopback"),
        pytest.param("0.0.0.0:9100", ("0.0.0.0", 9100), id="all-interfaces"),
        pytest.param("[::1]:9100", ("::1", 9100), id="ipv6"),
        pytest.param("metrics.internal:0", ("metrics.internal", 0), id="name-any-port"),
    ],
)
def test_metrics_listen_values(value: str, expected: tuple[str, int]) -> None:
    assert parse_listen(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", ":9100", "host:", "host:port", "host:70000", "host:-1", "9100x", "1_2", "+12", "²"],
)
def test_bad_metrics_listen_values_are_usage_errors(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["worker", "--metrics-listen", value])
    assert exit_info.value.code == 2
    assert "--metrics-listen" in capsys.readouterr().err


def test_metrics_port_and_listen_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--metrics-port", "1", "--metrics-listen", "a:1"])
    assert "not allowed with" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("env", "flag", "expected"),
    [
        pytest.param("from-env", None, "from-env", id="env"),
        pytest.param("from-env", "from-flag", "from-env", id="env-wins-over-flag"),
        pytest.param(None, "from-flag", "from-flag", id="deprecated-flag"),
    ],
)
def test_webhook_secret_sources(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    env: str | None,
    flag: str | None,
    expected: str,
) -> None:
    if env:
        monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", env)
    else:
        monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    args = build_parser().parse_args(
        ["run", "--webhook-url", "https://x.example/hook", *(["--secret", flag] if flag else [])]
    )
    with caplog.at_level("WARNING"):
        assert webhook_secret(args, load_settings()) == expected
    assert bool(flag) == any("--secret" in r.getMessage() for r in caplog.records)


def test_a_generated_webhook_secret_is_strong_and_fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    args = build_parser().parse_args(["run", "--webhook-url", "https://x.example/hook"])
    made = {webhook_secret(args, load_settings()) for _ in range(20)}
    assert len(made) == 20
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32,256}", s) for s in made)


@pytest.mark.parametrize("flag", ["has space", "x" * 300, "a/b"])
def test_a_bad_secret_flag_is_refused(
    flag: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef")
    code = main(["run", "--config", str(CONFIG), "--webhook-url", "https://x/h", "--secret", flag])
    assert code == 1
    err = capsys.readouterr().err
    assert "--secret: the webhook secret must be" in err and flag not in err


def test_scan_text_output_has_no_direction_marks(capsys: pytest.CaptureFixture[str]) -> None:
    """The terminal lays the text out itself: the isolates a Telegram alert carries stay out."""
    assert main(["scan", "--config", str(CONFIG), "--feed", str(FEEDS / "sample-ar.xml")]) == 0
    out = capsys.readouterr().out
    assert "المصدر: sample-ar · 2026-11-27 17:20 UTC" in out
    assert not set(out) & set("\u200e\u200f\u2066\u2067\u2068\u2069")
