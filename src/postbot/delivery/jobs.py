"""From an outbox row to the message text: the story re-matched for this chat's reasons.

The row stores the story id and why it matched ("topic:<id>", "watch:<query>"); matching the
story again against just those gives the words to bold, so one chat's alert never bolds another
chat's watch words. Many chats share one text (a topic followed by thousands), so texts are
cached by story, language and reasons.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session
from telegram import InlineKeyboardMarkup

from postbot.alerts.content import compose_alert
from postbot.alerts.digest import DigestItem, render_digest
from postbot.alerts.html import Breaking, Outlet, render_alert
from postbot.alerts.release import check_tz
from postbot.delivery.keyboards import alert_keyboard
from postbot.config.catalog import CatalogRef
from postbot.errors import QuerySyntaxError
from postbot.feeds.story import MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, Story, cap_text, clean_text
from postbot.match.breaking import REASON as BREAKING_REASON
from postbot.match.query import Node, parse_query
from postbot.match.topics import StoryMatcher
from postbot.pipeline.route import split_reasons
from postbot.store import repo
from postbot.store.models import DEFAULT_TZ, Chat, Delivery, Digest, StoryRow

CACHE_SIZE = 512
BREAKING_NAMES = {"ar": "أخبار عاجلة", "en": "Breaking news"}  # the reason of a /breaking alert

Links = Sequence[tuple[str, str | None]]  # other outlets: (feed id, its own article's link)


def breaking_of(row: StoryRow) -> Breaking | None:
    """A story's breaking figures (its cluster's, for a later copy), if it is breaking."""
    if row.breaking_at is None or not row.breaking_outlets or not row.breaking_minutes:
        return None
    return Breaking(row.breaking_outlets, row.breaking_minutes)


def story_of(row: StoryRow) -> Story:
    """The stored story as the value type the core works on.

    A feed item without a date is shown with the time we first saw it: an alert always says
    when. Rows stored before parsing capped and cleaned text get the same treatment here, so
    that no stored story costs more to match and render than a new one.
    """
    published = row.published or row.first_seen_at
    title = cap_text(clean_text(row.title), MAX_TITLE_CHARS)
    summary = cap_text(clean_text(row.summary), MAX_SUMMARY_CHARS)
    return Story(row.feed_id, row.key, title, row.link, summary, published)


def watch_label_ar(query: str) -> str:
    """A watch named in an Arabic alert header."""
    return f"«{query}»"


def watch_label_en(query: str) -> str:
    """A watch named in an English alert header."""
    return f"“{query}”"


@dataclass(frozen=True, slots=True)
class ChatButtons:
    """What the buttons under the claimed chats' alerts can offer: their watches and topics now.

    A watch removed or a topic left since the alert was queued gets no button.
    """

    catalog: CatalogRef
    watch_ids: dict[tuple[int, str], int]
    topics: set[tuple[int, str]]

    def markup(
        self, chat_id: int, reasons: Sequence[str], lang: str
    ) -> InlineKeyboardMarkup | None:
        """The alert's "stop this topic" / "mute this watch" buttons."""
        catalog = self.catalog.current
        topic_ids, queries = split_reasons(list(reasons))
        topics = [
            (t, catalog.topic_name(t, lang)) for t in topic_ids if (chat_id, t) in self.topics
        ]
        watches = [
            (self.watch_ids[chat_id, q], q) for q in queries if (chat_id, q) in self.watch_ids
        ]
        return alert_keyboard(topics=topics, watches=watches, lang=lang)


