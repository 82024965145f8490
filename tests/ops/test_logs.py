"""The bot token never reaches a log line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from postbot.ops.logs import RedactingFilter, setup_logging

TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"


@pytest.mark.parametrize(
    ("message", "args"),
    [
        pytest.param("HTTP Request: POST https://api.telegram.org/bot%s/getMe", (TOKEN,), id="url"),
        pytest.param("token is %s", (TOKEN,), id="bare-given-secret"),
        pytest.param(f"failed: bot{TOKEN}/sendMessage", (), id="in-message"),
    ],
)
def test_token_is_redacted(message: str, args: tuple[object, ...]) -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, message, args, None)
    assert RedactingFilter((TOKEN,)).filter(record)
    assert TOKEN not in record.getMessage()
    assert "redacted" in record.getMessage()


def test_other_messages_untouched() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "feed %s: %d items", ("bbc", 3), None
    )
    RedactingFilter((TOKEN,)).filter(record)
    assert record.getMessage() == "feed bbc: 3 items"


def test_setup_logging_quiets_httpx(capfd: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        setup_logging("DEBUG", (TOKEN,))
        assert logging.getLogger("httpx").level == logging.WARNING
        logging.getLogger("postbot.test").warning("calling bot%s/getMe", TOKEN)
        err = capfd.readouterr().err
        assert "getMe" in err and TOKEN not in err
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        logging.getLogger("httpx").setLevel(logging.NOTSET)


def test_token_in_an_exception_is_redacted_in_the_traceback() -> None:
    # PTB's InvalidToken says "The token `<token>` was rejected by the server."
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "start failed", (), None)
        import sys

        record.exc_info = sys.exc_info()
    assert RedactingFilter((TOKEN,)).filter(record)
    text = logging.Formatter().format(record)
    assert "Traceback" in text and "was rejected" in text
    assert TOKEN not in text and TOKEN.split(":")[1] not in text


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_context_ids_are_in_every_line(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from postbot.ops.logs import ctx

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    quiet = ("httpx", "httpcore", "telegram.ext.ExtBot", "apscheduler", "alembic.runtime.plugins")
    levels = {name: logging.getLogger(name).level for name in quiet}
    setup_logging("INFO", (TOKEN,), fmt)
    try:
        logging.getLogger("postbot.test").info(
            "sent with bot%s", TOKEN, extra=ctx(chat_id=42, story_id=7, feed_id=None)
        )
    finally:
        # the handler writes to this test's captured stderr, closed after it: put back the
        # handlers pytest had, or later log records from other threads fail to write
        root.handlers[:], root.level = saved
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert TOKEN not in line
    if fmt == "json":
        record = json.loads(line)
        assert record["chat_id"] == 42 and record["story_id"] == 7 and "feed_id" not in record
        assert record["level"] == "INFO" and "redacted" in record["message"]
    else:
        assert line.endswith("chat_id=42 story_id=7")


# ------------------------------------------------------------------ URL credentials


@pytest.mark.parametrize(
    ("text", "hidden", "kept"),
    [
        pytest.param("http://user:secret@127.0.0.1:9/x", ["secret", "user"], "127.0.0.1:9/x"),
        pytest.param("https://u:p%40ss%3Aw0rd@feeds.example/rss", ["p%40ss"], "feeds.example"),
        pytest.param("http://:secret@host/", ["secret"], "@host/", id="password-only"),
        pytest.param("http://secret@host/", ["secret"], "@host/", id="user-only"),
        pytest.param("http://user:se@cr@et@host/", ["se@", "cr@", "et@h"], "@host/", id="bare-@"),
        pytest.param("HTTPS://USER:SECRET@HOST/", ["SECRET"], "@HOST/", id="upper-case"),
        pytest.param("postgresql://bot:secret@db:5432/x", ["secret"], "@db:5432/x", id="dsn"),
        pytest.param("http://u:secret@[::1]:8080/feed", ["secret"], "@[::1]:8080", id="ipv6"),
        pytest.param(
            "feed a: http://a:secret1@x/ and b: https://b:secret2@y/",
            ["secret1", "secret2"],
            "and b: https://",
            id="two-urls",
        ),
        pytest.param("refusing 'http://u:secret@h/' now", ["secret"], "@h/' now", id="quoted"),
        pytest.param(
            f"https://api.example/bot{TOKEN}/getMe", [TOKEN.split(":")[1]], "/getMe", id="token"
        ),
        pytest.param(
            f"https://api.example/bot{TOKEN.replace(':', '%3A')}/getMe",
            [TOKEN.split(":")[1]],
            "/getMe",
            id="token-quoted",
        ),
        pytest.param(
            f"http://u:secret@api.example/bot{TOKEN}/x",
            ["secret", TOKEN.split(":")[1]],
            "api.example/bot<redacted>/x",
            id="both",
        ),
    ],
)
def test_url_credentials_are_redacted(text: str, hidden: list[str], kept: str) -> None:
    from postbot.ops.logs import redact_text

    clean = redact_text(text)
    assert not [h for h in hidden if h in clean], clean
    assert kept in clean


@pytest.mark.parametrize(
    "text",
    [
        "https://mastodon.social/@news.rss",
        "https://example.com/feed?author=a@b.c",
        "write to news@example.com",
        "feed bbc: 3 items",
        "http://127.0.0.1:9/feed",
    ],
)
def test_urls_without_credentials_are_untouched(text: str) -> None:
    from postbot.ops.logs import redact_text, redact_url

    assert redact_text(text) == text
    if "://" in text:
        assert redact_url(text) == text


@pytest.mark.parametrize(
    ("message", "args"),
    [
        pytest.param("feed %s failed", ("http://u:secret@feeds.example/rss",), id="arg"),
        pytest.param("GET https://x:secret@a.example/ -> 500", (), id="in-message"),
        pytest.param("%s", (ValueError("bad http://u:secret@h/"),), id="exception-arg"),
    ],
)
def test_filter_masks_url_credentials_in_records(message: str, args: tuple[object, ...]) -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, message, args, None)
    assert RedactingFilter(()).filter(record)
    assert "secret" not in record.getMessage()


def test_filter_masks_url_credentials_in_a_traceback() -> None:
    import sys

    try:
        raise ConnectionError("cannot reach http://admin:secret@127.0.0.1:1/bot")
    except ConnectionError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    assert RedactingFilter(()).filter(record)
    text = logging.Formatter().format(record)
    assert "Traceback" in text and "secret" not in text and "127.0.0.1:1" in text


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:  # free a moment ago, nobody listening
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("api_url", "shown"),
    [
        pytest.param("http://user:secret@127.0.0.1:{port}", "http://***@", id="user-password"),
        pytest.param(
            "http://user:s%40cret%2Fsecret@127.0.0.1:{port}", "http://***@", id="percent-encoded"
        ),
        pytest.param("http://secret@127.0.0.1:{port}", "http://***@", id="user-only"),
        pytest.param(
            "https://:secret@127.0.0.1:{port}/proxy/telegram", "https://***@", id="with-path"
        ),
        pytest.param("http://user:se/cret@127.0.0.1:{port}", "http://<redacted>@", id="bare-/"),
        pytest.param("http://u:pa#secret@127.0.0.1:{port}", "http://***@", id="bare-#"),
        pytest.param("user:secret@127.0.0.1:{port}", "***@", id="no-scheme"),
    ],
)
def test_startup_error_about_the_bot_api_url_hides_credentials(
    capfd: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    api_url: str,
    shown: str,
) -> None:
    from postbot.cli import main

    config = Path(__file__).resolve().parent.parent.parent / "config" / "postbot.yaml"
    port = _closed_port()
    monkeypatch.chdir(tmp_path)
    for var in ("POSTBOT_CONFIG", "POSTBOT_ADMINS", "LOG_FORMAT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/run.db")
    monkeypatch.setenv("TELEGRAM_API_URL", api_url.format(port=port))
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")  # every line that could mention the URL
    monkeypatch.setattr("postbot.ops.logs._MASKED", ())  # main adds the URL's; not for later tests
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    quiet = ("httpx", "httpcore", "telegram.ext.ExtBot", "apscheduler", "alembic.runtime.plugins")
    levels = {name: logging.getLogger(name).level for name in quiet}
    try:
        assert main(["run", "--config", str(config)]) == 1
    finally:
        root.handlers[:], root.level = saved
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    captured = capfd.readouterr()
    everything = captured.out + captured.err
    assert f"cannot reach the Bot API at {shown}127.0.0.1:{port}" in everything
    assert "secret" not in everything and "cret" not in everything
    assert TOKEN not in everything


@pytest.mark.e2e
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_real_postbot_run_never_prints_the_bot_api_password(tmp_path: Path, fmt: str) -> None:
    from support.process import bot_process, run_cli

    config = Path(__file__).resolve().parent.parent.parent / "config" / "postbot.yaml"
    api_url = f"http://proxy-user:secret%2Fpass@127.0.0.1:{_closed_port()}"
    process = bot_process(
        tmp_path, api_url, config, token=TOKEN, env={"LOG_LEVEL": "DEBUG", "LOG_FORMAT": fmt}
    )
    done = run_cli(process.args, env=process.env, cwd=tmp_path)
    everything = done.stdout + done.stderr
    assert done.returncode == 1, everything
    assert "cannot reach the Bot API at http://***@127.0.0.1:" in everything
    assert "secret" not in everything and "proxy-user" not in everything
    assert TOKEN.split(":")[1] not in everything


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("https://api.telegram.org", []),
        ("http://user:secret@proxy:8080", ["user:secret", "secret"]),
        ("http://user:p%40ss@proxy", ["user:p%40ss", "user:p@ss", "p%40ss", "p@ss"]),
        ("http://user:se/cret@proxy", ["user:se/cret", "se/cret", "cret"]),
        ("user:secret@proxy", ["user:secret", "secret"]),
        ("http://a:b@proxy", []),  # too short to mask everywhere; the URL form is still masked
    ],
)
def test_url_secrets(url: str, masked: list[str]) -> None:
    from postbot.ops.logs import url_secrets

    secrets = url_secrets(url)
    assert set(masked) <= set(secrets)
    assert all(len(s) >= 3 for s in secrets)
    assert list(secrets) == sorted(secrets, key=len, reverse=True)


@pytest.mark.parametrize(
    "text",
    [
        "a." * 200_000,
        "a." * 200_000 + "http://",
        "a://" * 100_000,
        "http://" + "x" * 400_000,
        "bot1:" * 100_000,
    ],
    ids=[
        "dotted-words",
        "dotted-words-and-url",
        "many-schemes",
        "long-authority",
        "token-prefixes",
    ],
)
def test_redaction_is_linear_on_hostile_messages(text: str) -> None:
    import time

    from postbot.ops.logs import redact_text

    started = time.perf_counter()
    redact_text(text)
    assert time.perf_counter() - started < 3.0  # quadratic: hours; linear: ~0.3 s


def test_mask_everywhere_reaches_every_filter_and_call(monkeypatch: pytest.MonkeyPatch) -> None:
    from postbot.ops.logs import mask_everywhere, redact_text

    monkeypatch.setattr("postbot.ops.logs._MASKED", ())
    mask_everywhere(["proxy:pa/ss", "", "pa/ss"])
    assert redact_text("port 'pa/ss' of proxy:pa/ss") == "port '<redacted>' of <redacted>"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "via %s", ("proxy:pa/ss",), None)
    RedactingFilter(()).filter(record)  # a filter made before or after: the same
    assert record.getMessage() == "via <redacted>"
