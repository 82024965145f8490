"""Logging set-up: one format, quiet HTTP libraries, and the bot token never written out."""

from __future__ import annotations

import logging
import re

# httpx logs request URLs, and Telegram's carry the token: /bot<id>:<secret>/method
_TOKEN_IN_URL = re.compile(r"bot\d+:[A-Za-z0-9_-]{20,}")


_FORMATTER = logging.Formatter()


class RedactingFilter(logging.Filter):
    """Replaces the bot token (given, or any that looks like one) in every record."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def redact(self, text: str) -> str:
        """`text` with every secret and token-shaped string masked."""
        clean = _TOKEN_IN_URL.sub("bot<redacted>", text)
        for secret in self._secrets:
            clean = clean.replace(secret, "<redacted>")
        return clean

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


def setup_logging(level: str = "INFO", secrets: tuple[str, ...] = ()) -> None:
    """Configure the root logger once, in main."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
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
