"""The bot token never reaches a log line."""

from __future__ import annotations

import logging

import pytest

from postbot.logs import RedactingFilter, setup_logging

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

    from postbot.logs import ctx

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
