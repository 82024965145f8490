"""Command line: parse arguments, build settings and config once, run the command (SPEC §2)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import secrets
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from postbot import __version__, cli_trend, clock
from postbot.config.load import Config, check_config, load_config
from postbot.config.model import CHANNEL_PREVIEW
from postbot.config.settings import Settings, load_settings, webhook_secret_problem
from postbot.errors import ConfigError, ConfigProblem, QuerySyntaxError, StartupError
from postbot.feeds.fetch import make_client
from postbot.ids import parse_number
from postbot.match.topics import build_topics
from postbot.ops import logs
from postbot.ops.logs import setup_logging
from postbot.ops.metrics import METRICS_HOST
from postbot.pipeline.report import story_jsonl, story_text
from postbot.pipeline.scan import FeedScan, FeedSource, build_matcher, scan

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _AdHocFeed:
    id: str
    name: str
    url: str


def build_parser() -> argparse.ArgumentParser:
    """The `postbot` argument parser with its subcommands."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", help="YAML config (overrides POSTBOT_CONFIG)")
    parser = argparse.ArgumentParser(
        prog="postbot", description="Telegram alerts for Arabic news feeds."
    )
    parser.add_argument("--version", action="version", version=f"postbot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ops = argparse.ArgumentParser(add_help=False)
    where = ops.add_mutually_exclusive_group()
    where.add_argument(
        "--metrics-port",
        type=_port,
        metavar="PORT",
        help=f"serve /metrics and /healthz on {METRICS_HOST}:PORT",
    )
    where.add_argument(
        "--metrics-listen",
        type=parse_listen,
        metavar="HOST:PORT",
        help="serve /metrics and /healthz on HOST:PORT (e.g. 0.0.0.0:9100 for every interface)",
    )
    run = sub.add_parser("run", parents=[common, ops], help="the bot and the feed scheduler")
    run.add_argument("--webhook-url", metavar="URL", help="webhook mode instead of polling")
    run.add_argument("--listen", default="0.0.0.0", help="webhook listen address")
    run.add_argument("--port", type=int, default=8443, help="webhook port")
    run.add_argument(
        "--secret",
        help="deprecated (visible in `ps`): set TELEGRAM_WEBHOOK_SECRET instead",
    )
    sub.add_parser("worker", parents=[common, ops], help="poll feeds and deliver alerts only")

    sc = sub.add_parser("scan", parents=[common], help="poll feeds once and print matches")
    sc.add_argument(
        "--feed",
        action="append",
        default=[],
        metavar="URL_OR_PATH",
        help="scan this feed instead of the configured ones (repeatable)",
    )
    sc.add_argument(
        "--watch",
        action="append",
        default=[],
        metavar="QUERY",
        help="also match this query (repeatable)",
    )
    sc.add_argument("--format", choices=("text", "jsonl"), default="text")
    sc.add_argument("--all", action="store_true", help="print non-matching stories too")

    cf = sub.add_parser(
        "check-feeds", parents=[common], help="fetch every configured source now and judge it"
    )
    cf.add_argument("--format", choices=("table", "jsonl"), default="table")
    cf.add_argument("--timeout", type=float, default=30.0, help="seconds per source (30)")

    cc = sub.add_parser("check-config", parents=[common], help="validate the YAML config")
    cc.add_argument("path", nargs="?", help="config file (default: --config / POSTBOT_CONFIG)")

    cli_trend.add_parser(sub, common)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", parents=[common], help="apply schema migrations")
    return parser


def _port(value: str) -> int:
    port = parse_number(value, low=0, high=65535)  # not int(): it takes "1_2", " +12 "
    if port is None:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (0-65535)")
    return port


def parse_listen(value: str) -> tuple[str, int]:
    """HOST:PORT (or [IPv6]:PORT, or a bare PORT on 127.0.0.1) for --metrics-listen."""
    host, colon, port = value.rpartition(":")
    if not colon:
        return METRICS_HOST, _port(value)
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        raise argparse.ArgumentTypeError(
            f"{value!r}: name the address, e.g. 127.0.0.1:{port} or 0.0.0.0:{port}"
        )
    return host, _port(port)


def webhook_secret(args: argparse.Namespace, settings: Settings) -> str:
    """The webhook's secret token: TELEGRAM_WEBHOOK_SECRET, else the deprecated --secret, else
    a fresh random one for this run (registered with setWebhook, so Telegram sends it back)."""
    if settings.telegram_webhook_secret is not None:
        if args.secret:
            log.warning("--secret is ignored: TELEGRAM_WEBHOOK_SECRET is set")
        return settings.telegram_webhook_secret.get_secret_value()
    if args.secret:
        problem = webhook_secret_problem(args.secret)
        if problem:
            raise ConfigError([ConfigProblem("--secret", None, problem)])
        log.warning(
            "--secret is deprecated: every user of this machine can read it in `ps`; "
            "set TELEGRAM_WEBHOOK_SECRET in the environment or .env instead"
        )
        return str(args.secret)
    log.info(
        "webhook: TELEGRAM_WEBHOOK_SECRET is not set; using a random secret for this run "
        "(every request without it is refused with 403)"
    )
    # 32 random bytes as URL-safe base64: 43 characters, all from Telegram's A-Z a-z 0-9 _ -
    return secrets.token_urlsafe(32)


def _config_path(args: argparse.Namespace, settings: Settings) -> Path:
    return Path(getattr(args, "path", None) or args.config or settings.postbot_config)


def _feed_id(source: str, index: int) -> str:
    stem = Path(source.split("?")[0].rstrip("/")).name or f"feed{index}"
    stem = re.sub(r"\.(xml|rss|atom)$", "", stem.lower())
    return re.sub(r"[^a-z0-9_-]+", "-", stem).strip("-") or f"feed{index}"


def cmd_scan(
    args: argparse.Namespace, config: Config, out: TextIO, channel_preview: str = CHANNEL_PREVIEW
) -> int:
    """Poll feeds once, match topics and watches, print the results."""
    topics = build_topics(config.topics)
    try:
        matcher = build_matcher(topics, args.watch)
    except QuerySyntaxError as exc:
        print(f"postbot: {exc}", file=sys.stderr)
        return 2
    feeds: Sequence[FeedSource]
    if args.feed:
        feeds = [_AdHocFeed(_feed_id(f, i), _feed_id(f, i), f) for i, f in enumerate(args.feed)]
    else:
        feeds = [f for f in config.feeds if f.enabled]

    async def go() -> list[FeedScan]:
        async with make_client() as client:
            return await scan(client, feeds, matcher, channel_preview=channel_preview)

    results = asyncio.run(go())
    topic_names = {t.id: t.name_ar for t in topics}
    failed = 0
    for result in results:
        if result.error:
            failed += 1
            print(f"postbot: feed {result.feed.id}: {result.error}", file=sys.stderr)
        if result.warning:
            print(f"postbot: feed {result.feed.id}: warning: {result.warning}", file=sys.stderr)
        for scanned in result.stories:
            if not (args.all or scanned.match.matched):
                continue
            if args.format == "jsonl":
                print(story_jsonl(result.feed.id, scanned), file=out)
            else:
                print(story_text(result, scanned, topic_names) + "\n", file=out)
    return 1 if failed else 0


def cmd_check_feeds(
    args: argparse.Namespace, config: Config, out: TextIO, channel_preview: str = CHANNEL_PREVIEW
) -> int:
    """Fetch every configured source once and print a verdict for each (pipeline/check.py)."""
    from postbot.pipeline import check

    async def go() -> list[check.SourceCheck]:
        async with make_client(read_timeout=args.timeout) as client:
            checker = check.Checker(client, clock.utcnow, total_timeout=args.timeout)
            return await checker.check_all(check.sources_from_config(config, channel_preview))

    results = asyncio.run(go())
    if args.format == "jsonl":
        print(check.render_jsonl(results), file=out)
    else:
        print(check.render_table(results), file=out)
    return check.exit_code(results)


def cmd_check_config(path: Path) -> int:
    """Validate the config; print every problem as file:line: message."""
    problems = check_config(path)
    for line in problems:
        print(line, file=sys.stderr)
    if not problems:
        print(f"{path}: OK")
    return 1 if problems else 0


def cmd_db_upgrade(settings: Settings) -> int:
    """Apply pending schema migrations."""
    from postbot.store.db import upgrade  # alembic is only needed here

    upgrade(settings.database_url)
    print("database is up to date")
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings, secret: str = "") -> int:
    """Start the bot (or a worker): refuse without a token or with a bad config, then serve."""
    from postbot.app import Webhook, run_bot, run_worker  # telegram is only needed here
    from postbot.ops import malloc
    from postbot.ops.memtrace import start_from_env

    malloc.tune()  # before any thread: freed memory goes back to the OS (see postbot.ops.malloc)
    malloc.start_trimming()  # and the free pages inside the heaps, every minute
    start_from_env()  # POSTBOT_TRACEMALLOC: off unless set
    config_path = _config_path(args, settings)
    metrics_listen: tuple[str, int] | None = args.metrics_listen
    if args.metrics_port is not None:
        metrics_listen = (METRICS_HOST, args.metrics_port)
    if args.command == "worker":
        run_worker(settings, config_path, metrics_listen)
        return 0
    webhook = None
    if args.webhook_url:
        webhook = Webhook(args.webhook_url, args.listen, args.port, secret)
    run_bot(settings, config_path, webhook, metrics_listen)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `postbot` console script."""
    args = build_parser().parse_args(argv)
    # PTB 22 warns on every 429 unless durations come as timedelta; we read them either way
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    clock.configure_from_environment()  # the rehearsal clock offset, read once per process
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"postbot: {exc}", file=sys.stderr)
        return 2
    secret = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    setup_logging(settings.log_level, (secret,), settings.log_format)
    logs.mask_everywhere(logs.url_secrets(settings.telegram_api_url))  # a proxy's user:password@
    try:
        hook_secret = ""
        if args.command == "run" and args.webhook_url:
            hook_secret = webhook_secret(args, settings)
            # the webhook secret is masked in the log like the token
            setup_logging(settings.log_level, (secret, hook_secret), settings.log_format)
        if args.command == "check-config":
            return cmd_check_config(_config_path(args, settings))
        if args.command == "db":
            return cmd_db_upgrade(settings)
        if args.command in ("run", "worker"):
            return cmd_run(args, settings, hook_secret)
        config = load_config(_config_path(args, settings))
        if args.command == "check-feeds":
            return cmd_check_feeds(args, config, sys.stdout, settings.postbot_telegram_preview_url)
        if args.command == "trend":
            return cli_trend.cmd_trend(args, settings, config, sys.stdout)
        return cmd_scan(args, config, sys.stdout, settings.postbot_telegram_preview_url)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 1
    except StartupError as exc:  # printed, not logged: the log filter never sees it
        print(f"postbot: {logs.redact_text(str(exc), (secret,))}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `postbot scan | head`: the reader has gone, stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
