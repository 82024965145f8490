"""Logging set-up: text or JSON lines, quiet HTTP libraries, and the bot token never written out.

Log calls about a feed, a chat or a story pass those ids as `extra` (see `ctx`); the text format
appends them as `key=value`, the JSON format (LOG_FORMAT=json) puts them in fields of their own,
so the logs of several processes can be searched by feed, chat or story.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

# httpx logs request URLs, and Telegram's carry the token: /bot<id>:<secret>/method (the
# colon may come percent-encoded when a URL was quoted once more)
_TOKEN_IN_URL = re.compile(r"bot\d+(?::|%3[Aa])[A-Za-z0-9_-]{20,}")
# user:password@ after any scheme://, up to the last @ before the path. Quotes, brackets and
# spaces end it so that a message quoting a URL next to an address is not swallowed whole. The
# scheme's length is bounded: unbounded, "a.a.a.a..." in a long message costs quadratic time.
_USERINFO_IN_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]{0,31}://)[^\s/<>\"'`]*@")


_FORMATTER = logging.Formatter()
# Secrets of this process masked in every redaction, whoever calls it and however often logging
# is set up again (see mask_everywhere)
_MASKED: tuple[str, ...] = ()


def mask_everywhere(secrets: Iterable[str]) -> None:
    """Mask `secrets` in every later `redact_text` and log line of this process (once, in main)."""
    global _MASKED
    _MASKED = tuple({*_MASKED, *(s for s in secrets if s)})


def redact_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` with the userinfo of every URL in it, bot tokens and `secrets` masked.

    For anything that may print or log a URL: start-up errors, feed errors, admin notices.
    """
    clean = _USERINFO_IN_URL.sub(r"\1***@", text) if "://" in text else text
    clean = _TOKEN_IN_URL.sub("bot<redacted>", clean)
    # longest first: a secret inside another would otherwise leave the rest of the longer one
    for secret in sorted({*secrets, *_MASKED}, key=len, reverse=True):
        if secret:
            clean = clean.replace(secret, "<redacted>")
    return clean


def redact_url(url: str) -> str:
    """The URL without its user:password@ part and with any bot token masked."""
    clean = redact_text(url)
    if "://" not in clean:  # "user:pass@host/path": the scheme was forgotten, not the password
        head, sep, tail = clean.partition("/")
        if "@" in head:
            clean = "***@" + head.rsplit("@", 1)[1] + sep + tail
    return clean


_URL_DELIMITERS = re.compile(r"[/?#:@\[\]]")
_SHORTEST_SECRET = 3  # shorter pieces would mask letters all over the log, and guard nothing


def url_secrets(url: str) -> tuple[str, ...]:
    """The credential strings inside a configured URL (user:password, the password; as written
    and percent-decoded), to mask wherever they appear, even where the URL is too malformed
    (a `/` in the password, no scheme) for `redact_text` to find its userinfo."""
    rest = url.split("://", 1)[1] if "://" in url else url
    if "@" not in rest:
        return ()
    userinfo = rest.rsplit("@", 1)[0]
    password = userinfo.split(":", 1)[1] if ":" in userinfo else userinfo
    pieces = {userinfo, unquote(userinfo), password, unquote(password)}
    # an unencoded / ? # splits the URL inside the password, and errors quote the fragments
    pieces.update(_URL_DELIMITERS.split(password))
    # longest first: masking the password first would leave "user:<redacted>" unmatched
    return tuple(sorted((p for p in pieces if len(p) >= _SHORTEST_SECRET), key=len, reverse=True))


class RedactingFilter(logging.Filter):
    """Masks the bot token (given, or any that looks like one) and URL credentials in every
    record."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def redact(self, text: str) -> str:
        """`text` with every secret and token-shaped string masked."""
        return redact_text(text, self._secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message and traceback with secrets masked; never drops one."""
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            # the formatter would print the exception's text unfiltered (PTB's InvalidToken
            # quotes the token): format it here, masked, and the formatter reuses exc_text
            record.exc_text = self.redact(_FORMATTER.formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


CONTEXT = ("feed_id", "chat_id", "story_id", "story_key", "delivery_id")


def ctx(**ids: object) -> dict[str, Any]:
    """`extra=` for a log call: the feed, chat, story or delivery it is about."""
    return {k: v for k, v in ids.items() if v is not None}


class TextFormatter(logging.Formatter):
    """`time LEVEL logger: message key=value ...`."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        """The line, with the record's context ids appended."""
        line = super().formatMessage(record)
        pairs = [f"{k}={getattr(record, k)}" for k in CONTEXT if hasattr(record, k)]
        return f"{line} {' '.join(pairs)}" if pairs else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, context ids, exception."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line."""
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        out.update({k: getattr(record, k) for k in CONTEXT if hasattr(record, k)})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            out["exception"] = record.exc_text
        return json.dumps(out, ensure_ascii=False, default=str)


def setup_logging(level: str = "INFO", secrets: tuple[str, ...] = (), fmt: str = "text") -> None:
    """Configure the root logger once, in main."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs URLs (tokens); the job scheduler logs every one-second tick; alembic lists
    # its plugins at every start
    for noisy in (
        "httpx",
        "httpcore",
        "telegram.ext.ExtBot",
        "apscheduler",
        "alembic.runtime.plugins",
    ):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
