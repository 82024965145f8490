"""A small mutable feed server on 127.0.0.1: the one fake feed site of the tests and benches.

Feeds are set per path and can change while the server runs. Answers carry a strong ETag
derived from the body and a Last-Modified date, and honour If-None-Match / If-Modified-Since
with 304. Faults: a fixed status (with Retry-After) or a hang before answering; hostile bodies
are streamed as they are made. For the fetcher's own tests a path can instead be answered
exactly as written (`reply`, `redirect`, `conditional`, `trickle`, `gzipped`, `fixture`):
no validators or headers added. `requests` records the path and headers of every request.
"""

from __future__ import annotations

import datetime as dtm
import email.utils
import gzip
import hashlib
import math
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from doubles.botapi.server import LocalHTTPServer

# captured feeds (data, not code: the benches read them too)
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "feeds"

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True)
class FeedItem:
    """One RSS item; pub_date may be a datetime (formatted as RFC 822) or a ready string."""

    title: str
    link: str
    description: str
    guid: str | None = None
    pub_date: dtm.datetime | str | None = None


@dataclass
class _Resource:
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    items: list[FeedItem] | None = None
    title: str = ""
    encoding: str = "utf-8"
    etag: str = ""
    last_modified: int = 0  # whole seconds since the epoch
    fault_status: int | None = None
    retry_after: int | None = None
    hang_seconds: float = 0.0
    hits: int = 0
    conditional_hits: int = 0
    stream: Callable[[], Iterable[bytes]] | None = None  # hostile bodies made while sent
    chunked: bool = False
    content_length: int | None = None  # what a streamed answer claims (may lie)


