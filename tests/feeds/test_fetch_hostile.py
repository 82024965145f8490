"""fetch_feed against hostile servers: compression bombs, refused encodings, unsafe redirects.

Bombs come from the loopback feed server (tests/support/feedserver.py), made on the fly; peak
memory is measured with tracemalloc in this process (the fetch and the server thread both).
"""

from __future__ import annotations

import gzip
import socket
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from itertools import pairwise, repeat
from typing import Any

import httpx
import pytest

from postbot.errors import FeedTooLarge, FetchError
from postbot.feeds.fetch import DEFAULT_MAX_BYTES, fetch_feed, make_client
from postbot.feeds.redirects import Resolver, literal_address, unsafe_reason
from support.feedserver import FeedServer as LoopbackFeeds
from support.feedserver import gzip_stream, zeros_bomb

from .conftest import FIXTURES, FeedServer

CAP = DEFAULT_MAX_BYTES  # 5 MB, the cap the bot runs with
FEED = (FIXTURES / "sample-ar.xml").read_bytes()


@pytest.fixture
def loopback() -> Iterator[LoopbackFeeds]:
    with LoopbackFeeds() as server:
        yield server


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(connect_timeout=5, read_timeout=10) as c:
        yield c


def _endless(piece: bytes) -> Callable[[], Iterable[bytes]]:
    return lambda: repeat(piece)


def _bomb(wrapper: str, layers: int = 1, mib: int = 1024) -> Callable[[], Iterable[bytes]]:
    def make() -> Iterable[bytes]:
        pieces: Iterable[bytes] = zeros_bomb(mib, wrapper)
        for _ in range(layers - 1):
            pieces = gzip_stream(pieces)
        return pieces

    return make


# (id, Content-Encoding, body, chunked, Content-Length, error type, message fragment)
BOMBS = [
    ("gzip-1GiB", "gzip", _bomb("gzip"), False, None, FeedTooLarge, "larger than"),
    ("gzip-1GiB-chunked", "gzip", _bomb("gzip"), True, None, FeedTooLarge, "larger than"),
    ("x-gzip-1GiB", "x-gzip", _bomb("gzip"), False, None, FeedTooLarge, "larger than"),
    ("zlib-deflate-1GiB", "deflate", _bomb("zlib"), False, None, FeedTooLarge, "larger than"),
    ("raw-deflate-chunked", "deflate", _bomb("raw"), True, None, FeedTooLarge, "larger than"),
    ("gzip-gzip-stacked", "gzip, gzip", _bomb("gzip", 2), False, None, FetchError, "stacked"),
    ("deflate-gzip-stacked", "deflate, gzip", _bomb("gzip", 2), True, None, FetchError, "stacked"),
    ("gzip,gzip-no-space", "gzip,gzip", _bomb("gzip", 2), False, None, FetchError, "stacked"),
    ("br-refused", "br", _bomb("gzip"), False, None, FetchError, "'br' refused"),
    ("zstd-refused", "zstd", _bomb("gzip"), True, None, FetchError, "'zstd' refused"),
    ("compress-refused", "compress", _bomb("gzip"), False, None, FetchError, "'compress'"),
    ("cl-short-lie", "gzip", _bomb("gzip"), False, 3000, FetchError, "truncated"),
    ("cl-under-cap-lie", "gzip", _bomb("gzip"), False, CAP - 1, FeedTooLarge, "larger than"),
    ("cl-over-cap", "gzip", _bomb("gzip"), False, CAP + 1, FeedTooLarge, "Content-Length"),
    ("gzip-label-3-layers", "gzip", _bomb("gzip", 3, 256), True, None, None, ""),
]


