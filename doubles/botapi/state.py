"""The double's state behind one condition variable, and the path of one request."""

from __future__ import annotations

import contextlib
import itertools
import math
import re
import socket
import sys
import threading
import time
import traceback
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import replace
from http.server import BaseHTTPRequestHandler
from typing import Any, Literal
from urllib.parse import urlsplit

from doubles.botapi.entities import (
    HtmlParseError,
    parse_html,
    trim_formatted,
    utf16_len,
)
from doubles.botapi.params import (
    bool_param,
    loggable,
    parse_request_params,
    read_body,
    str_param,
)
from doubles.botapi.records import (
    CANONICAL_METHODS,
    FIRST_UPDATE_ID,
    JSON,
    MAX_TEXT_UTF16,
    ApiError,
    BotMessage,
    CallbackAnswer,
    CallRecord,
    Drop,
    Fault,
    PollState,
    Query,
    SentRecord,
    Webhook,
    WebhookDelivery,
    bad_request,
)
from doubles.botapi.server import (
    LocalHTTPServer,
    send_json,
)


class ApiState:
    """Chats, messages, updates, faults and flood windows; every change notifies `_cond`."""

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
        self._polls: dict[int, PollState] = {}
        self._poll_ids = itertools.count(1)
        self._webhook: Webhook | None = None
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
        self._usernames: dict[str, int] = {}  # public chats' @usernames (lower case)
        self._queries: dict[str, Query] = {}
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
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._global_window: deque[float] = deque()
        self._private_last: dict[int, float] = {}
        self._group_windows: dict[int, deque[float]] = defaultdict(deque)

    # ------------------------------------------------------------------ state helpers

    def _add_faults(self, method: str, count: int, fault: Fault) -> None:
        if method.lower() not in CANONICAL_METHODS:
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

    def _book_send(self, chat_id: int) -> float:
        """Count one message to `chat_id` against the flood limits (429 when over); its time.
        The caller holds `_cond`."""
        now = self.clock()
        self._check_flood(chat_id, now, per_chat=True)
        self._global_window.append(now)
        if chat_id > 0:
            self._private_last[chat_id] = now
        else:
            self._group_windows[chat_id].append(now)
        return now

    def _store_sent(
        self,
        method: str,
        params: JSON,
        *,
        chat_id: int,
        text: tuple[str, str, list[JSON]],  # (html, visible, entities)
        markup: JSON | None,
        now: float,
        message_extra: dict[str, Any] | None = None,
        record_extra: dict[str, Any] | None = None,
    ) -> BotMessage:
        """Keep an accepted message in its chat and record the send; the caller holds `_cond`
        and notifies."""
        raw, visible, entities = text
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        stored = BotMessage(
            chat_id=chat_id,
            message_id=self._new_message_id(chat_id),
            text=visible,
            html=raw,
            parse_mode=str_param(params, "parse_mode") or None,
            entities=tuple(entities),
            reply_markup=inline,
            date=int(time.time()),
            **(message_extra or {}),
        )
        self._messages[chat_id][stored.message_id] = stored
        self._sent.append(
            SentRecord(
                method=method,
                chat_id=chat_id,
                message_id=stored.message_id,
                text=visible,
                html=raw,
                parse_mode=stored.parse_mode,
                reply_markup=markup,
                time=now,
                entities=tuple(entities),
                disable_notification=bool_param(params, "disable_notification"),
                **(record_extra or {}),
            )
        )
        return stored

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
        }
        if stored.photo:  # a photo: its caption instead of a text
            message["photo"] = [dict(size) for size in stored.photo]
            if stored.text:
                message["caption"] = stored.text
            if stored.entities:
                message["caption_entities"] = [dict(e) for e in stored.entities]
        else:
            message["text"] = stored.text
            if stored.entities:
                message["entities"] = [dict(e) for e in stored.entities]
        if stored.edit_date is not None:
            message["edit_date"] = stored.edit_date
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
        chat = self._chats.get(chat_id)
        channel = chat is not None and chat["type"] == "channel"
        if channel and chat_id not in self._blocked and self.bot_id not in self._admins[chat_id]:
            self._counters["rejected_403"] += 1
            raise ApiError(403, "Forbidden: bot is not a member of the channel chat")
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
        raw = str_param(params, "text")
        if raw is None or raw == "":
            raise bad_request(empty_error)
        parse_mode = str_param(params, "parse_mode") or ""
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
            body = read_body(handler)
        except (OSError, ValueError):
            handler.close_connection = True
            return
        try:
            result = self._dispatch(handler, body)
        except Drop as drop:
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
        method = CANONICAL_METHODS.get(match.group(2).lower())
        if method is None:
            raise ApiError(404, "Not Found")
        params = parse_request_params(handler, body)
        with self._cond:
            self._counters[method] += 1
            self._calls.append(CallRecord(method, loggable(params), self.clock()))
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
            raise Drop
        implementation = getattr(self, f"_api_{method.lower()}")
        result = implementation(params, handler.connection)
        if fault is not None and fault.kind == "drop":
            raise Drop
        return result

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        with self._cond:
            while not self._closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._cond.wait(remaining)
