"""inflate: which Content-Encodings are accepted, and bounded incremental decoding."""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable

import pytest

from postbot.feeds.inflate import EncodingError, Inflater, content_coding
from support.feedserver import gzip_stream, zeros_bomb


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param([], None, id="absent"),
        pytest.param([""], None, id="empty"),
        pytest.param(["identity"], None, id="identity"),
        pytest.param(["gzip"], "gzip", id="gzip"),
        pytest.param([" GZip "], "gzip", id="case-and-space"),
        pytest.param(["x-gzip"], "gzip", id="x-gzip-alias"),
        pytest.param(["deflate"], "deflate", id="deflate"),
        pytest.param(["identity", "deflate"], "deflate", id="identity-is-no-layer"),
    ],
)
def test_accepted_codings(values: list[str], expected: str | None) -> None:
    assert content_coding(values) == expected


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        pytest.param(["gzip", "gzip"], "stacked", id="gzip-gzip"),
        pytest.param(["deflate", "gzip"], "stacked", id="deflate-gzip"),
        pytest.param(["gzip", "x-gzip"], "stacked", id="gzip-x-gzip"),
        pytest.param(["gzip", "deflate", "gzip"], "stacked", id="three"),
        pytest.param(["br"], "'br'", id="br"),
        pytest.param(["zstd"], "'zstd'", id="zstd"),
        pytest.param(["compress"], "'compress'", id="compress"),
        pytest.param(["x-compress"], "'x-compress'", id="x-compress"),
        pytest.param(["gzip;q=1"], "'gzip;q=1'", id="parameters"),
        pytest.param(["identity", "br"], "'br'", id="identity-then-br"),
    ],
)
def test_refused_codings(values: list[str], fragment: str) -> None:
    with pytest.raises(EncodingError, match="refused") as info:
        content_coding(values)
    assert fragment in str(info.value)


def _raw_deflate(data: bytes) -> bytes:
    squeezer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return squeezer.compress(data) + squeezer.flush()


PAYLOAD = os.urandom(50_000) + b"<rss>" + "خبر عاجل ".encode() * 20_000 + b"</rss>"
ENCODERS: dict[str, tuple[str | None, Callable[[bytes], bytes]]] = {
    "identity": (None, lambda d: d),
    "gzip": ("gzip", gzip.compress),
    "zlib-deflate": ("deflate", zlib.compress),
    "raw-deflate": ("deflate", _raw_deflate),
    "zlib-deflate-level0": ("deflate", lambda d: zlib.compress(d, 0)),
    "gzip-two-members": ("gzip", lambda d: gzip.compress(d[:1000]) + gzip.compress(d[1000:])),
    "gzip-empty-member-first": ("gzip", lambda d: gzip.compress(b"") + gzip.compress(d)),
    "gzip-zero-padding": ("gzip", lambda d: gzip.compress(d) + bytes(512)),
    "gzip-trailing-junk": ("gzip", lambda d: gzip.compress(d) + b"\n<html>junk"),
    "deflate-trailing-junk": ("deflate", lambda d: zlib.compress(d) + b"junk"),
}


def _decode(inflater: Inflater, data: bytes, size: int, step: int) -> bytes:
    out = []
    for start in range(0, len(data), size):
        for piece in inflater.feed(data[start : start + size]):
            assert 0 < len(piece) <= step
            out.append(piece)
    out.extend(inflater.finish())
    return b"".join(out)


@pytest.mark.parametrize("encoder", list(ENCODERS))
@pytest.mark.parametrize("size", [1, 3, 1000, 65536, 10**9], ids=lambda n: f"chunks-{n}")
def test_round_trip_in_any_chunking(encoder: str, size: int) -> None:
    coding, encode = ENCODERS[encoder]
    data = encode(PAYLOAD)
    if size == 1 and len(data) > 300_000:
        data, payload = encode(PAYLOAD[:20_000]), PAYLOAD[:20_000]  # keep byte-at-a-time quick
    else:
        payload = PAYLOAD
    step = 4096
    assert _decode(Inflater(coding, step), data, size, step) == payload


