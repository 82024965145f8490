"""What the bot shows: the topic picker, the watch list, and the lines that describe a chat's
digest and quiet-hours settings (the buttons under an alert are delivery/keyboards.py)."""

from __future__ import annotations

import html
from collections.abc import Set as AbstractSet
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from postbot.alerts.direction import lay_out
from postbot.alerts.html import MAX_VISIBLE, utf16_len, visible_text
from postbot.alerts.release import DEFAULT_DIGEST_AT, in_quiet, next_digest, release_for
from postbot.alerts.texts import text
from postbot.alerts.zones import zone_name, zone_of
from postbot.config.catalog import Catalog

# the alert's buttons live in delivery (which never imports bot); bot/buttons.py reads them here
from postbot.delivery.keyboards import MUTE_WATCH as MUTE_WATCH
from postbot.delivery.keyboards import STOP_TOPIC as STOP_TOPIC
from postbot.delivery.keyboards import callback_data
from postbot.delivery.keyboards import short_label as short_label
from postbot.store.models import Chat, Watch

TOPIC = "topic:"
UNWATCH = "unwatch:"
UNTOPIC = "untopic:"


def topics_keyboard(
    catalog: Catalog, subscribed: AbstractSet[str], lang: str
) -> InlineKeyboardMarkup:
    """One toggle button per built-in topic: ✅ followed, ➕ not."""
    rows = []
    for topic in catalog.topics:
        data = callback_data(TOPIC, topic.id)
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
        for watch in watches:
            number = watch.number
            lines.append(f"{number}. <code>{html.escape(watch.query, quote=False)}</code>")
            short = short_label(watch.query)
            data = callback_data(UNWATCH, str(watch.id))
            if data:
                rows.append([InlineKeyboardButton(f"❌ {number}. {short}", callback_data=data)])
    if topic_ids:
        if lines:
            lines.append("")
        lines.append(text(lang, "watches_topics"))
        for topic_id in topic_ids:
            name = catalog.topic_name(topic_id, lang)
            lines.append(f"• {html.escape(name, quote=False)}")
            data = callback_data(UNTOPIC, topic_id)
            if data:
                rows.append([InlineKeyboardButton(f"❌ {name}", callback_data=data)])
    lines += ["", text(lang, "watches_hint")]
    return lay_out("\n".join(lines), lang), InlineKeyboardMarkup(rows)


def local_time(when: datetime, tz: str) -> str:
    """An instant as the chat's wall clock shows it."""
    return when.astimezone(zone_of(tz)).strftime("%Y-%m-%d %H:%M")


def digest_lines(lang: str, chat: Chat, now: datetime) -> list[str]:
    """What the chat's digest setting means, and when the next digest goes out."""
    if chat.digest == "off":
        return [text(lang, "digest_off")]
    if chat.digest == "hourly":
        head = text(lang, "digest_hourly")
    else:
        at = chat.digest_at or DEFAULT_DIGEST_AT
        head = text(lang, "digest_daily", at=at, tz=zone_name(chat.tz, now))
    due = next_digest(now, mode=chat.digest, at=chat.digest_at, tz=chat.tz)
    out = release_for(chat, now) or due
    if out is None:  # not reached: a digest mode always has a next digest
        return [head]
    key = "digest_next" if out == due else "digest_next_quiet"
    return [head, text(lang, key, when=local_time(out, chat.tz), tz=zone_name(chat.tz, now))]


def quiet_lines(lang: str, chat: Chat, now: datetime) -> list[str]:
    """The chat's quiet hours, and whether they are on right now."""
    if chat.quiet_start is None or chat.quiet_end is None:
        return [text(lang, "quiet_none")]
    shown = zone_name(chat.tz, now)  # "UTC+03", never "Etc/GMT-3"
    lines = [text(lang, "quiet_on", start=chat.quiet_start, end=chat.quiet_end, tz=shown)]
    until = in_quiet(now, start=chat.quiet_start, end=chat.quiet_end, tz=chat.tz)
    if until is not None:
        lines.append(text(lang, "quiet_now", when=local_time(until, chat.tz)))
    return lines


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
