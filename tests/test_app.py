"""The builder: `postbot run` and `postbot worker` are built once, from one function, in-process."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlmodel import Session
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

from postbot.app import Runtime, build
from postbot.bot.services import BotData, bot_data_of
from postbot.config.settings import Settings
from postbot.delivery.ratelimit import GateRateLimiter
from postbot.store import repo

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config" / "postbot.yaml"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        telegram_bot_token=SecretStr("123456:test-token"),
        database_url=f"sqlite:///{tmp_path}/app.db",
        telegram_api_url="http://127.0.0.1:9",  # never called: nothing here starts
        postbot_admins=[7],
    )


def _wired_once(built: Runtime) -> None:
    """One poller, dispatcher, scheduler, gate and owner, all pointing at each other."""
    scheduler, poller, dispatcher = built.scheduler, built.poller, built.dispatcher
    assert scheduler.poller is poller and scheduler.dispatcher is dispatcher
    assert dispatcher.bot is built.bot and dispatcher.gate is built.gate
    assert scheduler.owner == poller.owner == dispatcher.owner
    assert dispatcher.on_wake == scheduler.wake_sender  # a wake runs the send job
    assert poller.refresher.on_queued == dispatcher.wake  # queued alerts wake the dispatcher
    assert scheduler.client is poller.refresher.client  # closed by the scheduler's stop
    assert built.svc.scheduler is scheduler
    assert poller.engine is dispatcher.engine is built.svc.engine
    assert dispatcher.metrics is poller.metrics is built.svc.metrics
    limiter = built.bot.rate_limiter
    assert isinstance(limiter, GateRateLimiter) and limiter.gate is built.gate


def test_run_builds_the_application_and_one_scheduler_for_it(settings: Settings) -> None:
    built = build(settings, CONFIG, handlers=True)
    try:
        assert built.application is not None
        assert built.bot is built.application.bot
        _wired_once(built)
        # no second tick mechanism, and nothing in bot_data but the services
        with pytest.warns(PTBUserWarning, match="No `JobQueue` set up"):
            assert built.application.job_queue is None
        assert isinstance(built.application.bot_data, BotData)
        assert bot_data_of(built.application).services is built.svc
        assert 7 in built.svc.catalog.current.admins
    finally:
        built.svc.engine.dispose()


def test_worker_builds_a_bare_bot_with_the_same_wiring(settings: Settings) -> None:
    built = build(settings, CONFIG, handlers=False)
    try:
        assert built.application is None
        assert isinstance(built.bot, ExtBot)
        assert built.bot.base_url == "http://127.0.0.1:9/bot123456:test-token"
        _wired_once(built)
    finally:
        built.svc.engine.dispose()


def test_reload_syncs_the_feed_rows_without_making_them_due(settings: Settings) -> None:
    built = build(settings, CONFIG, handlers=True)
    try:
        with Session(built.svc.engine) as session:
            assert repo.list_feeds(session=session) == []
        built.svc.on_reload()
        with Session(built.svc.engine) as session:
            feeds = repo.list_feeds(session=session)
        configured = built.svc.catalog.current.config.feeds
        assert [f.id for f in feeds] == sorted(f.id for f in configured)
    finally:
        built.svc.engine.dispose()


def test_a_missing_token_is_refused_before_anything_is_built(
    settings: Settings, tmp_path: Path
) -> None:
    from postbot.errors import ConfigError

    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        build(settings.model_copy(update={"telegram_bot_token": None}), CONFIG, handlers=False)
    assert not (tmp_path / "app.db").exists()


def test_closing_the_services_ends_their_database_threads(settings: Settings) -> None:
    built = build(settings, CONFIG, handlers=False)
    try:
        worker = asyncio.run(built.svc.call(threading.current_thread))
        assert worker.name.startswith("postbot-db") and worker.is_alive()
        built.svc.close()
        assert not worker.is_alive()
        with pytest.raises(RuntimeError, match="shutdown"):
            asyncio.run(built.svc.call(int))
    finally:
        built.svc.engine.dispose()
