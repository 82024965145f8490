"""The data the story comparison is given, read from the package once (the edge of match/).

The matching core reads no files (tests/test_architecture.py); the n-gram IDF table ships as
package data next to it and is read here, then passed in with each fingerprint.
"""

from __future__ import annotations

import functools
import gzip
from importlib import resources

from postbot.cluster.idf import IDF_FILE, IdfTable, parse_idf


@functools.cache
def idf_table() -> IdfTable:
    """The shipped n-gram IDF table (read and parsed once per process)."""
    data = resources.files("postbot.cluster").joinpath(IDF_FILE).read_bytes()
    return parse_idf(gzip.decompress(data).decode("utf-8"))