@pytest.mark.parametrize(
    ("encoding", "body", "chunked", "length", "error", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in BOMBS],
)
async def test_bombs_are_refused_within_a_few_times_the_cap(
    loopback: LoopbackFeeds,
    client: httpx.AsyncClient,
    encoding: str,
    body: Callable[[], Iterable[bytes]],
    chunked: bool,
    length: int | None,
    error: type[FetchError] | None,
    fragment: str,
) -> None:
    headers = {"Content-Type": "application/rss+xml", "Content-Encoding": encoding}
    loopback.set_stream("/bomb", body, headers, chunked=chunked, content_length=length)
    # the baseline, in the same run: an honest feed just under the cap, not compressed
    loopback.set_raw("/honest", b"x" * (CAP - 1))
    tracemalloc.start()
    try:
        honest = await fetch_feed(client, loopback.url("/honest"))
        assert len(honest.body) == CAP - 1
        del honest
        _, baseline = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        if error is None:  # one label, more layers inside: one is undone, the rest is data
            result = await fetch_feed(client, loopback.url("/bomb"))
            assert result.body[:2] == b"\x1f\x8b" and len(result.body) < CAP
        else:
            with pytest.raises(error, match=fragment) as info:
                await fetch_feed(client, loopback.url("/bomb"))
            assert type(info.value) is error
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"peak {peak / 1e6:.1f} MB for the bomb, {baseline / 1e6:.1f} MB for an honest feed")
    assert peak < 4 * CAP


async def test_endless_empty_gzip_members_hit_the_wire_cap(
    loopback: LoopbackFeeds, client: httpx.AsyncClient
) -> None:
    """Members that decode to nothing never grow the body: the raw cap must stop them."""
    headers = {"Content-Encoding": "gzip"}
    loopback.set_stream("/empty-members", _endless(gzip.compress(b"") * 500), headers)
    with pytest.raises(FeedTooLarge, match="on the wire"):
        await fetch_feed(client, loopback.url("/empty-members"), max_bytes=100_000)


async def test_endless_stored_deflate_blocks_hit_the_cap(
    loopback: LoopbackFeeds, client: httpx.AsyncClient
) -> None:
    def blocks() -> Iterator[bytes]:
        yield b"\x78\x01"  # zlib header, then non-final stored blocks of 8 bytes forever
        yield from repeat(b"\x00\x08\x00\xf7\xff" + b"<rss/>  " + b"\x00\x00\x00\xff\xff" * 100)

    loopback.set_stream("/stored", blocks, {"Content-Encoding": "deflate"}, chunked=True)
    with pytest.raises(FeedTooLarge):
        await fetch_feed(client, loopback.url("/stored"), max_bytes=200_000)


@pytest.mark.parametrize("transfer", ["gzip, chunked", "gzip", "deflate, chunked", "compress"])
async def test_compressed_transfer_encoding_is_refused(
    loopback: LoopbackFeeds, client: httpx.AsyncClient, transfer: str
) -> None:
    def framed() -> Iterator[bytes]:  # chunked framing by hand: the header is ours to set
        for piece in zeros_bomb(1024, "gzip"):
            yield b"%x\r\n%s\r\n" % (len(piece), piece)
        yield b"0\r\n\r\n"

    loopback.set_stream("/te", framed, {"Transfer-Encoding": transfer})
    with pytest.raises(FetchError, match="Transfer-Encoding") as info:
        await fetch_feed(client, loopback.url("/te"))
    assert type(info.value) is FetchError


@pytest.mark.parametrize(("size", "ok"), [(CAP, True), (CAP + 1, False)], ids=["at", "over"])
@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
async def test_decoded_cap_is_exact(
    loopback: LoopbackFeeds, client: httpx.AsyncClient, encoding: str, size: int, ok: bool
) -> None:
    body = b"<" * size
    encoded = gzip.compress(body) if encoding == "gzip" else zlib.compress(body)
    loopback.set_stream("/cap", _pieces(encoded, 4096), {"Content-Encoding": encoding})
    if ok:
        assert (await fetch_feed(client, loopback.url("/cap"))).body == body
    else:
        with pytest.raises(FeedTooLarge):
            await fetch_feed(client, loopback.url("/cap"))