def _text(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def render_rss(items: list[FeedItem], *, title: str, link: str, encoding: str) -> bytes:
    """An RSS 2.0 document for `items`, encoded (unencodable characters as references)."""
    parts = [
        f'<?xml version="1.0" encoding="{encoding}"?>\n',
        '<rss version="2.0">\n<channel>\n',
        f"<title>{_text(title)}</title>\n<link>{_text(link)}</link>\n",
        f"<description>{_text(title)}</description>\n",
    ]
    for item in items:
        parts.append("<item>\n")
        parts.append(f"<title>{_text(item.title)}</title>\n")
        parts.append(f"<link>{_text(item.link)}</link>\n")
        parts.append(f"<description>{_text(item.description)}</description>\n")
        if item.guid is not None:
            parts.append(f'<guid isPermaLink="false">{_text(item.guid)}</guid>\n')
        if isinstance(item.pub_date, dtm.datetime):
            parts.append(f"<pubDate>{email.utils.format_datetime(item.pub_date)}</pubDate>\n")
        elif item.pub_date is not None:
            parts.append(f"<pubDate>{_text(item.pub_date)}</pubDate>\n")
        parts.append("</item>\n")
    parts.append("</channel>\n</rss>\n")
    return "".join(parts).encode(encoding, errors="xmlcharrefreplace")


class _FeedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes
    feeds: ClassVar[FeedServer]

    def do_GET(self) -> None:
        self.feeds._serve(self, with_body=True)

    def do_HEAD(self) -> None:
        self.feeds._serve(self, with_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FeedServer:
    """A thread-safe, mutable HTTP feed server for tests."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self._bind_port = port
        self._cond = threading.Condition(threading.RLock())
        self._resources: dict[str, _Resource] = {}
        self._routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._unknown_hits: dict[str, int] = {}
        self._server: LocalHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._closing = False

    def start(self) -> FeedServer:
        if self._server is not None:
            raise RuntimeError("FeedServer already started")
        handler = type("BoundFeedHandler", (_FeedHandler,), {"feeds": self})
        self._server = LocalHTTPServer((self.host, self._bind_port), handler)
        self._thread = self._server.serve_in_thread("feed-server")
        return self

    def stop(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._server is not None:
            self._server.stop(self._thread)
        self._server = None

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port it listens on (once started)."""
        return self._server.server_port if self._server is not None else self._bind_port

    def url(self, path: str) -> str:
        """Absolute URL of `path` ("/news.xml")."""
        if self._server is None:
            raise RuntimeError("FeedServer is not started")
        return f"http://{self.host}:{self._server.server_port}/{path.lstrip('/')}"

    # ------------------------------------------------------------------ content

    def set_feed(
        self,
        path: str,
        items: list[FeedItem],
        *,
        title: str = "Test feed",
        encoding: str = "utf-8",
    ) -> None:
        """Serve an RSS 2.0 document made of `items` at `path`."""
        with self._cond:
            old = self._resources.get(_key(path))
            resource = _Resource(body=b"", items=list(items), title=title, encoding=encoding)
            if old is not None:
                _keep_counters_and_faults(old, resource)
            self._resources[_key(path)] = resource
            self._render(path, resource)

    def add_item(self, path: str, item: FeedItem) -> None:
        """Prepend `item` to the feed at `path` (set with set_feed)."""
        with self._cond:
            resource = self._resources[_key(path)]
            if resource.items is None:
                raise ValueError(f"{path} was set with set_raw; it has no items")
            resource.items.insert(0, item)
            self._render(path, resource)

    def set_raw(
        self, path: str, body: bytes, status: int = 200, headers: dict[str, str] | None = None
    ) -> None:
        """Serve `body` as is (Content-Type from `headers`, else application/xml)."""
        with self._cond:
            old = self._resources.get(_key(path))
            resource = _Resource(body=body, status=status, headers=dict(headers or {}))
            if old is not None:
                _keep_counters_and_faults(old, resource)
            self._resources[_key(path)] = resource
            _stamp(resource, old)
            self._cond.notify_all()

    def set_status(self, path: str, code: int | None, retry_after: int | None = None) -> None:
        """Answer every request to `path` with `code` (None or 200 restores the content)."""
        with self._cond:
            resource = self._resource_or_empty(path)
            resource.fault_status = None if code in (None, 200) else code
            resource.retry_after = retry_after
            self._cond.notify_all()

    def hang(self, path: str, seconds: float = math.inf) -> None:
        """Wait `seconds` before answering each request to `path` (0 to stop; default: until
        the server stops)."""
        with self._cond:
            resource = self._resource_or_empty(path)
            resource.hang_seconds = seconds
            self._cond.notify_all()

    def set_stream(
        self,
        path: str,
        body: Callable[[], Iterable[bytes]],
        headers: dict[str, str],
        *,
        chunked: bool = False,
        content_length: int | None = None,
        status: int = 200,
    ) -> None:
        """Serve what `body()` yields, written as it is made (hostile bodies: bombs, lies).

        `chunked` sends each piece as one chunk; otherwise the answer carries `content_length`
        if given (true or not) and the connection closes after the body.
        """
        with self._cond:
            old = self._resources.get(_key(path))
            resource = _Resource(body=b"", status=status, headers=dict(headers))
            resource.stream, resource.chunked = body, chunked
            resource.content_length = content_length
            if old is not None:
                _keep_counters_and_faults(old, resource)
            self._resources[_key(path)] = resource
            self._cond.notify_all()

    # ------------------------------------------------------------------ exact answers

    def reply(
        self,
        path: str,
        body: bytes = b"",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_length: bool = True,
    ) -> None:
        """Answer `path` with exactly this status, headers and body (nothing added but the
        Content-Length, unless `content_length` is False: the body then ends at the close)."""

        def route(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(status)
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            if content_length:
                handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        self._route(path, route)

    def fixture(
        self, path: str, name: str, content_type: str | None = "application/rss+xml"
    ) -> None:
        """Serve a captured feed from tests/fixtures/feeds."""
        headers = {"Content-Type": content_type} if content_type else {}
        self.reply(path, (FIXTURES / name).read_bytes(), headers=headers)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        """Redirect `path` to `location`."""
        self.reply(path, status=status, headers={"Location": location})

    def conditional(self, path: str, body: bytes, *, etag: str, last_modified: str) -> None:
        """200 with these validators, or 304 when the request's validators match."""

        def route(handler: BaseHTTPRequestHandler) -> None:
            if (
                handler.headers.get("If-None-Match") == etag
                or handler.headers.get("If-Modified-Since") == last_modified
            ):
                handler.send_response(304)
                handler.end_headers()
                return
            handler.send_response(200)
            handler.send_header("ETag", etag)
            handler.send_header("Last-Modified", last_modified)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        self._route(path, route)

    def trickle(self, path: str, interval: float = 0.02) -> None:
        """Send headers, then one byte every `interval` seconds until the server stops."""

        def route(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/rss+xml")
            handler.end_headers()
            handler.wfile.write(b"<?xml version='1.0'?><rss>")
            while not self._closing:
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(interval)

        self._route(path, route)

    def gzipped(self, path: str, body: bytes) -> None:
        """Serve `body` gzip-compressed with Content-Encoding: gzip."""
        self.reply(path, gzip.compress(body), headers={"Content-Encoding": "gzip"})

    def _route(self, path: str, route: Route) -> None:
        with self._cond:
            self._routes[path] = route

    # ------------------------------------------------------------------ results

    def hits(self, path: str) -> int:
        """Requests received for `path` (all answers, including 304s and faults)."""
        with self._cond:
            resource = self._resources.get(_key(path))
            return resource.hits if resource else self._unknown_hits.get(_key(path), 0)

    def conditional_hits(self, path: str) -> int:
        """Requests for `path` answered 304 Not Modified."""
        with self._cond:
            resource = self._resources.get(_key(path))
            return resource.conditional_hits if resource else 0

    def etag(self, path: str) -> str:
        with self._cond:
            return self._resources[_key(path)].etag

    def wait_for_hits(self, path: str, count: int, timeout: float = 10.0) -> int:
        """Block until `path` has had at least `count` requests; return the count."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while (current := self.hits(path)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{path}: {current} hits, wanted {count} in {timeout}s")
                self._cond.wait(min(remaining, 0.05))
            return current

    # ------------------------------------------------------------------ serving

    def _resource_or_empty(self, path: str) -> _Resource:
        resource = self._resources.get(_key(path))
        if resource is None:
            resource = _Resource(body=b"")
            _stamp(resource, None)
            self._resources[_key(path)] = resource
        return resource

    def _render(self, path: str, resource: _Resource) -> None:
        assert resource.items is not None
        previous = resource.etag
        resource.body = render_rss(
            resource.items,
            title=resource.title,
            link=self.url_or_path(path),
            encoding=resource.encoding,
        )
        resource.headers = {"Content-Type": f"application/rss+xml; charset={resource.encoding}"}
        if _etag_of(resource.body) != previous:
            _stamp(resource, None)
        self._cond.notify_all()

    def url_or_path(self, path: str) -> str:
        return self.url(path) if self._server is not None else path

    def _serve(self, handler: BaseHTTPRequestHandler, *, with_body: bool) -> None:
        path = _key(urlsplit(handler.path).path)
        with self._cond:
            self.requests.append((handler.path, dict(handler.headers.items())))
            route = self._routes.get(handler.path)
            self._cond.notify_all()
        if route is not None:
            # an answer written as is may end only where the connection closes: HTTP/1.0 tells
            # the client not to send another request on it
            handler.protocol_version = "HTTP/1.0"
            handler.close_connection = True
            route(handler)
            return
        with self._cond:
            resource = self._resources.get(path)
            if resource is None:
                self._unknown_hits[path] = self._unknown_hits.get(path, 0) + 1
                self._cond.notify_all()
                _respond(handler, 404, {"Content-Type": "text/plain"}, b"not found", with_body)
                return
            resource.hits += 1
            self._cond.notify_all()
            arrived = time.monotonic()
            # Re-read hang_seconds while waiting so hang(path, 0) releases waiting requests.
            while not self._closing:
                remaining = arrived + resource.hang_seconds - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(None if math.isinf(remaining) else remaining)
            if self._closing:
                handler.close_connection = True
                return
            stream: tuple[Callable[[], Iterable[bytes]], bool, int | None] | None = None
            if resource.fault_status is not None:
                headers = {"Content-Type": "text/plain"}
                if resource.retry_after is not None:
                    headers["Retry-After"] = str(resource.retry_after)
                answer = (resource.fault_status, headers, b"fault injected")
            elif resource.stream is not None:
                stream = (resource.stream, resource.chunked, resource.content_length)
                answer = (resource.status, dict(resource.headers), b"")
            elif resource.status == 200 and _not_modified(handler, resource):
                resource.conditional_hits += 1
                answer = (304, _validators(resource), b"")
            else:
                headers = {"Content-Type": "application/xml", **resource.headers}
                if resource.status == 200:
                    headers.update(_validators(resource))
                answer = (resource.status, headers, resource.body)
        if stream is not None:
            _respond_stream(handler, answer[0], answer[1], *stream, with_body)
            return
        _respond(handler, *answer, with_body)


def _key(path: str) -> str:
    return "/" + path.lstrip("/")


def _etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _stamp(resource: _Resource, old: _Resource | None) -> None:
    """Set ETag and Last-Modified; Last-Modified always moves forward on a change."""
    previous = old.last_modified if old is not None else resource.last_modified
    etag = _etag_of(resource.body)
    if old is not None and old.etag == etag:
        resource.etag, resource.last_modified = old.etag, old.last_modified
        return
    resource.etag = etag
    resource.last_modified = max(int(time.time()), previous + 1 if previous else 0)


def _keep_counters_and_faults(old: _Resource, new: _Resource) -> None:
    new.hits, new.conditional_hits = old.hits, old.conditional_hits
    new.fault_status, new.retry_after, new.hang_seconds = (
        old.fault_status,
        old.retry_after,
        old.hang_seconds,
    )
    new.etag, new.last_modified = old.etag, old.last_modified


def _validators(resource: _Resource) -> dict[str, str]:
    return {
        "ETag": resource.etag,
        "Last-Modified": email.utils.formatdate(resource.last_modified, usegmt=True),
    }


def _not_modified(handler: BaseHTTPRequestHandler, resource: _Resource) -> bool:
    if_none_match = handler.headers.get("If-None-Match")
    if if_none_match is not None:
        # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or resource.etag in tags
    if_modified_since = handler.headers.get("If-Modified-Since")
    if if_modified_since is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    return resource.last_modified <= int(since.timestamp())


def _respond(
    handler: BaseHTTPRequestHandler,
    status: int,
    headers: dict[str, str],
    body: bytes,
    with_body: bool,
) -> None:
    try:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        if status != 304:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if with_body and status != 304:
            handler.wfile.write(body)
        handler.wfile.flush()
    except OSError:
        handler.close_connection = True


def _respond_stream(
    handler: BaseHTTPRequestHandler,
    status: int,
    headers: dict[str, str],
    body: Callable[[], Iterable[bytes]],
    chunked: bool,
    content_length: int | None,
    with_body: bool,
) -> None:
    try:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        if chunked:
            handler.send_header("Transfer-Encoding", "chunked")
        else:
            if content_length is not None:
                handler.send_header("Content-Length", str(content_length))
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        if with_body:
            for piece in body():
                if not piece:
                    continue
                if chunked:
                    handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                else:
                    handler.wfile.write(piece)
            if chunked:
                handler.wfile.write(b"0\r\n\r\n")
        handler.wfile.flush()
    except OSError:  # the client hung up, as it should on a bomb
        handler.close_connection = True


# ---------------------------------------------------------------------- hostile bodies

_MIB = 1 << 20


def _zero_block() -> bytes:
    """Deflate data for 1 MiB of zeros ending on a full flush: byte-aligned, no back
    references into what came before, so it can be repeated to make any multiple."""
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return squeezer.compress(bytes(_MIB)) + squeezer.flush(zlib.Z_FULL_FLUSH)


_FINAL_EMPTY_BLOCK = b"\x03\x00"  # a last, empty fixed-Huffman block


def zeros_bomb(mib: int, wrapper: str = "gzip", *, per_write: int = 64) -> Iterator[bytes]:
    """`mib` MiB of zeros compressed, made on the fly in about 1 KB per MiB.

    `wrapper` is "gzip", "zlib" (RFC 1950) or "raw" (bare deflate). The trailer's checksum is
    only computed if a client reads that far.
    """
    block = _zero_block()
    if wrapper == "gzip":
        yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    elif wrapper == "zlib":
        yield b"\x78\xda"
    elif wrapper != "raw":
        raise ValueError(f"unknown wrapper {wrapper!r}")
    for start in range(0, mib, per_write):
        yield block * min(per_write, mib - start)
    yield _FINAL_EMPTY_BLOCK
    zeros = bytes(_MIB)
    if wrapper == "gzip":
        crc = 0
        for _ in range(mib):
            crc = zlib.crc32(zeros, crc)
        size = (mib * _MIB) & 0xFFFFFFFF
        yield crc.to_bytes(4, "little") + size.to_bytes(4, "little")
    elif wrapper == "zlib":
        # Adler-32 of n zeros: a stays 1, b adds 1 per byte
        yield (((mib * _MIB) % 65521) << 16 | 1).to_bytes(4, "big")


def gzip_stream(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """`pieces` gzip-compressed as they come (one more layer: a stacked bomb)."""
    squeezer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for piece in pieces:
        out = squeezer.compress(piece)
        if out:
            yield out
    yield squeezer.flush()


__all__ = ["FeedItem", "FeedServer", "gzip_stream", "render_rss", "zeros_bomb"]
