"""`postbot trend`: the /trend chart on the command line, for reports, from the configured
database (DATABASE_URL) and config (its topics and feed names)."""

from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from postbot import clock
from postbot.config.catalog import Catalog
from postbot.config.load import Config
from postbot.config.settings import Settings
from postbot.errors import QuerySyntaxError
from postbot.service.chart_cache import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS
from postbot.store.models import DEFAULT_TZ

if TYPE_CHECKING:
    from postbot.service.trend import Subject

TAG = re.compile(r"<[^>]+>")


def _days(value: str) -> int:
    days = int(value) if value.isdigit() else 0
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"{value!r}: give {MIN_DAYS} to {MAX_DAYS} days")
    return days


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `trend` subcommand's arguments."""
    tr = sub.add_parser("trend", parents=[common], help="chart stories per day as a PNG")
    what = tr.add_mutually_exclusive_group(required=True)
    what.add_argument("--topic", metavar="ID", help="a built-in topic (id or name)")
    what.add_argument("--query", metavar="QUERY", help="a query in the /watch language")
    tr.add_argument("--days", type=_days, default=DEFAULT_DAYS, help="7 to 90 (default 30)")
    tr.add_argument("--out", type=Path, default=Path("trend.png"), help="PNG file to write")
    tr.add_argument("--lang", choices=("ar", "en"), default="ar", help="labels (default ar)")
    tr.add_argument("--tz", default=DEFAULT_TZ, help=f"local days of (default {DEFAULT_TZ})")


def _subject(args: argparse.Namespace, catalog: Catalog) -> Subject | str:
    """What to chart, or why not."""
    from postbot.service.trend import Subject, find_subject, find_topic

    if args.topic is not None:
        topic = find_topic(catalog, args.topic)
        if topic is None:
            known = ", ".join(t.id for t in catalog.topics) or "none"
            return f"unknown topic {args.topic!r} (topics: {known})"
        return Subject(topic, None)
    try:
        return find_subject(catalog, args.query)
    except QuerySyntaxError as exc:
        return f"bad query: {exc}"


def cmd_trend(args: argparse.Namespace, settings: Settings, config: Config, out: TextIO) -> int:
    """Write the chart to --out and print its caption; 1 when nothing matched."""
    from postbot.alerts.zones import parse_zone
    from postbot.service.trend import make_chart  # matplotlib: only for this command
    from postbot.store.db import make_engine, upgrade_engine

    catalog = Catalog.build(config)
    subject = _subject(args, catalog)
    if isinstance(subject, str):
        print(f"postbot: {subject}", file=sys.stderr)
        return 2
    try:
        tz = parse_zone(args.tz)  # what /tz reads: IANA names, cities, UTC offsets
    except ValueError as exc:
        print(f"postbot: {exc}", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        upgrade_engine(engine)  # as `run` does: a database of an older postbot gets the index
        chart = make_chart(
            engine, catalog, subject, days=args.days, lang=args.lang, tz=tz, now=clock.utcnow()
        )
    finally:
        engine.dispose()
    print(html.unescape(TAG.sub("", chart.caption)), file=out)
    if chart.png is None:
        return 1
    args.out.write_bytes(chart.png)
    print(f"chart written to {args.out}", file=out)
    return 0
