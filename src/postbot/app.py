"""`postbot run` and `postbot worker`: build everything once, then serve until stopped."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application, ExtBot

from postbot.bot import admin
from postbot.bot.application import build_application, gate_for
from postbot.bot.outage import OutageLog, WatchedRequest
from postbot.bot.services import Services
from postbot.config.catalog import Catalog, CatalogRef
from postbot.config.load import load_config
from postbot.config.settings import Settings, require_token
from postbot.delivery.dispatch import Dispatcher
from postbot.delivery.flood import FloodGate
from postbot.delivery.ratelimit import GateRateLimiter
from postbot.errors import StartupError
from postbot.feeds.fetch import make_client
from postbot.ops.logs import redact_text, redact_url
from postbot.ops.metrics import Metrics, MetricsServer
from postbot.pipeline.refresh import Poller
from postbot.scheduler import Scheduler, process_owner

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Webhook:
    """Webhook mode options (`postbot run --webhook-url ...`)."""

    url: str
    listen: str
    port: int
    secret: str  # never empty: PTB checks the header only when a secret is set


def prepare(settings: Settings, config_path: Path) -> tuple[str, Services]:
    """Check the token and config, migrate the database, and build the services."""
    from postbot.store.db import make_engine, upgrade_engine  # alembic only where needed

    token = require_token(settings)
    config = load_config(config_path)
    extra = frozenset(settings.postbot_admins)
    catalog = Catalog.build(config, extra)
    engine = make_engine(settings.database_url)
    upgrade_engine(engine)
    svc = Services(
        engine=engine, catalog=CatalogRef(catalog), config_path=config_path, extra_admins=extra
    )
    return token, svc


@dataclass(frozen=True, slots=True)
class Runtime:
    """Everything one process runs, built once: the bot (with the Application in `run` mode),
    the flood gate they share, and the scheduler (reached by handlers through `svc`)."""

    token: str
    svc: Services
    gate: FloodGate
    bot: Bot
    poller: Poller
    dispatcher: Dispatcher
    scheduler: Scheduler
    application: Application[Any, Any, Any, Any, Any, Any] | None  # None: `postbot worker`


def build(settings: Settings, config_path: Path, *, handlers: bool) -> Runtime:
    """Build the process: with `handlers` (postbot run) the Application and its bot, else a
    bare bot (postbot worker); then the one scheduler, started and stopped with them."""
    token, svc = prepare(settings, config_path)
    api_url = settings.telegram_api_url
    gate = gate_for(svc)
    application = None
    bot: Bot
    if handlers:
        application = build_application(token=token, api_url=api_url, svc=svc, gate=gate)
        bot = application.bot
    else:
        bot = ExtBot(
            token,
            base_url=f"{api_url}/bot",
            base_file_url=f"{api_url}/file/bot",
            rate_limiter=GateRateLimiter(gate),
            request=WatchedRequest(OutageLog(), connection_pool_size=256),
        )

    async def notify(key: str, values: dict[str, str]) -> None:
        await admin.notify_admins(bot, svc, key, values)

    owner = process_owner()
    client = make_client()
    dispatcher = Dispatcher(
        engine=svc.engine,
        bot=bot,
        catalog=svc.catalog,
        owner=owner,
        gate=gate,
        paid_broadcast=svc.catalog.current.config.paid_broadcast,
        metrics=svc.metrics,
    )
    poller = Poller(
        engine=svc.engine,
        client=client,
        catalog=svc.catalog,
        owner=owner,
        notify_admins=notify,
        on_queued=dispatcher.wake,
        metrics=svc.metrics,
        channel_preview=settings.postbot_telegram_preview_url,
    )
    scheduler = Scheduler(
        engine=svc.engine,
        poller=poller,
        dispatcher=dispatcher,
        owner=owner,
        client=client,
        metrics=svc.metrics,
        retention_days=lambda: svc.catalog.current.config.retention_days,
    )
    svc.scheduler = scheduler
    svc.on_reload = lambda: poller.sync_feeds(poll_now=False)
    return Runtime(token, svc, gate, bot, poller, dispatcher, scheduler, application)


def run_bot(
    settings: Settings,
    config_path: Path,
    webhook: Webhook | None,
    metrics_listen: tuple[str, int] | None = None,
) -> None:
    """The bot, the feed scheduler and the dispatcher in one process, until SIGINT/SIGTERM."""
    built = build(settings, config_path, handlers=True)
    assert built.application is not None
    log.info("postbot starting (%s)", "webhook" if webhook else "long polling")
    try:
        with (
            one_run(built.svc.engine, webhook=webhook is not None),
            telegram_errors(settings.telegram_api_url),
            serve_metrics(built.svc.metrics, metrics_listen),
        ):
            asyncio.run(verify_bot_api(built.token, settings.telegram_api_url))
            _serve(built.application, webhook)
    finally:
        built.svc.close()
        built.svc.engine.dispose()


@contextmanager
def one_run(engine: sa.Engine, *, webhook: bool) -> Iterator[None]:
    """This process's hold on the database's `run` lock: a second `run` refuses to start."""
    from postbot.store.runlock import AlreadyRunning, run_lock

    try:
        with run_lock(engine, webhook=webhook):
            yield
    except AlreadyRunning as exc:
        raise StartupError(str(exc)) from None


@contextmanager
def serve_metrics(metrics: Metrics, listen: tuple[str, int] | None) -> Iterator[None]:
    """/metrics and /healthz on `listen` (host, port) while the block runs; nothing if None."""
    if listen is None:
        yield
        return
    host, port = listen
    server = MetricsServer(metrics, host=host, port=port)
    try:
        server.start()
    except (OSError, OverflowError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise StartupError(f"cannot serve metrics on {host} port {port}: {reason}") from None
    try:
        yield
    finally:
        server.stop()


@contextmanager
def telegram_errors(api_url: str) -> Iterator[None]:
    """Turn a refused token or an unreachable Bot API at start-up into one clear line."""
    try:
        yield
    except InvalidToken:
        # not the exception's text: PTB's message quotes the token
        raise StartupError(
            "the Bot API refused the bot token (401 Unauthorized): check TELEGRAM_BOT_TOKEN"
        ) from None
    except NetworkError as exc:
        # TELEGRAM_API_URL may carry user:password@ for a proxy in front of the Bot API (what
        # redact_url cannot find in a malformed URL, main masks as a secret)
        raise StartupError(
            f"cannot reach the Bot API at {redact_url(api_url)}: {redact_text(exc.message)}"
        ) from None


async def verify_bot_api(token: str, api_url: str) -> None:
    """Ask the Bot API who we are, once, so that a refused token or an unreachable server is
    one clear line (PTB's own start-up would log a traceback and retry first)."""
    async with Bot(token, base_url=f"{api_url}/bot", base_file_url=f"{api_url}/file/bot") as bot:
        log.info("Bot API at %s: this is @%s", redact_url(api_url), bot.username)


def _serve(app: Any, webhook: Webhook | None) -> None:
    """Long polling, or a webhook server; both stop on SIGINT/SIGTERM."""
    if webhook is None:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
        return
    if not webhook.secret:
        raise StartupError("webhook mode needs a secret token (TELEGRAM_WEBHOOK_SECRET)")
    # PTB's webhook server answers 403 to every request whose X-Telegram-Bot-Api-Secret-Token
    # header is missing or differs, before reading the update
    app.run_webhook(
        listen=webhook.listen,
        port=webhook.port,
        url_path=urlsplit(webhook.url).path.lstrip("/"),
        secret_token=webhook.secret,
        webhook_url=webhook.url,
        allowed_updates=Update.ALL_TYPES,
    )


def run_worker(
    settings: Settings, config_path: Path, metrics_listen: tuple[str, int] | None = None
) -> None:
    """Poll feeds and send alerts without receiving updates, until SIGINT/SIGTERM."""
    if sa.make_url(settings.database_url).get_backend_name() == "sqlite":
        raise StartupError(
            "postbot worker shares the work of `postbot run` through PostgreSQL; with SQLite "
            "(DATABASE_URL is a sqlite URL) run only `postbot run`, which polls and sends too"
        )
    built = build(settings, config_path, handlers=False)
    with (
        telegram_errors(settings.telegram_api_url),
        serve_metrics(built.svc.metrics, metrics_listen),
    ):
        asyncio.run(verify_bot_api(built.token, settings.telegram_api_url))
        asyncio.run(_worker(built))


async def _worker(built: Runtime) -> None:
    """Start the scheduler with the bot and run until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with built.bot:
        await built.scheduler.start(poll_now=False)
        log.info("postbot worker started")
        await stop.wait()
        await built.scheduler.stop()
    built.svc.close()
    built.svc.engine.dispose()
