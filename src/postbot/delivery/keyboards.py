"""The buttons under an alert: "stop «topic»" and "mute «query»" (pressed, they reach
bot/buttons.py). Here, not in bot/, so that delivery never imports the bot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from postbot.alerts.texts import text

MAX_CALLBACK_BYTES = 64
MUTE_WATCH = "mw:"  # + watch id (decimal): the alert's "mute this watch" button
STOP_TOPIC = "st:"  # + topic id: the alert's "stop this topic" button
BUTTON_QUERY_CHARS = 24
MAX_ALERT_BUTTONS = 4


def callback_data(prefix: str, value: str) -> str | None:
    """`prefix + value`, or None when it exceeds Telegram's 64 bytes of callback data."""
    data = prefix + value
    return data if len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES else None


def short_label(value: str, limit: int = BUTTON_QUERY_CHARS) -> str:
    """`value` cut to `limit` characters with "…", for button labels and callback answers."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def alert_keyboard(
    *,
    topics: Sequence[tuple[str, str]],
    watches: Sequence[tuple[int, str]],
    lang: str,
    numbers: Mapping[int, int] | None = None,
) -> InlineKeyboardMarkup | None:
    """The buttons under an alert: "stop «topic»" per topic, then "mute «query»" per watch.

    `topics` are (topic id, display name), `watches` (watch id, query text), for the reasons
    the story matched. One button a row, at most MAX_ALERT_BUTTONS; a button whose callback
    data would not fit Telegram's 64 bytes is left out. None when no button is left. A watch
    whose number in the chat is known (`numbers`: watch id → number) is named with it.
    """
    rows: list[list[InlineKeyboardButton]] = []
    for topic_id, name in topics:
        data = callback_data(STOP_TOPIC, topic_id)
        if data:
            label = text(lang, "button_stop_topic", topic=short_label(name))
            rows.append([InlineKeyboardButton(label, callback_data=data)])
    for watch_id, query in watches:
        data = callback_data(MUTE_WATCH, str(watch_id))
        if data:
            number = (numbers or {}).get(watch_id)
            label = (
                text(lang, "button_mute_watch", query=short_label(query))
                if number is None
                else text(lang, "button_mute_numbered", number=number, query=short_label(query))
            )
            rows.append([InlineKeyboardButton(label, callback_data=data)])
    return InlineKeyboardMarkup(rows[:MAX_ALERT_BUTTONS]) if rows else None
