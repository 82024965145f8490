"""Fetching a feed's bytes: the HTTP edge (one injected httpx client) and local files.

Redirects are followed here rather than by httpx so that the cap, relative `Location`s and the
refusal of non-HTTP targets are ours. The body is streamed and cut off past `max_bytes` (counted
after content decoding, so a gzip bomb is caught too); a total deadline around the whole fetch
stops a server that trickles bytes forever. Every failure is a `postbot.errors.FetchError`.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.request import url2pathname

import httpx

from postbot.errors import FeedHTTPError, FeedTimeout, FeedTooLarge, FetchError, TooManyRedirects

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


def make_client(
    *,
    connect_timeout: float = 10.0,
    read_timeout: float = 30.0,
    transport: httpx.AsyncBaseTransport | None = None,
    user_agent: str = "postbot/0.1 (+feed alerts)",
) -> httpx.AsyncClient:
    """Build the one HTTP client feeds are fetched with; tests pass their own transport."""
    timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
    headers = {"User-Agent": user_agent, "Accept": _ACCEPT}
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
) -> FetchResult:
    """Fetch a feed over HTTP(S) with a conditional GET, or read it from a local path."""
    try:
        async with asyncio.timeout(total_timeout):
            if _scheme(source) in ("http", "https"):
                return await _fetch_http(
                    client, source, etag, last_modified, max_bytes, max_redirects
                )
            return await asyncio.to_thread(_read_file, source, max_bytes)
    except TimeoutError as exc:
        raise FeedTimeout(f"{_redact(source)}: no complete answer in {total_timeout:g}s") from exc


async def _fetch_http(
    client: httpx.AsyncClient,
    url: str,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    max_redirects: int,
) -> FetchResult:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _ in range(max_redirects + 1):
        try:
            async with client.stream("GET", url, headers=headers) as response:
                location = response.headers.get("Location")
                if response.status_code in _REDIRECTS and location:
                    await _read_capped(response, url, _SMALL_BODY)  # keeps the connection
                    url = _redirect_target(url, location)
                    continue
                if response.status_code == 304:
                    # read the (empty) body: a response left unread closes its keep-alive
                    # connection, and an unchanged HTTPS feed would pay a new TLS handshake
                    await _read_capped(response, url, _SMALL_BODY)
                    return _not_modified(response, url, etag, last_modified)
                if not response.is_success:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    raise FeedHTTPError(response.status_code, retry_after)
                body = await _read_capped(response, url, max_bytes)
        except httpx.TimeoutException as exc:
            raise FeedTimeout(f"{_redact(url)}: {type(exc).__name__}") from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise FetchError(f"{_redact(url)}: {type(exc).__name__}: {exc}") from exc
        if not body:  # some servers answer an unchanged feed with an empty 200
            return _not_modified(response, url, etag, last_modified)
        return FetchResult(
            not_modified=False,
            body=body,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            url=url,
            content_type=response.headers.get("Content-Type"),
        )
    raise TooManyRedirects(f"{_redact(url)}: more than {max_redirects} redirects")


def _redirect_target(url: str, location: str) -> str:
    target = urljoin(url, location.strip())
    if _scheme(target) not in ("http", "https"):
        # A server must not be able to make us read local files or speak other protocols.
        raise FetchError(f"{_redact(url)}: refusing redirect to {_redact(target)}")
    return target


async def _read_capped(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FeedTooLarge(f"{_redact(url)}: Content-Length {declared} > {max_bytes} bytes")
    chunks: list[bytes] = []
    total = 0
    async for chunk in response.aiter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise FeedTooLarge(f"{_redact(url)}: body larger than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


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
    scheme = _scheme(source)
    path = Path(url2pathname(urlsplit(source).path)) if scheme == "file" else Path(source)
    if not path.is_file():
        if scheme and scheme != "file" and len(scheme) > 1:  # one letter: a Windows drive
            raise FetchError(f"{_redact(source)}: unsupported URL scheme {scheme!r}")
        raise FetchError(f"{source}: neither an http(s) URL nor an existing file")
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


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""


def _redact(url: str) -> str:
    """The URL without any user:password@ part, for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid URL>"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
