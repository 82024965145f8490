"""The Bot API double that tests drive: lifecycle, controls, and what the bot did."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Literal

from doubles.botapi.inline import InlineMethods
from doubles.botapi.media import MediaMethods
from doubles.botapi.methods import (
    TelegramMethods,
)
from doubles.botapi.params import (
    callback_data_of,
    max_in_window,
)
from doubles.botapi.records import (
    GROUP_ANONYMOUS_BOT_ID,
    JSON,
    BotMessage,
    CallbackAnswer,
    CallRecord,
    Fault,
    Query,
    SentRecord,
    T,
    WebhookDelivery,
)
from doubles.botapi.server import (
    ApiHandler,
    LocalHTTPServer,
)


class BotApiDouble(InlineMethods, MediaMethods, TelegramMethods):
    """A strict, thread-safe Telegram Bot API server for end-to-end tests."""

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> BotApiDouble:
        """Start serving on a background thread; returns self."""
        if self._server is not None:
            raise RuntimeError("BotApiDouble already started")
        handler = type("BoundApiHandler", (ApiHandler,), {"double": self})
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
            offered = callback_data_of(stored.reply_markup)
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
            self._queries[query_id] = Query(chat_id, message_id, user_id)
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

    def add_channel(
        self, chat_id: int, username: str, *, title: str, admins: Iterable[int] = ()
    ) -> None:
        """A public channel @username; `admins` (users, or the bot's id) post in it, the first
        is its creator. The bot can send to it only while it is one of the admins."""
        if chat_id >= 0:
            raise ValueError("channel ids are negative")
        with self._cond:
            chat = {"id": chat_id, "type": "channel", "title": title, "username": username}
            self._chats[chat_id] = chat
            self._usernames[username.lower()] = chat_id
            self._admins[chat_id] = list(admins)
            self._cond.notify_all()

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
        fault = Fault("fail", error_code=error_code, description=description)
        fault.retry_after = retry_after
        self._add_faults(method, count, fault)

    def drop_next(self, method: str, count: int = 1, *, after_processing: bool = False) -> None:
        """Close the connection without answering the next `count` calls of `method`.

        With after_processing=True the call takes effect first (a lost answer).
        """
        self._add_faults(method, count, Fault("drop", after_processing=after_processing))

    def delay_next(self, method: str, seconds: float, count: int = 1) -> None:
        """Hold the next `count` calls of `method` for `seconds` before processing them."""
        self._add_faults(method, count, Fault("delay", seconds=seconds))

    # ------------------------------------------------------------------ results

    @property
    def sent(self) -> list[SentRecord]:
        """Accepted sendMessage and sendPhoto calls, in order."""
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
            result["max_per_second"] = max_in_window([r.time for r in self._sent], 1.0)
            both = sorted([r.time for r in self._sent] + [r.time for r in self._edits])
            result["max_global_per_second"] = max_in_window(both, 1.0)
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
