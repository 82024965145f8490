"""Messages with buttons: the topic picker and the watch list (text + inline keyboard)."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from postbot.alerts.render import MAX_VISIBLE, utf16_len, visible_text
from postbot.bot.i18n import text
from postbot.catalog import Catalog
from postbot.store.models import Watch

MAX_CALLBACK_BYTES = 64
TOPIC = "topic:"
UNWATCH = "unwatch:"
UNTOPIC = "untopic:"
BUTTON_QUERY_CHARS = 24


def _data(prefix: str, value: str) -> str | None:
    data = prefix + value
    return data if len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES else None


def topics_keyboard(catalog: Catalog, subscribed: set[str], lang: str) -> InlineKeyboardMarkup:
    """One toggle button per built-in topic: ✅ followed, ➕ not."""
    rows = []
    for topic in catalog.topics:
        data = _data(TOPIC, topic.id)
        if data is None:
            continue
        mark = "✅" if topic.id in subscribed else "➕"
        rows.append([InlineKeyboardButton(f"{mark} {topic.name(lang)}", callback_data=data)])
    return InlineKeyboardMarkup(rows)


def watches_view(
    catalog: Catalog, watches: list[Watch], topic_ids: list[str], lang: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The /watches message: numbered watches, followed topics, a remove button for each."""
    if not watches and not topic_ids:
        return text(lang, "watches_none"), None
    lines: list[str] = []
    rows: list[list[InlineKeyboardButton]] = []
    if watches:
        lines.append(text(lang, "watches_header"))
        for number, watch in enumerate(watches, 1):
            lines.append(f"{number}. <code>{html.escape(watch.query, quote=False)}</code>")
            short = (
                watch.query
                if len(watch.query) <= BUTTON_QUERY_CHARS
                else (watch.query[: BUTTON_QUERY_CHARS - 1] + "…")
            )
            data = _data(UNWATCH, str(watch.id))
            if data:
                rows.append([InlineKeyboardButton(f"❌ {number}. {short}", callback_data=data)])
    if topic_ids:
        if lines:
            lines.append("")
        lines.append(text(lang, "watches_topics"))
        for topic_id in topic_ids:
            name = catalog.topic_name(topic_id, lang)
            lines.append(f"• {html.escape(name, quote=False)}")
            data = _data(UNTOPIC, topic_id)
            if data:
                rows.append([InlineKeyboardButton(f"❌ {name}", callback_data=data)])
    lines += ["", text(lang, "watches_hint")]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def split_message(blocks: list[str], limit: int = MAX_VISIBLE) -> list[str]:
    """Join HTML blocks with blank lines into messages of at most `limit` visible characters."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for block in blocks:
        length = utf16_len(visible_text(block)) + 2
        if current and size + length > limit:
            parts.append("\n\n".join(current))
            current, size = [], 0
        current.append(block)
        size += length
    if current:
        parts.append("\n\n".join(current))
    return parts
