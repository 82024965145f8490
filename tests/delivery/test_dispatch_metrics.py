"""Counted in one place: each alert settled is counted once, by what Telegram answered."""

from __future__ import annotations

import sqlalchemy as sa

from postbot.delivery.dispatch import Dispatcher
from support.botapi import BotApiDouble
from support.clocks import Clock

from .test_dispatch import queue
from .test_dispatch_held import hold


def count(dispatcher: Dispatcher, name: str, **labels: str) -> float:
    value = dispatcher.metrics.registry.get_sample_value(f"postbot_{name}_total", labels)
    return value or 0.0


async def test_a_blocked_chat_counts_every_alert_its_digest_carried(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble, clock: Clock
) -> None:
    hold(engine, 601, ["a", "b", "c"], now=clock.now, release=clock.now)
    double.block(601)
    assert await dispatcher.drain() == 3
    assert count(dispatcher, "alerts_failed", reason="blocked") == 3
    assert count(dispatcher, "alerts_sent") == 0


async def test_a_429_is_counted_from_the_outcome_per_alert_held(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble, clock: Clock
) -> None:
    hold(engine, 602, ["a", "b"], now=clock.now, release=clock.now)
    double.fail_next("sendMessage", 3, error_code=429, description="Slow down", retry_after=1)
    await dispatcher.drain()
    assert count(dispatcher, "alerts_retried", reason="429") == 2  # no "429:" in the text
    assert count(dispatcher, "digests_sent") == 0


async def test_sent_refused_and_edited_alerts_are_each_counted_once(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble
) -> None:
    queue(engine, [603, 604])
    double.fail_next("sendMessage", error_code=400, description="Bad Request: odd refusal")
    assert await dispatcher.drain() == 2
    assert count(dispatcher, "alerts_sent") == 1
    assert count(dispatcher, "alerts_failed", reason="bad_request") == 1
    assert dispatcher.sent == 1 and dispatcher.failed == 1
