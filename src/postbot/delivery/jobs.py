"""From a claimed outbox row to the message text, rendered from the story and its stored reasons.

A delivery stores why its story matched (`Reasons`: topic ids, watches with their ids and query
text, the spans to bold), found once by routing; rendering reads them and never parses a query
or matches the story again, so one chat's alert bolds only that chat's words. Rendering works
on `StoryView`, plain values read in the claim's transaction, so it runs in a render thread
with no database at hand. Many chats share one text (a topic followed by thousands), so texts
are cached by story, language and what the reasons show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardMarkup

from postbot.alerts.content import alert_from_spans, story_text
from postbot.alerts.digest import HELD_KINDS, DigestItem, render_digest
from postbot.alerts.html import Breaking, Outlet, render_alert
from postbot.alerts.zones import check_zone
from postbot.config.catalog import CatalogRef
from postbot.delivery.keyboards import alert_keyboard
from postbot.feeds.story import MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, Story, cap_text, clean_text
from postbot.recent import RecentCache
from postbot.store.models import DEFAULT_TZ, Chat, Digest, StoryRow
from postbot.store.reasons import Reasons

CACHE_SIZE = 512
BREAKING_NAMES = {"ar": "أخبار عاجلة", "en": "Breaking news"}  # the reason of a /breaking alert

Links = Sequence[tuple[str, str | None]]  # other outlets: (feed id, its own article's link)


@dataclass(frozen=True, slots=True)
class StoryView:
    """A stored story as rendering needs it: plain values, no database row."""

    id: int
    story: Story  # title and summary cleaned and capped; undated: the time first seen
    first_seen_at: datetime
    also_in: tuple[str, ...]  # other outlets (the cluster's, for a later copy)
    breaking: Breaking | None
    links: tuple[tuple[str, str | None], ...] | None = None  # other outlets with their articles
    published: datetime | None = None  # the item's own date (None: undated), for the latency metric


def breaking_of(row: StoryRow) -> Breaking | None:
    """A story's breaking figures (its cluster's, for a later copy), if it is breaking."""
    if row.breaking_at is None or not row.breaking_outlets or not row.breaking_minutes:
        return None
    return Breaking(row.breaking_outlets, row.breaking_minutes)


def story_of(row: StoryRow) -> Story:
    """The stored story as the value type the core works on.

    A feed item without a date is shown with the time we first saw it: an alert always says
    when. Rows stored before parsing capped and cleaned text get the same treatment here, so
    that no stored story costs more to render than a new one.
    """
    published = row.published or row.first_seen_at
    title = cap_text(clean_text(row.title), MAX_TITLE_CHARS)
    summary = cap_text(clean_text(row.summary), MAX_SUMMARY_CHARS)
    return Story(row.feed_id, row.key, title, row.link, summary, published)


def story_view(row: StoryRow, links: Links | None = None) -> StoryView:
    """A story row as a `StoryView`; `links` from repo.cluster_links, if known."""
    return StoryView(
        row.id or 0,
        story_of(row),
        row.first_seen_at,
        tuple(row.also_in),
        breaking_of(row),
        None if links is None else tuple(links),
        row.published,
    )


def watch_label_ar(query: str, number: int | None = None) -> str:
    """A watch named in an Arabic alert header (with its number in the chat, if known)."""
    return f"«{query}»" if number is None else f"#{number} «{query}»"


def watch_label_en(query: str, number: int | None = None) -> str:
    """A watch named in an English alert header (with its number in the chat, if known)."""
    return f"“{query}”" if number is None else f"#{number} “{query}”"


class ChatButtons:
    """What the buttons under the claimed chats' alerts can offer: their watches and topics now.

    A watch removed or a topic left since the alert was queued gets no button.
    """

    def __init__(
        self,
        catalog: CatalogRef,
        watch_ids: Mapping[tuple[int, str], int],
        topics: set[tuple[int, str]],
    ) -> None:
        self.catalog = catalog
        self.topics = topics
        self._watches: dict[int, dict[str, int]] = {}  # chat -> query -> watch id, as now
        for (chat_id, query), watch_id in watch_ids.items():
            self._watches.setdefault(chat_id, {})[query] = watch_id

    def markup(self, chat_id: int, reasons: Reasons, lang: str) -> InlineKeyboardMarkup | None:
        """The alert's "stop this topic" / "mute this watch" buttons: a watch's stored id while
        it exists, else the chat's current watch of that query (rows queued before 0006 have
        no ids; a watch removed and added again has a new one)."""
        catalog = self.catalog.current
        current = self._watches.get(chat_id, {})
        live = set(current.values())
        topics = [
            (t, catalog.topic_name(t, lang)) for t in reasons.topics if (chat_id, t) in self.topics
        ]
        watches = []
        numbers: dict[int, int] = {}
        for watch in reasons.watches:
            watch_id = watch.id if watch.id in live else current.get(watch.query)
            if watch_id is not None:
                watches.append((watch_id, watch.query))
                if watch.number is not None:
                    numbers[watch_id] = watch.number
        return alert_keyboard(topics=topics, watches=watches, lang=lang, numbers=numbers)


def _text_key(reasons: Reasons) -> tuple[object, ...]:
    """What of the reasons an alert's text shows (not the watch ids, which only buttons use)."""
    queries = tuple((w.query, w.number) for w in reasons.watches)
    return (reasons.topics, queries, reasons.breaking, reasons.spans, reasons.chars)


