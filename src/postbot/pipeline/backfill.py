"""Backfill: a busy Telegram channel's posts between two polls, from its older preview pages.

A channel's preview page shows only its latest ~20 posts, so a channel that posted more than
that since the last poll (or during a backoff) would lose the posts in between. After the first
page is parsed, when its oldest post is newer than the newest post already stored for the
channel + 1 (a gap), the pages before it are read (`?before=<oldest id>`, about 20 posts each)
until the gap is closed, at most MAX_OLDER_PAGES more pages per poll and within PAGING_DEADLINE.
A channel's first poll records the backlog only: it is never backfilled.

The older pages are fetched with the feeds' rules (size cap, timeouts, redirect checks) but
without conditional headers: their validators are not the first page's. An older page that
fails, or is not a preview page, ends the backfill for this poll and is logged; the posts read
so far (the first page's above all) are kept. A poll that stops at the cap logs it once, with
the range of posts it could not read.

Why 5 pages: with the first page that is about 120 posts per poll, more than the busiest news
channels post in an hour, so a poll at the usual interval (or after a backoff of an hour)
misses nothing; beyond that each poll would cost more and more requests to t.me, which answers
a burst of them with 429 (and a backoff, which would then lose more), and a poll holds its
feed's lease for 5 minutes: six fetches of at most a minute each must fit well inside it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import httpx
import sqlalchemy as sa
from sqlmodel import Session

from postbot.errors import FeedUnreadable, FetchError
from postbot.feeds.channel import older_page_url, parse_channel, post_id_of
from postbot.feeds.fetch import fetch_feed
from postbot.feeds.parse import ParsedFeed
from postbot.feeds.story import Story
from postbot.ops.logs import ctx
from postbot.store import repo

log = logging.getLogger(__name__)

MAX_OLDER_PAGES = 5  # more pages read per poll, after the first (about 20 posts each)
PAGING_DEADLINE = 120.0  # seconds for all the older pages of one poll
RECENT_KEYS = 500  # stored stories looked at for the channel's newest post id


def _ids(stories: list[Story]) -> list[int]:
    return [i for i in (post_id_of(s.key) for s in stories) if i is not None]


@dataclass(frozen=True, slots=True)
class Backfill:
    """What the older pages added: the stories (oldest first) and how many pages were read."""

    stories: list[Story]
    pages: int = 0
    capped: bool = False
    error: str | None = None


class GapFiller:
    """Reads a channel's older preview pages to close the gap since the last poll."""

    def __init__(
        self,
        *,
        engine: sa.Engine,
        client: httpx.AsyncClient,
        channel_preview: str,
        max_pages: int = MAX_OLDER_PAGES,
        deadline: float = PAGING_DEADLINE,
    ) -> None:
        self.engine = engine
        self.client = client
        self.channel_preview = channel_preview
        self.max_pages = max_pages
        self.deadline = deadline

    async def fill(self, feed_id: str, channel: str, parsed: ParsedFeed) -> ParsedFeed:
        """The first page's stories with those of the older pages before them, oldest first
        (the first page as it is when there is no gap)."""
        ids = _ids(parsed.stories)
        if not ids:
            return parsed
        keys = [s.key for s in parsed.stories]
        newest = await asyncio.to_thread(self._newest_stored, feed_id, keys)
        if newest is None or min(ids) <= newest + 1:
            return parsed
        done = await self._read_older(feed_id, channel, min(ids), newest)
        self._log(feed_id, min(ids), newest, done)
        if not done.stories:
            return parsed
        by_key = {s.key: s for s in [*done.stories, *parsed.stories]}
        ordered = sorted(by_key.values(), key=lambda s: post_id_of(s.key) or 0)
        return ParsedFeed(parsed.title, ordered, parsed.warning)

    async def _read_older(self, feed_id: str, channel: str, before: int, newest: int) -> Backfill:
        stories: list[Story] = []
        pages = 0
        try:
            async with asyncio.timeout(self.deadline):
                while before > newest + 1:
                    if pages >= self.max_pages:
                        return Backfill(stories, pages, capped=True)
                    pages += 1
                    url = older_page_url(channel, before, self.channel_preview)
                    fetched = await fetch_feed(self.client, url)
                    page = await asyncio.to_thread(
                        parse_channel, fetched.body, feed_id=feed_id, username=channel
                    )
                    if page.title is None and not page.stories:
                        raise FeedUnreadable(page.warning or "not a preview page")
                    older = [s for s in page.stories if (post_id_of(s.key) or before) < before]
                    if not older:  # the channel's first post, or a page that does not go back
                        break
                    stories.extend(older)
                    before = min(_ids(older))
        except (FetchError, TimeoutError) as exc:
            error = str(exc) or type(exc).__name__
            return Backfill(stories, pages, error=f"page before {before}: {error}")
        return Backfill(stories, pages)

    def _newest_stored(self, feed_id: str, page: list[str]) -> int | None:
        """The newest post id stored for the channel; None when the page holds a stored post
        (no gap: the cheap answer of most polls) or nothing is stored."""
        with Session(self.engine) as session:
            if repo.known_story_keys(session=session, feed_id=feed_id, keys=page):
                return None
            keys = repo.recent_story_keys(session=session, feed_id=feed_id, limit=RECENT_KEYS)
        ids = [i for i in (post_id_of(k) for k in keys) if i is not None]
        return max(ids) if ids else None

    def _log(self, feed_id: str, oldest: int, newest: int, done: Backfill) -> None:
        extra = ctx(feed_id=feed_id)
        read = len(done.stories)
        if done.error is not None:
            log.warning(
                "feed %s: an older page failed after %d pages (%d posts read, kept): %s",
                feed_id,
                done.pages,
                read,
                done.error,
                extra=extra,
            )
        elif done.capped:
            first_read = min(_ids(done.stories), default=oldest)
            log.warning(
                "feed %s: posts %d to %d not read: stopped at %d older pages per poll",
                feed_id,
                newest + 1,
                first_read - 1,
                self.max_pages,
                extra=extra,
            )
        else:
            log.info(
                "feed %s: %d older posts read from %d more pages",
                feed_id,
                read,
                done.pages,
                extra=extra,
            )
