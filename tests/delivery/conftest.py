"""Fixtures for the dispatcher tests: the Bot API double, a real PTB bot, both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import sqlalchemy as sa
from telegram.ext import ExtBot

from postbot.config.catalog import CatalogRef
from postbot.delivery.dispatch import Dispatcher
from postbot.delivery.flood import FloodGate
from postbot.delivery.ratelimit import GateRateLimiter
from support.botapi import BotApiDouble
from support.catalogs import catalog as shipped_catalog
from support.clocks import Clock

TOKEN = "4242:dispatch-test-token"


@pytest.fixture
def double() -> Iterator[BotApiDouble]:
    with BotApiDouble(token=TOKEN) as api:
        yield api
        assert api.internal_errors == []


@pytest.fixture
def catalog() -> CatalogRef:
    return CatalogRef(shipped_catalog([("wire", "Wire <&> Agency", "https://w.example/rss")]))


@pytest.fixture
async def bot(double: BotApiDouble) -> AsyncIterator[ExtBot[int]]:
    ext: ExtBot[int] = ExtBot(
        TOKEN, base_url=double.base_url, rate_limiter=GateRateLimiter(FloodGate(per_second=200))
    )
    async with ext:
        yield ext


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def dispatcher(
    engine: sa.Engine, bot: ExtBot[int], catalog: CatalogRef, clock: Clock
) -> Dispatcher:
    return Dispatcher(engine=engine, bot=bot, catalog=catalog, owner="me", now=clock)
