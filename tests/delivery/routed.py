"""Reasons as routing stores them, for tests that queue deliveries by hand."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress

from postbot.errors import QuerySyntaxError
from postbot.feeds.story import Story
from postbot.match.query import parse_query
from postbot.match.topics import StoryMatcher
from postbot.pipeline.route import reasons_for
from postbot.store.reasons import Reasons, reasons_of
from support.catalogs import catalog


def routed(story: Story, labels: Sequence[str]) -> Reasons:
    """`labels` ("topic:<id>", "watch:<query>") with the spans routing finds in `story` for
    those topics (the shipped ones) and watches."""
    base = reasons_of(labels)
    topics = [t for t in catalog([]).topics if t.id in base.topics]
    queries = {}
    for watch in base.watches:
        with suppress(QuerySyntaxError):  # named in the header, just not highlighted
            queries[watch.query] = parse_query(watch.query)
    match = StoryMatcher(topics, queries).match(story.title, story.summary)
    return reasons_for(match, base.topics, base.watches)
