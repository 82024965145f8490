"""`postbot check-feeds`: fetch every configured source once, now, and judge each one.

Each source is fetched with the poller's own fetcher (same size cap, redirect rules and
timeouts) and parsed by its kind's parser (`PARSERS`: a function from the fetched answer to a
`ParsedFeed`), so a new kind of source (a Telegram channel's public page) plugs in by adding
one entry. The verdict is one of: ok, empty (a valid feed with no items), stale (the newest
item is older than `STALE_AFTER`) or failing, with why (HTTP 404, timeout, not a feed: HTML,
too large, ...). Only a failing ENABLED source makes the command exit non-zero.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from postbot.config.model import CHANNEL_PREVIEW, Config
from postbot.errors import (
    FeedHTTPError,
    FeedTimeout,
    FeedTooLarge,
    FetchError,
    TooManyRedirects,
)
from postbot.feeds.channel import parse_channel, preview_url
from postbot.feeds.decode import looks_like_cp1256
from postbot.feeds.fetch import DEFAULT_MAX_BYTES, FetchResult, fetch_feed
from postbot.feeds.parse import ParsedFeed, parse_feed
from postbot.ops.logs import redact_text, redact_url

STALE_AFTER = timedelta(days=3)
FUTURE_SKEW = timedelta(minutes=10)  # a date this far ahead is a clock error, not news

OK, EMPTY, STALE, FAILING = "ok", "empty", "stale", "failing"

Parse = Callable[[FetchResult, "CheckSource"], ParsedFeed]  # (fetched answer, source) -> parsed


def parse_rss(fetched: FetchResult, source: CheckSource) -> ParsedFeed:
    """RSS, RDF and Atom: the poller's own parser."""
    return parse_feed(
        fetched.body, feed_id=source.id, content_type=fetched.content_type, base_url=fetched.url
    )


def parse_telegram(fetched: FetchResult, source: CheckSource) -> ParsedFeed:
    """A public channel's preview page (t.me/s/<name>): the poller's own channel parser."""
    return parse_channel(fetched.body, feed_id=source.id, username=source.channel or "")


# the parser of each source kind
PARSERS: dict[str, Parse] = {"feed": parse_rss, "telegram": parse_telegram}


@dataclass(frozen=True, slots=True)
class CheckSource:
    """One source to check: what to fetch and how to read it."""

    id: str
    name: str
    url: str
    enabled: bool = True
    kind: str = "feed"
    channel: str | None = None  # a "telegram" source's channel username


@dataclass(frozen=True, slots=True)
class SourceCheck:
    """What checking one source found."""

    source: CheckSource
    verdict: str
    reason: str = ""
    status: int | None = None
    final_url: str | None = None
    content_type: str | None = None
    encoding: str | None = None
    items: int = 0
    newest: datetime | None = None
    newest_age: timedelta | None = None
    hub: str | None = None
    seconds: float = 0.0

    @property
    def fails(self) -> bool:
        """Whether this result makes the command exit non-zero."""
        return self.verdict == FAILING and self.source.enabled

    def as_json(self) -> dict[str, object]:
        """One JSON line's fields."""
        age = self.newest_age
        return {
            "id": self.source.id,
            "name": self.source.name,
            "kind": self.source.kind,
            "enabled": self.source.enabled,
            "url": redact_url(self.source.url),
            "verdict": self.verdict,
            "reason": self.reason or None,
            "status": self.status,
            "final_url": redact_url(self.final_url) if self.final_url else None,
            "content_type": self.content_type,
            "encoding": self.encoding,
            "items": self.items,
            "newest": self.newest.isoformat() if self.newest else None,
            "newest_age_seconds": round(age.total_seconds()) if age is not None else None,
            "websub_hub": self.hub,
            "seconds": round(self.seconds, 3),
        }


def sources_from_config(
    config: Config, channel_preview: str = CHANNEL_PREVIEW
) -> list[CheckSource]:
    """Every configured source, enabled or not, in config order; a channel is read from its
    preview page under `channel_preview` (POSTBOT_TELEGRAM_PREVIEW_URL)."""
    return [
        CheckSource(
            f.id,
            f.name,
            preview_url(f.telegram, channel_preview) if f.telegram else f.url,
            f.enabled,
            kind="telegram" if f.telegram else "feed",
            channel=f.telegram,
        )
        for f in config.feeds
    ]


