"""Peak memory of fetch_feed under compression bombs, next to an honest feed of the cap's size.

Each bomb is served from the loopback feed server (doubles/feedserver.py), made on the
fly: `--mib` MiB of zeros as gzip, zlib-wrapped deflate or raw deflate (about 1 KB per MiB on
the wire), with and without chunked transfer, stacked (`gzip, gzip`: a few KB for 1 GiB) and
with a Content-Length that lies. Peak allocation is measured with tracemalloc in this process
(the fetch and the server thread together), the median of `--repeat` runs per case.

Prints one line per case, the honest feed first (the baseline, measured in the same run):

    case=NAME outcome=ERROR peak_mb=X ratio_to_cap=Y

Usage: .venv/bin/python bench/bomb.py [--mib 1024] [--cap 5242880] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the shared doubles/ package

from doubles.feedserver import FeedServer, gzip_stream, zeros_bomb  # noqa: E402
from postbot.errors import FetchError  # noqa: E402
from postbot.feeds.fetch import DEFAULT_MAX_BYTES, fetch_feed, make_client  # noqa: E402

Body = Callable[[], Iterable[bytes]]


def cases(mib: int, cap: int) -> list[tuple[str, str, Body, bool, int | None]]:
    """(name, Content-Encoding, body, chunked, Content-Length) for every bomb."""

    def bomb(wrapper: str, layers: int = 1) -> Body:
        def make() -> Iterable[bytes]:
            pieces: Iterable[bytes] = zeros_bomb(mib, wrapper)
            for _ in range(layers - 1):
                pieces = gzip_stream(pieces)
            return pieces

        return make

    return [
        ("honest", "identity", lambda: iter([b"x" * (cap - 1)]), False, None),
        ("gzip", "gzip", bomb("gzip"), False, None),
        ("gzip-chunked", "gzip", bomb("gzip"), True, None),
        ("deflate-zlib", "deflate", bomb("zlib"), False, None),
        ("deflate-raw-chunked", "deflate", bomb("raw"), True, None),
        ("gzip,gzip", "gzip, gzip", bomb("gzip", 2), False, None),
        ("deflate,gzip", "deflate, gzip", bomb("gzip", 2), True, None),
        ("gzip-lying-length", "gzip", bomb("gzip"), False, cap - 1),
    ]


async def measure(url: str, cap: int) -> tuple[str, int]:
    async with make_client(read_timeout=60) as client:
        tracemalloc.start()
        try:
            await fetch_feed(client, url, max_bytes=cap, total_timeout=300)
            outcome = "accepted"
        except FetchError as exc:
            outcome = type(exc).__name__
        finally:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    return outcome, peak


async def run(mib: int, cap: int, repeat: int) -> None:
    with FeedServer() as server:
        for name, encoding, body, chunked, length in cases(mib, cap):
            headers = {"Content-Type": "application/rss+xml", "Content-Encoding": encoding}
            server.set_stream("/feed", body, headers, chunked=chunked, content_length=length)
            peaks = []
            outcome = ""
            for _ in range(repeat):
                outcome, peak = await measure(server.url("/feed"), cap)
                peaks.append(peak)
            median = statistics.median(peaks)
            print(
                f"case={name} outcome={outcome} peak_mb={median / 1e6:.1f}"
                f" ratio_to_cap={median / cap:.2f}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mib", type=int, default=1024, help="MiB of zeros in each bomb")
    parser.add_argument("--cap", type=int, default=DEFAULT_MAX_BYTES, help="body cap in bytes")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median)")
    args = parser.parse_args()
    asyncio.run(run(args.mib, args.cap, args.repeat))


if __name__ == "__main__":
    main()
