"""The feed server of every fetch test (doubles/feedserver.py), one per test, stopped after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.feedserver import FIXTURES, FeedServer

__all__ = ["FIXTURES", "FeedServer", "feed_server"]


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server
