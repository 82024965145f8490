"""Inline mode in the Bot API double: queries only with inline mode on, answers checked as
Telegram checks them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from support.botapi import BotApiDouble

USER = 5151


@pytest.fixture
def double() -> Iterator[BotApiDouble]:
    with BotApiDouble() as running:
        yield running
        assert running.internal_errors == []


def article(result_id: str, **overrides: Any) -> dict[str, Any]:
    result = {
        "type": "article",
        "id": result_id,
        "title": "داعش",
        "input_message_content": {"message_text": "<b>داعش</b>", "parse_mode": "HTML"},
    }
    return {**result, **overrides}


def answer(double: BotApiDouble, query_id: str, results: list[Any], **extra: Any) -> dict[str, Any]:
    with httpx.Client(base_url=f"{double.url}/bot{double.token}/", trust_env=False) as client:
        body = {"inline_query_id": query_id, "results": results, **extra}
        reply: dict[str, Any] = client.post("answerInlineQuery", json=body).json()
        return reply


def test_no_inline_queries_without_inline_mode(double: BotApiDouble) -> None:
    with pytest.raises(ValueError, match="inline mode"):
        double.inline_query(USER, "داعش")
    double.set_inline_mode(True)
    assert double.inline_query(USER, "داعش")
    (update,) = double.pending_updates
    assert update["inline_query"]["query"] == "داعش"
    assert update["inline_query"]["from"]["id"] == USER


def test_an_answer_is_recorded_once(double: BotApiDouble) -> None:
    double.set_inline_mode(True)
    query_id = double.inline_query(USER, "داعش", language_code="ar")
    button = {"text": "اكتب موضوعاً", "start_parameter": "help"}
    assert answer(double, query_id, [article("1")], cache_time=60, button=button)["ok"]
    (recorded,) = double.inline_answers
    assert recorded.query == "داعش" and recorded.user_id == USER and recorded.cache_time == 60
    assert recorded.results[0]["id"] == "1" and recorded.button == button
    again = answer(double, query_id, [])
    assert again["description"].startswith("Bad Request: query is too old")


@pytest.mark.parametrize(
    ("results", "extra", "description"),
    [
        pytest.param([article("1"), article("1")], {}, "RESULT_ID_DUPLICATE", id="same-id"),
        pytest.param([article("x" * 65)], {}, "RESULT_ID_INVALID", id="id-65-bytes"),
        pytest.param([article(str(n)) for n in range(51)], {}, "RESULTS_TOO_MUCH", id="51"),
        pytest.param([article("1", title="")], {}, "RESULT_TITLE_EMPTY", id="no-title"),
        pytest.param(
            [article("1", input_message_content={"message_text": ""})],
            {},
            "MESSAGE_EMPTY",
            id="empty-message",
        ),
        pytest.param(
            [],
            {"button": {"text": "x", "start_parameter": "a b"}},
            "START_PARAM_INVALID",
            id="start",
        ),
    ],
)
def test_what_telegram_refuses_the_double_refuses(
    double: BotApiDouble, results: list[Any], extra: dict[str, Any], description: str
) -> None:
    double.set_inline_mode(True)
    query_id = double.inline_query(USER, "q")
    reply = answer(double, query_id, results, **extra)
    assert reply["ok"] is False and reply["description"] == f"Bad Request: {description}"
    assert double.inline_answers == []
