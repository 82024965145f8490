"""Held alerts as one digest, in Telegram's HTML parse mode (pure).

A digest opens with a header (kind, the end of its period in the chat's time zone, the story
count), then lists the stories grouped by the topic or watch they matched first, one line each:
`• <a href="LINK">TITLE</a> — source1، source2 · 14:05`. Everything from a feed is escaped. When the
visible text would pass 4096 UTF-16 units, the digest continues in another message, only ever
between two stories; a continuation repeats the header with " (2/3)" numbering and the group line
it is in. A message also ends before its 101st entity (Telegram ignores formatting past 100) and
before its links grow long enough for Telegram's "entities too long" refusal.
Arabic lines begin with a right-to-left mark and their separators are wrapped in such marks, so a
Latin title or source name does not turn the line around.
Breaking stories (several outlets within minutes) come first, under their own «🔴 عاجل» /
"🔴 Breaking" group, whatever they matched.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import cache

from postbot.alerts.direction import lay_out_line
from postbot.alerts.html import MAX_TITLE, MAX_VISIBLE, RLM, utf16_len, visible_text
from postbot.alerts.texts import text
from postbot.alerts.zones import zone_label, zone_of

MAX_ENTITIES = 100  # Telegram drops formatting past the 100th entity of a message
MAX_LINK_CHARS = 8000  # total href length per message; ~9500 is refused as "entities too long"
MAX_GROUP = 200
MAX_SOURCE = 80
MAX_SOURCES = 5
# digests of alerts held by a pause, by mutes, or kept while the chat was stopped
HELD_KINDS = ("pause", "mute", "away")


@cache
def _labels(lang: str) -> dict[str, str]:
    """This language's digest labels, from postbot.alerts.texts."""
    names: tuple[str, ...] = ("hourly_head", "daily_head", "quiet_head", "other", "untitled")
    names += ("breaking", *(f"{kind}_head" for kind in HELD_KINDS))
    labels = {name: text(lang, f"digest_{name}") for name in names}
    return {key.removesuffix("_head"): value for key, value in labels.items()}


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One held story as the digest lists it."""

    title: str
    link: str | None
    sources: tuple[str, ...]  # display names, first the source that published first
    groups: tuple[str, ...]  # display names of the topics / watches it matched, in order
    published: datetime | None  # aware UTC (may be None)
    breaking: bool = False  # listed first, under the breaking group


@dataclass(frozen=True, slots=True)
class _Line:
    markup: str
    width: int  # visible UTF-16 units, without the newline
    entities: int
    link_chars: int


@dataclass(slots=True)
class _Page:
    lines: list[_Line]
    indexes: list[int]
    width: int
    entities: int
    link_chars: int
    group: int | None = None  # the group whose line was shown last on this page


def _line(markup: str, *, entities: int = 0, link_chars: int = 0) -> _Line:
    return _Line(markup, utf16_len(visible_text(markup)), entities, link_chars)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _sep(symbol: str, lang: str) -> str:
    """A " · " style separator, held in place by right-to-left marks in Arabic."""
    return f" {RLM}{symbol}{RLM} " if lang == "ar" else f" {symbol} "


def _header(labels: dict[str, str], kind: str, lang: str, end: datetime, count: int) -> str:
    stamp = f"{end.strftime('%Y-%m-%d %H:%M')} {zone_label(end)}"
    parts = [
        labels[kind],
        stamp,
        text(lang, "digest_count", n=count),
    ]
    return lay_out_line(html.escape(_sep("·", lang).join(parts), quote=False), lang)


def _group_line(name: str, lang: str) -> _Line:
    text = html.escape(_clip(name, MAX_GROUP), quote=False)
    return _line(lay_out_line(f"{RLM if lang == 'ar' else ''}<b>{text}</b>", lang), entities=1)


def _story_line(
    item: DigestItem, labels: dict[str, str], lang: str, zone: tzinfo, end: datetime
) -> _Line:
    title = html.escape(_clip(item.title, MAX_TITLE) or labels["untitled"], quote=False)
    entities = link_chars = 0
    link = (item.link or "").strip()
    if link.lower().startswith(("http://", "https://")):  # no javascript:, no relative links
        href = html.escape(link, quote=True)
        title = f'<a href="{href}">{title}</a>'
        entities, link_chars = 1, len(href)
    parts = [f"{RLM if lang == 'ar' else ''}• {title}"]
    names = [_clip(s, MAX_SOURCE) for s in item.sources if s.strip()]
    if names:
        shown = names[:MAX_SOURCES]
        if len(names) > MAX_SOURCES:
            shown.append(f"+{len(names) - MAX_SOURCES}")
        comma = f"،{RLM} " if lang == "ar" else ", "
        parts.append(_sep("—", lang) + html.escape(comma.join(shown), quote=False))
    if item.published is not None:
        published = item.published
        if published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        local = published.astimezone(zone)
        stamp = local.strftime("%H:%M" if local.date() == end.date() else "%m-%d %H:%M")
        parts.append(_sep("·", lang) + stamp)
    laid = lay_out_line("".join(parts), lang)  # names and titles of the other script isolated
    return _line(laid, entities=entities, link_chars=link_chars)


def _paginate(
    order: list[tuple[int, list[int]]],
    groups: list[_Line],
    stories: list[_Line],
    header_width: int,
) -> list[_Page]:
    """Stories on pages, greedily, breaking only between stories."""
    pages: list[_Page] = []
    page = _Page([], [], header_width, 0, 0)
    for group, indexes in order:
        for index in indexes:
            story = stories[index]
            for attempt in range(2):
                adding = [story] if page.group == group else [_line(""), groups[group], story]
                fits = (
                    page.width + sum(1 + line.width for line in adding) <= MAX_VISIBLE
                    and page.entities + sum(line.entities for line in adding) <= MAX_ENTITIES
                    and page.link_chars + story.link_chars <= MAX_LINK_CHARS
                )
                if fits or not page.indexes or attempt == 1:
                    break
                pages.append(page)
                page = _Page([], [], header_width, 0, 0)
            page.lines.extend(adding)
            page.indexes.append(index)
            page.width += sum(1 + line.width for line in adding)
            page.entities += sum(line.entities for line in adding)
            page.link_chars += story.link_chars
            page.group = group
    pages.append(page)
    return pages


def render_digest(
    items: Sequence[DigestItem], *, lang: str, kind: str, tz: str, period_end: datetime
) -> list[tuple[str, list[int]]]:
    """The digest as Telegram HTML messages, each with the indexes of the stories it lists."""
    if not items:
        return []
    lang = "ar" if lang == "ar" else "en"
    labels = _labels(lang)
    if kind not in ("hourly", "daily", "quiet", *HELD_KINDS):
        raise ValueError(f"unknown digest kind: {kind!r}")
    zone = zone_of(tz)
    if period_end.tzinfo is None:  # stored instants are UTC; never read one as server-local
        period_end = period_end.replace(tzinfo=UTC)
    end = period_end.astimezone(zone)

    group_names: dict[str, int] = {}
    order: list[tuple[int, list[int]]] = []
    # breaking stories first (in their own group), then the rest by what they matched first
    listing = sorted(range(len(items)), key=lambda i: not items[i].breaking)
    for index in listing:
        item = items[index]
        if item.breaking:
            name = labels["breaking"]
        else:
            name = next((g for g in item.groups if g.strip()), labels["other"])
        if name not in group_names:
            group_names[name] = len(group_names)
            order.append((group_names[name], []))
        order[group_names[name]][1].append(index)
    groups = [_group_line(name, lang) for name in group_names]
    stories = [_story_line(item, labels, lang, zone, end) for item in items]

    header = _header(labels, kind, lang, end, len(items))
    width = utf16_len(visible_text(header))
    suffix = 0  # visible width reserved for " (i/n)"
    while True:
        pages = _paginate(order, groups, stories, width + suffix)
        total = len(pages)
        needed = utf16_len(f" ({total}/{total})") if total > 1 else 0
        if needed <= suffix:
            break
        suffix = needed
    messages: list[tuple[str, list[int]]] = []
    for number, page in enumerate(pages, start=1):
        top = f"{header} ({number}/{total})" if total > 1 else header
        messages.append(("\n".join([top, *(line.markup for line in page.lines)]), page.indexes))
    return messages
