"""Bounded, incremental decoding of an HTTP body's Content-Encoding (pure: bytes in, bytes out).

A few KB of gzip can inflate to gigabytes, so the body is never decoded a whole chunk at a time:
each `Inflater.feed` yields pieces of at most `step` bytes, and zlib keeps the input it has not
used yet (`unconsumed_tail`) until the caller asks for more. A caller that stops iterating once
its cap is passed therefore holds at most cap + step decoded bytes, whatever arrives.

Only what we offer (`Accept-Encoding: gzip, deflate`) is decoded; `x-gzip` is gzip under its old
name (RFC 9110 8.4.1.3 asks recipients to treat it so). Stacked encodings (`gzip, gzip`) and any
other coding are refused: no feed needs them, and each layer multiplies a bomb's ratio.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

OFFERED = "gzip, deflate"
DEFAULT_STEP = 64 * 1024  # decoded bytes per zlib call: small next to any cap, few calls per MB

_GZIP_MAGIC = b"\x1f\x8b"
_ALIASES = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}
_GZIP_WBITS = 16 + zlib.MAX_WBITS  # gzip header and trailer
_ZLIB_WBITS = zlib.MAX_WBITS  # RFC 1950 wrapper, what "deflate" means in the RFC
_RAW_WBITS = -zlib.MAX_WBITS  # bare RFC 1951, what many servers send as "deflate"


class EncodingError(ValueError):
    """The body's Content-Encoding is refused, or its compressed data is corrupt or cut short."""


def content_coding(values: list[str]) -> str | None:
    """The one coding to undo ("gzip" or "deflate"), None for identity; EncodingError otherwise.

    `values` are the Content-Encoding header's comma-separated entries, from every such header.
    """
    codings = [v.strip().lower() for v in values]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return None
    if len(codings) > 1:
        raise EncodingError(f"stacked content encodings refused: {', '.join(codings)}")
    coding = _ALIASES.get(codings[0])
    if coding is None:
        raise EncodingError(f"content encoding {codings[0]!r} refused: only {OFFERED} are accepted")
    return coding


class Inflater:
    """Decodes one body incrementally; `feed` each raw chunk, then `finish` once at the end."""

    def __init__(self, coding: str | None, step: int = DEFAULT_STEP) -> None:
        if coding not in (None, "gzip", "deflate"):
            raise EncodingError(f"content encoding {coding!r} refused")
        if step <= 0:
            raise ValueError("step must be positive")
        self._coding = coding
        self._step = step
        self._pending = b""  # too few bytes yet to tell what comes next (magic or zlib header)
        self._zobj: zlib._Decompress | None = None
        self._members = 0  # complete gzip members (or the one deflate stream) decoded
        self._ignore_rest = False  # past the end of the data: trailing bytes are dropped

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of `data`, each at most `step` bytes; stop iterating to stop decoding.

        The generator must be run to its end before the next `feed`, or input is lost.
        """
        if self._coding is None:
            for start in range(0, len(data), self._step):
                yield data[start : start + self._step]
            return
        buf = self._pending + data
        self._pending = b""
        while buf and not self._ignore_rest:
            if self._zobj is None:
                if len(buf) < 2:
                    self._pending = buf
                    return
                if not self._start(buf):
                    return
            assert self._zobj is not None
            yield from self._drain(buf)
            buf = b""
            if self._zobj.eof:
                buf = self._zobj.unused_data
                self._zobj = None
                self._members += 1
                if self._coding == "deflate":
                    self._ignore_rest = True  # a deflate body is one stream; padding after it

    def finish(self) -> Iterator[bytes]:
        """What the decoder still holds; EncodingError if the compressed data was cut short."""
        if self._coding is None or self._ignore_rest:
            return
        if self._zobj is not None:
            yield from self._drain(b"")
            if not self._zobj.eof:
                raise EncodingError(f"{self._coding} data is truncated")
            self._members += 1
            self._zobj = None
        if self._members == 0 and self._pending:
            raise EncodingError(f"{self._coding} data is truncated")
        # one stray byte after a complete gzip member is trailing junk, dropped like the rest

    def _start(self, buf: bytes) -> bool:
        """Open a decoder for the member or stream at the head of `buf`; False to stop."""
        if self._coding == "gzip":
            if buf[:2] != _GZIP_MAGIC:
                if self._members == 0:
                    raise EncodingError("body is not gzip data (no gzip header)")
                # bytes after the last member (often zero padding): browsers ignore them too
                self._ignore_rest = True
                return False
            self._zobj = zlib.decompressobj(_GZIP_WBITS)
            return True
        cmf, flg = buf[0], buf[1]
        zlib_wrapped = cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0
        self._zobj = zlib.decompressobj(_ZLIB_WBITS if zlib_wrapped else _RAW_WBITS)
        return True

    def _drain(self, buf: bytes) -> Iterator[bytes]:
        """Decode `buf` `step` bytes at a time, until the input is used and nothing is held."""
        assert self._zobj is not None
        zobj = self._zobj
        while True:
            try:
                out = zobj.decompress(buf, self._step)
            except zlib.error as exc:
                raise EncodingError(f"corrupt {self._coding} data: {exc}") from None
            buf = zobj.unconsumed_tail
            if out:
                yield out
            # a full piece may leave decoded bytes inside zlib even with no input left
            if zobj.eof or (not buf and len(out) < self._step):
                return
