"""Fetching a feed's bytes: the HTTP edge (one injected httpx client) and local files.

Redirects are followed here rather than by httpx so that the cap, relative `Location`s and the
refusal of unsafe targets are ours: a redirect may not lead to another scheme than HTTP(S), from
https down to http, or to another host that is (or resolves to) a loopback, private, link-local,
multicast, unspecified or reserved address. The configured URL itself may be local (the operator
chose it), and so may a redirect that stays on its host and port.

The body is read raw (`aiter_raw`) and decoded here, a bounded piece at a time (`inflate`), so
`max_bytes` caps both the bytes on the wire and the decoded bytes before more are produced: a
gzip bomb costs at most a few times the cap. A total deadline around the whole fetch stops a
server that trickles bytes forever. Every failure is a `postbot.errors.FetchError` whose message
holds no URL credentials.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import httpx

from postbot.errors import FeedHTTPError, FeedTimeout, FeedTooLarge, FetchError, TooManyRedirects
from postbot.feeds.inflate import OFFERED, EncodingError, Inflater, content_coding
from postbot.feeds.redirects import (
    Resolver,
    check_redirect,
    origin,
    redirect_target,
    scheme,
    system_resolver,
)
from postbot.ops.logs import redact_text, redact_url

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
_SMALL_BODY = 64 * 1024  # what a redirect or 304 may carry before we give up on it
_DELTA_SECONDS = re.compile(r"\d+(\.\d+)?")


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a fetch brought back: the body (or not-modified) and the validators to store."""

    not_modified: bool
    body: bytes
    etag: str | None
    last_modified: str | None
    url: str
    content_type: str | None
    status: int = 200
    link_header: str | None = None  # the HTTP Link header (a WebSub hub may be offered there)


def make_client(
    *,
    connect_timeout: float = 10.0,
    read_timeout: float = 30.0,
    transport: httpx.AsyncBaseTransport | None = None,
    user_agent: str = "postbot/0.1 (+feed alerts)",
) -> httpx.AsyncClient:
    """Build the one HTTP client feeds are fetched with; tests pass their own transport."""
    timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
    headers = {"User-Agent": user_agent, "Accept": _ACCEPT, "Accept-Encoding": OFFERED}
    return httpx.AsyncClient(
        timeout=timeout, headers=headers, transport=transport, follow_redirects=False
    )


async def fetch_feed(
    client: httpx.AsyncClient,
    source: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = 5,
    total_timeout: float = 60.0,
    resolver: Resolver | None = None,
) -> FetchResult:
    """Fetch a feed over HTTP(S) with a conditional GET, or read it from a local path.

    `resolver` finds the addresses of a redirect's host (default: the event loop's getaddrinfo).
    """
    try:
        async with asyncio.timeout(total_timeout):
            if scheme(source) in ("http", "https"):
                return await _fetch_http(
                    client,
                    source,
                    etag,
                    last_modified,
                    max_bytes,
                    max_redirects,
                    resolver or system_resolver,
                )
            return await asyncio.to_thread(_read_file, source, max_bytes)
    except TimeoutError as exc:
        raise FeedTimeout(
            f"{redact_url(source)}: no complete answer in {total_timeout:g}s"
        ) from exc


