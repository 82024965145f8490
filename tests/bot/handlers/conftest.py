"""Fixtures for handler tests in-process: the real Application, fed updates with
`process_update`, its replies going to the Bot API double; a migrated SQLite file copied from
one template per run.

`Chatter.say("/watch x")` queues the user's message in the double, takes it back with
getUpdates (as PTB's own polling would), lets the Application handle it and returns the texts
the bot sent to that chat meanwhile.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from telegram.ext import Application

from postbot.alerts.direction import strip_marks
from postbot.bot.application import build_application
from postbot.bot.services import Services
from postbot.config.catalog import Catalog, CatalogRef
from postbot.config.load import load_config
from postbot.delivery.flood import FloodGate
from postbot.store.db import make_engine, upgrade_engine
from support.botapi import BotApiDouble, SentRecord
from support.process import ADMIN_ID, TOKEN, write_config

NOW = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)
FEEDS = [("testnews", "وكالة الاختبار", "http://127.0.0.1:9/news.xml")]


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, made once per run."""
    path = tmp_path_factory.mktemp("template") / "postbot.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_engine(engine)
    engine.dispose()
    return path


@pytest.fixture
def engine(template_db: Path, tmp_path: Path) -> Iterator[sa.Engine]:
    """A fresh copy of the migrated template."""
    path = tmp_path / "postbot.db"
    shutil.copyfile(template_db, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@dataclass
class Chatter:
    """The Application under test, the double it talks to, and the clock it reads."""

    app: Application[Any, Any, Any, Any, Any, Any]
    double: BotApiDouble
    svc: Services
    now: list[datetime] = field(default_factory=lambda: [NOW])
    _offset: int = 0

    async def handle_pending(self) -> None:
        """Hand every queued update to the Application, in order."""
        updates = await self.app.bot.get_updates(offset=self._offset, timeout=0)
        for update in updates:
            self._offset = update.update_id + 1
            await self.app.process_update(update)

    async def say(
        self,
        chat_id: int,
        text: str,
        *,
        lang: str = "en",
        user_id: int | None = None,
        chat_type: str = "private",
    ) -> list[str]:
        """Send `text` as a user; the visible texts the bot sent to the chat in answer, without
        the invisible direction marks and isolates (tests/alerts/test_direction.py checks those).
        """
        before = len(self.double.sent)
        self.double.user_message(
            chat_id,
            text,
            user_id=user_id,
            chat_type=chat_type,
            language_code=lang,  # type: ignore[arg-type]
        )
        await self.handle_pending()
        return [strip_marks(r.text) for r in self.double.sent[before:] if r.chat_id == chat_id]

    async def press(
        self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None
    ) -> str | None:
        """Press a button of a bot message; the answer the bot gave to the press."""
        before = len(self.double.callback_answers)
        self.double.press_button(chat_id, message_id, data, user_id=user_id)
        await self.handle_pending()
        answers = self.double.callback_answers[before:]
        assert len(answers) == 1
        return answers[0].text

    def last(self, chat_id: int) -> SentRecord:
        """The bot's latest sendMessage to the chat."""
        return [r for r in self.double.sent if r.chat_id == chat_id][-1]

    def buttons(self, chat_id: int) -> list[str]:
        """Callback data of the buttons of the bot's current last message in the chat."""
        markup = self.double.messages(chat_id)[-1].reply_markup or {}
        return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


@pytest.fixture
def double() -> Iterator[BotApiDouble]:
    """The Bot API double, without flood limits (the handlers' pacing is not under test)."""
    with BotApiDouble(
        token=TOKEN, global_rate=None, group_per_minute=None, private_per_second=None
    ) as api:
        yield api
        assert api.internal_errors == []


@pytest.fixture
async def chatter(
    engine: sa.Engine, double: BotApiDouble, tmp_path: Path
) -> AsyncIterator[Chatter]:
    """An initialized Application with our handlers (no scheduler: post_init is not run)."""
    path = write_config(tmp_path / "postbot.yaml", FEEDS, admins=(ADMIN_ID,))
    catalog = Catalog.build(load_config(path))
    now = [NOW]
    svc = Services(engine=engine, catalog=CatalogRef(catalog), config_path=path, now=lambda: now[0])
    gate = FloodGate(per_second=1000, private_interval=0, group_interval=0)
    app = build_application(token=TOKEN, api_url=double.url, svc=svc, gate=gate)
    await app.initialize()
    try:
        yield Chatter(app, double, svc, now)
    finally:
        await app.shutdown()
        svc.executor.shutdown(wait=True)