@pytest.mark.parametrize(
    ("coding", "data"),
    [
        pytest.param("gzip", gzip.compress(PAYLOAD)[:-4], id="gzip-no-size"),
        pytest.param("gzip", gzip.compress(PAYLOAD)[:5000], id="gzip-mid-data"),
        pytest.param("gzip", gzip.compress(PAYLOAD)[:5], id="gzip-in-header"),
        pytest.param("gzip", b"\x1f", id="gzip-one-byte"),
        pytest.param("gzip", gzip.compress(b"a") + gzip.compress(PAYLOAD)[:99], id="2nd-member"),
        pytest.param("deflate", zlib.compress(PAYLOAD)[:-2], id="zlib-no-checksum"),
        pytest.param("deflate", _raw_deflate(PAYLOAD)[:7000], id="raw-deflate-cut"),
        pytest.param("deflate", b"\x78", id="deflate-one-byte"),
    ],
)
def test_truncated_stream_is_an_error(coding: str, data: bytes) -> None:
    inflater = Inflater(coding)
    with pytest.raises(EncodingError, match="truncated"):
        for _ in inflater.feed(data):
            pass
        for _ in inflater.finish():
            pass


@pytest.mark.parametrize(
    ("coding", "data"),
    [
        pytest.param("gzip", b"<rss>not compressed</rss>", id="gzip-label-plain-body"),
        pytest.param("gzip", b"\x1f\x8b\x09" + bytes(20), id="gzip-bad-method"),
        pytest.param("deflate", b"\x78\x9c\xff\xff\xff\xff" * 4, id="zlib-bad-block"),
        pytest.param("gzip", gzip.compress(b"x" * 100)[:-8] + b"\0" * 8, id="gzip-bad-crc"),
        pytest.param("deflate", zlib.compress(b"x" * 100)[:-4] + b"\0" * 4, id="bad-adler"),
    ],
)
def test_corrupt_data_is_an_error(coding: str, data: bytes) -> None:
    inflater = Inflater(coding)
    with pytest.raises(EncodingError):
        for _ in inflater.feed(data):
            pass
        for _ in inflater.finish():
            pass


@pytest.mark.parametrize("coding", [None, "gzip", "deflate"])
def test_empty_body_is_empty(coding: str | None) -> None:
    inflater = Inflater(coding)
    assert list(inflater.feed(b"")) == []
    assert list(inflater.finish()) == []


@pytest.mark.parametrize(
    ("coding", "wrapper", "stacked"),
    [
        pytest.param("gzip", "gzip", False, id="gzip"),
        pytest.param("deflate", "zlib", False, id="zlib-deflate"),
        pytest.param("deflate", "raw", False, id="raw-deflate"),
        pytest.param("gzip", "gzip", True, id="gzip-inside-gzip"),
    ],
)
def test_bomb_output_stays_bounded_per_step_and_stops_when_asked(
    coding: str, wrapper: str, stacked: bool
) -> None:
    """1 GiB of zeros: the caller stops at its cap and nothing beyond cap + step is made."""
    bomb = zeros_bomb(1024, wrapper)
    pieces = gzip_stream(bomb) if stacked else bomb
    cap, step = 500_000, 16_384  # the inner layer of the stacked bomb is ~1 MB
    inflater = Inflater(coding, step)
    produced = 0
    for raw in pieces:
        for piece in inflater.feed(raw):
            assert len(piece) <= step
            produced += len(piece)
            if produced > cap:
                break
        if produced > cap:
            break
    assert cap < produced <= cap + step


def test_bad_arguments() -> None:
    with pytest.raises(EncodingError):
        Inflater("br")
    with pytest.raises(ValueError):
        Inflater("gzip", 0)
