"""A strict Telegram Bot API test double, served over HTTP on 127.0.0.1.

The real python-telegram-bot (``base_url=f"{double.url}/bot"``) and a real ``postbot run``
subprocess (``TELEGRAM_API_URL=double.url``) talk to it as they would to api.telegram.org.
It is strict where Telegram is strict: HTML is parsed like the real server parses it (unknown
tags, bad entities and mis-nested tags are 400s), visible text is limited to 4096 UTF-16 code
units, inline buttons are validated and the flood limits answer 429 with ``retry_after``.

Tests drive it through thread-safe controls (``user_message``, ``press_button``, ``block``,
``migrate``, ``fail_next``...) and read what the bot did (``sent``, ``messages(chat_id)``,
``edits``, ``stats()``), waiting with ``wait_for`` / ``async_wait_for`` instead of sleeping.
All state lives behind one ``threading.Condition``; every change notifies it.

Its parts: `records` (constants, what is recorded, errors), `entities` (HTML parse mode),
`params` (reading and validating request parameters), `server` (HTTP plumbing), `state` (the
state and the path of one request), `methods` (each Bot API method), `double` (the class tests
drive: controls and what the bot did).
"""

from doubles.botapi.double import BotApiDouble
from doubles.botapi.entities import (
    HtmlParseError,
    ParsedText,
    parse_html,
    trim_formatted,
    utf16_len,
)
from doubles.botapi.records import (
    GROUP_ANONYMOUS_BOT_ID,
    ApiError,
    BotMessage,
    CallbackAnswer,
    CallRecord,
    SentRecord,
    WebhookDelivery,
)
from doubles.botapi.server import LocalHTTPServer

__all__ = [
    "GROUP_ANONYMOUS_BOT_ID",
    "ApiError",
    "BotApiDouble",
    "BotMessage",
    "CallRecord",
    "CallbackAnswer",
    "HtmlParseError",
    "LocalHTTPServer",
    "ParsedText",
    "SentRecord",
    "WebhookDelivery",
    "parse_html",
    "trim_formatted",
    "utf16_len",
]
