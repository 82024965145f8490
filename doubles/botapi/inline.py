"""Inline mode, as strict as Telegram: inline_query updates (only for a bot with inline mode on,
as BotFather's /setinline turns it on) and answerInlineQuery with its article results."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from typing import Any

from doubles.botapi.entities import utf16_len
from doubles.botapi.params import bool_param, int_param, str_param
from doubles.botapi.records import JSON, MAX_TEXT_UTF16, bad_request
from doubles.botapi.state import ApiState

MAX_RESULTS = 50
MAX_RESULT_ID_BYTES = 64
MAX_QUERY_CHARS = 256  # what a user can type after the bot's username
START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class InlineAnswer:
    """One accepted answerInlineQuery call."""

    query_id: str
    user_id: int
    query: str
    results: list[JSON]
    cache_time: int | None
    is_personal: bool
    button: JSON | None
    time: float


class InlineMethods(ApiState):
    """`inline_query` (a control for tests) and `_api_answerinlinequery`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._inline_queries: dict[str, tuple[int, str]] = {}
        self._inline_answers: list[InlineAnswer] = []

    def set_inline_mode(self, on: bool = True) -> None:
        """Turn the bot's inline mode on or off (BotFather's /setinline); getMe shows it."""
        with self._cond:
            self.bot_user["supports_inline_queries"] = on

    def inline_query(
        self, user_id: int, query: str, *, language_code: str | None = "en", offset: str = ""
    ) -> str:
        """Queue an inline query typed after the bot's username; returns its id."""
        with self._cond:
            if not self.bot_user.get("supports_inline_queries"):
                raise ValueError("Telegram sends inline queries only to bots with inline mode on")
            if len(query) > MAX_QUERY_CHARS:
                raise ValueError(f"an inline query has at most {MAX_QUERY_CHARS} characters")
            user: JSON = dict(
                self._users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": "Test"}
            )
            if language_code:
                user["language_code"] = language_code
            query_id = f"{self.bot_id}{next(self._query_ids):08d}"
            self._inline_queries[query_id] = (user_id, query)
            self._enqueue(
                {
                    "inline_query": {
                        "id": query_id,
                        "from": user,
                        "query": query,
                        "offset": offset,
                        "chat_type": "sender",
                    }
                }
            )
            return query_id

    @property
    def inline_answers(self) -> list[InlineAnswer]:
        """Accepted answerInlineQuery calls, in order."""
        with self._cond:
            return list(self._inline_answers)

    def _check_result(self, result: Any, ids: set[str]) -> None:
        if not isinstance(result, dict):
            raise bad_request("can't parse inline query results JSON object")
        result_id = str(result.get("id") or "")
        if not result_id or len(result_id.encode()) > MAX_RESULT_ID_BYTES:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in ids:
            raise bad_request("RESULT_ID_DUPLICATE")
        ids.add(result_id)
        if result.get("type") != "article":
            raise bad_request("the double answers article results only")
        if not result.get("title"):
            raise bad_request("RESULT_TITLE_EMPTY")
        content = result.get("input_message_content")
        if not isinstance(content, dict) or not content.get("message_text"):
            raise bad_request("MESSAGE_EMPTY")
        formatted = {
            "text": content["message_text"],
            "parse_mode": content.get("parse_mode"),
            "entities": content.get("entities"),
        }
        _, visible, _, _ = self._formatted(formatted, empty_error="MESSAGE_EMPTY")
        if utf16_len(visible) > MAX_TEXT_UTF16:
            raise bad_request("MESSAGE_TOO_LONG")

    def _api_answerinlinequery(self, params: JSON, sock: socket.socket) -> bool:
        query_id = str_param(params, "inline_query_id")
        if not query_id:
            raise bad_request("inline_query_id is empty")
        results = params.get("results")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > MAX_RESULTS:
            raise bad_request("RESULTS_TOO_MUCH")
        ids: set[str] = set()
        for result in results:
            self._check_result(result, ids)
        button = params.get("button")
        if button is not None:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("BUTTON_TEXT_INVALID")
            start = button.get("start_parameter")
            if start is not None and not START_PARAMETER.fullmatch(str(start)):
                raise bad_request("START_PARAM_INVALID")
        with self._cond:
            asked = self._inline_queries.pop(query_id, None)
            if asked is None:
                raise bad_request(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            user_id, query = asked
            self._inline_answers.append(
                InlineAnswer(
                    query_id=query_id,
                    user_id=user_id,
                    query=query,
                    results=results,
                    cache_time=int_param(params, "cache_time"),
                    is_personal=bool_param(params, "is_personal"),
                    button=button,
                    time=self.clock(),
                )
            )
            self._cond.notify_all()
        return True
