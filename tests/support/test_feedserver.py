"""The feed server: RSS generation, conditional GET, changes and faults."""

from __future__ import annotations

import datetime as dtm
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import pytest

from support.feedserver import FeedItem, FeedServer

ITEMS = [
    FeedItem(
        title="غارة على <خان يونس> & رفح",
        link="https://news.test/a?x=1&y=2",
        description="<p>تفاصيل</p>",
        guid="a-1",
        pub_date=dtm.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dtm.UTC),
    ),
    FeedItem(title="Second", link="https://news.test/b", description="plain"),
]


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5, trust_env=False) as http:
        yield http


def titles(body: bytes) -> list[str]:
    return [item.findtext("title") or "" for item in ET.fromstring(body).iter("item")]


def test_feed_is_escaped_rss(feeds: FeedServer, client: httpx.Client) -> None:
    feeds.set_feed("/news.xml", ITEMS, title="أخبار & more")
    response = client.get(feeds.url("/news.xml"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.findtext("channel/title") == "أخبار & more"
    first = root.find("channel/item")
    assert first is not None
    assert first.findtext("title") == ITEMS[0].title
    assert first.findtext("link") == "https://news.test/a?x=1&y=2"
    assert first.findtext("description") == "<p>تفاصيل</p>"
    assert first.findtext("guid") == "a-1"
    assert first.findtext("pubDate") == "Thu, 02 Jan 2025 03:04:05 +0000"
    assert response.headers["etag"].startswith('"')


def test_conditional_get_answers_304(feeds: FeedServer, client: httpx.Client) -> None:
    feeds.set_feed("news", ITEMS)
    first = client.get(feeds.url("news"))
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    by_etag = client.get(feeds.url("news"), headers={"If-None-Match": etag})
    by_date = client.get(feeds.url("news"), headers={"If-Modified-Since": modified})
    stale = client.get(feeds.url("news"), headers={"If-None-Match": '"other"'})
    assert [r.status_code for r in (by_etag, by_date, stale)] == [304, 304, 200]
    assert by_etag.content == b"" and by_etag.headers["etag"] == etag
    assert (feeds.hits("news"), feeds.conditional_hits("news")) == (4, 2)


def test_add_item_changes_validators(feeds: FeedServer, client: httpx.Client) -> None:
    feeds.set_feed("news", ITEMS)
    first = client.get(feeds.url("news"))
    feeds.add_item("news", FeedItem("عاجل", "https://news.test/c", "جديد", guid="c"))
    changed = client.get(
        feeds.url("news"),
        headers={
            "If-None-Match": first.headers["etag"],
            "If-Modified-Since": first.headers["last-modified"],
        },
    )
    assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]
    assert titles(changed.content)[0] == "عاجل"
    # Last-Modified moves forward even within the same second, so date-only clients see it.
    by_date = client.get(
        feeds.url("news"), headers={"If-Modified-Since": first.headers["last-modified"]}
    )
    assert by_date.status_code == 200
    feeds.set_feed("news", [*feeds_items(changed.content)])
    assert feeds.etag("news") == changed.headers["etag"]


def feeds_items(body: bytes) -> list[FeedItem]:
    root = ET.fromstring(body)
    return [
        FeedItem(
            title=item.findtext("title") or "",
            link=item.findtext("link") or "",
            description=item.findtext("description") or "",
            guid=item.findtext("guid"),
            pub_date=item.findtext("pubDate"),
        )
        for item in root.iter("item")
    ]


def test_declared_encoding_is_used(feeds: FeedServer, client: httpx.Client) -> None:
    feeds.set_feed("ar.xml", ITEMS, encoding="windows-1256")
    response = client.get(feeds.url("ar.xml"))
    assert response.headers["content-type"].endswith("charset=windows-1256")
    assert response.content.startswith(b'<?xml version="1.0" encoding="windows-1256"?>')
    assert titles(response.content)[0] == ITEMS[0].title


def test_raw_status_and_unknown_paths(feeds: FeedServer, client: httpx.Client) -> None:
    feeds.set_raw("raw", b"<rss/>", headers={"Content-Type": "text/xml", "X-Test": "1"})
    raw = client.get(feeds.url("raw"))
    assert (raw.content, raw.headers["content-type"], raw.headers["x-test"]) == (
        b"<rss/>",
        "text/xml",
        "1",
    )
    feeds.set_raw("gone", b"", status=410)
    assert client.get(feeds.url("gone")).status_code == 410
    assert client.get(feeds.url("missing")).status_code == 404
    assert feeds.hits("missing") == 1
    with pytest.raises(ValueError, match="set_raw"):
        feeds.add_item("raw", ITEMS[1])


def test_status_fault_with_retry_after(feeds: FeedServer, client: httpx.Client) -> None:
    feeds.set_feed("news", ITEMS)
    feeds.set_status("news", 503, retry_after=120)
    failed = client.get(feeds.url("news"))
    assert (failed.status_code, failed.headers["retry-after"]) == (503, "120")
    feeds.set_status("news", None)
    assert titles(client.get(feeds.url("news")).content) == [ITEMS[0].title, "Second"]


def test_hang_times_out_clients_and_stop_is_prompt(client: httpx.Client) -> None:
    feeds = FeedServer().start()
    try:
        feeds.set_feed("slow", ITEMS)
        feeds.hang("slow", 30)
        with pytest.raises(httpx.ReadTimeout):
            client.get(feeds.url("slow"), timeout=0.3)
        assert feeds.wait_for_hits("slow", 1) == 1
        feeds.hang("slow", 0)
        assert client.get(feeds.url("slow")).status_code == 200
        feeds.hang("slow", 30)
        with pytest.raises(httpx.ReadTimeout):
            client.get(feeds.url("slow"), timeout=0.2)
    finally:
        started = time.monotonic()
        feeds.stop()
    assert time.monotonic() - started < 2