def _raw_deflate(data: bytes) -> bytes:
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return squeezer.compress(data) + squeezer.flush()


def _pieces(data: bytes, size: int) -> Callable[[], Iterable[bytes]]:
    return lambda: (data[i : i + size] for i in range(0, len(data), size))


@pytest.mark.parametrize(
    ("encoding", "encoded", "chunked"),
    [
        pytest.param("gzip", gzip.compress(FEED), False, id="gzip"),
        pytest.param("GZIP", gzip.compress(FEED), True, id="gzip-upper-chunked"),
        pytest.param("x-gzip", gzip.compress(FEED), False, id="x-gzip"),
        pytest.param("deflate", zlib.compress(FEED), True, id="zlib-deflate-chunked"),
        pytest.param("deflate", _raw_deflate(FEED), False, id="raw-deflate"),
        pytest.param(
            "gzip", gzip.compress(FEED[:777]) + gzip.compress(FEED[777:]), True, id="2-members"
        ),
        pytest.param("identity", FEED, True, id="identity"),
    ],
)
async def test_compressed_feeds_are_read_whole(
    loopback: LoopbackFeeds,
    client: httpx.AsyncClient,
    encoding: str,
    encoded: bytes,
    chunked: bool,
) -> None:
    headers = {"Content-Type": "application/rss+xml", "Content-Encoding": encoding}
    loopback.set_stream("/feed", _pieces(encoded, 101), headers, chunked=chunked)
    result = await fetch_feed(client, loopback.url("/feed"))
    assert result.body == FEED
    assert result.content_type == "application/rss+xml"


@pytest.mark.parametrize(
    ("encoding", "body", "fragment"),
    [
        pytest.param("gzip", gzip.compress(FEED)[:-3], "truncated", id="gzip-cut-short"),
        pytest.param("deflate", zlib.compress(FEED)[:400], "truncated", id="deflate-cut-short"),
        pytest.param("gzip", FEED, "not gzip", id="gzip-label-plain-body"),
        pytest.param("deflate", b"\x78\x9c" + b"\xff" * 64, "corrupt", id="deflate-garbage"),
    ],
)
async def test_broken_compressed_bodies_are_clear_errors(
    feed_server: FeedServer, client: httpx.AsyncClient, encoding: str, body: bytes, fragment: str
) -> None:
    feed_server.reply("/broken", body, headers={"Content-Encoding": encoding})
    with pytest.raises(FetchError, match=fragment) as info:
        await fetch_feed(client, feed_server.url("/broken"))
    assert type(info.value) is FetchError
    assert feed_server.url("/broken") in str(info.value)


@pytest.mark.parametrize(
    "encodings",
    [["gzip", "gzip"], ["gzip", "deflate"], ["identity", "gzip", "x-gzip"], ["gzip", "br"]],
)
async def test_stacking_across_several_headers_is_refused(encodings: list[str]) -> None:
    headers = [("Content-Encoding", value) for value in encodings]
    body = gzip.compress(gzip.compress(FEED))

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, stream=_Streamed(body))

    async with make_client(transport=httpx.MockTransport(handle)) as client:
        with pytest.raises(FetchError, match="refused") as info:
            await fetch_feed(client, "https://news.example/rss")
    assert type(info.value) is FetchError


async def test_only_gzip_and_deflate_are_offered(
    feed_server: FeedServer, client: httpx.AsyncClient
) -> None:
    feed_server.reply("/feed", b"<rss/>")
    feed_server.redirect("/moved", "/feed")
    await fetch_feed(client, feed_server.url("/moved"))
    async with httpx.AsyncClient() as plain:  # a client not made by make_client
        await fetch_feed(plain, feed_server.url("/feed"))
    assert [h["Accept-Encoding"] for _, h in feed_server.requests] == ["gzip, deflate"] * 3


# ------------------------------------------------------------------------------ redirects


