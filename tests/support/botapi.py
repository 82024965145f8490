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
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import itertools
import json
import math
import re
import select
import socket
import socketserver
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Literal, TypeVar
from urllib.parse import parse_qsl, urlsplit

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
    "editMessageText",
    "editMessageReplyMarkup",
    "answerCallbackQuery",
    "getChatMember",
    "getChat",
    "deleteMessage",
    "close",
    "logOut",
)
_CANONICAL = {name.lower(): name for name in METHODS}
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "link_preview_options",
        "allowed_updates",
        "commands",
        "scope",
        "entities",
        "reply_parameters",
    }
)
_BUTTON_ACTIONS = (
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


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class SentRecord:
    """One accepted sendMessage / editMessageText / editMessageReplyMarkup call."""

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
class _Fault:
    kind: Literal["fail", "drop", "delay"]
    error_code: int = 0
    description: str = ""
    retry_after: int | None = None
    seconds: float = 0.0
    after_processing: bool = False


@dataclass
class _Webhook:
    url: str
    secret: str | None
    max_connections: int
    allowed_updates: list[str] | None
    last_error_date: int | None = None
    last_error_message: str | None = None
    failures: int = 0
    next_try: float = 0.0


@dataclass
class _Query:
    chat_id: int
    message_id: int
    user_id: int


@dataclass
class _PollState:
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


class _Drop(Exception):
    """Close the connection without answering (injected, or the client is gone)."""

    def __init__(self, *, injected: bool = True) -> None:
        super().__init__("drop")
        self.injected = injected


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


# --------------------------------------------------------------------------- HTML parsing


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units, the unit Telegram counts in."""
    return len(text.encode("utf-16-le")) // 2


class HtmlParseError(Exception):
    def __init__(self, reason: str, source: str, index: int) -> None:
        offset = len(source[:index].encode("utf-8"))
        super().__init__(f"{reason} at byte offset {offset}")


_TEXT_RUN = re.compile(r"[^<&]+")
_CHAR_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*")
_END_TAG = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)\s*>")
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_TAG_ATTRS: dict[str, frozenset[str]] = {
    **{tag: frozenset() for tag in _SIMPLE_TAGS},
    "a": frozenset({"href"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "span": frozenset({"class"}),
    "blockquote": frozenset({"expandable"}),
    "tg-emoji": frozenset({"emoji-id"}),
}


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    start: int  # UTF-16 offset in the visible text
    index: int  # index in the source, for error offsets
    language: str | None = None


@dataclass
class ParsedText:
    text: str
    entities: list[JSON]
    bare_gt: bool


def _decode_entity(source: str, index: int) -> tuple[str, int]:
    match = _CHAR_ENTITY.match(source, index)
    if match is None:
        raise HtmlParseError("Character entity expected", source, index)
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED_ENTITIES[named], match.end()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise HtmlParseError("Invalid numeric character reference", source, index)
    return chr(code), match.end()


def _decode_attr_value(raw: str, source: str, index: int) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == "&":
            try:
                char, end = _decode_entity(raw, i)
            except HtmlParseError:
                raise HtmlParseError("Character entity expected", source, index) from None
            out.append(char)
            i = end
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def _parse_start_tag(source: str, index: int) -> tuple[str, dict[str, str], int]:
    """Parse `<name attr="v" ...>` at `index`; return name, attributes and the end index."""
    name_match = _TAG_NAME.match(source, index + 1)
    if name_match is None:
        raise HtmlParseError('Unsupported start tag ""', source, index)
    name = name_match.group().lower()
    if name not in _TAG_ATTRS:
        raise HtmlParseError(f'Unsupported start tag "{name}"', source, index)
    attrs: dict[str, str] = {}
    i = name_match.end()
    n = len(source)
    while True:
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise HtmlParseError("Unclosed start tag", source, index)
        if source[i] == ">":
            return name, attrs, i + 1
        if source[i] == "/":
            raise HtmlParseError(f'Unsupported self-closing tag "{name}"', source, index)
        attr_match = _ATTR_NAME.match(source, i)
        if attr_match is None:
            raise HtmlParseError(f'Malformed attribute in tag "{name}"', source, index)
        attr = attr_match.group().lower()
        if attr not in _TAG_ATTRS[name]:
            raise HtmlParseError(f'Unsupported attribute "{attr}" in tag "{name}"', source, index)
        i = attr_match.end()
        while i < n and source[i].isspace():
            i += 1
        value = ""
        if i < n and source[i] == "=":
            i += 1
            while i < n and source[i].isspace():
                i += 1
            if i >= n:
                raise HtmlParseError("Unclosed start tag", source, index)
            if source[i] in "\"'":
                close = source.find(source[i], i + 1)
                if close < 0:
                    raise HtmlParseError("Unclosed start tag", source, index)
                raw = source[i + 1 : close]
                i = close + 1
            else:
                start = i
                while i < n and not source[i].isspace() and source[i] != ">":
                    i += 1
                raw = source[start:i]
            value = _decode_attr_value(raw, source, index)
        attrs[attr] = value


def _entity_for(tag: _OpenTag, length: int) -> JSON | None:
    entity: JSON = {"offset": tag.start, "length": length}
    if tag.name in _SIMPLE_TAGS:
        entity["type"] = _SIMPLE_TAGS[tag.name]
    elif tag.name == "span":
        entity["type"] = "spoiler"
    elif tag.name == "a":
        entity["type"] = "text_link"
        entity["url"] = tag.attrs["href"]
    elif tag.name == "code":
        entity["type"] = "code"
    elif tag.name == "pre":
        entity["type"] = "pre"
        if tag.language:
            entity["language"] = tag.language
    elif tag.name == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"
    elif tag.name == "tg-emoji":
        entity["type"] = "custom_emoji"
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    return entity


def _check_tag_attrs(tag: _OpenTag, source: str) -> None:
    if tag.name == "a" and not tag.attrs.get("href", "").strip():
        raise HtmlParseError('Tag "a" must have a non-empty "href" attribute', source, tag.index)
    if tag.name == "span" and tag.attrs.get("class") != "tg-spoiler":
        raise HtmlParseError('Tag "span" must have class "tg-spoiler"', source, tag.index)
    if tag.name == "tg-emoji" and not tag.attrs.get("emoji-id", "").isdigit():
        raise HtmlParseError('Tag "tg-emoji" must have a numeric "emoji-id"', source, tag.index)


def parse_html(source: str) -> ParsedText:
    """Parse Telegram-flavoured HTML into visible text and entities, strictly."""
    out: list[str] = []
    pos = 0  # UTF-16 length of the visible text so far
    stack: list[_OpenTag] = []
    entities: list[JSON] = []
    bare_gt = False
    i = 0
    n = len(source)
    while i < n:
        char = source[i]
        if char == "&":
            decoded, i = _decode_entity(source, i)
            out.append(decoded)
            pos += utf16_len(decoded)
        elif char == "<":
            if source.startswith("</", i):
                end_match = _END_TAG.match(source, i)
                if end_match is None:
                    raise HtmlParseError("Unclosed end tag", source, i)
                name = end_match.group(1).lower()
                if not stack:
                    raise HtmlParseError(f'Unexpected end tag "</{name}>"', source, i)
                if stack[-1].name != name:
                    raise HtmlParseError(
                        f'Unmatched end tag, expected "</{stack[-1].name}>", found "</{name}>"',
                        source,
                        i,
                    )
                tag = stack.pop()
                i = end_match.end()
                language = tag.attrs.get("class", "")
                in_pre = bool(stack) and stack[-1].name == "pre"
                if tag.name == "code" and in_pre:
                    # <pre><code class="language-x"> is one pre entity with a language.
                    if language.startswith("language-"):
                        stack[-1].language = language.removeprefix("language-")
                    continue
                if pos > tag.start:
                    entity = _entity_for(tag, pos - tag.start)
                    if entity is not None:
                        entities.append(entity)
            else:
                name, attrs, end = _parse_start_tag(source, i)
                tag = _OpenTag(name=name, attrs=attrs, start=pos, index=i)
                _check_tag_attrs(tag, source)
                stack.append(tag)
                i = end
        else:
            run = _TEXT_RUN.match(source, i)
            assert run is not None
            chunk = run.group()
            bare_gt = bare_gt or ">" in chunk
            out.append(chunk)
            pos += utf16_len(chunk)
            i = run.end()
    if stack:
        tag = stack[-1]
        raise HtmlParseError(
            f'Can\'t find end tag corresponding to start tag "{tag.name}"', source, tag.index
        )
    return ParsedText(text="".join(out), entities=entities, bare_gt=bare_gt)


def trim_formatted(text: str, entities: Iterable[JSON]) -> tuple[str, list[JSON]]:
    """Strip surrounding whitespace as Telegram does, moving and clipping entities."""
    stripped = text.strip()
    if stripped == text:
        result = list(entities)
    else:
        lead = utf16_len(text[: len(text) - len(text.lstrip())])
        total = utf16_len(stripped)
        result = []
        for entity in entities:
            start = max(0, entity["offset"] - lead)
            end = min(total, entity["offset"] + entity["length"] - lead)
            if end > start:
                result.append({**entity, "offset": start, "length": end - start})
    result.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, result


# --------------------------------------------------------------------------- request parsing


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        chunks: list[bytes] = []
        while True:
            size_line = handler.rfile.readline(1024)
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline(1024)
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length > 0 else b""


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise bad_request("can't parse multipart/form-data body")
    fields: dict[str, Any] = {}
    for part in message.walk():
        if part is message:
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if part.get_filename() is not None:
            fields[name] = data  # an uploaded file: keep the bytes
        else:
            fields[name] = data.decode(part.get_content_charset() or "utf-8")
    return fields


def parse_request_params(handler: BaseHTTPRequestHandler, body: bytes) -> JSON:
    """Merge the query string and the body (JSON, urlencoded or multipart) into one dict."""
    params: JSON = dict(parse_qsl(urlsplit(handler.path).query, keep_blank_values=True))
    content_type = handler.headers.get("Content-Type", "")
    mime = content_type.split(";")[0].strip().lower()
    if not body:
        pass
    elif mime == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(decoded, dict):
            raise bad_request("JSON object expected")
        params.update(decoded)
    elif mime == "application/x-www-form-urlencoded":
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    elif mime == "multipart/form-data":
        params.update(_parse_multipart(content_type, body))
    else:
        raise bad_request(f"unsupported Content-Type {mime!r}")
    for name in _JSON_PARAMS & params.keys():
        value = params[name]
        if isinstance(value, str):
            try:
                params[name] = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
    return params


def _present(params: JSON, name: str) -> bool:
    return params.get(name) not in (None, "")


def _int_param(params: JSON, name: str, *, required: bool = False) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        if required:
            raise bad_request(f"{name} is empty")
        return None
    if isinstance(value, bool):
        raise bad_request(f"invalid {name} specified")
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        raise bad_request(f"invalid {name} specified") from None


def _float_param(params: JSON, name: str) -> float | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def _bool_param(params: JSON, name: str) -> bool:
    value = params.get(name)
    if isinstance(value, bool):
        return value
    if value in (None, ""):
        return False
    if isinstance(value, int):
        return value != 0
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise bad_request(f"invalid {name} specified")


def _str_param(params: JSON, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bytes):
        raise bad_request(f"{name} must be a string")
    return value if isinstance(value, str) else str(value)


def _chat_id_param(params: JSON) -> int:
    value = params.get("chat_id")
    if value in (None, ""):
        raise bad_request("chat_id is empty")
    if isinstance(value, str) and value.startswith("@"):
        raise bad_request("chat not found")
    chat_id = _int_param(params, "chat_id")
    assert chat_id is not None
    if chat_id == 0:
        raise bad_request("chat not found")
    return chat_id


def _peer_closed(sock: socket.socket) -> bool:
    """True when the client has closed the connection (EOF readable without blocking)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        return sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


# --------------------------------------------------------------------------- HTTP plumbing


class LocalHTTPServer(ThreadingHTTPServer):
    """A threading HTTP/1.1 server for tests that can close its keep-alive connections."""

    daemon_threads = True
    request_queue_size = 512
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls getfqdn(), a DNS lookup we do not want in tests.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # the client went away; nothing to report
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Shut down every open client connection so handler threads end."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def serve_in_thread(self, name: str) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, args=(0.05,), name=name, daemon=True)
        thread.start()
        return thread

    def stop(self, thread: threading.Thread | None) -> None:
        self.shutdown()
        self.close_connections()
        self.server_close()
        if thread is not None:
            thread.join(timeout=5)


def send_json(handler: BaseHTTPRequestHandler, status: int, payload: JSON) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()
    except OSError:
        handler.close_connection = True


class _ApiHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes
    double: ClassVar[BotApiDouble]

    def do_GET(self) -> None:
        self.double._serve(self)

    def do_POST(self) -> None:
        self.double._serve(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass


# --------------------------------------------------------------------------- the double


class BotApiDouble:
    """A strict, thread-safe Telegram Bot API server for end-to-end tests."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        global_rate: int | None = 30,
        group_per_minute: int | None = 20,
        private_per_second: float | None = 1.0,
        conflict_policy: Literal["terminate_older", "reject_newer"] = "terminate_older",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`clock` times flood control and records (tests may pass a fake one);
        `conflict_policy` says which of two overlapping getUpdates gets the 409."""
        self.token = token
        self.clock = clock
        self.host = host
        self.port = port
        self.global_rate = global_rate
        self.group_per_minute = group_per_minute
        self.private_per_second = private_per_second
        self.conflict_policy = conflict_policy
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: JSON = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "postbot test",
            "username": "postbot_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._cond = threading.Condition(threading.RLock())
        self._server: LocalHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._webhook_thread: threading.Thread | None = None
        self._closing = False
        # updates
        self._update_ids = itertools.count(FIRST_UPDATE_ID)
        self._pending: list[JSON] = []
        self._allowed_updates: list[str] | None = None
        self._polls: dict[int, _PollState] = {}
        self._poll_ids = itertools.count(1)
        self._webhook: _Webhook | None = None
        self._webhook_deliveries: list[WebhookDelivery] = []
        # chats and messages
        self._chats: dict[int, JSON] = {}
        self._users: dict[int, JSON] = {}
        self._next_message_id: dict[int, int] = defaultdict(lambda: 1)
        self._known_message_ids: dict[int, set[int]] = defaultdict(set)
        self._messages: dict[int, dict[int, BotMessage]] = defaultdict(dict)
        self._blocked: set[int] = set()
        self._migrated: dict[int, int] = {}
        self._admins: dict[int, list[int]] = {}
        self._queries: dict[str, _Query] = {}
        self._query_ids = itertools.count(1)
        self._commands: dict[tuple[str, str], list[tuple[str, str]]] = {}
        # results
        self._sent: list[SentRecord] = []
        self._edits: list[SentRecord] = []
        self._answers: list[CallbackAnswer] = []
        self._calls: list[CallRecord] = []
        self._counters: dict[str, int] = defaultdict(int)
        self._sent_keys: set[tuple[int, str]] = set()
        self._internal_errors: list[str] = []
        # faults and flood control
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        self._global_window: deque[float] = deque()
        self._private_last: dict[int, float] = {}
        self._group_windows: dict[int, deque[float]] = defaultdict(deque)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> BotApiDouble:
        """Start serving on a background thread; returns self."""
        if self._server is not None:
            raise RuntimeError("BotApiDouble already started")
        handler = type("BoundApiHandler", (_ApiHandler,), {"double": self})
        self._server = LocalHTTPServer((self.host, self.port), handler)
        self._thread = self._server.serve_in_thread("botapi-double")
        self._webhook_thread = threading.Thread(
            target=self._webhook_loop, name="botapi-webhook", daemon=True
        )
        self._webhook_thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake long polls and close every connection."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._server is not None:
            self._server.stop(self._thread)
        if self._webhook_thread is not None:
            self._webhook_thread.join(timeout=10)
        self._server = None

    def __enter__(self) -> BotApiDouble:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The API root: requests go to f"{url}/bot{token}/{method}"."""
        if self._server is None:
            raise RuntimeError("BotApiDouble is not started")
        return f"http://{self.host}:{self._server.server_port}"

    @property
    def base_url(self) -> str:
        """What PTB wants as base_url: f"{url}/bot"."""
        return f"{self.url}/bot"

    # ------------------------------------------------------------------ controls

    def user_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: Literal["private", "group", "supergroup"] = "private",
        language_code: str | None = "en",
        first_name: str = "Test",
        chat_title: str | None = None,
    ) -> int:
        """Queue a text message from a user; returns its message_id."""
        with self._cond:
            if chat_type == "private":
                if chat_id <= 0:
                    raise ValueError("private chats have positive ids")
                user_id = chat_id if user_id is None else user_id
            elif chat_id >= 0:
                raise ValueError("group chats have negative ids")
            elif user_id is None:
                raise ValueError("user_id is required for group messages")
            user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
            if language_code:
                user["language_code"] = language_code
            self._users[user_id] = user
            chat = self._register_chat(chat_id, chat_type, chat_title, first_name)
            message = self._new_user_message(chat, text, sender=user)
            self._enqueue({"message": message})
            return int(message["message_id"])

    def sender_chat_message(self, chat_id: int, text: str, *, chat_title: str | None = None) -> int:
        """Queue a message from an anonymous group admin (sent on behalf of the chat)."""
        with self._cond:
            if chat_id >= 0:
                raise ValueError("anonymous admins exist only in groups")
            known = self._chats.get(chat_id)
            chat_type = known["type"] if known else "supergroup"
            chat = self._register_chat(chat_id, chat_type, chat_title, "")
            sender = {
                "id": GROUP_ANONYMOUS_BOT_ID,
                "is_bot": True,
                "first_name": "Group",
                "username": "GroupAnonymousBot",
            }
            message = self._new_user_message(chat, text, sender=sender)
            message["sender_chat"] = dict(chat)
            self._enqueue({"message": message})
            return int(message["message_id"])

    def press_button(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "en",
        forged: bool = False,
    ) -> str:
        """Queue a callback_query for a button of a bot message; returns the query id.

        `forged=True` sends `data` even if no button of the message carries it (a hostile or
        buggy client; Telegram's servers only check the message).
        """
        with self._cond:
            stored = self._messages.get(chat_id, {}).get(message_id)
            if stored is None:
                raise ValueError(f"the bot has no message {message_id} in chat {chat_id}")
            offered = _callback_data_of(stored.reply_markup)
            if data not in offered and not forged:
                raise ValueError(
                    f"message {message_id} in chat {chat_id} has no button with callback_data "
                    f"{data!r}; it offers {offered!r}"
                )
            if user_id is None:
                if chat_id < 0:
                    raise ValueError("user_id is required for buttons in groups")
                user_id = chat_id
            user = dict(
                self._users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": "Test"}
            )
            if language_code:
                user["language_code"] = language_code
            else:
                user.pop("language_code", None)
            query_id = f"{self.bot_id}{next(self._query_ids):08d}"
            self._queries[query_id] = _Query(chat_id, message_id, user_id)
            self._enqueue(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": user,
                        "message": self._message_json(stored),
                        "chat_instance": f"ci{chat_id}",
                        "data": data,
                    }
                }
            )
            return query_id

    def raw_update(self, update: JSON) -> int:
        """Queue any update dict (update_id is filled in); returns the update_id."""
        body = {key: value for key, value in update.items() if key != "update_id"}
        with self._cond:
            return self._enqueue(body)

    def register_chat(
        self,
        chat_id: int,
        chat_type: Literal["private", "group", "supergroup"] = "private",
        *,
        title: str | None = None,
    ) -> None:
        """Declare a chat's type without queuing a message."""
        with self._cond:
            self._register_chat(chat_id, chat_type, title, "Test")

    def block(self, chat_id: int) -> None:
        """The user blocks the bot (private) / the bot is kicked (group): sends answer 403."""
        with self._cond:
            self._blocked.add(chat_id)
            self._cond.notify_all()

    def unblock(self, chat_id: int) -> None:
        with self._cond:
            self._blocked.discard(chat_id)
            self._cond.notify_all()

    def migrate(self, old_id: int, new_id: int, *, notify: bool = True) -> None:
        """Upgrade group `old_id` to supergroup `new_id`; queue the service messages."""
        with self._cond:
            if old_id >= 0 or new_id >= 0:
                raise ValueError("only groups migrate")
            old_chat = self._register_chat(old_id, "group", None, "")
            title = old_chat.get("title")
            new_chat = self._register_chat(new_id, "supergroup", title, "")
            self._migrated[old_id] = new_id
            if notify:
                admin = {"id": 1000, "is_bot": False, "first_name": "Admin"}
                message = self._new_user_message(old_chat, None, sender=admin)
                message["migrate_to_chat_id"] = new_id
                self._enqueue({"message": message})
                message = self._new_user_message(new_chat, None, sender=admin)
                message["migrate_from_chat_id"] = old_id
                self._enqueue({"message": message})
            self._cond.notify_all()

    def set_admins(self, chat_id: int, user_ids: Iterable[int]) -> None:
        """First id is the creator, the others administrators; everyone else is a member."""
        with self._cond:
            self._admins[chat_id] = list(user_ids)
            self._cond.notify_all()

    def fail_next(
        self,
        method: str,
        count: int = 1,
        *,
        error_code: int,
        description: str,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next `count` calls of `method` with this error (not processed)."""
        fault = _Fault("fail", error_code=error_code, description=description)
        fault.retry_after = retry_after
        self._add_faults(method, count, fault)

    def drop_next(self, method: str, count: int = 1, *, after_processing: bool = False) -> None:
        """Close the connection without answering the next `count` calls of `method`.

        With after_processing=True the call takes effect first (a lost answer).
        """
        self._add_faults(method, count, _Fault("drop", after_processing=after_processing))

    def delay_next(self, method: str, seconds: float, count: int = 1) -> None:
        """Hold the next `count` calls of `method` for `seconds` before processing them."""
        self._add_faults(method, count, _Fault("delay", seconds=seconds))

    # ------------------------------------------------------------------ results

    @property
    def sent(self) -> list[SentRecord]:
        """Accepted sendMessage calls, in order."""
        with self._cond:
            return list(self._sent)

    @property
    def edits(self) -> list[SentRecord]:
        """Accepted editMessageText / editMessageReplyMarkup calls, in order."""
        with self._cond:
            return list(self._edits)

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        with self._cond:
            return list(self._answers)

    @property
    def calls(self) -> list[CallRecord]:
        """Every request that reached a known method, with decoded params."""
        with self._cond:
            return list(self._calls)

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        with self._cond:
            return list(self._webhook_deliveries)

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by getUpdates (or delivered to the webhook)."""
        with self._cond:
            return [json.loads(json.dumps(update)) for update in self._pending]

    @property
    def commands(self) -> dict[str, list[tuple[str, str]]]:
        """Default-scope commands per language_code ("" is the default language)."""
        return self.commands_for("default")

    def commands_for(self, scope: str) -> dict[str, list[tuple[str, str]]]:
        """Commands per language for a scope key: "default", "all_private_chats",
        "all_group_chats", "all_chat_administrators", "chat:<id>",
        "chat_administrators:<id>", "chat_member:<chat>:<user>"."""
        with self._cond:
            return {
                language: list(commands)
                for (scope_key, language), commands in self._commands.items()
                if scope_key == scope
            }

    def messages(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in a chat, current state, in order (deleted ones omitted)."""
        with self._cond:
            stored = self._messages.get(chat_id, {})
            return [stored[key] for key in sorted(stored)]

    def last_text(self, chat_id: int) -> str | None:
        """Visible text of the bot's latest message in a chat, or None."""
        with self._cond:
            current = self.messages(chat_id)
            return current[-1].text if current else None

    @property
    def active_polls(self) -> int:
        """getUpdates calls currently waiting (long polling)."""
        with self._cond:
            return len(self._polls)

    def chat_type(self, chat_id: int) -> str:
        with self._cond:
            return str(self._chat(chat_id)["type"])

    def stats(self) -> dict[str, int]:
        """Counters: requests per method (by canonical name) and what happened to them.

        Keys beside method names: sent_messages, rejected_429, rejected_403, rejected_400,
        html_errors, bare_gt, duplicates, max_per_second (most sendMessage calls accepted
        within any 1 s window), max_global_per_second (sends + edits), injected_faults,
        dropped, concurrent_get_updates, conflicts, internal_errors.
        """
        with self._cond:
            result = dict(self._counters)
            result["sent_messages"] = len(self._sent)
            result["max_per_second"] = _max_in_window([r.time for r in self._sent], 1.0)
            both = sorted([r.time for r in self._sent] + [r.time for r in self._edits])
            result["max_global_per_second"] = _max_in_window(both, 1.0)
            result["internal_errors"] = len(self._internal_errors)
            for key in (
                "rejected_429",
                "rejected_403",
                "rejected_400",
                "html_errors",
                "bare_gt",
                "duplicates",
                "injected_faults",
                "dropped",
                "concurrent_get_updates",
                "conflicts",
            ):
                result.setdefault(key, 0)
            return result

    @property
    def internal_errors(self) -> list[str]:
        """Tracebacks of bugs in the double itself (answered with 500)."""
        with self._cond:
            return list(self._internal_errors)

    def wait_for(
        self, predicate: Callable[[BotApiDouble], T], timeout: float = 10.0, *, what: str = ""
    ) -> T:
        """Block until predicate(self) is truthy and return it; AssertionError on timeout.

        Do not call this from the event loop that runs the bot: use async_wait_for there.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate(self)
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._timeout_message(predicate, timeout, what))
                self._cond.wait(min(remaining, 0.05))

    async def async_wait_for(
        self, predicate: Callable[[BotApiDouble], T], timeout: float = 10.0, *, what: str = ""
    ) -> T:
        """Like wait_for, for asyncio tests: polls without blocking the event loop."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                value = predicate(self)
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(self._timeout_message(predicate, timeout, what))
            await asyncio.sleep(0.02)

    def _timeout_message(self, predicate: Callable[..., Any], timeout: float, what: str) -> str:
        with self._cond:
            recent = [(r.method, r.chat_id, r.text[:80]) for r in (self._sent + self._edits)[-5:]]
            calls = [c.method for c in self._calls[-10:]]
            label = what or getattr(predicate, "__qualname__", repr(predicate))
            return (
                f"BotApiDouble: condition {label!r} not met within {timeout}s; "
                f"last messages={recent}; last calls={calls}; pending updates="
                f"{len(self._pending)}; internal errors={len(self._internal_errors)}"
            )

    # ------------------------------------------------------------------ state helpers

    def _add_faults(self, method: str, count: int, fault: _Fault) -> None:
        if method.lower() not in _CANONICAL:
            raise ValueError(f"unknown method {method!r}")
        with self._cond:
            for _ in range(count):
                self._faults[method.lower()].append(replace(fault))

    def _register_chat(
        self, chat_id: int, chat_type: str, title: str | None, first_name: str
    ) -> JSON:
        chat: JSON = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name or "Test"
        else:
            previous = self._chats.get(chat_id, {})
            chat["title"] = title or previous.get("title") or f"Test group {chat_id}"
        self._chats[chat_id] = chat
        return chat

    def _chat(self, chat_id: int) -> JSON:
        known = self._chats.get(chat_id)
        if known is not None:
            return known
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Test"}
        return {"id": chat_id, "type": "supergroup", "title": f"Test group {chat_id}"}

    def _new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id[chat_id]
        self._next_message_id[chat_id] = message_id + 1
        self._known_message_ids[chat_id].add(message_id)
        return message_id

    def _new_user_message(self, chat: JSON, text: str | None, *, sender: JSON) -> JSON:
        message: JSON = {
            "message_id": self._new_message_id(chat["id"]),
            "from": dict(sender),
            "chat": dict(chat),
            "date": int(time.time()),
        }
        if text is not None:
            message["text"] = text
            command = re.match(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{1,32})?", text)
            if command is not None:
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}
                ]
        return message

    def _enqueue(self, body: JSON) -> int:
        update_id = next(self._update_ids)
        self._pending.append({"update_id": update_id, **body})
        self._cond.notify_all()
        return update_id

    def _message_json(self, stored: BotMessage) -> JSON:
        message: JSON = {
            "message_id": stored.message_id,
            "from": dict(self.bot_user),
            "chat": dict(self._chat(stored.chat_id)),
            "date": stored.date,
            "text": stored.text,
        }
        if stored.edit_date is not None:
            message["edit_date"] = stored.edit_date
        if stored.entities:
            message["entities"] = [dict(e) for e in stored.entities]
        if stored.reply_markup is not None:
            message["reply_markup"] = stored.reply_markup
        return message

    def _check_chat_access(self, chat_id: int) -> None:
        if chat_id in self._migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat_id]},
            )
        if chat_id in self._blocked:
            chat_type = self._chat(chat_id)["type"]
            self._counters["rejected_403"] += 1
            if chat_type == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat_type} chat")

    def _check_flood(self, chat_id: int, now: float, *, per_chat: bool) -> None:
        waits: list[float] = []
        if self.global_rate is not None:
            window = self._global_window
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= self.global_rate:
                waits.append(window[len(window) - self.global_rate] + 1.0 - now)
        if per_chat and chat_id > 0 and self.private_per_second:
            spacing = 1.0 / self.private_per_second
            last = self._private_last.get(chat_id)
            if last is not None and now - last < spacing - 0.05:
                waits.append(last + spacing - now)
        if per_chat and chat_id < 0 and self.group_per_minute is not None:
            window = self._group_windows[chat_id]
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) >= self.group_per_minute:
                waits.append(window[len(window) - self.group_per_minute] + 60.0 - now)
        if waits:
            retry_after = max(1, math.ceil(max(waits)))
            self._counters["rejected_429"] += 1
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )

    def _formatted(self, params: JSON, *, empty_error: str) -> tuple[str, str, list[JSON], bool]:
        """Validate text + parse_mode; return (raw, visible, entities, bare_gt)."""
        raw = _str_param(params, "text")
        if raw is None or raw == "":
            raise bad_request(empty_error)
        parse_mode = _str_param(params, "parse_mode") or ""
        bare_gt = False
        if parse_mode.lower() == "html":
            try:
                parsed = parse_html(raw)
            except HtmlParseError as error:
                with self._cond:
                    self._counters["html_errors"] += 1
                raise bad_request(f"can't parse entities: {error}") from None
            visible, entities, bare_gt = parsed.text, parsed.entities, parsed.bare_gt
        elif parse_mode == "":
            visible = raw
            given = params.get("entities")
            if given is not None and not isinstance(given, list):
                raise bad_request("can't parse entities JSON object")
            entities = list(given or [])
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode!r} (the double speaks HTML)")
        visible, entities = trim_formatted(visible, entities)
        if not visible:
            raise bad_request(empty_error)
        if utf16_len(visible) > MAX_TEXT_UTF16:
            raise bad_request("message is too long")
        return raw, visible, entities, bare_gt

    # ------------------------------------------------------------------ HTTP entry

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        try:
            body = _read_body(handler)
        except (OSError, ValueError):
            handler.close_connection = True
            return
        try:
            result = self._dispatch(handler, body)
        except _Drop as drop:
            with self._cond:
                self._counters["dropped"] += int(drop.injected)
            handler.close_connection = True
            with contextlib.suppress(OSError):
                handler.connection.shutdown(socket.SHUT_RDWR)
            return
        except ApiError as error:
            with self._cond:
                if error.code == 400:
                    self._counters["rejected_400"] += 1
            send_json(handler, error.code, error.payload())
            return
        except Exception:
            trace = traceback.format_exc()
            with self._cond:
                self._internal_errors.append(trace)
            print(f"BotApiDouble internal error:\n{trace}", file=sys.stderr)
            send_json(
                handler,
                500,
                {"ok": False, "error_code": 500, "description": "Internal Server Error"},
            )
            return
        send_json(handler, 200, {"ok": True, "result": result})

    def _dispatch(self, handler: BaseHTTPRequestHandler, body: bytes) -> Any:
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", urlsplit(handler.path).path)
        if match is None:
            raise ApiError(404, "Not Found")
        if match.group(1) != self.token:
            raise ApiError(401, "Unauthorized")
        method = _CANONICAL.get(match.group(2).lower())
        if method is None:
            raise ApiError(404, "Not Found")
        params = parse_request_params(handler, body)
        with self._cond:
            self._counters[method] += 1
            self._calls.append(CallRecord(method, _loggable(params), self.clock()))
            queue = self._faults.get(method.lower())
            fault = queue.popleft() if queue else None
            if fault is not None:
                self._counters["injected_faults"] += 1
            self._cond.notify_all()
        if fault is not None and fault.kind == "delay":
            self._sleep(fault.seconds)
        if fault is not None and fault.kind == "fail":
            parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
            raise ApiError(fault.error_code, fault.description, parameters)
        if fault is not None and fault.kind == "drop" and not fault.after_processing:
            raise _Drop
        implementation = getattr(self, f"_api_{method.lower()}")
        result = implementation(params, handler.connection)
        if fault is not None and fault.kind == "drop":
            raise _Drop
        return result

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        with self._cond:
            while not self._closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._cond.wait(remaining)

    # ------------------------------------------------------------------ methods

    def _api_getme(self, params: JSON, sock: socket.socket) -> JSON:
        return dict(self.bot_user)

    def _api_close(self, params: JSON, sock: socket.socket) -> bool:
        return True

    def _api_logout(self, params: JSON, sock: socket.socket) -> bool:
        return True

    def _api_getupdates(self, params: JSON, sock: socket.socket) -> list[JSON]:
        offset = _int_param(params, "offset") or 0
        limit = _int_param(params, "limit")
        limit = 100 if limit is None else min(max(limit, 1), 100)
        timeout = max(_float_param(params, "timeout") or 0.0, 0.0)
        allowed = params.get("allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON object")
        with self._cond:
            self._check_no_webhook()
            if allowed is not None:
                self._allowed_updates = [str(kind) for kind in allowed] or None
            self._confirm(offset)
            self._note_concurrent_polls()
            poll_id = next(self._poll_ids)
            state = _PollState(sock)
            self._polls[poll_id] = state
            deadline = time.monotonic() + timeout
            try:
                while True:
                    if self._closing:
                        return []
                    if state.terminated:
                        self._counters["conflicts"] += 1
                        raise ApiError(
                            409,
                            "Conflict: terminated by other getUpdates request; "
                            "make sure that only one bot instance is running",
                        )
                    self._check_no_webhook()
                    ready = self._deliverable(limit)
                    if ready:
                        copied: list[JSON] = json.loads(json.dumps(ready))
                        return copied
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return []
                    if _peer_closed(sock):
                        raise _Drop(injected=False)  # the client gave up on this poll
                    self._cond.wait(min(remaining, 0.1))
            finally:
                del self._polls[poll_id]

    def _note_concurrent_polls(self) -> None:
        live = [state for state in self._polls.values() if not _peer_closed(state.sock)]
        if not live:
            return
        self._counters["concurrent_get_updates"] += 1
        if self.conflict_policy == "reject_newer":
            self._counters["conflicts"] += 1
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        for state in live:
            state.terminated = True
        self._cond.notify_all()

    def _check_no_webhook(self) -> None:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]
        self._cond.notify_all()

    def _allowed(self, update: JSON, allowed: list[str] | None) -> bool:
        kind = next(key for key in update if key != "update_id")
        if allowed:
            return kind in allowed
        return kind not in OPT_IN_UPDATES

    def _deliverable(self, limit: int) -> list[JSON]:
        # Telegram drops updates of kinds the bot did not ask for.
        self._pending = [u for u in self._pending if self._allowed(u, self._allowed_updates)]
        return self._pending[:limit]

    def _api_setwebhook(self, params: JSON, sock: socket.socket) -> bool:
        if "url" not in params:
            raise bad_request("url is empty")
        url = (_str_param(params, "url") or "").strip()
        secret = _str_param(params, "secret_token") or None
        allowed = params.get("allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON object")
        max_connections = _int_param(params, "max_connections") or 40
        drop = _bool_param(params, "drop_pending_updates")
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise bad_request("bad webhook: invalid webhook URL specified")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("secret token contains unallowed characters")
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        with self._cond:
            if drop:
                self._pending.clear()
            if url:
                self._webhook = _Webhook(url, secret, max_connections, allowed)
                if allowed is not None:
                    self._allowed_updates = [str(kind) for kind in allowed] or None
            else:
                self._webhook = None
            self._cond.notify_all()
        return True

    def _api_deletewebhook(self, params: JSON, sock: socket.socket) -> bool:
        drop = _bool_param(params, "drop_pending_updates")
        with self._cond:
            self._webhook = None
            if drop:
                self._pending.clear()
            self._cond.notify_all()
        return True

    def _api_getwebhookinfo(self, params: JSON, sock: socket.socket) -> JSON:
        with self._cond:
            hook = self._webhook
            info: JSON = {
                "url": hook.url if hook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._pending),
            }
            if hook is not None:
                info["max_connections"] = hook.max_connections
                if hook.allowed_updates is not None:
                    info["allowed_updates"] = hook.allowed_updates
                if hook.last_error_date is not None:
                    info["last_error_date"] = hook.last_error_date
                    info["last_error_message"] = hook.last_error_message
            return info

    def _api_setmycommands(self, params: JSON, sock: socket.socket) -> bool:
        commands = params.get("commands")
        if commands is None:
            raise bad_request("commands is empty")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        validated: list[tuple[str, str]] = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad_request("can't parse BotCommand")
            command, description = item.get("command"), item.get("description")
            if not isinstance(command, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", command):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            validated.append((command, description))
        key = self._commands_key(params)
        with self._cond:
            if validated:
                self._commands[key] = validated
            else:
                self._commands.pop(key, None)
            self._cond.notify_all()
        return True

    def _api_getmycommands(self, params: JSON, sock: socket.socket) -> list[JSON]:
        key = self._commands_key(params)
        with self._cond:
            return [{"command": c, "description": d} for c, d in self._commands.get(key, [])]

    def _api_deletemycommands(self, params: JSON, sock: socket.socket) -> bool:
        key = self._commands_key(params)
        with self._cond:
            self._commands.pop(key, None)
            self._cond.notify_all()
        return True

    def _commands_key(self, params: JSON) -> tuple[str, str]:
        language = _str_param(params, "language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        scope = params.get("scope")
        if scope is None:
            return "default", language
        if not isinstance(scope, dict):
            raise bad_request("can't parse scope JSON object")
        kind = scope.get("type")
        if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
            return str(kind), language
        if kind in ("chat", "chat_administrators"):
            return f"{kind}:{_chat_id_param(scope)}", language
        if kind == "chat_member":
            user_id = _int_param(scope, "user_id", required=True)
            return f"chat_member:{_chat_id_param(scope)}:{user_id}", language
        raise bad_request("unsupported bot command scope type")

    def _api_sendmessage(self, params: JSON, sock: socket.socket) -> JSON:
        chat_id = _chat_id_param(params)
        raw, visible, entities, bare_gt = self._formatted(
            params, empty_error="message text is empty"
        )
        markup = _validate_markup(params.get("reply_markup"), inline_only=False)
        preview = params.get("link_preview_options")
        if preview is not None and not isinstance(preview, dict):
            raise bad_request("can't parse link preview options JSON object")
        reply_to = self._reply_target(params)
        with self._cond:
            self._check_chat_access(chat_id)
            if reply_to is not None and reply_to not in self._known_message_ids[chat_id]:
                raise bad_request("message to be replied not found")
            now = self.clock()
            self._check_flood(chat_id, now, per_chat=True)
            self._global_window.append(now)
            if chat_id > 0:
                self._private_last[chat_id] = now
            else:
                self._group_windows[chat_id].append(now)
            if bare_gt:
                self._counters["bare_gt"] += 1
            if (chat_id, raw) in self._sent_keys:
                self._counters["duplicates"] += 1
            self._sent_keys.add((chat_id, raw))
            inline = markup if markup is not None and "inline_keyboard" in markup else None
            stored = BotMessage(
                chat_id=chat_id,
                message_id=self._new_message_id(chat_id),
                text=visible,
                html=raw,
                parse_mode=_str_param(params, "parse_mode") or None,
                entities=tuple(entities),
                reply_markup=inline,
                date=int(time.time()),
            )
            self._messages[chat_id][stored.message_id] = stored
            self._sent.append(
                SentRecord(
                    method="sendMessage",
                    chat_id=chat_id,
                    message_id=stored.message_id,
                    text=visible,
                    html=raw,
                    parse_mode=stored.parse_mode,
                    reply_markup=markup,
                    time=now,
                    entities=tuple(entities),
                    disable_notification=_bool_param(params, "disable_notification"),
                    link_preview_options=preview,
                )
            )
            self._cond.notify_all()
            message = self._message_json(stored)
            if preview is not None:
                message["link_preview_options"] = preview
            return message

    def _reply_target(self, params: JSON) -> int | None:
        reply = params.get("reply_parameters")
        if reply is not None:
            if not isinstance(reply, dict):
                raise bad_request("can't parse reply parameters JSON object")
            if _bool_param(reply, "allow_sending_without_reply"):
                return None
            return _int_param(reply, "message_id", required=True)
        if _bool_param(params, "allow_sending_without_reply"):
            return None
        return _int_param(params, "reply_to_message_id")

    def _editable(self, params: JSON) -> tuple[int, BotMessage]:
        if _present(params, "inline_message_id"):
            raise bad_request("message to edit not found")
        chat_id = _chat_id_param(params)
        message_id = _int_param(params, "message_id", required=True)
        assert message_id is not None
        self._check_chat_access(chat_id)
        stored = self._messages.get(chat_id, {}).get(message_id)
        if stored is None:
            raise bad_request("message to edit not found")
        return chat_id, stored

    def _accept_edit(self, old: BotMessage, new: BotMessage, method: str, now: float) -> JSON:
        if (new.text, new.entities, _canonical(new.reply_markup)) == (
            old.text,
            old.entities,
            _canonical(old.reply_markup),
        ):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        self._check_flood(new.chat_id, now, per_chat=False)
        self._global_window.append(now)
        self._messages[new.chat_id][new.message_id] = new
        self._edits.append(
            SentRecord(
                method=method,
                chat_id=new.chat_id,
                message_id=new.message_id,
                text=new.text,
                html=new.html,
                parse_mode=new.parse_mode,
                reply_markup=new.reply_markup,
                time=now,
                entities=new.entities,
            )
        )
        self._cond.notify_all()
        return self._message_json(new)

    def _api_editmessagetext(self, params: JSON, sock: socket.socket) -> JSON:
        raw, visible, entities, bare_gt = self._formatted(
            params, empty_error="message text is empty"
        )
        markup = _validate_markup(params.get("reply_markup"), inline_only=True)
        with self._cond:
            _, old = self._editable(params)
            new = replace(
                old,
                text=visible,
                html=raw,
                parse_mode=_str_param(params, "parse_mode") or None,
                entities=tuple(entities),
                reply_markup=markup,
                edit_date=int(time.time()),
                history=(*old.history, old.text),
            )
            result = self._accept_edit(old, new, "editMessageText", self.clock())
            if bare_gt:
                self._counters["bare_gt"] += 1
            return result

    def _api_editmessagereplymarkup(self, params: JSON, sock: socket.socket) -> JSON:
        markup = _validate_markup(params.get("reply_markup"), inline_only=True)
        with self._cond:
            _, old = self._editable(params)
            new = replace(old, reply_markup=markup, edit_date=int(time.time()))
            return self._accept_edit(old, new, "editMessageReplyMarkup", self.clock())

    def _api_deletemessage(self, params: JSON, sock: socket.socket) -> bool:
        chat_id = _chat_id_param(params)
        message_id = _int_param(params, "message_id", required=True)
        with self._cond:
            self._check_chat_access(chat_id)
            if self._messages.get(chat_id, {}).pop(message_id or 0, None) is None:
                raise bad_request("message to delete not found")
            self._cond.notify_all()
        return True

    def _api_answercallbackquery(self, params: JSON, sock: socket.socket) -> bool:
        query_id = _str_param(params, "callback_query_id")
        if not query_id:
            raise bad_request("callback_query_id is empty")
        text = _str_param(params, "text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        with self._cond:
            query = self._queries.pop(query_id, None)
            if query is None:
                raise bad_request(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            self._answers.append(
                CallbackAnswer(
                    query_id=query_id,
                    chat_id=query.chat_id,
                    text=text,
                    show_alert=_bool_param(params, "show_alert"),
                    url=_str_param(params, "url"),
                    time=self.clock(),
                )
            )
            self._cond.notify_all()
        return True

    def _api_getchatmember(self, params: JSON, sock: socket.socket) -> JSON:
        chat_id = _chat_id_param(params)
        user_id = _int_param(params, "user_id", required=True)
        assert user_id is not None
        with self._cond:
            if chat_id in self._migrated:
                self._check_chat_access(chat_id)
            if user_id == self.bot_id:
                user = dict(self.bot_user)
            else:
                user = dict(
                    self._users.get(user_id)
                    or {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
                )
            admins = self._admins.get(chat_id, [])
            if admins and user_id == admins[0]:
                return {"status": "creator", "user": user, "is_anonymous": False}
            if user_id in admins:
                return {"status": "administrator", "user": user, **_ADMIN_RIGHTS}
            return {"status": "member", "user": user}

    def _api_getchat(self, params: JSON, sock: socket.socket) -> JSON:
        chat_id = _chat_id_param(params)
        with self._cond:
            if chat_id in self._migrated:
                self._check_chat_access(chat_id)
            return {
                **self._chat(chat_id),
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }

    # ------------------------------------------------------------------ webhook pusher

    def _webhook_loop(self) -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while True:
            with self._cond:
                while True:
                    if self._closing:
                        return
                    hook = self._webhook
                    if hook is not None and self._deliverable(100):
                        wait = hook.next_try - time.monotonic()
                        if wait <= 0:
                            break
                        self._cond.wait(wait)
                    else:
                        self._cond.wait(0.5)
                update = self._pending[0]
                payload = json.dumps(update, ensure_ascii=False).encode("utf-8")
            status, error = _post_update(opener, hook, payload)
            with self._cond:
                self._webhook_deliveries.append(
                    WebhookDelivery(update["update_id"], hook.url, status, error, time.monotonic())
                )
                delivered = status is not None and 200 <= status < 300
                if self._webhook is hook and self._pending and self._pending[0] is update:
                    if delivered:
                        self._pending.pop(0)
                        hook.failures = 0
                    else:
                        hook.failures += 1
                        hook.last_error_date = int(time.time())
                        hook.last_error_message = (
                            error or f"Wrong response from the webhook: {status}"
                        )
                        hook.next_try = time.monotonic() + min(0.05 * 2**hook.failures, 1.0)
                self._cond.notify_all()


_ADMIN_RIGHTS: JSON = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}


def _post_update(
    opener: urllib.request.OpenerDirector, hook: _Webhook, payload: bytes
) -> tuple[int | None, str | None]:
    headers = {"Content-Type": "application/json"}
    if hook.secret:
        headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret
    request = urllib.request.Request(hook.url, data=payload, headers=headers, method="POST")
    try:
        with opener.open(request, timeout=5) as response:
            response.read()
            return int(response.status), None
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code), None
    except (OSError, ValueError) as error:
        return None, f"Connection failed: {error}"


def _validate_markup(markup: Any, *, inline_only: bool) -> JSON | None:
    """Validate reply_markup like Telegram; return it, or None for an empty inline keyboard."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if inline_only:
            raise bad_request("inline keyboard expected")
        if not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
            raise bad_request("can't parse reply keyboard markup JSON object")
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
        )
    buttons = [button for row in rows for button in row]
    if len(buttons) > 100:
        raise bad_request("reply markup is too long")
    for button in buttons:
        if not isinstance(button, dict):
            raise bad_request("can't parse inline keyboard button: should be an Object")
        text = button.get("text")
        if not isinstance(text, str) or not text.strip():
            raise bad_request("BUTTON_TEXT_INVALID")
        actions = [key for key in _BUTTON_ACTIONS if key in button]
        if not actions:
            raise bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline "
                "keyboard"
            )
        if len(actions) > 1:
            raise bad_request("BUTTON_TYPE_INVALID")
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button:
            url = button["url"]
            if not isinstance(url, str) or not re.fullmatch(r"(?:https?|tg)://\S+", url):
                raise bad_request("BUTTON_URL_INVALID")
    if not buttons:
        return None
    return markup


def _callback_data_of(markup: JSON | None) -> list[str]:
    if not markup:
        return []
    return [
        button["callback_data"]
        for row in markup.get("inline_keyboard", [])
        for button in row
        if "callback_data" in button
    ]


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _loggable(params: JSON) -> JSON:
    return {
        key: (f"<{len(value)} bytes>" if isinstance(value, bytes) else value)
        for key, value in params.items()
    }


def _max_in_window(times: list[float], window: float) -> int:
    best = 0
    start = 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


__all__ = [
    "GROUP_ANONYMOUS_BOT_ID",
    "ApiError",
    "BotApiDouble",
    "BotMessage",
    "CallRecord",
    "CallbackAnswer",
    "LocalHTTPServer",
    "SentRecord",
    "WebhookDelivery",
    "parse_html",
    "utf16_len",
]
