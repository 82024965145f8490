"""What the scheduler calls: send_tick, wake (on_wake), renew_leases and stop, in process."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from telegram.ext import ExtBot

from postbot.config.catalog import CatalogRef
from postbot.delivery.dispatch import Dispatcher
from postbot.store.db import make_engine
from support.botapi import BotApiDouble
from support.clocks import Clock

from .test_dispatch import queue


async def test_a_send_tick_starts_the_due_chats_and_a_chat_done_wakes_the_scheduler(
    engine: sa.Engine, dispatcher: Dispatcher, double: BotApiDouble
) -> None:
    woken: list[int] = []
    dispatcher.on_wake = lambda: woken.append(1)
    queue(engine, [11, 12])
    assert await dispatcher.send_tick() == 2
    await dispatcher.wait_idle()
    assert len(double.sent) == 2 and len(woken) == 2  # one wake per chat served
    assert await dispatcher.send_tick() == 0  # nothing left
    dispatcher.wake()
    assert len(woken) == 3


async def test_stop_claims_no_more_and_leaves_what_is_unsent_for_the_next_process(
    engine: sa.Engine,
    dispatcher: Dispatcher,
    double: BotApiDouble,
    bot: ExtBot[int],
    catalog: CatalogRef,
) -> None:
    queue(engine, [21])
    assert await dispatcher.send_tick() == 1
    await dispatcher.stop()  # before the chat's first message: it stays in the outbox
    assert await dispatcher.send_tick() == 0
    assert double.sent == []
    after = Dispatcher(engine=engine, bot=bot, catalog=catalog, owner="next", now=Clock())
    assert await after.drain() == 1  # the chat's lease was given back
    assert [r.chat_id for r in double.sent] == [21]


async def test_ticks_and_renewals_never_raise(
    tmp_path: Path, bot: ExtBot[int], catalog: CatalogRef, caplog: pytest.LogCaptureFixture
) -> None:
    broken = make_engine(f"sqlite:///{tmp_path / 'unmigrated.db'}")  # no tables: every query fails
    dispatcher = Dispatcher(engine=broken, bot=bot, catalog=catalog, owner="me", now=Clock())
    dispatcher.wake()  # no scheduler listening: nothing happens
    assert await dispatcher.send_tick() == 0
    assert "claiming deliveries failed" in caplog.text
    await dispatcher.renew_leases()  # serving no chat: nothing to renew
    broken.dispose()