async def _fetch_http(
    client: httpx.AsyncClient,
    url: str,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    max_redirects: int,
    resolver: Resolver,
) -> FetchResult:
    # httpx would otherwise offer br and zstd when their packages happen to be installed
    headers = {"Accept-Encoding": OFFERED}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    home = origin(url)
    secure = scheme(url) == "https"
    for _ in range(max_redirects + 1):
        try:
            async with client.stream("GET", url, headers=headers) as response:
                location = response.headers.get("Location")
                if response.status_code in _REDIRECTS and location:
                    await _discard(response, url)  # keeps the connection
                    target = redirect_target(url, location)
                    await check_redirect(url, target, home, secure, resolver)
                    url, secure = target, secure or scheme(target) == "https"
                    continue
                if response.status_code == 304:
                    # read the (empty) body: a response left unread closes its keep-alive
                    # connection, and an unchanged HTTPS feed would pay a new TLS handshake
                    await _discard(response, url)
                    return _not_modified(response, url, etag, last_modified)
                if not response.is_success:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    raise FeedHTTPError(response.status_code, retry_after)
                body = await _read_body(response, url, max_bytes)
        except httpx.TimeoutException as exc:
            raise FeedTimeout(f"{redact_url(url)}: {type(exc).__name__}") from exc
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            detail = redact_text(f"{type(exc).__name__}: {exc}")
            raise FetchError(f"{redact_url(url)}: {detail}") from exc
        if not body:  # some servers answer an unchanged feed with an empty 200
            return _not_modified(response, url, etag, last_modified)
        return FetchResult(
            not_modified=False,
            body=body,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            url=url,
            content_type=response.headers.get("Content-Type"),
            status=response.status_code,
            link_header=response.headers.get("Link"),
        )
    raise TooManyRedirects(f"{redact_url(url)}: more than {max_redirects} redirects")


async def _discard(response: httpx.Response, url: str) -> None:
    """Read and drop a small body (redirect, 304) raw, never decoding it."""
    total = 0
    async for chunk in response.aiter_raw():
        total += len(chunk)
        if total > _SMALL_BODY:
            raise FeedTooLarge(f"{redact_url(url)}: body larger than {_SMALL_BODY} bytes")


async def _read_body(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    """The decoded body, refused once the bytes on the wire or the decoded ones pass the cap."""
    where = redact_url(url)
    try:
        coding = content_coding(response.headers.get_list("Content-Encoding", split_commas=True))
    except EncodingError as exc:
        raise FetchError(f"{where}: {exc}") from None
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FeedTooLarge(f"{where}: Content-Length {declared} > {max_bytes} bytes")
    inflater = Inflater(coding)
    pieces: list[bytes] = []
    size = 0
    raw = 0
    try:
        async for chunk in response.aiter_raw():
            raw += len(chunk)
            if raw > max_bytes:
                raise FeedTooLarge(f"{where}: body larger than {max_bytes} bytes on the wire")
            for piece in inflater.feed(chunk):
                size += len(piece)
                if size > max_bytes:
                    raise FeedTooLarge(f"{where}: body larger than {max_bytes} bytes")
                pieces.append(piece)
        for piece in inflater.finish():
            size += len(piece)
            if size > max_bytes:
                raise FeedTooLarge(f"{where}: body larger than {max_bytes} bytes")
            pieces.append(piece)
    except EncodingError as exc:
        raise FetchError(f"{where}: {exc}") from None
    return b"".join(pieces)


def _not_modified(
    response: httpx.Response, url: str, etag: str | None, last_modified: str | None
) -> FetchResult:
    return FetchResult(
        not_modified=True,
        body=b"",
        etag=response.headers.get("ETag") or etag,
        last_modified=response.headers.get("Last-Modified") or last_modified,
        url=url,
        content_type=response.headers.get("Content-Type"),
    )


def _read_file(source: str, max_bytes: int) -> FetchResult:
    kind = scheme(source)
    path = Path(url2pathname(urlsplit(source).path)) if kind == "file" else Path(source)
    if not path.is_file():
        if kind and kind != "file" and len(kind) > 1:  # one letter: a Windows drive
            raise FetchError(f"{redact_url(source)}: unsupported URL scheme {kind!r}")
        raise FetchError(f"{redact_url(source)}: neither an http(s) URL nor an existing file")
    try:
        with path.open("rb") as handle:
            body = handle.read(max_bytes + 1)
    except OSError as exc:
        raise FetchError(f"{path}: {exc.strerror or exc}") from exc
    if len(body) > max_bytes:
        raise FeedTooLarge(f"{path}: larger than {max_bytes} bytes")
    return FetchResult(False, body, None, None, str(path), None)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if unusable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # HTTP-dates are GMT; "-0000" parses as naive
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds)
