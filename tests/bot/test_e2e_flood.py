"""One chat's flood costs the others nothing, and SIGTERM stops the bot promptly (issue 11,
item 4), on a real `postbot run` against the Bot API double."""

from __future__ import annotations

import time

import pytest

from postbot.bot.updates import MAX_QUEUED_PER_CHAT
from support.botapi import BotApiDouble
from support.process import BotProcess, says

pytestmark = pytest.mark.e2e

FLOOD, OTHER = 9801, 9802
GROUP, GROUP_USER = -100_9803, 9804


def _flood(double: BotApiDouble, chat_id: int, texts: list[str]) -> None:
    for body in texts:
        if chat_id < 0:
            double.user_message(chat_id, body, user_id=GROUP_USER, chat_type="supergroup")
        else:
            double.user_message(chat_id, body)


@pytest.mark.parametrize(
    ("chat_id", "texts"),
    [
        pytest.param(FLOOD, ["/help"] * 130, id="private-help"),
        pytest.param(FLOOD, [f"/unwatch {i}" for i in range(125)], id="private-mixed-db"),
        pytest.param(GROUP, ["/watches", "/topics", "/feeds"] * 45, id="group-20-per-minute"),
    ],
)
def test_a_flood_does_not_hold_up_another_chat(
    bot: BotProcess, double: BotApiDouble, chat_id: int, texts: list[str]
) -> None:
    _flood(double, chat_id, texts)
    double.wait_for(lambda d: d.messages(chat_id), timeout=15, what="the flood's first reply")
    asked = time.monotonic()
    double.user_message(OTHER, "/help")
    double.wait_for(lambda d: d.last_text(OTHER), timeout=20, what="the other chat's /help")
    waited = time.monotonic() - asked
    print(f"\nother chat's /help answered {waited:.2f}s after it was sent, during the flood")
    assert waited < 5.0, f"another chat waited {waited:.1f}s behind a flood"

    notice = says("en", "too_many_queued")
    double.wait_for(
        lambda d: any(m.text == notice for m in d.messages(chat_id)),
        timeout=20,
        what="the notice of dropped messages",
    )
    time.sleep(1.0)
    replies = [m.text for m in double.messages(chat_id)]
    assert replies.count(notice) == 1, "one notice per burst"
    assert len(replies) <= MAX_QUEUED_PER_CHAT + 1


@pytest.mark.parametrize("floods", [1, 3])
def test_sigterm_during_a_flood_exits_within_10s(
    bot: BotProcess, double: BotApiDouble, floods: int
) -> None:
    for index in range(floods):
        _flood(double, FLOOD + 10 * index, ["/help", "/watches", "/topics"] * 45)
    double.wait_for(lambda d: d.messages(FLOOD), timeout=15, what="the flood's first reply")
    started = time.monotonic()
    code = bot.stop(timeout=10.0)
    elapsed = time.monotonic() - started
    print(f"\nSIGTERM to exit during a flood of {floods} chat(s): {elapsed:.2f}s")
    assert code == 0, bot.logs()[-3000:]
    assert elapsed < 10.0
