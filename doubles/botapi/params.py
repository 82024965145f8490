"""Request parameters as Telegram reads and validates them (forms, JSON, keyboards)."""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import select
import socket
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from doubles.botapi.records import (
    BUTTON_ACTIONS,
    JSON,
    JSON_PARAMS,
    bad_request,
)


def read_body(handler: BaseHTTPRequestHandler) -> bytes:
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
    for name in JSON_PARAMS & params.keys():
        value = params[name]
        if isinstance(value, str):
            try:
                params[name] = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
    return params


def present(params: JSON, name: str) -> bool:
    return params.get(name) not in (None, "")


def int_param(params: JSON, name: str, *, required: bool = False) -> int | None:
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


def float_param(params: JSON, name: str) -> float | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def bool_param(params: JSON, name: str) -> bool:
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


def str_param(params: JSON, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bytes):
        raise bad_request(f"{name} must be a string")
    return value if isinstance(value, str) else str(value)


def chat_id_param(params: JSON) -> int:
    value = params.get("chat_id")
    if value in (None, ""):
        raise bad_request("chat_id is empty")
    if isinstance(value, str) and value.startswith("@"):
        raise bad_request("chat not found")
    chat_id = int_param(params, "chat_id")
    assert chat_id is not None
    if chat_id == 0:
        raise bad_request("chat not found")
    return chat_id


def peer_closed(sock: socket.socket) -> bool:
    """True when the client has closed the connection (EOF readable without blocking)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        return sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


ADMIN_RIGHTS: JSON = {
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


def validate_markup(markup: Any, *, inline_only: bool) -> JSON | None:
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
        actions = [key for key in BUTTON_ACTIONS if key in button]
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


def callback_data_of(markup: JSON | None) -> list[str]:
    if not markup:
        return []
    return [
        button["callback_data"]
        for row in markup.get("inline_keyboard", [])
        for button in row
        if "callback_data" in button
    ]


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def loggable(params: JSON) -> JSON:
    return {
        key: (f"<{len(value)} bytes>" if isinstance(value, bytes) else value)
        for key, value in params.items()
    }


def max_in_window(times: list[float], window: float) -> int:
    best = 0
    start = 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best
