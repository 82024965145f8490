"""What the handlers work with: `Services`, built once in `main`, kept in the typed bot_data.

The service functions (postbot.service) block on the database; `Services.call` runs them on
one small thread pool shared by all handlers, so the event loop never waits for the store.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar

import sqlalchemy as sa
from telegram.ext import Application, CallbackContext, ExtBot

from postbot.clock import utcnow
from postbot.config.catalog import CatalogRef
from postbot.ops.metrics import Metrics
from postbot.service.chart_cache import ChartCache

P = ParamSpec("P")
T = TypeVar("T")

# Threads for handlers' database work: more than SQLite's one writer needs, fewer than the
# connection pool holds, so a burst of commands queues here rather than on the pool.
DB_THREADS = 8


class Lifecycle(Protocol):
    """What runs beside the handlers (the scheduler): started and stopped with the bot."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...


@dataclass
class Services:
    """The store, the current config, and hooks into the scheduler."""

    engine: sa.Engine
    catalog: CatalogRef
    config_path: Path
    extra_admins: frozenset[int] = frozenset()
    on_reload: Callable[[], None] = lambda: None
    now: Callable[[], datetime] = utcnow
    metrics: Metrics = field(default_factory=Metrics)
    charts: ChartCache = field(default_factory=ChartCache)  # /trend's, ten minutes each
    scheduler: Lifecycle | None = None  # set by app.py's builder; None: handlers only (tests)
    # threads start on first use; `close` ends them when the process stops
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(DB_THREADS, thread_name_prefix="postbot-db")
    )

    def is_admin(self, user_id: int | None) -> bool:
        """A bot admin (config `admins` or POSTBOT_ADMINS)."""
        return user_id is not None and user_id in self.catalog.current.admins

    def close(self) -> None:
        """Stop the database threads: queued calls are cancelled, running ones finish."""
        self.executor.shutdown(wait=True, cancel_futures=True)

    async def call(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` on the database threads (with this task's context vars)."""
        context = contextvars.copy_context()
        call = functools.partial(context.run, fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self.executor, call)


class BotData:
    """The application's bot_data (PTB `ContextTypes`): what every handler shares."""

    def __init__(self) -> None:
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        """The Services, set when the application is built."""
        if self._services is None:
            raise RuntimeError("bot_data.services is set by build_application")
        return self._services

    @services.setter
    def services(self, value: Services) -> None:
        self._services = value


# what handlers receive: PTB's context with our bot_data (user and chat data stay plain dicts)
Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]


def services(context: Context) -> Services:
    """The Services stored in the application's bot_data."""
    return context.bot_data.services


def bot_data_of(app: Application[Any, Any, Any, Any, Any, Any]) -> BotData:
    """The application's bot_data, typed (an Application built by build_application)."""
    data = app.bot_data
    if not isinstance(data, BotData):
        raise TypeError("the application was not built with postbot's ContextTypes")
    return data
