"""Replies stay prompt for everyone (SPEC §5, §7): one chat's pacing is that chat's alone."""

from __future__ import annotations

import pytest

from support.botapi import BotApiDouble
from support.process import BotProcess

pytestmark = pytest.mark.e2e

BUSY, OTHER = 9701, 9702


def test_a_chatty_user_does_not_hold_up_another_chat(bot: BotProcess, double: BotApiDouble) -> None:
    for _ in range(4):
        double.user_message(BUSY, "/help")
    double.user_message(OTHER, "/help")
    double.wait_for(
        lambda d: d.last_text(OTHER) and len(d.messages(BUSY)) == 4,
        timeout=20,
        what="every reply",
    )
    busy = [r.time for r in double.sent if r.chat_id == BUSY]
    other = next(r.time for r in double.sent if r.chat_id == OTHER)
    # the busy chat's replies are paced a second apart; the other chat need not wait for them
    assert other < busy[1], f"other chat answered {other - busy[0]:.1f}s after the first reply"