UNSAFE_TARGETS = [
    "http://localhost:{port}/feed",
    "http://127.0.0.1:{other}/feed",
    "http://127.000.000.001:{other}/feed",
    "http://017700000001:{port}/feed",
    "https://127.0.0.1/feed",
    "http://LOCALHOST.:{port}/feed",
    "http://feeds.localhost:{port}/feed",
    "http://[::1]:{port}/feed",
    "http://[0:0:0:0:0:0:0:1]:{port}/feed",
    "http://[::ffff:127.0.0.1]:{port}/feed",
    "http://[::ffff:7f00:1]:{port}/feed",
    "http://[::127.0.0.1]:{port}/feed",
    "http://2130706433:{port}/feed",
    "http://0177.0.0.1:{port}/feed",
    "http://0x7f.1:{port}/feed",
    "http://0x7F000001:{port}/feed",
    "http://127.1:{port}/feed",
    "http://127.0.0.2:{port}/feed",
    "http://%31%32%37.0.0.1:{port}/feed",
    "http://0:{port}/feed",
    "http://0.0.0.0:{port}/feed",
    "http://[::]:{port}/feed",
    "http://10.0.0.1/feed",
    "http://012.1/feed",
    "http://172.16.5.4/feed",
    "http://192.168.1.1/feed",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/feed",
    "http://[fe80::1%25eth0]/feed",
    "http://[fc00::1]/feed",
    "http://[fd12:3456::1]/feed",
    "http://[fec0::1]/feed",
    "http://224.0.0.1/feed",
    "http://239.255.255.250/feed",
    "http://[ff02::1]/feed",
    "http://240.0.0.1/feed",
    "http://255.255.255.255/feed",
    "http://[64:ff9b::7f00:1]/feed",
    "http://[2002:c0a8:101::1]/feed",
    "http://[2001:db8::1]/feed",
    "//localhost:{port}/scheme-relative",
]


async def _no_resolving(host: str, port: int) -> list[str]:
    raise AssertionError(f"{host} should have been refused without resolving it")


@pytest.mark.parametrize("target", UNSAFE_TARGETS)
async def test_redirect_to_a_local_or_private_address_is_refused(
    feed_server: FeedServer, client: httpx.AsyncClient, target: str
) -> None:
    other = feed_server.port + 1 if feed_server.port < 65535 else feed_server.port - 1
    feed_server.redirect("/feed", target.format(port=feed_server.port, other=other))
    with pytest.raises(FetchError) as info:
        await fetch_feed(client, feed_server.url("/feed"), resolver=_no_resolving)
    assert type(info.value) is FetchError
    # httpx itself refuses some spellings (0177.0.0.1) as an invalid Location
    assert "refusing redirect" in str(info.value) or "Invalid URL" in str(info.value)
    assert len(feed_server.requests) == 1  # never followed


async def test_a_later_hop_is_checked_too(
    feed_server: FeedServer, client: httpx.AsyncClient
) -> None:
    feed_server.redirect("/a", "/b")
    feed_server.redirect("/b", feed_server.url("/c"))  # same host: the feed's own
    feed_server.redirect("/c", f"http://[::1]:{feed_server.port}/d")
    with pytest.raises(FetchError, match=r"refusing redirect to http://\[::1\]"):
        await fetch_feed(client, feed_server.url("/a"))
    assert [path for path, _ in feed_server.requests] == ["/a", "/b", "/c"]


def _resolver(table: dict[str, list[str]], asked: list[str]) -> Resolver:
    async def resolve(host: str, port: int) -> Sequence[str]:
        asked.append(f"{host}:{port}")
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    return resolve


