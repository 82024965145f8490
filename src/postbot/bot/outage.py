"""A Bot API outage is one WARNING when it starts and one when it ends, not a traceback per call.

Every Bot API call of a process goes through a `WatchedRequest` (PTB's httpx request with an
observer): a call that fails at the network level (no connection, a timeout, a 502 from a proxy
in front of the API) marks the API down; any answer from the API itself, error or not, marks
it up. `OutageLog` turns those marks into two log lines per outage. The callers that meet the
failures (the update poller, handlers, the dispatcher) log them at INFO or DEBUG only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from http import HTTPStatus

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.request import HTTPXRequest, RequestData

log = logging.getLogger(__name__)


def is_network_error(exc: BaseException) -> bool:
    """Whether `exc` says the Bot API could not be reached (PTB's BadRequest, a 400 answered by
    the API, is a NetworkError subclass too, but the API answered it)."""
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)


class OutageLog:
    """Logs one WARNING when calls start failing and one when a call gets through again."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._down_since: float | None = None
        self._failures = 0
        self.outages = 0  # outages seen so far (for tests and metrics)

    @property
    def down(self) -> bool:
        """Whether the last call failed at the network level."""
        return self._down_since is not None

    def failed(self, method: str, exc: BaseException) -> None:
        """A call of `method` could not reach the API."""
        self._failures += 1
        if self._down_since is not None:
            return
        self._down_since = self._clock()
        self.outages += 1
        log.warning(
            "Bot API unreachable (%s: %s); retrying quietly until it answers again",
            method,
            _describe(exc),
        )

    def succeeded(self) -> None:
        """The API answered a call."""
        if self._down_since is None:
            return
        seconds = self._clock() - self._down_since
        failures, self._failures, self._down_since = self._failures, 0, None
        log.warning(
            "Bot API reachable again after %.0f s (%d failed call%s)",
            seconds,
            failures,
            "" if failures == 1 else "s",
        )


def _describe(exc: BaseException) -> str:
    message = exc.message if isinstance(exc, TelegramError) else str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


class WatchedRequest(HTTPXRequest):
    """PTB's httpx request, reporting each call's outcome to an OutageLog."""

    def __init__(self, outage: OutageLog, *, connection_pool_size: int = 1) -> None:
        super().__init__(connection_pool_size=connection_pool_size)
        self.outage = outage

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make the call; note whether the API answered (PTB turns a 5xx into NetworkError)."""
        # the URL holds the token: only the method name is ever logged
        name = url.rsplit("/", 1)[-1]
        try:
            status, body = await super().do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        except TelegramError as exc:  # PTB's TimedOut / NetworkError for httpx's errors
            self.outage.failed(name, exc)
            raise
        if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            self.outage.failed(name, NetworkError(f"HTTP {status}"))
        else:
            self.outage.succeeded()
        return status, body


# PTB's loggers that print a traceback for a network error in a few places (the last getUpdates
# at shutdown, a retry loop giving up); the networkloop module logs as plain "telegram.ext"
PTB_LOGGERS = ("telegram.ext", "telegram.ext.Updater", "telegram.ext.Application")


class NetworkErrorInOneLine(logging.Filter):
    """A PTB log record carrying a network error becomes one WARNING line, without traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place when its exception is a network error; keep it."""
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and is_network_error(exc):
            record.msg = f"{record.getMessage()} ({_describe(exc)})"
            record.args = None
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def quiet_ptb_network_tracebacks() -> None:
    """Install NetworkErrorInOneLine on PTB's loggers (once, however often it is called)."""
    for name in PTB_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, NetworkErrorInOneLine) for f in logger.filters):
            logger.addFilter(NetworkErrorInOneLine())
