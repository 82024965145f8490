"""A local HTTP server on 127.0.0.1 whose routes each test configures."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"

Route = Callable[["_Handler"], None]


@dataclass
class FeedServer:
    """Routes by path; `requests` records (path, headers) of every request received."""

    host: str
    port: int
    stop: threading.Event
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def reply(
        self,
        path: str,
        body: bytes = b"",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_length: bool = True,
    ) -> None:
        """Answer `path` with a fixed status, headers and body."""

        def route(handler: _Handler) -> None:
            handler.send_response(status)
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            if content_length:
                handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        self.routes[path] = route

    def fixture(
        self, path: str, name: str, content_type: str | None = "application/rss+xml"
    ) -> None:
        """Serve a file from tests/fixtures/feeds."""
        headers = {"Content-Type": content_type} if content_type else {}
        self.reply(path, (FIXTURES / name).read_bytes(), headers=headers)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.reply(path, status=status, headers={"Location": location})

    def conditional(self, path: str, body: bytes, *, etag: str, last_modified: str) -> None:
        """200 with validators, or 304 when the request's validators match."""

        def route(handler: _Handler) -> None:
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

        self.routes[path] = route

    def hang(self, path: str) -> None:
        """Accept the request and never answer (until the test ends)."""

        def route(handler: _Handler) -> None:
            self.stop.wait()

        self.routes[path] = route

    def trickle(self, path: str, interval: float = 0.02) -> None:
        """Send headers, then one byte every `interval` seconds forever."""

        def route(handler: _Handler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/rss+xml")
            handler.end_headers()
            handler.wfile.write(b"<?xml version='1.0'?><rss>")
            while not self.stop.is_set():
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(interval)

        self.routes[path] = route

    def gzipped(self, path: str, body: bytes) -> None:
        self.reply(path, gzip.compress(body), headers={"Content-Encoding": "gzip"})


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        feeds = self.server.feeds
        feeds.requests.append((self.path, dict(self.headers.items())))
        route = feeds.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        route(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


class _Server(ThreadingHTTPServer):
    feeds: FeedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up on purpose (size cap, timeouts) is what the tests do


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.daemon_threads = False  # server_close() joins handlers, so nothing outlives the test
    feeds = FeedServer("127.0.0.1", server.server_address[1], threading.Event())
    server.feeds = feeds
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield feeds
    finally:
        feeds.stop.set()
        server.shutdown()
        server.server_close()
        thread.join()