@pytest.mark.parametrize(
    ("addresses", "fragment"),
    [
        pytest.param(["10.20.30.40"], "resolves to 10.20.30.40, a private", id="private"),
        pytest.param(["127.0.0.53"], "loopback", id="loopback"),
        pytest.param(["93.184.216.34", "192.168.0.9"], "192.168.0.9", id="one-of-several"),
        pytest.param(["::ffff:10.0.0.1"], "private address (as 10.0.0.1)", id="mapped-v6"),
        pytest.param(["fe80::1%2"], "link-local", id="link-local-with-zone"),
        pytest.param(["fd00::5"], "private", id="unique-local"),
        pytest.param([], "no address", id="nothing"),
        pytest.param(["not-an-ip"], "resolves to 'not-an-ip'", id="garbage"),
    ],
)
async def test_redirect_to_a_name_that_resolves_inward_is_refused(
    feed_server: FeedServer, client: httpx.AsyncClient, addresses: list[str], fragment: str
) -> None:
    asked: list[str] = []
    feed_server.redirect("/feed", "http://intranet.example.com:8080/feed")
    with pytest.raises(FetchError, match="refusing redirect") as info:
        await fetch_feed(
            client,
            feed_server.url("/feed"),
            resolver=_resolver({"intranet.example.com": addresses}, asked),
        )
    assert fragment in str(info.value)
    assert asked == ["intranet.example.com:8080"]


async def test_redirect_to_a_name_that_does_not_resolve_is_refused(
    feed_server: FeedServer, client: httpx.AsyncClient
) -> None:
    feed_server.redirect("/feed", "https://nowhere.example/feed")
    with pytest.raises(FetchError, match=r"cannot resolve nowhere\.example"):
        await fetch_feed(client, feed_server.url("/feed"), resolver=_resolver({}, []))


