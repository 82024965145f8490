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
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

import httpx

from postbot.errors import FeedHTTPError, FeedTimeout, FeedTooLarge, FetchError, TooManyRedirects
from postbot.feeds.inflate import OFFERED, EncodingError, Inflater, content_coding
from postbot.ops.logs import redact_text, redact_url

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
_SMALL_BODY = 64 * 1024  # what a redirect or 304 may carry before we give up on it
_DELTA_SECONDS = re.compile(r"\d+(\.\d+)?")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> the addresses it resolves to; tests inject one to stay off the network
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


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
            if _scheme(source) in ("http", "https"):
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


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, by the event loop's getaddrinfo."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


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
    origin = _origin(url)
    secure = _scheme(url) == "https"
    for _ in range(max_redirects + 1):
        try:
            async with client.stream("GET", url, headers=headers) as response:
                location = response.headers.get("Location")
                if response.status_code in _REDIRECTS and location:
                    await _discard(response, url)  # keeps the connection
                    target = _redirect_target(url, location)
                    await _check_redirect(url, target, origin, secure, resolver)
                    url, secure = target, secure or _scheme(target) == "https"
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
        )
    raise TooManyRedirects(f"{redact_url(url)}: more than {max_redirects} redirects")


def _redirect_target(url: str, location: str) -> str:
    target = urljoin(url, location.strip())
    if _scheme(target) not in ("http", "https"):
        # A server must not be able to make us read local files or speak other protocols.
        raise FetchError(f"{redact_url(url)}: refusing redirect to {redact_url(target)}")
    return target


async def _check_redirect(
    url: str, target: str, origin: tuple[str, int], secure: bool, resolver: Resolver
) -> None:
    """Refuse a redirect that drops TLS or leads off the feed's host to a non-public address."""
    refusal = f"{redact_url(url)}: refusing redirect to {redact_url(target)}"
    if secure and _scheme(target) == "http":
        raise FetchError(f"{refusal}: from https down to http")
    if _origin(target) == origin:
        return  # the operator chose this host and port, local or not; others must be public
    host = unquote(_host_of(target))  # a resolver may decode what httpx passes on as is
    if not host:
        raise FetchError(f"{refusal}: no host")
    if host == "localhost" or host.endswith(".localhost"):  # RFC 6761: always loopback
        raise FetchError(f"{refusal}: {host} is a loopback name")
    literal = literal_address(host)
    if literal is not None:
        reason = unsafe_reason(literal)
        if reason:
            raise FetchError(f"{refusal}: {literal} is {reason}")
        return
    try:
        port = urlsplit(target).port or (443 if _scheme(target) == "https" else 80)
        addresses = await resolver(host, port)
    except (OSError, ValueError, UnicodeError) as exc:
        raise FetchError(f"{refusal}: cannot resolve {host}: {exc}") from None
    if not addresses:
        raise FetchError(f"{refusal}: {host} resolves to no address")
    # every address must be public: the connection may use any of them
    for text in addresses:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            raise FetchError(f"{refusal}: {host} resolves to {text!r}") from None
        reason = unsafe_reason(address)
        if reason:
            raise FetchError(f"{refusal}: {host} resolves to {address}, {reason}")


def _origin(url: str) -> tuple[str, int]:
    """Host and port: what a redirect may keep without being checked."""
    try:
        port = urlsplit(url).port
    except ValueError:
        port = -1
    return _host_of(url), port or (443 if _scheme(url) == "https" else 80)


def _host_of(url: str) -> str:
    """The URL's host as httpx connects to it: lower case, no trailing dot."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".")


def literal_address(host: str) -> IPAddress | None:
    """The address `host` spells, also in the old inet_aton forms (2130706433, 0177.1, 0x7f.1)
    that resolvers still accept; None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers: list[int] = []
    for part in parts:
        try:
            if part[:2].lower() == "0x":
                numbers.append(int(part[2:], 16) if part[2:] else 0)
            elif len(part) > 1 and part.startswith("0"):
                numbers.append(int(part[1:], 8))
            else:
                numbers.append(int(part, 10))
        except ValueError:
            return None
        if not part.replace("x", "").replace("X", "").isalnum() or not part.isascii():
            return None  # int() takes "+1", " 1" and "1_0"; a host part does not
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def unsafe_reason(address: IPAddress) -> str | None:
    """Why a redirect may not lead to `address` (None if it is a public unicast address)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = unsafe_reason(embedded)
            return f"{reason} (as {embedded})" if reason else None
    checks = (
        ("unspecified", address.is_unspecified),
        ("a loopback address", address.is_loopback),
        ("a link-local address", address.is_link_local),
        ("a multicast address", address.is_multicast),
        (
            "a site-local address",
            isinstance(address, ipaddress.IPv6Address) and address.is_site_local,
        ),
        ("a private address", address.is_private),
        ("a reserved address", address.is_reserved),
        ("not a public address", not address.is_global),
    )
    return next((reason for reason, hit in checks if hit), None)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, compatible, 6to4, Teredo, NAT64)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(address.packed[-4:])
    packed = address.packed
    if packed[:12] == bytes(12) and int.from_bytes(packed[12:]) > 1:  # ::a.b.c.d, not :: or ::1
        return ipaddress.IPv4Address(packed[12:])
    return None


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
    scheme = _scheme(source)
    path = Path(url2pathname(urlsplit(source).path)) if scheme == "file" else Path(source)
    if not path.is_file():
        if scheme and scheme != "file" and len(scheme) > 1:  # one letter: a Windows drive
            raise FetchError(f"{redact_url(source)}: unsupported URL scheme {scheme!r}")
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


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""
