"""What the command handlers work with, built once in `main` and kept in `bot_data`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol, cast

import sqlalchemy as sa
from telegram.ext import ContextTypes

from postbot.clock import utcnow
from postbot.config.catalog import CatalogRef
from postbot.ops.metrics import Metrics

KEY = "postbot"


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
    scheduler: Lifecycle | None = None  # set by app.py's builder; None: handlers only (tests)

    def is_admin(self, user_id: int | None) -> bool:
        """A bot admin (config `admins` or POSTBOT_ADMINS)."""
        return user_id is not None and user_id in self.catalog.current.admins


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The Services stored in the application's bot_data."""
    return cast(Services, context.bot_data[KEY])
