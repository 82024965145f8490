"""postbot's exception tree, so callers can catch at the level they need.

PostbotError
├── ConfigError              config file or environment is invalid (carries every problem)
├── QuerySyntaxError         a watch/topic query cannot be parsed (message + position)
├── FetchError               a feed could not be fetched
│   ├── FeedTimeout          connect or total timeout
│   ├── FeedTooLarge         body exceeded the size cap
│   ├── TooManyRedirects     more redirects than allowed
│   ├── FeedHTTPError        non-success HTTP status (carries status and retry_after)
│   └── FeedUnreadable       the body is not a feed at all (no items, not RSS/Atom/RDF)
├── StoreError               database problem
└── StartupError             the bot cannot start (token refused, Bot API unreachable)
"""

from __future__ import annotations


class PostbotError(Exception):
    """Base of every error postbot raises on purpose."""


class ConfigProblem:
    """One problem in a config file, located by line (1-based) when known."""

    __slots__ = ("file", "line", "message")

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"ConfigProblem({str(self)!r})"


class ConfigError(PostbotError):
    """The configuration is invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class QuerySyntaxError(PostbotError):
    """A query could not be parsed; `position` is the 0-based character offset.

    `code` names the problem (one text per code in each language, see alerts/texts_chat.py) and
    `token` is the part of the query at fault ("" when there is none, as for an empty query).
    """

    def __init__(self, message: str, position: int, *, code: str = "", token: str = "") -> None:
        self.message = message
        self.position = position
        self.code = code
        self.token = token
        super().__init__(f"{message} (at character {position + 1})")


class FetchError(PostbotError):
    """A feed could not be fetched."""


class FeedTimeout(FetchError):
    """The server did not connect or answer in time."""


class FeedTooLarge(FetchError):
    """The response body exceeded the size cap."""


class TooManyRedirects(FetchError):
    """The server redirected more times than allowed."""


class FeedHTTPError(FetchError):
    """The server answered with an error status."""

    def __init__(self, status: int, retry_after: float | None = None) -> None:
        self.status = status
        self.retry_after = retry_after
        msg = f"HTTP {status}"
        if retry_after is not None:
            msg += f" (retry after {retry_after:g}s)"
        super().__init__(msg)


class FeedUnreadable(FetchError):
    """The answer is not a feed: nothing could be read from it (counts as a failed poll)."""


class StoreError(PostbotError):
    """A database operation failed."""


class StartupError(PostbotError):
    """`postbot run` cannot start (the Bot API refused the token or cannot be reached)."""
