"""python-telegram-bot's rate-limiter hook, driven by our FloodGate.

Every message the bot sends (command replies and alerts alike) books a slot in the one gate, so
replies and alert bursts share Telegram's budget; a command's reply takes its chat's next turn
ahead of the alerts waiting for that chat (the dispatcher marks its sends with SENDING_ALERTS).
A 429 pauses the chat for `retry_after` and the same request is made again, up to
`max_retries` times; then the RetryAfter goes to the caller (the dispatcher reschedules the
delivery). getUpdates is never rate limited by PTB.
"""

from __future__ import annotations

import contextvars
import logging
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from postbot.delivery.flood import FloodGate

log = logging.getLogger(__name__)

JSONish = bool | dict[str, Any] | list[dict[str, Any]]
# set by the outbox sender for its own sends: alerts queue behind the chat's command replies
SENDING_ALERTS: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "postbot_sending_alerts", default=False
)
# methods that put a message in a chat: paced per chat and overall
CHAT_MESSAGES = frozenset({"sendMessage", "sendPhoto", "sendDocument", "copyMessage"})
# methods that count towards the overall pace only
OVERALL_ONLY = frozenset({"editMessageText", "editMessageReplyMarkup"})


def retry_seconds(exc: RetryAfter) -> float:
    """The wait a 429 asks for, in seconds (PTB 22 warns about its int/timedelta change)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _chat_id(data: dict[str, Any]) -> int | None:
    value = data.get("chat_id")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None  # @channelusername: paced overall only


class GateRateLimiter(BaseRateLimiter[int]):
    """Paces sendMessage per chat and overall; retries after 429 up to `max_retries` times."""

    def __init__(self, gate: FloodGate, *, max_retries: int = 2) -> None:
        self.gate = gate
        self.max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up: the gate lives as long as the process."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONish]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONish:
        """Wait for a slot, make the request, and on 429 pause the chat and try again."""
        # an edit is paced overall only, but a 429 on it pauses its chat, not the whole bot
        chat_id = _chat_id(data) if endpoint in CHAT_MESSAGES | OVERALL_ONLY else None
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        urgent = not SENDING_ALERTS.get()  # a reply to a command goes ahead of queued alerts
        for attempt in range(retries + 1):
            if endpoint in CHAT_MESSAGES:
                await self.gate.acquire(chat_id, urgent=urgent)
            elif endpoint in OVERALL_ONLY:
                await self.gate.acquire(None)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                if chat_id is not None:
                    self.gate.pause_chat(chat_id, seconds)
                else:
                    self.gate.pause_all(seconds)
                log.warning(
                    "telegram 429 on %s chat_id=%s: waiting %.0fs (try %d)",
                    endpoint,
                    chat_id,
                    seconds,
                    attempt + 1,
                )
                if attempt == retries:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover
