"""The Bot API methods the double implements, each as strict as Telegram, and its webhook."""

from __future__ import annotations

import json
import re
import socket
import time
import urllib.error
import urllib.request
from dataclasses import replace
from urllib.parse import urlsplit

from doubles.botapi.params import (
    ADMIN_RIGHTS,
    bool_param,
    canonical_json,
    chat_id_param,
    float_param,
    int_param,
    peer_closed,
    present,
    str_param,
    validate_markup,
)
from doubles.botapi.records import (
    JSON,
    OPT_IN_UPDATES,
    ApiError,
    BotMessage,
    CallbackAnswer,
    Drop,
    PollState,
    SentRecord,
    Webhook,
    WebhookDelivery,
    bad_request,
)
from doubles.botapi.server import (
    post_update,
)
from doubles.botapi.state import (
    ApiState,
)


class TelegramMethods(ApiState):
    """`_api_<method>` for each method in METHODS, and the thread that pushes to a webhook."""

    # ------------------------------------------------------------------ methods

    def _api_getme(self, params: JSON, sock: socket.socket) -> JSON:
        return dict(self.bot_user)

    def _api_close(self, params: JSON, sock: socket.socket) -> bool:
        return True

    def _api_logout(self, params: JSON, sock: socket.socket) -> bool:
        return True

    def _api_getupdates(self, params: JSON, sock: socket.socket) -> list[JSON]:
        offset = int_param(params, "offset") or 0
        limit = int_param(params, "limit")
        limit = 100 if limit is None else min(max(limit, 1), 100)
        timeout = max(float_param(params, "timeout") or 0.0, 0.0)
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
            state = PollState(sock)
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
                    if peer_closed(sock):
                        raise Drop(injected=False)  # the client gave up on this poll
                    self._cond.wait(min(remaining, 0.1))
            finally:
                del self._polls[poll_id]

    def _note_concurrent_polls(self) -> None:
        live = [state for state in self._polls.values() if not peer_closed(state.sock)]
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
        url = (str_param(params, "url") or "").strip()
        secret = str_param(params, "secret_token") or None
        allowed = params.get("allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON object")
        max_connections = int_param(params, "max_connections") or 40
        drop = bool_param(params, "drop_pending_updates")
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
                self._webhook = Webhook(url, secret, max_connections, allowed)
                if allowed is not None:
                    self._allowed_updates = [str(kind) for kind in allowed] or None
            else:
                self._webhook = None
            self._cond.notify_all()
        return True

    def _api_deletewebhook(self, params: JSON, sock: socket.socket) -> bool:
        drop = bool_param(params, "drop_pending_updates")
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
        language = str_param(params, "language_code") or ""
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
            return f"{kind}:{chat_id_param(scope)}", language
        if kind == "chat_member":
            user_id = int_param(scope, "user_id", required=True)
            return f"chat_member:{chat_id_param(scope)}:{user_id}", language
        raise bad_request("unsupported bot command scope type")

    def _api_sendmessage(self, params: JSON, sock: socket.socket) -> JSON:
        chat_id = chat_id_param(params)
        raw, visible, entities, bare_gt = self._formatted(
            params, empty_error="message text is empty"
        )
        markup = validate_markup(params.get("reply_markup"), inline_only=False)
        preview = params.get("link_preview_options")
        if preview is not None and not isinstance(preview, dict):
            raise bad_request("can't parse link preview options JSON object")
        reply_to = self._reply_target(params)
        with self._cond:
            self._check_chat_access(chat_id)
            if reply_to is not None and reply_to not in self._known_message_ids[chat_id]:
                raise bad_request("message to be replied not found")
            now = self._book_send(chat_id)
            if bare_gt:
                self._counters["bare_gt"] += 1
            if (chat_id, raw) in self._sent_keys:
                self._counters["duplicates"] += 1
            self._sent_keys.add((chat_id, raw))
            stored = self._store_sent(
                "sendMessage",
                params,
                chat_id=chat_id,
                text=(raw, visible, entities),
                markup=markup,
                now=now,
                record_extra={"link_preview_options": preview},
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
            if bool_param(reply, "allow_sending_without_reply"):
                return None
            return int_param(reply, "message_id", required=True)
        if bool_param(params, "allow_sending_without_reply"):
            return None
        return int_param(params, "reply_to_message_id")

    def _editable(self, params: JSON) -> tuple[int, BotMessage]:
        if present(params, "inline_message_id"):
            raise bad_request("message to edit not found")
        chat_id = chat_id_param(params)
        message_id = int_param(params, "message_id", required=True)
        assert message_id is not None
        self._check_chat_access(chat_id)
        stored = self._messages.get(chat_id, {}).get(message_id)
        if stored is None:
            raise bad_request("message to edit not found")
        return chat_id, stored

    def _accept_edit(self, old: BotMessage, new: BotMessage, method: str, now: float) -> JSON:
        if (new.text, new.entities, canonical_json(new.reply_markup)) == (
            old.text,
            old.entities,
            canonical_json(old.reply_markup),
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
        markup = validate_markup(params.get("reply_markup"), inline_only=True)
        with self._cond:
            _, old = self._editable(params)
            if old.photo:
                raise bad_request("there is no text in the message to edit")
            new = replace(
                old,
                text=visible,
                html=raw,
                parse_mode=str_param(params, "parse_mode") or None,
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
        markup = validate_markup(params.get("reply_markup"), inline_only=True)
        with self._cond:
            _, old = self._editable(params)
            new = replace(old, reply_markup=markup, edit_date=int(time.time()))
            return self._accept_edit(old, new, "editMessageReplyMarkup", self.clock())

    def _api_deletemessage(self, params: JSON, sock: socket.socket) -> bool:
        chat_id = chat_id_param(params)
        message_id = int_param(params, "message_id", required=True)
        with self._cond:
            self._check_chat_access(chat_id)
            if self._messages.get(chat_id, {}).pop(message_id or 0, None) is None:
                raise bad_request("message to delete not found")
            self._cond.notify_all()
        return True

    def _api_answercallbackquery(self, params: JSON, sock: socket.socket) -> bool:
        query_id = str_param(params, "callback_query_id")
        if not query_id:
            raise bad_request("callback_query_id is empty")
        text = str_param(params, "text")
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
                    show_alert=bool_param(params, "show_alert"),
                    url=str_param(params, "url"),
                    time=self.clock(),
                )
            )
            self._cond.notify_all()
        return True

    def _chat_ref(self, params: JSON) -> int:
        """chat_id as a number, or a public chat's "@username" (case-insensitive)."""
        value = params.get("chat_id")
        if isinstance(value, str) and value.startswith("@"):
            with self._cond:
                found = self._usernames.get(value[1:].lower())
            if found is None:
                raise bad_request("chat not found")
            return found
        return chat_id_param(params)

    def _api_getchatmember(self, params: JSON, sock: socket.socket) -> JSON:
        chat_id = self._chat_ref(params)
        user_id = int_param(params, "user_id", required=True)
        assert user_id is not None
        with self._cond:
            if chat_id in self._migrated or chat_id in self._blocked:
                self._check_chat_access(chat_id)
            if self._chat(chat_id)["type"] == "channel":
                return self._channel_member(chat_id, user_id)
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
                return {"status": "administrator", "user": user, **ADMIN_RIGHTS}
            return {"status": "member", "user": user}

    def _channel_member(self, chat_id: int, user_id: int) -> JSON:
        """A channel's member as Telegram tells a bot: only its admins can see the list."""
        admins = self._admins.get(chat_id, [])
        if user_id == self.bot_id:
            user = dict(self.bot_user)
        else:
            if self.bot_id not in admins:
                raise bad_request("member list is inaccessible")
            user = dict(
                self._users.get(user_id)
                or {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
            )
        if admins and user_id == admins[0]:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id in admins:
            rights = {**ADMIN_RIGHTS, "can_post_messages": True, "can_edit_messages": True}
            return {"status": "administrator", "user": user, **rights}
        return {"status": "left", "user": user}

    def _api_getchat(self, params: JSON, sock: socket.socket) -> JSON:
        chat_id = self._chat_ref(params)
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
            status, error = post_update(opener, hook, payload)
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
