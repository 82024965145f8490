"""From an outbox row to the message text: the story re-matched for this chat's reasons.

The row stores the story id and why it matched ("topic:<id>", "watch:<query>"); matching the
story again against just those gives the words to bold, so one chat's alert never bolds another
chat's watch words. Many chats share one text (a topic followed by thousands), so texts are
cached by story, language and reasons.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace

from postbot.alerts.compose import compose_alert
from postbot.alerts.render import render_alert
from postbot.catalog import CatalogRef
from postbot.errors import QuerySyntaxError
from postbot.feeds.story import Story
from postbot.match.query import Node, parse_query
from postbot.match.topics import StoryMatcher
from postbot.routing import split_reasons
from postbot.store.models import StoryRow

CACHE_SIZE = 512


def story_of(row: StoryRow) -> Story:
    """The stored story as the value type the core works on.

    A feed item without a date is shown with the time we first saw it: an alert always says
    when.
    """
    published = row.published or row.first_seen_at
    return Story(row.feed_id, row.key, row.title, row.link, row.summary, published)


def watch_label_ar(query: str) -> str:
    """A watch named in an Arabic alert header."""
    return f"«{query}»"


def watch_label_en(query: str) -> str:
    """A watch named in an English alert header."""
    return f"“{query}”"


class AlertBuilder:
    """Renders alert HTML for (story, language, reasons), with a small LRU cache."""

    def __init__(self, catalog: CatalogRef, *, cache_size: int = CACHE_SIZE) -> None:
        self.catalog = catalog
        self._cache: OrderedDict[tuple[object, ...], str] = OrderedDict()
        self._size = cache_size
        self._lock = threading.Lock()  # the dispatcher renders in worker threads

    def html(self, story: StoryRow, lang: str, reasons: Sequence[str]) -> str:
        """The alert message for one chat."""
        key = (self.catalog.version, story.id, lang, tuple(reasons), tuple(story.also_in))
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        text = self._render(story, lang, reasons)
        with self._lock:
            self._cache[key] = text
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return text

    def _render(self, row: StoryRow, lang: str, reasons: Sequence[str]) -> str:
        catalog = self.catalog.current
        topic_ids, queries = split_reasons(list(reasons))
        topics = [t for t in catalog.topics if t.id in topic_ids]
        watches: dict[str, Node] = {}
        for query in queries:
            try:
                watches[query] = parse_query(query)
            except QuerySyntaxError:
                continue  # still named in the header, just not highlighted
        label = watch_label_ar if lang == "ar" else watch_label_en
        story = story_of(row)
        match = StoryMatcher(topics, watches).match(story.title, story.summary)
        alert = compose_alert(
            story,
            match,
            topic_names={t: catalog.topic_name(t, lang) for t in topic_ids},
            watch_labels={q: label(q) for q in queries},
            source=catalog.feed_name(row.feed_id),
            also_in=[catalog.feed_name(f) for f in row.also_in],
        )
        # name every stored reason, even one that no longer matches (the config changed)
        names = [catalog.topic_name(t, lang) for t in topic_ids] + [label(q) for q in queries]
        alert = replace(alert, reasons=tuple(dict.fromkeys(names)))
        return render_alert(alert, lang)