@dataclass(slots=True)
class Checker:
    """Checks sources with one HTTP client, a few at a time."""

    client: httpx.AsyncClient
    now: Callable[[], datetime]
    total_timeout: float = 30.0
    max_bytes: int = DEFAULT_MAX_BYTES
    concurrency: int = 8
    parsers: dict[str, Parse] = field(default_factory=lambda: dict(PARSERS))

    async def check_all(self, sources: Iterable[CheckSource]) -> list[SourceCheck]:
        """Check every source (concurrently, `concurrency` at a time); results in input order."""
        gate = asyncio.Semaphore(self.concurrency)

        async def one(source: CheckSource) -> SourceCheck:
            async with gate:
                return await self.check(source)

        return list(await asyncio.gather(*(one(s) for s in sources)))

    async def check(self, source: CheckSource) -> SourceCheck:
        """Fetch and parse one source now; never raises for the source's own faults."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        parser = self.parsers.get(source.kind)
        if parser is None:
            return SourceCheck(source, FAILING, f"unsupported source kind {source.kind!r}")
        try:
            fetched = await fetch_feed(
                self.client,
                source.url,
                max_bytes=self.max_bytes,
                total_timeout=self.total_timeout,
            )
        except FetchError as exc:
            status = exc.status if isinstance(exc, FeedHTTPError) else None
            seconds = loop.time() - started
            return SourceCheck(source, FAILING, fetch_reason(exc), status=status, seconds=seconds)
        try:
            parsed = await asyncio.to_thread(parser, fetched, source)
        except Exception as exc:  # a kind's parser failing is that source's verdict, no more
            reason = f"parser failed: {type(exc).__name__}: {redact_text(str(exc))[:120]}"
            return SourceCheck(source, FAILING, reason, status=fetched.status, seconds=0.0)
        return judge(source, fetched, parsed, self.now(), seconds=loop.time() - started)


def fetch_reason(exc: FetchError) -> str:
    """Why a fetch failed, in a few words an admin can act on."""
    detail = redact_text(str(exc))
    if isinstance(exc, FeedHTTPError):
        return f"HTTP {exc.status}" + (" (not found)" if exc.status == 404 else "")
    if isinstance(exc, FeedTimeout):
        return f"timeout ({detail})"
    if isinstance(exc, FeedTooLarge):
        return f"too large ({detail})"
    if isinstance(exc, TooManyRedirects):
        return f"too many redirects ({detail})"
    return f"fetch failed ({detail})"


def judge(
    source: CheckSource,
    fetched: FetchResult,
    parsed: ParsedFeed,
    now: datetime,
    *,
    seconds: float = 0.0,
) -> SourceCheck:
    """The verdict on a fetched and parsed source (pure)."""
    dates = [s.published for s in parsed.stories if s.published is not None]
    newest = max((d for d in dates if d <= now + FUTURE_SKEW), default=None)
    age = max(now - newest, timedelta(0)) if newest is not None else None
    verdict, reason = OK, ""
    if not fetched.body:
        verdict, reason = FAILING, "empty answer (no body)"
    elif not parsed.stories and source.kind == "feed" and is_html(fetched):
        verdict, reason = FAILING, not_a_feed_reason(fetched, parsed.warning or "")
    elif parsed.warning and not parsed.stories and parsed.title is None:
        verdict, reason = FAILING, not_a_feed_reason(fetched, parsed.warning)
    elif not parsed.stories:
        verdict, reason = EMPTY, "a valid feed with no items"
    elif age is not None and age > STALE_AFTER:
        verdict, reason = STALE, f"newest item {format_age(age)} old"
    elif newest is None:
        reason = "items carry no dates"
    elif parsed.warning:
        reason = parsed.warning[:120]
    return SourceCheck(
        source,
        verdict,
        reason,
        status=fetched.status,
        final_url=fetched.url,
        content_type=fetched.content_type,
        encoding=encoding_of(fetched),
        items=len(parsed.stories),
        newest=newest,
        newest_age=age,
        hub=websub_hub(fetched),
        seconds=seconds,
    )


_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)


def is_html(fetched: FetchResult) -> bool:
    """Whether the answer is a web page: by its content type or its first tag."""
    media = (fetched.content_type or "").split(";")[0].strip().lower()
    return media in ("text/html", "application/xhtml+xml") or bool(
        _HTML_START.match(fetched.body[:2048])
    )


def not_a_feed_reason(fetched: FetchResult, warning: str) -> str:
    """'not a feed: HTML' for a web page, else the parser's complaint."""
    if is_html(fetched):
        return "not a feed: HTML (a web page, not RSS/Atom)"
    return f"not a feed: {warning[:120]}"


