"""The Bot API double, from doubles/botapi (shared with bench/): kept so tests import it here."""

from doubles.botapi import (
    GROUP_ANONYMOUS_BOT_ID,
    ApiError,
    BotApiDouble,
    BotMessage,
    CallbackAnswer,
    CallRecord,
    HtmlParseError,
    LocalHTTPServer,
    ParsedText,
    SentRecord,
    WebhookDelivery,
    parse_html,
    trim_formatted,
    utf16_len,
)

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