class AlertBuilder:
    """Renders alert HTML for (story, language, reasons), with a small LRU cache."""

    def __init__(self, catalog: CatalogRef, *, cache_size: int = CACHE_SIZE) -> None:
        self.catalog = catalog
        self._cache: OrderedDict[tuple[object, ...], str] = OrderedDict()
        self._size = cache_size
        self._lock = threading.Lock()  # the dispatcher renders in worker threads

    def html(
        self,
        story: StoryRow,
        lang: str,
        reasons: Sequence[str],
        links: Links | None = None,
        *,
        compact: bool = False,
    ) -> str:
        """The alert message for one chat; `links` are the other outlets with their own
        articles (repo.cluster_links), else the story's `also_in` is named without links;
        `compact`: the shorter fallback rendering."""
        key = (
            self.catalog.version,
            story.id,
            lang,
            tuple(reasons),
            tuple(story.also_in),
            tuple(links) if links is not None else None,
            breaking_of(story),
            compact,
        )
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        text = self._render(story, lang, reasons, links, compact=compact)
        with self._lock:
            self._cache[key] = text
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return text

    def _render(
        self,
        row: StoryRow,
        lang: str,
        reasons: Sequence[str],
        links: Links | None,
        *,
        compact: bool = False,
    ) -> str:
        catalog = self.catalog.current
        also_in: list[str | Outlet] = [catalog.feed_name(f) for f in row.also_in]
        if links is not None:
            also_in = [Outlet(catalog.feed_name(f), link) for f, link in links]
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
            also_in=also_in,
            breaking=breaking_of(row),
        )
        # name every stored reason, even one that no longer matches (the config changed)
        alert = replace(alert, reasons=self.reason_names(reasons, lang))
        return render_alert(alert, lang, compact=compact)

    def buttons_for(self, session: Session, chat_ids: Collection[int]) -> ChatButtons:
        """The watches and topics the buttons of these chats' alerts may name."""
        return ChatButtons(
            self.catalog,
            repo.watch_ids_by_query(session=session, chat_ids=chat_ids),
            repo.topic_pairs(session=session, chat_ids=chat_ids),
        )

    def reason_names(self, reasons: Sequence[str], lang: str) -> tuple[str, ...]:
        """How an alert names its topics and watches."""
        catalog = self.catalog.current
        topic_ids, queries = split_reasons(list(reasons))
        label = watch_label_ar if lang == "ar" else watch_label_en
        names = [catalog.topic_name(t, lang) for t in topic_ids] + [label(q) for q in queries]
        if BREAKING_REASON in reasons:  # sent because the chat takes every breaking story
            names.append(BREAKING_NAMES.get(lang, BREAKING_NAMES["en"]))
        return tuple(dict.fromkeys(names))

    def digest_messages(
        self,
        chat: Chat | None,
        rows: Sequence[Delivery],
        stories: Mapping[int, StoryRow],
        now: datetime,
    ) -> list[tuple[str, list[int]]]:
        """Held alerts as digest messages, each with the indexes (into `rows`) it lists.

        A chat on /digest gets its hourly or daily digest; otherwise these were held by quiet
        hours. A story no longer stored is left out (its row is still settled with the rest).
        """
        catalog = self.catalog.current
        lang = chat.lang if chat else "en"
        kind = chat.digest if chat and chat.digest != Digest.OFF.value else "quiet"
        items: list[DigestItem] = []
        index: list[int] = []
        for i, row in enumerate(rows):
            story = stories.get(row.story_id)
            if story is None:
                continue
            sources = [catalog.feed_name(story.feed_id)]
            sources += [catalog.feed_name(f) for f in story.also_in]
            items.append(
                DigestItem(
                    title=story.title,
                    link=story.link,
                    sources=tuple(dict.fromkeys(sources)),
                    groups=self.reason_names(row.reasons, lang),
                    published=story.published or story.first_seen_at,
                    breaking=breaking_of(story) is not None,
                )
            )
            index.append(i)
        tz = chat.tz if chat else DEFAULT_TZ
        try:
            check_tz(tz)
        except ValueError:  # a zone the commands would have refused: Baghdad, not a crash
            tz = DEFAULT_TZ
        messages = render_digest(items, lang=lang, kind=kind, tz=tz, period_end=now)
        return [(html, [index[i] for i in listed]) for html, listed in messages]
