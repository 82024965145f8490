"""Telegram's answer to a send, as what to do next: one table for alerts, edits and digests.

Pure: the exception is read by its class names (python-telegram-bot's `telegram.error` tree)
and attributes, so this module imports no Telegram code and a test can pass any stand-in.

    no exception                     SENT         record the message
    RetryAfter (429)                 RETRY_AFTER  wait `retry_after` seconds; not the message's
                                                  fault, so it uses up no try
    ChatMigrated (400)               MIGRATED     follow the group to `new_chat_id`, send again
    Forbidden (403); 400 "chat not   CHAT_GONE    the chat blocked or removed the bot, or no
      found", "user is deactivated"               longer exists: deactivate it
    400 "can't parse entities"       PLAIN        send again as plain text (then shorter)
    400 too long, too many entities  SHORTER      send a shorter rendering, then plain text
    400 "message is not modified"    UNCHANGED    an edit that changes nothing: done
    other 400 (BadRequest)           REFUSED      give up: retrying cannot help
    TimedOut, NetworkError, 5xx      NETWORK      retry later with backoff, up to a limit
    anything else                    INTERNAL     a bug: give up, log it with its traceback

PTB's BadRequest is a subclass of NetworkError, so the table is read from the most specific
class up.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

MAX_RETRY_WAIT = timedelta(minutes=30)
INTERNAL_ERROR = "internal error (see log)"
# Telegram's 400s that a shorter or plainer text can avoid ("message is too long", "can't parse
# entities", "entities too long", "too many entities", "text is too long" ...)
_SHORTER_HELPS = ("too long", "too_long", "entit", "too many", "must be non-empty", "is empty")
_CHAT_GONE = ("chat not found", "user is deactivated")


class Kind(StrEnum):
    """What a send's outcome calls for."""

    SENT = "sent"
    RETRY_AFTER = "retry_after"
    MIGRATED = "migrated"
    CHAT_GONE = "chat_gone"
    PLAIN = "plain"
    SHORTER = "shorter"
    UNCHANGED = "unchanged"
    REFUSED = "refused"
    NETWORK = "network"
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class Outcome:
    """One send's outcome: its kind, Telegram's words, and what the kind needs."""

    kind: Kind
    detail: str = ""
    retry_after: float = 0.0  # RETRY_AFTER: seconds to wait
    new_chat_id: int | None = None  # MIGRATED: where the group went

    @property
    def error(self) -> str:
        """How the outcome is stored on the delivery row ("429: ...", "403: ...")."""
        if self.kind is Kind.INTERNAL:
            return self.detail
        prefix = {Kind.RETRY_AFTER: "429", Kind.CHAT_GONE: "403", Kind.NETWORK: "network"}
        return f"{prefix.get(self.kind, '400')}: {self.detail}"


SENT = Outcome(Kind.SENT)


def shorter_helps(message: str) -> bool:
    """Whether Telegram refused the text itself, so that a shorter rendering may pass."""
    lowered = message.lower()
    return any(marker in lowered for marker in _SHORTER_HELPS)


def network_backoff(attempts: int) -> timedelta:
    """Wait before retrying after `attempts` failed tries: 5 s doubling, at most 30 minutes."""
    doublings = min(max(attempts - 1, 0), 20)  # 5 s * 2**20 is far past the cap already
    return min(timedelta(seconds=5 * 2**doublings), MAX_RETRY_WAIT)


def _retry_seconds(exc: BaseException) -> float:
    with warnings.catch_warnings():  # PTB 22 warns about its int/timedelta change when read
        warnings.simplefilter("ignore")
        value = getattr(exc, "retry_after", 0)
    if isinstance(value, timedelta):  # PTB gives a timedelta when PTB_TIMEDELTA is set
        return value.total_seconds()
    return float(value or 0)


def classify(exc: BaseException | None) -> Outcome:
    """What Telegram's answer (None: the message was accepted) calls for."""
    if exc is None:
        return SENT
    names = {cls.__name__ for cls in type(exc).__mro__}
    detail = str(getattr(exc, "message", "") or exc)
    lowered = detail.lower()
    if "RetryAfter" in names:
        return Outcome(Kind.RETRY_AFTER, detail, retry_after=_retry_seconds(exc))
    if "ChatMigrated" in names:
        return Outcome(Kind.MIGRATED, detail, new_chat_id=int(getattr(exc, "new_chat_id", 0)))
    if "Forbidden" in names:
        return Outcome(Kind.CHAT_GONE, detail)
    if "BadRequest" in names:
        if any(marker in lowered for marker in _CHAT_GONE):
            return Outcome(Kind.CHAT_GONE, detail)
        if "not modified" in lowered:
            return Outcome(Kind.UNCHANGED, detail)
        if "can't parse entities" in lowered:
            return Outcome(Kind.PLAIN, detail)
        if shorter_helps(detail):
            return Outcome(Kind.SHORTER, detail)
        return Outcome(Kind.REFUSED, detail)
    if "NetworkError" in names:  # TimedOut and Telegram's 5xx answers are NetworkErrors too
        return Outcome(Kind.NETWORK, detail)
    return Outcome(Kind.INTERNAL, INTERNAL_ERROR)  # the traceback is logged where it was caught
