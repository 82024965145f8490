"""Logging set-up: one format, quiet HTTP libraries, and the bot token never written out."""

from __future__ import annotations

import logging
import re

# httpx logs request URLs, and Telegram's carry the token: /bot<id>:<secret>/method
_TOKEN_IN_URL = re.compile(r"bot\d+:[A-Za-z0-9_-]{20,}")


class RedactingFilter(logging.Filter):
    """Replaces the bot token (given, or any that looks like one) in every record."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with secrets masked; never drops a record."""
        message = record.getMessage()
        clean = _TOKEN_IN_URL.sub("bot<redacted>", message)
        for secret in self._secrets:
            clean = clean.replace(secret, "<redacted>")
        if clean != message:
            record.msg, record.args = clean, None
        return True


def setup_logging(level: str = "INFO", secrets: tuple[str, ...] = ()) -> None:
    """Configure the root logger once, in main."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "telegram.ext.ExtBot"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
