"""Four Arabic outlets on a loopback feed server, for the poller's clustering and breaking tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from support.feedserver import FeedItem, FeedServer

FEEDS = ("aljazeera", "skynewsarabia", "shafaq", "alsumaria")
FILLER = FeedItem("نشرة الطقس", "https://w.example/weather", "أجواء صحوة.", guid="filler")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(*parts: str) -> Any:
    """A YAML fixture under tests/fixtures."""
    return YAML(typ="safe").load(FIXTURES.joinpath(*parts).read_text(encoding="utf-8"))


def item(entry: dict[str, Any], guid: str) -> FeedItem:
    """A feed item from a fixture entry (title, link, summary)."""
    return FeedItem(entry["title"], entry["link"], entry["summary"], guid=guid)


@contextmanager
def outlets() -> Iterator[FeedServer]:
    """A feed server whose four outlets carry only a weather filler."""
    with FeedServer() as srv:
        for feed in FEEDS:
            srv.set_feed(f"/{feed}.xml", [FILLER])
        yield srv