class _Streamed(httpx.AsyncByteStream):
    """A body that arrives as a stream, as from a real server (not already read)."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._body


def _mock_client(routes: dict[str, tuple[int, dict[str, str], bytes]]) -> httpx.AsyncClient:
    """An in-process HTTPS "internet" (no TLS server needed): URL -> status, headers, body."""

    def handle(request: httpx.Request) -> httpx.Response:
        status, headers, body = routes.get(str(request.url), (404, {}, b""))
        return httpx.Response(status, headers=headers, stream=_Streamed(body))

    return make_client(transport=httpx.MockTransport(handle))


def _moved(location: str) -> tuple[int, dict[str, str], bytes]:
    return 301, {"Location": location}, b"moved"


PUBLIC = {"news.example": ["93.184.216.34"], "cdn.example": ["2606:2800:220:1::1"]}


@pytest.mark.parametrize(
    ("chain", "ok"),
    [
        pytest.param(["https://news.example/rss", "https://cdn.example/rss"], True, id="public"),
        pytest.param(["http://news.example/rss", "https://cdn.example/rss"], True, id="upgrade"),
        pytest.param(["https://news.example/rss", "http://cdn.example/rss"], False, id="down"),
        pytest.param(["https://news.example/rss", "http://news.example/rss"], False, id="same"),
        pytest.param(
            ["https://news.example/a", "https://cdn.example/b", "http://news.example/c"],
            False,
            id="down-later",
        ),
        pytest.param(
            ["http://news.example/a", "https://cdn.example/b", "http://cdn.example/c"],
            False,
            id="up-then-down",
        ),
    ],
)
async def test_https_never_redirects_down_to_http(chain: list[str], ok: bool) -> None:
    routes = {src: _moved(dst) for src, dst in pairwise(chain)}
    routes[chain[-1]] = (200, {"Content-Encoding": "gzip"}, gzip.compress(FEED))
    async with _mock_client(routes) as client:
        if ok:
            result = await fetch_feed(client, chain[0], resolver=_resolver(PUBLIC, []))
            assert result.url == chain[-1] and result.body == FEED
        else:
            with pytest.raises(FetchError, match="from https down to http"):
                await fetch_feed(client, chain[0], resolver=_resolver(PUBLIC, []))


async def test_a_configured_local_feed_may_redirect_on_its_own_host(
    feed_server: FeedServer, client: httpx.AsyncClient
) -> None:
    feed_server.redirect("/old", f"http://127.0.0.1:{feed_server.port}/new")
    feed_server.reply("/new", b"<rss/>")
    result = await fetch_feed(client, feed_server.url("/old"), resolver=_no_resolving)
    assert result.body == b"<rss/>"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("0x7f.0x0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("192.168.257", "192.168.1.1"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("::1", "::1"),
        ("8.8.8.8", "8.8.8.8"),
        ("example.com", None),
        ("1.2.3.4.5", None),
        ("256.1.1.1", None),
        ("1.2.3.256", None),
        ("08.1.1.1", None),
        ("1_0.0.0.1", None),
        ("+1.2.3.4", None),
        ("0x1g.1", None),
        ("4294967296", None),
        ("1..1", None),
        ("١٢٧.0.0.1", None),
    ],
)
def test_literal_addresses_in_every_spelling(host: str, expected: str | None) -> None:
    address = literal_address(host)
    assert (str(address) if address else None) == expected


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("8.8.8.8", True),
        ("2606:2800:220:1::1", True),
        ("::ffff:93.184.216.34", True),
        ("2002:5db8:d822::1", True),  # 6to4 of a public address
        ("127.0.0.1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:169.254.1.1", False),
        ("2002:0a00:0001::1", False),  # 6to4 of 10.0.0.1
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", False),  # Teredo client 10.0.0.1
        ("64:ff9b::c0a8:0101", False),  # NAT64 of 192.168.1.1
        ("198.18.0.1", False),  # benchmarking
        ("192.0.2.1", False),  # documentation
        ("100.127.255.254", False),  # shared address space (CGNAT)
        ("::", False),
        ("ff0e::1", False),
        ("224.0.1.1", False),
    ],
)
def test_public_and_non_public_addresses(address: str, public: bool) -> None:
    import ipaddress

    assert (unsafe_reason(ipaddress.ip_address(address)) is None) is public


# ------------------------------------------------------------------------ credentials


def _with_credentials(url: str, userinfo: str = "reader:secret") -> str:
    return url.replace("http://", f"http://{userinfo}@", 1)


@pytest.mark.parametrize("userinfo", ["reader:secret", "secret", "r:s%40secret%3A"])
@pytest.mark.parametrize(
    "failure", ["refused", "404", "too-large", "redirect-out", "loop", "stacked", "truncated"]
)
async def test_feed_errors_never_show_url_credentials(
    feed_server: FeedServer, client: httpx.AsyncClient, failure: str, userinfo: str
) -> None:
    feed_server.reply("/too-large", b"x" * 2000)
    feed_server.redirect("/redirect-out", "http://ops:secret@10.9.8.7/feed")
    feed_server.redirect("/loop", "/loop")
    feed_server.reply("/stacked", b"", headers={"Content-Encoding": "gzip, gzip"})
    feed_server.reply("/truncated", gzip.compress(FEED)[:100], headers={"Content-Encoding": "gzip"})
    url = feed_server.url(f"/{failure}")
    if failure == "refused":
        url = f"http://127.0.0.1:{_free_port()}/feed"
    with pytest.raises(FetchError) as info:
        await fetch_feed(client, _with_credentials(url, userinfo), max_bytes=1000)
    message = str(info.value)
    assert "secret" not in message and "reader" not in message
    if failure != "404":  # an HTTP status error says only the status
        assert "127.0.0.1" in message


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_the_default_resolver_is_getaddrinfo(
    feed_server: FeedServer, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an injected resolver, redirect targets are looked up with getaddrinfo."""
    real = socket.getaddrinfo
    looked_up: list[str] = []

    def fake(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        if host == "intranet.example":
            looked_up.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", 80))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    feed_server.redirect("/feed", "http://intranet.example/feed")
    with pytest.raises(FetchError, match=r"intranet\.example resolves to 10\.0\.0\.1"):
        await fetch_feed(client, feed_server.url("/feed"))
    assert looked_up == ["intranet.example"]
