"""The Bot API double's channels (for /connect): found by @username, members visible to an
admin bot only, posting refused once the bot is not an admin, 403 once it was removed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from support.botapi import BotApiDouble

CHANNEL, USER = -1007001, 7001


@pytest.fixture
def double() -> Iterator[BotApiDouble]:
    with BotApiDouble() as running:
        yield running


@pytest.fixture
def api(double: BotApiDouble) -> Iterator[httpx.Client]:
    base = f"{double.url}/bot{double.token}/"
    with httpx.Client(base_url=base, timeout=10, trust_env=False) as client:
        yield client


def answer(response: httpx.Response) -> tuple[int, Any]:
    body = response.json()
    return response.status_code, body.get("result", body.get("description"))


def test_a_channel_by_username_and_its_admins(double: BotApiDouble, api: httpx.Client) -> None:
    double.add_channel(CHANNEL, "News_Ch", title="News", admins=[USER, double.bot_id])
    code, chat = answer(api.post("getChat", json={"chat_id": "@news_ch"}))
    assert code == 200 and chat["id"] == CHANNEL and chat["type"] == "channel"
    assert answer(api.post("getChat", json={"chat_id": "@nobody_here"}))[0] == 400
    code, member = answer(api.post("getChatMember", json={"chat_id": CHANNEL, "user_id": USER}))
    assert code == 200 and member["status"] == "creator"
    code, bot = answer(
        api.post("getChatMember", json={"chat_id": "@news_ch", "user_id": double.bot_id})
    )
    assert code == 200 and bot["status"] == "administrator" and bot["can_post_messages"]
    code, other = answer(api.post("getChatMember", json={"chat_id": CHANNEL, "user_id": 5}))
    assert code == 200 and other["status"] == "left"
    assert answer(api.post("sendMessage", json={"chat_id": CHANNEL, "text": "hi"}))[0] == 200


def test_a_channel_without_the_bot(double: BotApiDouble, api: httpx.Client) -> None:
    double.add_channel(CHANNEL, "no_bot", title="No bot", admins=[USER])
    code, bot = answer(
        api.post("getChatMember", json={"chat_id": CHANNEL, "user_id": double.bot_id})
    )
    assert code == 200 and bot["status"] == "left"
    code, text = answer(api.post("getChatMember", json={"chat_id": CHANNEL, "user_id": USER}))
    assert code == 400 and "member list is inaccessible" in text
    code, text = answer(api.post("sendMessage", json={"chat_id": CHANNEL, "text": "hi"}))
    assert code == 403 and "not a member of the channel" in text


def test_the_bot_removed_from_a_channel(double: BotApiDouble, api: httpx.Client) -> None:
    double.add_channel(CHANNEL, "gone_ch", title="Gone", admins=[USER, double.bot_id])
    double.block(CHANNEL)
    code, text = answer(api.post("sendMessage", json={"chat_id": CHANNEL, "text": "hi"}))
    assert code == 403 and "kicked from the channel" in text
    assert answer(api.post("getChatMember", json={"chat_id": CHANNEL, "user_id": USER}))[0] == 403
