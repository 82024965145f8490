"""Posting updates to a bot's webhook as Telegram (or a forger) would, for the webhook tests."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def command_update(update_id: int, chat_id: int, text: str, *, message_id: int) -> bytes:
    """A message update from the private chat `chat_id` whose text starts with a command."""
    command = text.split()[0]
    message = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": "Forger"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Forger", "language_code": "en"},
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
    }
    return json.dumps({"update_id": update_id, "message": message}).encode()


def post_update(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST `body` as JSON to the webhook `url` (no proxy); the HTTP status."""
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", **headers}, method="POST"
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)