_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.I)
_PROLOG = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']""")


def encoding_of(fetched: FetchResult) -> str:
    """The encoding the source declares (header, then XML prolog), else what its bytes are."""
    header = _CHARSET.search(fetched.content_type or "")
    if header:
        return header.group(1).lower()
    prolog = _PROLOG.match(fetched.body[:512])
    if prolog:
        return prolog.group(1).decode("ascii", "replace").lower()
    try:
        fetched.body.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1256 (guessed)" if looks_like_cp1256(fetched.body) else "unknown"
    return "utf-8 (undeclared)"


_LINK_HUB = re.compile(r"""<([^>]+)>[^,]*?;\s*rel\s*=\s*"?[^",]*\bhub\b""", re.I)
_TAG_LINK = re.compile(rb"<(?:[a-z]+:)?link\b[^>]*>", re.I)
_REL_HUB = re.compile(rb"""\brel\s*=\s*["']hub["']""", re.I)
_HREF = re.compile(rb"""\bhref\s*=\s*["']([^"']+)["']""", re.I)
_HUB_SCAN_BYTES = 64 * 1024  # the hub link sits in the channel header, near the top


def websub_hub(fetched: FetchResult) -> str | None:
    """The WebSub hub a source offers: HTTP `Link: <...>; rel="hub"` or `<atom:link rel="hub">`."""
    if fetched.link_header:
        match = _LINK_HUB.search(fetched.link_header)
        if match:
            return match.group(1).strip()
    for tag in _TAG_LINK.finditer(fetched.body[:_HUB_SCAN_BYTES]):
        if _REL_HUB.search(tag.group()):
            href = _HREF.search(tag.group())
            if href:
                return href.group(1).decode("utf-8", "replace").strip()
    return None


def format_age(age: timedelta) -> str:
    """4m, 3h, 5d: an age at a glance."""
    seconds = int(age.total_seconds())
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 2 * 86400:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


_MARKS = {OK: "ok", EMPTY: "EMPTY", STALE: "STALE", FAILING: "FAILING"}
_COLUMNS = ("SOURCE", "VERDICT", "HTTP", "ITEMS", "NEWEST", "HUB", "TYPE / ENCODING", "FINAL URL")


def render_table(checks: Sequence[SourceCheck]) -> str:
    """The human table: one row per source, then each problem's reason, then a summary line."""
    rows = []
    for c in checks:
        media = (c.content_type or "-").split(";")[0].strip()
        rows.append(
            (
                c.source.id + ("" if c.source.enabled else " (off)"),
                _MARKS[c.verdict],
                str(c.status) if c.status is not None else "-",
                str(c.items),
                format_age(c.newest_age) if c.newest_age is not None else "-",
                "yes" if c.hub else "no",
                f"{media} / {c.encoding}" if c.encoding else media,
                redact_url(c.final_url) if c.final_url else "-",
            )
        )
    widths = [max(len(r[i]) for r in [_COLUMNS, *rows]) for i in range(len(_COLUMNS) - 1)]
    lines = []
    for row in [_COLUMNS, *rows]:
        cells = [cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    lines.append("")
    for c in checks:
        if c.reason:
            lines.append(f"{c.source.id}: {c.verdict}: {c.reason}")
    lines.append(summary(checks))
    return "\n".join(lines)


def summary(checks: Sequence[SourceCheck]) -> str:
    """`14 sources: 11 ok, 1 empty, 1 stale, 1 failing (1 enabled)`."""
    counts = {v: sum(1 for c in checks if c.verdict == v) for v in (OK, EMPTY, STALE, FAILING)}
    failing = sum(1 for c in checks if c.fails)
    parts = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    return f"{len(checks)} sources: {parts or 'none'} ({failing} enabled failing)"


def render_jsonl(checks: Sequence[SourceCheck]) -> str:
    """One JSON object per source and line."""
    return "\n".join(json.dumps(c.as_json(), ensure_ascii=False) for c in checks)


def exit_code(checks: Sequence[SourceCheck]) -> int:
    """1 when any enabled source fails, else 0."""
    return 1 if any(c.fails for c in checks) else 0