class AlertBuilder:
    """Renders alert HTML for (story, language, reasons), with a small LRU cache."""

    def __init__(self, catalog: CatalogRef, *, cache_size: int = CACHE_SIZE) -> None:
        self.catalog = catalog
        # the dispatcher renders in worker threads; a story's alerts are sent within minutes
        self._cache: RecentCache[tuple[object, ...], str] = RecentCache(cache_size)

    def html(
        self,
        story: StoryView,
        lang: str,
        reasons: Reasons,
        *,
        compact: bool = False,
        tz: str = DEFAULT_TZ,
    ) -> str:
        """The alert message for one chat, its times in `tz`; `compact`: the shorter rendering
        (the chat's `/format compact`, or the fallback when Telegram refused the full one)."""
        key = (
            tz,
            self.catalog.version,
            story.id,
            lang,
            _text_key(reasons),
            story.also_in,
            story.links,
            story.breaking,
            compact,
        )
        return self._cache.recall(
            key, lambda: self._render(story, lang, reasons, compact=compact, tz=tz)
        )

    def _render(
        self, view: StoryView, lang: str, reasons: Reasons, *, compact: bool, tz: str
    ) -> str:
        catalog = self.catalog.current
        also_in: list[str | Outlet] = [catalog.feed_name(f) for f in view.also_in]
        if view.links is not None:
            also_in = [Outlet(catalog.feed_name(f), link) for f, link in view.links]
        text, _ = story_text(view.story)
        alert = alert_from_spans(
            view.story,
            reasons.spans_for(text),
            # every stored reason is named, even one that no longer matches (the config changed)
            reasons=self.reason_names(reasons, lang),
            source=catalog.feed_name(view.story.feed_id),
            also_in=also_in,
            breaking=view.breaking,
        )
        return render_alert(alert, lang, compact=compact, tz=tz)

    def reason_names(self, reasons: Reasons, lang: str) -> tuple[str, ...]:
        """How an alert names its topics and watches."""
        catalog = self.catalog.current
        label = watch_label_ar if lang == "ar" else watch_label_en
        names = [catalog.topic_name(t, lang) for t in reasons.topics]
        names += [label(w.query, w.number) for w in reasons.watches]
        if reasons.breaking:  # sent because the chat takes every breaking story
            names.append(BREAKING_NAMES.get(lang, BREAKING_NAMES["en"]))
        return tuple(dict.fromkeys(names))

    def digest_messages(
        self,
        chat: Chat | None,
        held: Sequence[tuple[Reasons, StoryView | None]],
        now: datetime,
        *,
        hold: str | None = None,
    ) -> list[tuple[str, list[int]]]:
        """Held alerts as digest messages, each with the indexes (into `held`) it lists.

        A chat on /digest gets its hourly or daily digest; otherwise these were held by quiet
        hours. A story no longer stored is left out (its row is still settled with the rest).
        """
        catalog = self.catalog.current
        lang = chat.lang if chat else "en"
        kind = chat.digest if chat and chat.digest != Digest.OFF.value else "quiet"
        kind = hold if hold in HELD_KINDS else kind  # held by a pause, a mute or /stop
        items: list[DigestItem] = []
        index: list[int] = []
        for i, (reasons, view) in enumerate(held):
            if view is None:
                continue
            sources = [catalog.feed_name(view.story.feed_id)]
            sources += [catalog.feed_name(f) for f in view.also_in]
            items.append(
                DigestItem(
                    title=view.story.title,
                    link=view.story.link,
                    sources=tuple(dict.fromkeys(sources)),
                    groups=self.reason_names(reasons, lang),
                    published=view.story.published,
                    breaking=view.breaking is not None,
                )
            )
            index.append(i)
        tz = chat.tz if chat else DEFAULT_TZ
        try:
            check_zone(tz)
        except ValueError:  # a zone the commands would have refused: Baghdad, not a crash
            tz = DEFAULT_TZ
        messages = render_digest(items, lang=lang, kind=kind, tz=tz, period_end=now)
        return [(html, [index[i] for i in listed]) for html, listed in messages]
