"""`postbot scan` over a Telegram channel: read from the preview base, parsed as a channel."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from doubles.channelpage import Post, render_channel_page
from postbot.config.catalog import Catalog
from postbot.config.load import parse_config
from postbot.feeds.fetch import make_client
from postbot.pipeline.scan import build_matcher, scan
from support.catalogs import shipped_topics
from support.feedserver import FeedItem, FeedServer

HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        srv.set_feed("/rss.xml", [FeedItem("أسعار النفط", "https://n.example/oil", "ارتفاع.")])
        page = render_channel_page(
            "kurd_news_test",
            "أخبار كردستان",
            [Post(5, "طقس معتدل"), Post(6, "اعتقال خلية لداعش في مخمور\nبينهم ممول")],
        )
        srv.set_raw("/tg/kurd_news_test", page, headers=HTML)
        yield srv


async def test_scan_reads_channels_and_feeds(server: FeedServer) -> None:
    text = (
        "feeds:\n  - id: kurd\n    name: أخبار كردستان\n    telegram: '@kurd_news_test'\n"
        f"  - id: rss\n    name: RSS\n    url: {server.url('/rss.xml')}\n" + shipped_topics()
    )
    catalog = Catalog.build(parse_config(text, filename="t.yaml"))
    matcher = build_matcher(catalog.topics, ["داعش"])
    async with make_client() as client:
        kurd, rss = await scan(
            client, catalog.config.feeds, matcher, channel_preview=server.url("/tg")
        )
    assert (kurd.error, kurd.warning, rss.error) == (None, None, None)
    assert [s.story.link for s in kurd.stories] == [
        "https://t.me/kurd_news_test/6",
        "https://t.me/kurd_news_test/5",
    ]
    assert [s.match.matched for s in kurd.stories] == [True, False]
    assert [s.story.title for s in rss.stories] == ["أسعار النفط"]
