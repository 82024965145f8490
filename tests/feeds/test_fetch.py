"""fetch_feed against a real local HTTP server, local files, and parse_retry_after."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from postbot.errors import FeedHTTPError, FeedTimeout, FeedTooLarge, FetchError, TooManyRedirects
from postbot.feeds.fetch import fetch_feed, make_client, parse_retry_after
from postbot.feeds.parse import parse_feed

from .conftest import FIXTURES, FeedServer

FAST = 0.3  # seconds: every timeout in these tests


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(connect_timeout=FAST, read_timeout=FAST) as c:
        yield c


async def test_serves_fixture_with_validators_and_headers(
    feed_server: FeedServer, client: httpx.AsyncClient
) -> None:
    feed_server.conditional(
        "/feed", b"<rss/>", etag='"v1"', last_modified="Fri, 27 Nov 2026 17:20:00 GMT"
    )
    result = await fetch_feed(client, feed_server.url("/feed"))
    assert result.not_modified is False
    assert result.body == b"<rss/>"
    assert result.etag == '"v1"'
    assert result.last_modified == "Fri, 27 Nov 2026 17:20:00 GMT"
    assert result.url == feed_server.url("/feed")
    _, headers = feed_server.requests[0]
    assert headers["User-Agent"].startswith("postbot/")
    assert "If-None-Match" not in headers


@pytest.mark.parametrize(
    ("etag", "last_modified"),
    [
        pytest.param('"v1"', None, id="if-none-match"),
        pytest.param(None, "Fri, 27 Nov 2026 17:20:00 GMT", id="if-modified-since"),
        pytest.param('"v1"', "Fri, 27 Nov 2026 17:20:00 GMT", id="both"),
    ],
)
async def test_conditional_get_gives_not_modified_and_keeps_validators(
    feed_server: FeedServer,
    client: httpx.AsyncClient,
    etag: str | None,
    last_modified: str | None,
) -> None:
    feed_server.conditional(
        "/feed", b"<rss/>", etag='"v1"', last_modified="Fri, 27 Nov 2026 17:20:00 GMT"
    )
    result = await fetch_feed(
        client, feed_server.url("/feed"), etag=etag, last_modified=last_modified
    )
    assert result.not_modified is True
    assert result.body == b""
    assert (result.etag, result.last_modified) == (etag, last_modified)  # 304 sent none
    _, headers = feed_server.requests[0]
    assert headers.get("If-None-Match") == etag
    assert headers.get("If-Modified-Since") == last_modified


async def test_304_with_new_validators_replaces_old_ones(
    feed_server: FeedServer, client: httpx.AsyncClient
) -> None:
    feed_server.reply("/feed", status=304, headers={"ETag": '"v2"'}, content_length=False)
    result = await fetch_feed(client, feed_server.url("/feed"), etag='"v1"', last_modified="x")
    assert result.not_modified is True
    assert (result.etag, result.last_modified) == ('"v2"', "x")


async def test_empty_200_is_not_modified(
    feed_server: FeedServer, client: httpx.AsyncClient
) -> None:
    feed_server.reply("/empty", b"")
    result = await fetch_feed(client, feed_server.url("/empty"), etag='"old"')
    assert result.not_modified is True
    assert result.etag == '"old"'


async def test_hung_server_times_out_quickly(
    feed_server: FeedServer, client: httpx.AsyncClient
) -> None:
    feed_server.hang("/hang")
    started = time.monotonic()
    with pytest.raises(FeedTimeout, match="ReadTimeout"):
        await fetch_feed(client, feed_server.url("/hang"))
    assert time.monotonic() - started < 2


async def test_hung_server_hits_total_deadline_before_long_read_timeout(
    feed_server: FeedServer,
) -> None:
    feed_server.hang("/hang")
    async with make_client(read_timeout=30) as slow_client:
        started = time.monotonic()
        with pytest.raises(FeedTimeout, match="no complete answer"):
            await fetch_feed(slow_client, feed_server.url("/hang"), total_timeout=FAST)
    assert time.monotonic() - started < 2


async def test_trickling_server_hits_total_deadline(
    feed_server: FeedServer, client: httpx.AsyncClient
) -> None:
    # Each byte arrives well within the read timeout; only the total deadline can stop this.
    feed_server.trickle("/trickle", interval=0.02)
    started = time.monotonic()
    with pytest.raises(FeedTimeout, match="no complete answer"):
        await fetch_feed(client, feed_server.url("/trickle"), total_timeout=FAST)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("content_length", [True, False], ids=["content-length", "streamed"])
async def test_oversized_body_is_refused(
    feed_server: FeedServer, client: httpx.AsyncClient, content_length: bool
) -> None:
    feed_server.reply("/big", b"<" * 300_000, content_length=content_length)
    with pytest.raises(FeedTooLarge):
        await fetch_feed(client, feed_server.url("/big"), max_bytes=100_000)


async def test_body_exactly_at_cap_is_accepted(
    feed_server: FeedServer, client: httpx.AsyncClient
) -> None:
    feed_server.reply("/cap", b"x" * 1000, content_length=False)
    result = await fetch_feed(client, feed_server.url("/cap"), max_bytes=1000)
    assert len(result.body) == 1000


async def test_gzip_bomb_is_capped_after_decompression(
    feed_server: FeedServer, client: httpx.AsyncClient
) -> None:
    feed_server.gzipped("/bomb", b"\0" * 2_000_000)  # ~2 KB on the wire
    with pytest.raises(FeedTooLarge):
        await fetch_feed(client, feed_server.url("/bomb"), max_bytes=100_000)


async def test_redirect_loop_is_refused(feed_server: FeedServer, client: httpx.AsyncClient) -> None:
    feed_server.redirect("/a", "/b")
    feed_server.redirect("/b", feed_server.url("/a"))
    with pytest.raises(TooManyRedirects):
        await fetch_feed(client, feed_server.url("/a"))
    assert len(feed_server.requests) == 6  # the first request plus 5 redirects


async def test_three_hop_redirect_with_relative_locations_succeeds(
    feed_server: FeedServer, client: httpx.AsyncClient
) -> None:
    feed_server.redirect("/old/feed", "../hop2", status=301)  # relative to /old/
    feed_server.redirect("/hop2", "/new/hop3", status=307)
    feed_server.redirect("/new/hop3", feed_server.url("/final.xml"), status=308)
    feed_server.fixture("/final.xml", "sample-ar.xml")
    result = await fetch_feed(client, feed_server.url("/old/feed"), max_redirects=3)
    assert result.url == feed_server.url("/final.xml")
    assert result.body == (FIXTURES / "sample-ar.xml").read_bytes()
    assert result.content_type == "application/rss+xml"


@pytest.mark.parametrize(("hops", "ok"), [(2, True), (3, False)], ids=["at-cap", "over-cap"])
async def test_redirect_cap_is_exact(
    feed_server: FeedServer, client: httpx.AsyncClient, hops: int, ok: bool
) -> None:
    for i in range(hops):
        feed_server.redirect(f"/r{i}", f"/r{i + 1}")
    feed_server.reply(f"/r{hops}", b"<rss/>")
    if ok:
        assert (await fetch_feed(client, feed_server.url("/r0"), max_redirects=2)).body
    else:
        with pytest.raises(TooManyRedirects):
            await fetch_feed(client, feed_server.url("/r0"), max_redirects=2)


async def test_redirect_to_local_file_is_refused(
    feed_server: FeedServer, client: httpx.AsyncClient
) -> None:
    feed_server.redirect("/evil", "file:///etc/passwd")
    with pytest.raises(FetchError, match="refusing redirect") as info:
        await fetch_feed(client, feed_server.url("/evil"))
    assert type(info.value) is FetchError


@pytest.mark.parametrize(
    ("status", "headers", "retry_after"),
    [
        pytest.param(500, {}, None, id="500"),
        pytest.param(404, {}, None, id="404"),
        pytest.param(429, {"Retry-After": "120"}, 120.0, id="429-seconds"),
        pytest.param(503, {"Retry-After": "soon"}, None, id="503-garbage"),
        pytest.param(300, {}, None, id="3xx-without-location"),
    ],
)
async def test_error_status_raises_with_retry_after(
    feed_server: FeedServer,
    client: httpx.AsyncClient,
    status: int,
    headers: dict[str, str],
    retry_after: float | None,
) -> None:
    feed_server.reply("/err", b"oops", status=status, headers=headers)
    with pytest.raises(FeedHTTPError) as info:
        await fetch_feed(client, feed_server.url("/err"))
    assert info.value.status == status
    assert info.value.retry_after == retry_after


async def test_503_with_http_date_retry_after(
    feed_server: FeedServer, client: httpx.AsyncClient
) -> None:
    feed_server.reply("/busy", status=503, headers={"Retry-After": "Fri, 01 Jan 2100 00:00:00 GMT"})
    with pytest.raises(FeedHTTPError) as info:
        await fetch_feed(client, feed_server.url("/busy"))
    assert info.value.retry_after is not None and info.value.retry_after > 365 * 86400


async def test_connection_refused_is_a_fetch_error(client: httpx.AsyncClient) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has no listener
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match=f"127.0.0.1:{port}"):
        await fetch_feed(client, f"http://127.0.0.1:{port}/feed")


async def test_error_messages_hide_url_credentials(client: httpx.AsyncClient) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError) as info:
        await fetch_feed(client, f"http://user:s3cret@127.0.0.1:{port}/feed")
    assert "s3cret" not in str(info.value)


async def test_garbage_bytes_are_fetched_and_parse_to_a_warning(
    feed_server: FeedServer, client: httpx.AsyncClient
) -> None:
    feed_server.reply("/junk", bytes(range(256)) * 4, headers={"Content-Type": "text/xml"})
    result = await fetch_feed(client, feed_server.url("/junk"))
    parsed = parse_feed(result.body, feed_id="junk", content_type=result.content_type)
    assert parsed.stories == []
    assert parsed.warning


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        pytest.param(
            "sample-ar-cp1256.xml", "application/rss+xml; charset=utf-8", id="header-utf8"
        ),
        pytest.param("sample-ar-cp1256.xml", None, id="no-header"),
        pytest.param("rss-undeclared-cp1256.xml", "text/xml; charset=UTF-8", id="undeclared"),
        pytest.param("rss-undeclared-cp1256.xml", "text/xml; charset=iso-8859-1", id="latin1"),
    ],
)
async def test_windows_1256_feed_with_lying_or_missing_charset(
    feed_server: FeedServer, client: httpx.AsyncClient, name: str, content_type: str | None
) -> None:
    feed_server.fixture("/ar", name, content_type=content_type)
    result = await fetch_feed(client, feed_server.url("/ar"))
    parsed = parse_feed(result.body, feed_id="ar", content_type=result.content_type)
    assert parsed.stories
    assert all("\ufffd" not in s.title for s in parsed.stories)
    assert any("داعش" in s.title + s.summary for s in parsed.stories)


@pytest.mark.parametrize("form", ["absolute", "relative", "file-url"])
async def test_local_file_sources(
    client: httpx.AsyncClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    path = tmp_path / "feed dir" / "أخبار.xml"
    path.parent.mkdir()
    path.write_bytes((FIXTURES / "sample-ar.xml").read_bytes())
    monkeypatch.chdir(tmp_path)
    source = {
        "absolute": str(path),
        "relative": "feed dir/أخبار.xml",
        "file-url": path.as_uri(),
    }[form]
    result = await fetch_feed(client, source)
    assert result.not_modified is False
    assert result.body == path.read_bytes()
    assert (result.etag, result.last_modified) == (None, None)
    assert Path(result.url).resolve() == path


@pytest.mark.parametrize(
    "source",
    ["/no/such/feed.xml", "ftp://example.org/feed.xml", "feed.xml", "http//broken", ""],
)
async def test_unusable_sources_raise_fetch_error(
    client: httpx.AsyncClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FetchError) as info:
        await fetch_feed(client, source)
    assert type(info.value) is FetchError


async def test_directory_is_not_a_feed(client: httpx.AsyncClient, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="existing file"):
        await fetch_feed(client, str(tmp_path))


async def test_local_file_over_cap(client: httpx.AsyncClient, tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(b"x" * 101)
    with pytest.raises(FeedTooLarge):
        await fetch_feed(client, str(path), max_bytes=100)


NOW = datetime(2026, 11, 27, 17, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, None, id="absent"),
        pytest.param("", None, id="empty"),
        pytest.param("120", 120.0, id="seconds"),
        pytest.param("  7 ", 7.0, id="padded"),
        pytest.param("0", 0.0, id="zero"),
        pytest.param("1.5", 1.5, id="fraction"),
        pytest.param("-5", None, id="negative"),
        pytest.param("soon", None, id="garbage"),
        pytest.param("Fri, 27 Nov 2026 17:21:30 GMT", 90.0, id="http-date"),
        pytest.param("Fri, 27 Nov 2026 17:00:00 GMT", 0.0, id="date-in-past"),
        pytest.param("Friday, 27-Nov-26 17:25:00 GMT", 300.0, id="rfc850"),
        pytest.param("Fri, 99 Nov 2026 17:21:30 GMT", None, id="bad-day"),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


async def test_not_modified_and_redirects_keep_the_connection_alive() -> None:
    """An unchanged feed must not cost a new connection (a TLS handshake, for real feeds)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    ports: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            ports.append(self.client_address[1])
            if self.path == "/old":
                self.send_response(301)
                self.send_header("Location", "/feed")
                body = b"moved"
            else:
                self.send_response(304)
                body = b""
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        async with make_client() as client:
            url = f"http://127.0.0.1:{server.server_port}"
            for _ in range(5):
                result = await fetch_feed(client, f"{url}/old", etag='"v1"')
                assert result.not_modified
    finally:
        server.shutdown()
        server.server_close()
    assert len(ports) == 10 and len(set(ports)) == 1
