"""The double's constants, what it records (sent messages, calls, answers) and its errors."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

JSON = dict[str, Any]
T = TypeVar("T")

GROUP_ANONYMOUS_BOT_ID = 1087968824
MAX_TEXT_UTF16 = 4096
MAX_CALLBACK_DATA_BYTES = 64
FIRST_UPDATE_ID = 100_001
# Updates Telegram does not send unless they are asked for by name in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

METHODS = (
    "getMe",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "sendMessage",
    "sendPhoto",
    "sendChatAction",
    "answerInlineQuery",
    "editMessageText",
    "editMessageReplyMarkup",
    "answerCallbackQuery",
    "getChatMember",
    "getChat",
    "deleteMessage",
    "close",
    "logOut",
)
CANONICAL_METHODS = {name.lower(): name for name in METHODS}
JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "link_preview_options",
        "allowed_updates",
        "commands",
        "scope",
        "entities",
        "reply_parameters",
        "results",
        "button",
    }
)
BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "web_app",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


@dataclass(frozen=True)
class SentRecord:
    """One accepted sendMessage / sendPhoto / editMessageText / editMessageReplyMarkup call."""

    method: str
    chat_id: int
    message_id: int
    text: str  # visible text, as Telegram stores it
    html: str  # the raw `text` parameter (HTML source when parse_mode is HTML)
    parse_mode: str | None
    reply_markup: JSON | None
    time: float  # the double's clock (time.monotonic by default) when accepted
    entities: tuple[JSON, ...] = ()
    disable_notification: bool = False
    link_preview_options: JSON | None = None
    photo: bytes | None = None  # sendPhoto: the uploaded file (text and entities: the caption)


@dataclass(frozen=True)
class BotMessage:
    """The current state of a message the bot sent (after edits)."""

    chat_id: int
    message_id: int
    text: str
    html: str
    parse_mode: str | None
    entities: tuple[JSON, ...]
    reply_markup: JSON | None
    date: int
    edit_date: int | None = None
    history: tuple[str, ...] = ()  # earlier visible texts, oldest first
    photo: tuple[JSON, ...] = ()  # a photo's PhotoSize list (text and entities: its caption)


@dataclass(frozen=True)
class CallbackAnswer:
    """One accepted answerCallbackQuery call."""

    query_id: str
    chat_id: int
    text: str | None
    show_alert: bool
    url: str | None
    time: float


@dataclass(frozen=True)
class CallRecord:
    """One request that reached a known method (params after decoding, files omitted)."""

    method: str
    params: JSON
    time: float


@dataclass(frozen=True)
class WebhookDelivery:
    """One attempt to POST an update to the webhook."""

    update_id: int
    url: str
    status: int | None
    error: str | None
    time: float

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Fault:
    kind: Literal["fail", "drop", "delay"]
    error_code: int = 0
    description: str = ""
    retry_after: int | None = None
    seconds: float = 0.0
    after_processing: bool = False


@dataclass
class Webhook:
    url: str
    secret: str | None
    max_connections: int
    allowed_updates: list[str] | None
    last_error_date: int | None = None
    last_error_message: str | None = None
    failures: int = 0
    next_try: float = 0.0


@dataclass
class Query:
    chat_id: int
    message_id: int
    user_id: int


@dataclass
class PollState:
    sock: socket.socket
    terminated: bool = False


class ApiError(Exception):
    """A Telegram-shaped error answer."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class Drop(Exception):
    """Close the connection without answering (injected, or the client is gone)."""

    def __init__(self, *, injected: bool = True) -> None:
        super().__init__("drop")
        self.injected = injected


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")
