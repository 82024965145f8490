"""The Bot API double, exercised over plain HTTP (httpx) and through the real PTB Bot."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from support.botapi import (
    GROUP_ANONYMOUS_BOT_ID,
    BotApiDouble,
    HtmlParseError,
    LocalHTTPServer,
    parse_html,
    trim_formatted,
)

JSON = dict[str, Any]


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def double() -> Iterator[BotApiDouble]:
    with BotApiDouble() as running:
        yield running


def client_for(double: BotApiDouble) -> httpx.Client:
    return httpx.Client(
        base_url=f"{double.url}/bot{double.token}/",
        timeout=10,
        trust_env=False,
        limits=httpx.Limits(max_connections=100),
    )


@pytest.fixture
def api(double: BotApiDouble) -> Iterator[httpx.Client]:
    with client_for(double) as client:
        yield client


def ptb(double: BotApiDouble) -> telegram.Bot:
    return telegram.Bot(double.token, base_url=double.base_url)


def ok(response: httpx.Response) -> Any:
    body = response.json()
    assert response.status_code == 200 and body["ok"] is True, body
    return body["result"]


def error(response: httpx.Response, code: int) -> JSON:
    body: JSON = response.json()
    assert response.status_code == code, body
    assert body["ok"] is False and body["error_code"] == code, body
    return body


def keyboard(*buttons: JSON) -> JSON:
    return {"inline_keyboard": [list(buttons)]}


# --------------------------------------------------------------------------- HTML parser


@pytest.mark.parametrize(
    ("source", "visible", "entities"),
    [
        ("plain", "plain", []),
        (
            "<b>bold</b> and <i>it</i>",
            "bold and it",
            [
                {"type": "bold", "offset": 0, "length": 4},
                {"type": "italic", "offset": 9, "length": 2},
            ],
        ),
        ("<B>x</B>", "x", [{"type": "bold", "offset": 0, "length": 1}]),
        (
            '<a href="https://x.test/?a=1&amp;b=2">link</a>',
            "link",
            [{"type": "text_link", "offset": 0, "length": 4, "url": "https://x.test/?a=1&b=2"}],
        ),
        (
            '<pre><code class="language-python">x = 1</code></pre>',
            "x = 1",
            [{"type": "pre", "offset": 0, "length": 5, "language": "python"}],
        ),
        ('<span class="tg-spoiler">s</span>', "s", [{"type": "spoiler", "offset": 0, "length": 1}]),
        (
            "<blockquote expandable>q</blockquote>",
            "q",
            [{"type": "expandable_blockquote", "offset": 0, "length": 1}],
        ),
        (
            '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
            "👍",
            [
                {
                    "type": "custom_emoji",
                    "offset": 0,
                    "length": 2,
                    "custom_emoji_id": "5368324170671202286",
                }
            ],
        ),
        ("<pre><code>x</code></pre>", "x", [{"type": "pre", "offset": 0, "length": 1}]),
        ("&lt;&gt;&amp;&quot;&#1605;&#x645;", '<>&"مم', []),
        ("😀 <u>خبر</u>", "😀 خبر", [{"type": "underline", "offset": 3, "length": 3}]),
        ("a > b", "a > b", []),
    ],
    ids=[
        "plain",
        "bold-italic",
        "uppercase-tag",
        "link-with-entity",
        "pre-language",
        "spoiler",
        "expandable-quote",
        "custom-emoji",
        "pre-code",
        "entities",
        "utf16-offsets",
        "bare-gt",
    ],
)
def test_parse_html_accepts(source: str, visible: str, entities: list[JSON]) -> None:
    parsed = parse_html(source)
    assert (parsed.text, parsed.entities) == (visible, entities)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("a < b", "Unsupported start tag"),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag, expected "</i>", found "</b>" at byte offset 7'),
        ("x</b>", "Unexpected end tag"),
        ("AT&T", "Character entity expected at byte offset 2"),
        ("a&nbsp;b", "Character entity expected"),
        ("<b", "Unclosed start tag"),
        ("<a>x</a>", 'Tag "a" must have a non-empty "href"'),
        ('<a href="x" target="_blank">x</a>', 'Unsupported attribute "target"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("<br/>", 'Unsupported start tag "br"'),
        ("مرحبا <foo>", "at byte offset 11"),
    ],
    ids=[
        "unknown-tag",
        "bare-lt",
        "unclosed",
        "misnested",
        "stray-end",
        "bare-amp",
        "unknown-entity",
        "unterminated-tag",
        "a-without-href",
        "a-extra-attr",
        "span-without-class",
        "self-closing",
        "utf8-byte-offset",
    ],
)
def test_parse_html_rejects(source: str, reason: str) -> None:
    with pytest.raises(HtmlParseError, match="byte offset") as raised:
        parse_html(source)
    assert reason in str(raised.value)


def test_parse_html_flags_bare_gt() -> None:
    assert parse_html("a > b").bare_gt is True
    assert parse_html("a &gt; b").bare_gt is False


def test_trim_moves_and_clips_entities() -> None:
    parsed = parse_html("\n  <b>خبر</b> <i>x </i>\n")
    text, entities = trim_formatted(parsed.text, parsed.entities)
    assert text == "خبر x"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 3},
        {"type": "italic", "offset": 4, "length": 1},
    ]


# --------------------------------------------------------------------------- routing, encodings


def test_routing_token_and_method_names(double: BotApiDouble, api: httpx.Client) -> None:
    me = ok(api.get("GETME"))
    assert me["id"] == 123456 and me["is_bot"] and me["username"] == "postbot_test_bot"
    with httpx.Client(trust_env=False) as other:
        wrong = other.get(f"{double.url}/bot999:nope/getMe")
        assert error(wrong, 401)["description"] == "Unauthorized"
        assert error(other.get(f"{double.url}/nothing"), 404)["description"] == "Not Found"
    assert error(api.post("sendVideo", json={}), 404)["description"] == "Not Found"
    assert ok(api.post("close")) is True
    assert double.stats()["getMe"] == 1


def send_encoded(client: httpx.Client, encoding: str, params: JSON) -> httpx.Response:
    if encoding == "json":
        return client.post("sendMessage", json=params)
    flat = {
        key: json.dumps(value) if isinstance(value, dict | list) else str(value)
        for key, value in params.items()
    }
    if encoding == "form":
        return client.post("sendMessage", data=flat)
    if encoding == "multipart":
        files = {"unused": ("a.txt", b"ignored", "text/plain")}
        return client.post("sendMessage", data=flat, files=files)
    return client.get("sendMessage", params=flat)


@pytest.mark.parametrize("encoding", ["json", "form", "multipart", "query"])
def test_send_message_in_every_encoding(
    double: BotApiDouble, api: httpx.Client, encoding: str
) -> None:
    markup = keyboard({"text": "المزيد", "callback_data": "more:1"})
    params = {
        "chat_id": 42,
        "text": "<b>عاجل</b>: قصف &amp; نزوح",
        "parse_mode": "HTML",
        "reply_markup": markup,
        "link_preview_options": {"is_disabled": True},
        "disable_notification": True,
    }
    message = ok(send_encoded(api, encoding, params))
    assert message["text"] == "عاجل: قصف & نزوح"
    assert message["chat"] == {"id": 42, "type": "private", "first_name": "Test"}
    assert message["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
    assert message["reply_markup"] == markup
    (record,) = double.sent
    assert (record.chat_id, record.html, record.parse_mode) == (42, params["text"], "HTML")
    assert record.reply_markup == markup and record.disable_notification is True
    assert record.link_preview_options == {"is_disabled": True}


# --------------------------------------------------------------------------- sendMessage checks


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"text": "<b>x", "parse_mode": "HTML"}, "Bad Request: can't parse entities: "),
        ({"text": "a & b", "parse_mode": "HTML"}, "Bad Request: can't parse entities: "),
        ({"text": ""}, "Bad Request: message text is empty"),
        ({"text": "<b> </b>\n", "parse_mode": "HTML"}, "Bad Request: message text is empty"),
        ({"text": "x" * 4097}, "Bad Request: message is too long"),
        ({"text": "😀" * 2049}, "Bad Request: message is too long"),
        (
            {"text": "x", "reply_markup": keyboard({"text": "b", "callback_data": "ب" * 33})},
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {"text": "x", "reply_markup": keyboard({"text": "b", "callback_data": ""})},
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {"text": "x", "reply_markup": keyboard({"text": "b"})},
            "Bad Request: can't parse inline keyboard button",
        ),
        (
            {
                "text": "x",
                "reply_markup": keyboard({"text": "b", "callback_data": "d", "url": "https://a"}),
            },
            "Bad Request: BUTTON_TYPE_INVALID",
        ),
        (
            {"text": "x", "reply_markup": keyboard({"text": " ", "callback_data": "d"})},
            "Bad Request: BUTTON_TEXT_INVALID",
        ),
        (
            {"text": "x", "reply_markup": keyboard({"text": "b", "url": "javascript:x"})},
            "Bad Request: BUTTON_URL_INVALID",
        ),
        (
            {"text": "x", "reply_parameters": {"message_id": 99}},
            "Bad Request: message to be replied not found",
        ),
        ({"text": "*x*", "parse_mode": "MarkdownV2"}, "Bad Request: unsupported parse_mode"),
    ],
    ids=[
        "unclosed-tag",
        "bare-amp",
        "empty",
        "empty-after-parsing",
        "too-long",
        "too-long-utf16",
        "callback-data-65-bytes",
        "callback-data-empty",
        "button-without-action",
        "button-two-actions",
        "button-blank-text",
        "button-bad-url",
        "reply-to-missing",
        "markdown",
    ],
)
def test_send_message_rejects(
    double: BotApiDouble, api: httpx.Client, params: JSON, description: str
) -> None:
    body = error(api.post("sendMessage", json={"chat_id": 42, **params}), 400)
    assert body["description"].startswith(description)
    assert double.sent == []
    assert double.stats()["rejected_400"] == 1


def test_send_message_limits_count_visible_utf16(api: httpx.Client) -> None:
    ok(api.post("sendMessage", json={"chat_id": 1, "text": "😀" * 2048}))
    html = "<b>" + "x" * 4096 + "</b>"
    ok(api.post("sendMessage", json={"chat_id": 2, "text": html, "parse_mode": "HTML"}))
    assert error(api.post("sendMessage", json={"text": "x"}), 400)["description"] == (
        "Bad Request: chat_id is empty"
    )


def test_html_errors_and_bare_gt_are_counted(double: BotApiDouble, api: httpx.Client) -> None:
    error(api.post("sendMessage", json={"chat_id": 1, "text": "<x>", "parse_mode": "HTML"}), 400)
    ok(api.post("sendMessage", json={"chat_id": 2, "text": "1 > 0", "parse_mode": "HTML"}))
    stats = double.stats()
    assert (stats["html_errors"], stats["bare_gt"], stats["sent_messages"]) == (1, 1, 1)


def test_blocked_and_kicked_chats_answer_403(double: BotApiDouble, api: httpx.Client) -> None:
    double.register_chat(-200, "group", title="مجموعة")
    for chat_id in (42, -200, -1001):
        double.block(chat_id)
    expected = {
        42: "Forbidden: bot was blocked by the user",
        -200: "Forbidden: bot was kicked from the group chat",
        -1001: "Forbidden: bot was kicked from the supergroup chat",
    }
    for chat_id, description in expected.items():
        body = error(api.post("sendMessage", json={"chat_id": chat_id, "text": "x"}), 403)
        assert body["description"] == description
    double.unblock(42)
    ok(api.post("sendMessage", json={"chat_id": 42, "text": "x"}))
    assert double.stats()["rejected_403"] == 3


async def test_ptb_sees_forbidden_and_migration(double: BotApiDouble) -> None:
    double.block(42)
    double.migrate(-5, -1005)
    async with ptb(double) as bot:
        with pytest.raises(Forbidden, match="blocked by the user"):
            await bot.send_message(42, "x")
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(-5, "x")
        assert migrated.value.new_chat_id == -1005
        await bot.send_message(-1005, "x")
        updates = await bot.get_updates(timeout=0)
    messages = [u.message for u in updates if u.message is not None]
    assert [m.migrate_to_chat_id for m in messages] == [-1005, None]
    assert messages[1].migrate_from_chat_id == -5
    assert double.chat_type(-1005) == "supergroup"


def test_migrated_chat_error_has_parameters(double: BotApiDouble, api: httpx.Client) -> None:
    double.migrate(-5, -1005, notify=False)
    body = error(api.post("sendMessage", json={"chat_id": -5, "text": "x"}), 400)
    assert body["description"] == "Bad Request: group chat was upgraded to a supergroup chat"
    assert body["parameters"] == {"migrate_to_chat_id": -1005}
    assert double.pending_updates == []


# --------------------------------------------------------------------------- flood control


def test_global_window_limits_sends_and_edits() -> None:
    clock = FakeClock()
    unlimited_chats = BotApiDouble(
        clock=clock, global_rate=5, private_per_second=None, group_per_minute=None
    )
    with unlimited_chats as double, client_for(double) as api:
        for chat_id in range(1, 6):
            ok(api.post("sendMessage", json={"chat_id": chat_id, "text": "x"}))
            clock.now += 0.1
        body = error(api.post("sendMessage", json={"chat_id": 6, "text": "x"}), 429)
        assert body["description"] == "Too Many Requests: retry after 1"
        assert body["parameters"] == {"retry_after": 1}
        edit = {"chat_id": 1, "message_id": 1, "text": "y"}
        error(api.post("editMessageText", json=edit), 429)
        clock.now = 1000.0 + 1.0  # the first send leaves the window
        ok(api.post("editMessageText", json=edit))
        error(api.post("sendMessage", json={"chat_id": 6, "text": "x"}), 429)
        stats = double.stats()
    assert (stats["rejected_429"], stats["sent_messages"], stats["max_per_second"]) == (3, 5, 5)
    assert stats["max_global_per_second"] == 5


def test_private_chats_need_one_second_spacing_with_tolerance() -> None:
    clock = FakeClock()
    with BotApiDouble(clock=clock) as double, client_for(double) as api:
        send = {"chat_id": 42, "text": "x"}
        ok(api.post("sendMessage", json=send))
        clock.now += 0.5
        assert error(api.post("sendMessage", json=send), 429)["parameters"] == {"retry_after": 1}
        ok(api.post("sendMessage", json={"chat_id": 43, "text": "other chat"}))
        clock.now += 0.46  # 0.96 s after the first: within the 50 ms tolerance
        ok(api.post("sendMessage", json=send))
        clock.now += 0.9
        error(api.post("sendMessage", json=send), 429)
        assert [r.chat_id for r in double.sent] == [42, 43, 42]


def test_groups_are_limited_per_sliding_minute() -> None:
    clock = FakeClock()
    with BotApiDouble(clock=clock, group_per_minute=3) as double, client_for(double) as api:
        for _ in range(3):
            ok(api.post("sendMessage", json={"chat_id": -100, "text": "x"}))
            clock.now += 10
        body = error(api.post("sendMessage", json={"chat_id": -100, "text": "x"}), 429)
        assert body["parameters"] == {"retry_after": 30}
        ok(api.post("sendMessage", json={"chat_id": -200, "text": "another group"}))
        clock.now = 1060.0
        ok(api.post("sendMessage", json={"chat_id": -100, "text": "x"}))
        assert double.stats()["rejected_429"] == 1


async def test_ptb_raises_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns when it builds RetryAfter with an int unless PTB_TIMEDELTA is set.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    with BotApiDouble(global_rate=2) as double:
        async with ptb(double) as bot:
            await bot.send_message(1, "a")
            await bot.send_message(2, "b")
            with pytest.raises(RetryAfter) as raised:
                await bot.send_message(3, "c")
    assert raised.value.retry_after == dtm.timedelta(seconds=1)


def test_stats_count_duplicates_and_densest_second() -> None:
    clock = FakeClock()
    with BotApiDouble(clock=clock) as double, client_for(double) as api:
        for chat_id, step in ((1, 0.0), (2, 0.5), (1, 1.2), (3, 0.1)):
            clock.now += step
            ok(api.post("sendMessage", json={"chat_id": chat_id, "text": "same"}))
        stats = double.stats()
    assert (stats["duplicates"], stats["max_per_second"], stats["sendMessage"]) == (1, 2, 4)


# --------------------------------------------------------------------------- edits, callbacks


def test_edits_validate_and_keep_history(double: BotApiDouble, api: httpx.Client) -> None:
    markup = keyboard({"text": "b", "callback_data": "d"})
    sent = ok(api.post("sendMessage", json={"chat_id": 7, "text": "one", "reply_markup": markup}))
    edit = {"chat_id": 7, "message_id": sent["message_id"]}
    body = error(
        api.post("editMessageText", json={**edit, "text": "one", "reply_markup": markup}), 400
    )
    assert body["description"].startswith("Bad Request: message is not modified: specified new")
    edited = ok(
        api.post("editMessageText", json={**edit, "text": "<i>two</i>", "parse_mode": "html"})
    )
    assert edited["text"] == "two" and "reply_markup" not in edited and "edit_date" in edited
    ok(api.post("editMessageReplyMarkup", json={**edit, "reply_markup": markup}))
    broken = {**edit, "text": "<b>x", "parse_mode": "HTML"}
    assert (
        "can't parse entities"
        in error(api.post("editMessageText", json=broken), 400)["description"]
    )
    missing = {"chat_id": 7, "message_id": 99, "text": "x"}
    body = error(api.post("editMessageText", json=missing), 400)
    assert body["description"] == "Bad Request: message to edit not found"
    (current,) = double.messages(7)
    assert (current.text, current.history, current.reply_markup) == ("two", ("one",), markup)
    assert [e.method for e in double.edits] == ["editMessageText", "editMessageReplyMarkup"]
    assert double.last_text(7) == "two"
    ok(api.post("deleteMessage", json=edit))
    assert double.messages(7) == [] and double.last_text(7) is None
    error(api.post("deleteMessage", json=edit), 400)


async def test_ptb_send_edit_and_answer_callback(double: BotApiDouble) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("المزيد", callback_data="more:1")]])
    async with ptb(double) as bot:
        message = await bot.send_message(
            42, "<b>خبر</b> عاجل", parse_mode=ParseMode.HTML, reply_markup=markup
        )
        assert message.text == "خبر عاجل" and message.reply_markup == markup
        edited = await bot.edit_message_text(
            "<i>تحديث</i>",
            chat_id=42,
            message_id=message.message_id,
            parse_mode="HTML",
            reply_markup=markup,
        )
        assert isinstance(edited, telegram.Message) and edited.text == "تحديث"
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_text(
                "تحديث",
                chat_id=42,
                message_id=message.message_id,
                reply_markup=markup,
                entities=edited.entities,
            )
        query_id = double.press_button(42, message.message_id, "more:1", language_code="ar")
        (update,) = await bot.get_updates(timeout=0)
        query = update.callback_query
        assert query is not None and query.id == query_id and query.data == "more:1"
        assert isinstance(query.message, telegram.Message) and query.message.text == "تحديث"
        assert query.from_user.language_code == "ar"
        assert await query.answer("تم") is True
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await query.answer("again")
    (answer,) = double.callback_answers
    assert (answer.query_id, answer.chat_id, answer.text) == (query_id, 42, "تم")
    assert double.messages(42)[0].history == ("خبر عاجل",)


def test_press_button_checks_the_keyboard(double: BotApiDouble, api: httpx.Client) -> None:
    markup = keyboard({"text": "b", "callback_data": "d"})
    ok(api.post("sendMessage", json={"chat_id": 7, "text": "x", "reply_markup": markup}))
    with pytest.raises(ValueError, match="no message 5"):
        double.press_button(7, 5, "d")
    with pytest.raises(ValueError, match="offers \\['d'\\]"):
        double.press_button(7, 1, "other")
    body = error(api.post("answerCallbackQuery", json={"callback_query_id": "nope"}), 400)
    assert body["description"] == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )


# --------------------------------------------------------------------------- commands, members


async def test_ptb_commands_per_language_and_scope(double: BotApiDouble) -> None:
    async with ptb(double) as bot:
        await bot.set_my_commands([("start", "Start"), ("watch", "Watch a topic")])
        await bot.set_my_commands([("start", "ابدأ"), ("watch", "راقب موضوعًا")], language_code="ar")
        await bot.set_my_commands(
            [("start", "Start")], scope=telegram.BotCommandScopeAllPrivateChats()
        )
        ar = await bot.get_my_commands(language_code="ar")
        assert [(c.command, c.description) for c in ar] == [
            ("start", "ابدأ"),
            ("watch", "راقب موضوعًا"),
        ]
        with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
            await bot.set_my_commands([("Start", "x")])
        with pytest.raises(BadRequest, match=r"(?i)bot_command_description_invalid"):
            await bot.set_my_commands([("start", "x" * 257)])
        assert set(double.commands) == {"", "ar"}
        assert double.commands_for("all_private_chats") == {"": [("start", "Start")]}
        await bot.delete_my_commands(language_code="ar")
        assert await bot.get_my_commands(language_code="ar") == ()
    assert double.commands == {"": [("start", "Start"), ("watch", "Watch a topic")]}


async def test_ptb_get_chat_member_follows_admins(double: BotApiDouble) -> None:
    double.set_admins(-100, [1, 2])
    double.user_message(-100, "hi", user_id=3, chat_type="supergroup", first_name="سارة")
    async with ptb(double) as bot:
        owner = await bot.get_chat_member(-100, 1)
        admin = await bot.get_chat_member(-100, 2)
        member = await bot.get_chat_member(-100, 3)
        chat = await bot.get_chat(-100)
    assert isinstance(owner, telegram.ChatMemberOwner)
    assert isinstance(admin, telegram.ChatMemberAdministrator)
    assert isinstance(member, telegram.ChatMemberMember) and member.user.first_name == "سارة"
    assert chat.type == "supergroup"


# --------------------------------------------------------------------------- updates


def test_user_messages_carry_command_entities(double: BotApiDouble, api: httpx.Client) -> None:
    first = double.user_message(42, "/start@postbot_test_bot", language_code="ar")
    double.user_message(-1001, "/watch غزة", user_id=7, chat_type="supergroup", chat_title="أخبار")
    double.sender_chat_message(-1001, "/watch 😀")
    double.user_message(42, "لا أمر")
    updates = ok(api.post("getUpdates", json={}))
    messages = [u["message"] for u in updates]
    assert [m["entities"][0]["length"] for m in messages[:3]] == [23, 6, 6]
    assert "entities" not in messages[3]
    assert messages[0]["message_id"] == first and messages[0]["from"]["language_code"] == "ar"
    assert messages[1]["chat"] == {"id": -1001, "type": "supergroup", "title": "أخبار"}
    assert messages[2]["from"]["id"] == GROUP_ANONYMOUS_BOT_ID
    assert messages[2]["sender_chat"]["id"] == -1001
    with pytest.raises(ValueError, match="user_id is required"):
        double.user_message(-1001, "x", chat_type="supergroup")


def test_offsets_confirm_updates(double: BotApiDouble, api: httpx.Client) -> None:
    for text in ("a", "b", "c"):
        double.user_message(42, text)
    updates = ok(api.post("getUpdates", json={"limit": 2}))
    assert [u["message"]["text"] for u in updates] == ["a", "b"]
    first_id = updates[0]["update_id"]
    again = ok(api.post("getUpdates", json={"offset": first_id + 1}))
    assert [u["message"]["text"] for u in again] == ["b", "c"]
    assert ok(api.post("getUpdates", json={"offset": first_id + 3})) == []
    assert double.pending_updates == []
    double.raw_update({"update_id": 1, "edited_message": {"message_id": 9}})
    double.user_message(42, "d")
    (last,) = ok(api.post("getUpdates", json={"offset": -1}))
    assert last["message"]["text"] == "d"


def test_allowed_updates_filter_kinds(double: BotApiDouble, api: httpx.Client) -> None:
    double.raw_update({"chat_member": {"x": 1}})
    double.user_message(42, "a")
    assert [("message" in u) for u in ok(api.post("getUpdates", json={}))] == [True]
    double.user_message(42, "b")
    query_params = {"allowed_updates": json.dumps(["callback_query"]), "timeout": "0"}
    assert ok(api.post("getUpdates", data=query_params)) == []


def test_long_poll_times_out_empty(api: httpx.Client) -> None:
    started = time.monotonic()
    assert ok(api.post("getUpdates", json={"timeout": 0.3})) == []
    assert 0.25 <= time.monotonic() - started < 2


async def test_ptb_long_poll_returns_when_an_update_arrives(double: BotApiDouble) -> None:
    async with ptb(double) as bot:
        started = time.monotonic()
        poll = asyncio.create_task(bot.get_updates(timeout=5))
        await double.async_wait_for(lambda d: d.active_polls == 1)
        await asyncio.to_thread(double.user_message, 42, "/start")
        (update,) = await asyncio.wait_for(poll, 3)
    assert time.monotonic() - started < 2
    assert update.message is not None and update.message.text == "/start"
    assert update.message.entities[0].type == "bot_command"


def test_overlapping_polls_terminate_the_older(double: BotApiDouble, api: httpx.Client) -> None:
    results: dict[str, httpx.Response] = {}

    def long_poll() -> None:
        with client_for(double) as other:
            results["older"] = other.post("getUpdates", json={"timeout": 5})

    thread = threading.Thread(target=long_poll)
    thread.start()
    double.wait_for(lambda d: d.active_polls == 1)
    assert ok(api.post("getUpdates", json={"timeout": 0})) == []
    thread.join(5)
    body = error(results["older"], 409)
    assert body["description"].startswith("Conflict: terminated by other getUpdates request")
    stats = double.stats()
    assert (stats["concurrent_get_updates"], stats["conflicts"]) == (1, 1)


def test_reject_newer_policy_answers_the_second_poll() -> None:
    with BotApiDouble(conflict_policy="reject_newer") as double, client_for(double) as api:
        with ThreadPoolExecutor(1) as pool, client_for(double) as other:
            older = pool.submit(other.post, "getUpdates", json={"timeout": 5})
            double.wait_for(lambda d: d.active_polls == 1)
            error(api.post("getUpdates", json={"timeout": 0}), 409)
            double.user_message(42, "still served")
            (update,) = ok(older.result(5))
        assert update["message"]["text"] == "still served"


def test_abandoned_poll_is_not_a_conflict(double: BotApiDouble, api: httpx.Client) -> None:
    body = b'{"timeout": 5}'
    request = (
        f"POST /bot{double.token}/getUpdates HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    port = int(double.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as raw:
        raw.sendall(request)
        double.wait_for(lambda d: d.active_polls == 1)
    double.wait_for(lambda d: d.active_polls == 0)
    assert ok(api.post("getUpdates", json={"timeout": 0})) == []
    assert double.stats()["concurrent_get_updates"] == 0


async def test_ptb_conflict_between_two_bots(double: BotApiDouble) -> None:
    async with ptb(double) as first, ptb(double) as second:
        older = asyncio.create_task(first.get_updates(timeout=5))
        await double.async_wait_for(lambda d: d.active_polls == 1)
        assert await second.get_updates(timeout=0) == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await asyncio.wait_for(older, 3)


# --------------------------------------------------------------------------- webhook


class _Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    statuses: ClassVar[list[int]]
    received: ClassVar[list[tuple[str | None, JSON]]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        secret = self.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.received.append((secret, json.loads(body)))
        self.send_response(self.statuses.pop(0) if self.statuses else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_webhook_push_with_secret_and_retry(double: BotApiDouble, api: httpx.Client) -> None:
    class Handler(_Receiver):
        statuses: ClassVar[list[int]] = [500]
        received: ClassVar[list[tuple[str | None, JSON]]] = []

    receiver = LocalHTTPServer(("127.0.0.1", 0), Handler)
    thread = receiver.serve_in_thread("webhook-receiver")
    try:
        hook = f"http://127.0.0.1:{receiver.server_port}/hook"
        bad = {"url": hook, "secret_token": "no spaces allowed"}
        error(api.post("setWebhook", json=bad), 400)
        ok(api.post("setWebhook", json={"url": hook, "secret_token": "s3cret_token-1"}))
        body = error(api.post("getUpdates", json={}), 409)
        assert "webhook is active" in body["description"]
        double.user_message(42, "عبر الويب هوك")
        double.wait_for(lambda d: any(x.ok for x in d.webhook_deliveries))
        assert [x.status for x in double.webhook_deliveries] == [500, 200]
        assert [secret for secret, _ in Handler.received] == ["s3cret_token-1"] * 2
        assert Handler.received[1][1]["message"]["text"] == "عبر الويب هوك"
        info = ok(api.post("getWebhookInfo"))
        assert info["url"] == hook and info["pending_update_count"] == 0
        assert "500" in info["last_error_message"]
        ok(api.post("deleteWebhook", json={"drop_pending_updates": True}))
        double.user_message(42, "polling again")
        (update,) = ok(api.post("getUpdates", json={}))
        assert update["message"]["text"] == "polling again"
    finally:
        receiver.stop(thread)


# --------------------------------------------------------------------------- faults, waiting


async def test_ptb_sees_injected_faults(
    double: BotApiDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    double.fail_next(
        "sendmessage", error_code=429, description="Too Many Requests: retry after 7", retry_after=7
    )
    double.drop_next("sendMessage")
    double.drop_next("sendMessage", after_processing=True)
    async with ptb(double) as bot:
        with pytest.raises(RetryAfter) as raised:
            await bot.send_message(1, "a")
        assert raised.value.retry_after == dtm.timedelta(seconds=7)
        with pytest.raises(NetworkError):
            await bot.send_message(1, "b")
        assert double.sent == []
        with pytest.raises(NetworkError):
            await bot.send_message(1, "lost answer")
        assert [r.text for r in double.sent] == ["lost answer"]
    stats = double.stats()
    assert (stats["injected_faults"], stats["dropped"], stats["sendMessage"]) == (3, 2, 3)
    with pytest.raises(ValueError, match="unknown method"):
        double.fail_next("sendPigeon", error_code=400, description="x")


def test_many_concurrent_connections_are_served_in_parallel(
    double: BotApiDouble, api: httpx.Client
) -> None:
    double.delay_next("getMe", 0.5, count=60)
    started = time.monotonic()
    with ThreadPoolExecutor(60) as pool:
        results = list(pool.map(lambda _: api.get("getMe").status_code, range(60)))
    assert results == [200] * 60
    assert time.monotonic() - started < 4  # one after another would take 30 s


def test_wait_for_returns_the_value_or_explains(double: BotApiDouble, api: httpx.Client) -> None:
    threading.Thread(
        target=lambda: api.post("sendMessage", json={"chat_id": 5, "text": "later"})
    ).start()
    assert double.wait_for(lambda d: d.last_text(5)) == "later"
    with pytest.raises(AssertionError, match=r"not met within 0\.1s"):
        double.wait_for(lambda d: d.last_text(6), timeout=0.1, what="a reply in chat 6")


async def test_ptb_application_polls_replies_and_confirms_on_shutdown(
    double: BotApiDouble,
) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html("<b>أهلًا</b> &lt;3")

    application = ApplicationBuilder().token(double.token).base_url(double.base_url).build()
    application.add_handler(CommandHandler("start", start))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=5)
        double.user_message(42, "/start", language_code="ar")
        assert await double.async_wait_for(lambda d: d.last_text(42)) == "أهلًا <3"
        await application.updater.stop()
        await application.stop()
    assert double.pending_updates == []  # PTB confirmed the offset when it stopped
    stats = double.stats()
    assert (stats["concurrent_get_updates"], stats["conflicts"], stats["internal_errors"]) == (
        0,
        0,
        0,
    )
