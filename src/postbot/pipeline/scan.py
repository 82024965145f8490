"""The story of a feed item: poll → parse → match (summaries and alerts follow in `alerts`).

`scan` (the `postbot scan` command) runs this pipeline once over a set of feeds without
Telegram or a database. One bad feed never stops the others: its error is reported in its
`FeedScan` and the rest go on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from postbot.config.model import CHANNEL_PREVIEW
from postbot.errors import FetchError, QuerySyntaxError
from postbot.feeds.channel import parse_channel, preview_url
from postbot.feeds.fetch import fetch_feed
from postbot.feeds.parse import parse_feed
from postbot.feeds.story import Story
from postbot.match.query import parse_query
from postbot.match.topics import StoryMatch, StoryMatcher, Topic


class FeedSource(Protocol):
    """What the pipeline needs to know of a feed (config's FeedConfig satisfies it)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def url(self) -> str: ...


@dataclass(frozen=True, slots=True)
class ScannedStory:
    """A parsed story with what it matched."""

    story: Story
    match: StoryMatch[str]


@dataclass(slots=True)
class FeedScan:
    """The outcome of polling one feed once."""

    feed: FeedSource
    stories: list[ScannedStory] = field(default_factory=list)
    error: str | None = None
    warning: str | None = None


def build_matcher(topics: Sequence[Topic], watches: Sequence[str]) -> StoryMatcher[str]:
    """Compile topics and watch queries (keyed by their text) into one matcher."""
    parsed = {}
    for text in watches:
        try:
            parsed[text] = parse_query(text)
        except QuerySyntaxError as exc:
            raise QuerySyntaxError(
                f"watch {text!r}: {exc.message}", exc.position, code=exc.code, token=exc.token
            ) from exc
    return StoryMatcher(topics, parsed)


def match_story(story: Story, matcher: StoryMatcher[str]) -> ScannedStory:
    """Match one story against every topic and watch."""
    return ScannedStory(story, matcher.match(story.title, story.summary))


async def scan_feed(
    client: httpx.AsyncClient,
    feed: FeedSource,
    matcher: StoryMatcher[str],
    *,
    channel_preview: str = CHANNEL_PREVIEW,
) -> FeedScan:
    """Fetch, parse and match one feed (or channel); errors are captured, never raised."""
    result = FeedScan(feed)
    channel: str | None = getattr(feed, "telegram", None)  # a public Telegram channel
    source = preview_url(channel, channel_preview) if channel else feed.url
    try:
        fetched = await fetch_feed(client, source)
    except FetchError as exc:
        result.error = str(exc) or type(exc).__name__
        return result
    if fetched.not_modified:
        return result
    if channel:
        parsed = parse_channel(fetched.body, feed_id=feed.id, username=channel)
    else:
        parsed = parse_feed(
            fetched.body, feed_id=feed.id, content_type=fetched.content_type, base_url=fetched.url
        )
    result.warning = parsed.warning
    result.stories = [match_story(story, matcher) for story in parsed.stories]
    return result


async def scan(
    client: httpx.AsyncClient,
    feeds: Sequence[FeedSource],
    matcher: StoryMatcher[str],
    *,
    concurrency: int = 8,
    channel_preview: str = CHANNEL_PREVIEW,
) -> list[FeedScan]:
    """Scan several feeds concurrently; results come back in the order of `feeds`."""
    gate = asyncio.Semaphore(concurrency)

    async def one(feed: FeedSource) -> FeedScan:
        async with gate:
            return await scan_feed(client, feed, matcher, channel_preview=channel_preview)

    return list(await asyncio.gather(*(one(f) for f in feeds)))
