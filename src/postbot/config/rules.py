"""The config file's rules, applied to a YAML tree to build a `Config` (SPEC §3).

A rule that fails records a `ConfigProblem` at the line of the offending key or value, and
checking goes on, so one run reports every problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from difflib import get_close_matches
from pathlib import Path
from typing import TypeVar

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from postbot.config.model import (
    BREAKING_MINUTES,
    BREAKING_OUTLETS,
    CHANNEL_PREVIEW,
    DEFAULT_INTERVAL,
    RETENTION_DAYS,
    BreakingConfig,
    Config,
    FeedConfig,
    LocalizedName,
    TopicConfig,
    channel_username,
    country_code,
    describe,
    feed_location,
    parse_interval,
    url_key,
)
from postbot.config.yamltree import item_line, key_line, offset_line, value_line
from postbot.errors import ConfigError, ConfigProblem, QuerySyntaxError
from postbot.match.query import parse_query

TOP_KEYS = ("admins", "defaults", "telegram", "feeds", "topics", "breaking", "retention_days")
TELEGRAM_KEYS = ("paid_broadcast",)
BREAKING_KEYS = ("outlets", "minutes")
DEFAULTS_KEYS = ("interval",)
FEED_KEYS = ("id", "name", "url", "telegram", "interval", "enabled", "country")
TOPIC_KEYS = ("id", "name", "query", "context", "troop_counts")
NAME_KEYS = ("ar", "en")

_ID_RULES = {
    "feed": (re.compile(r"[a-z0-9_-]{1,64}"), "1-64 characters from a-z, 0-9, _ and -"),
    "topic": (re.compile(r"[a-z0-9_]{1,64}"), "1-64 characters from a-z, 0-9 and _"),
}
# YAML 1.1 read these as booleans; YAML 1.2 (ruamel's default) reads them as text
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}

T = TypeVar("T")


def build_config(tree: object, *, text: str, filename: str) -> Config:
    """Validate a round-trip YAML tree into a Config; raise ConfigError listing every problem."""
    return _Builder(text, filename).build(tree)


def _label(item: CommentedMap, kind: str, index: int) -> str:
    raw = item.get("id")
    return (
        f"{kind} {str(raw)!r}" if isinstance(raw, str) and raw.strip() else f"{kind} #{index + 1}"
    )


class _Builder:
    """Walks one tree, collecting problems; each method returns None for a value it rejected."""

    def __init__(self, text: str, filename: str) -> None:
        self.filename = filename
        self.lines = text.splitlines()
        self.base_dir = Path(filename).parent
        self.problems: list[ConfigProblem] = []
        self.seen: dict[str, int] = {}  # id -> line, reset for each section
        self.urls: dict[str, tuple[str, int]] = {}  # url_key -> (feed label, line)

    def add(self, line: int | None, message: str) -> None:
        self.problems.append(ConfigProblem(self.filename, line, message))

    def build(self, tree: object) -> Config:
        if not isinstance(tree, CommentedMap):
            shape = "empty" if tree is None else f"{describe(tree)}, not a mapping"
            line = int(tree.lc.line) + 1 if isinstance(tree, CommentedSeq) else 1
            self.add(line, f"the config is {shape}: expected admins, defaults, feeds and topics")
            raise ConfigError(self.problems)
        self.keys(tree, TOP_KEYS, "at the top level")
        admins = self.admins(tree)
        interval = self.defaults(tree)
        paid = self.telegram(tree)
        breaking = self.breaking(tree)
        retention = self.whole(tree, "retention_days", "at the top level", RETENTION_DAYS, 180)
        feeds = self.items(tree, "feeds", lambda m, i, line: self.feed(m, i, line, interval))
        topics = self.items(tree, "topics", self.topic)
        if self.problems:
            raise ConfigError(sorted(self.problems, key=lambda p: p.line or 0))
        return Config(
            Path(self.filename),
            admins,
            interval,
            tuple(feeds),
            tuple(topics),
            paid_broadcast=paid,
            breaking=breaking,
            retention_days=retention,
        )

    def keys(self, node: CommentedMap, allowed: tuple[str, ...], where: str) -> None:
        for key in node:
            if key not in allowed:
                close = get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.add(
                    key_line(node, key),
                    f"unknown key {str(key)!r} {where}{hint}; allowed keys: {', '.join(allowed)}",
                )

    def seq(self, node: CommentedMap, key: str, what: str) -> CommentedSeq | None:
        value = node.get(key)
        if value is None or isinstance(value, CommentedSeq):
            return value
        self.add(value_line(node, key), f"'{key}' must be a list of {what}, not {describe(value)}")
        return None

    def admins(self, root: CommentedMap) -> tuple[int, ...]:
        ids: list[int] = []
        seq = self.seq(root, "admins", "Telegram user ids") or CommentedSeq()
        for i, value in enumerate(seq):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                line = item_line(seq, i)
                self.add(line, f"admins: {describe(value)} is not a Telegram user id (a number)")
            elif int(value) not in ids:
                ids.append(int(value))
        return tuple(ids)

    def defaults(self, root: CommentedMap) -> timedelta:
        node = root.get("defaults")
        if node is None:
            return DEFAULT_INTERVAL
        if not isinstance(node, CommentedMap):
            message = f"'defaults' must be a mapping such as {{interval: 5m}}, not {describe(node)}"
            self.add(value_line(root, "defaults"), message)
            return DEFAULT_INTERVAL
        self.keys(node, DEFAULTS_KEYS, "in defaults")
        return self.interval(node, "defaults") or DEFAULT_INTERVAL

    def telegram(self, root: CommentedMap) -> bool:
        node = root.get("telegram")
        if node is None:
            return False
        if not isinstance(node, CommentedMap):
            message = (
                "'telegram' must be a mapping such as {paid_broadcast: false}, "
                f"not {describe(node)}"
            )
            self.add(value_line(root, "telegram"), message)
            return False
        self.keys(node, TELEGRAM_KEYS, "in telegram")
        return self.flag(node, "paid_broadcast", "telegram", default=False)

    def breaking(self, root: CommentedMap) -> BreakingConfig:
        node = root.get("breaking")
        default = BreakingConfig()
        if node is None:
            return default
        if not isinstance(node, CommentedMap):
            message = (
                "'breaking' must be a mapping such as {outlets: 3, minutes: 30}, "
                f"not {describe(node)}"
            )
            self.add(value_line(root, "breaking"), message)
            return default
        self.keys(node, BREAKING_KEYS, "in breaking")
        outlets = self.whole(node, "outlets", "breaking", BREAKING_OUTLETS, default.outlets)
        minutes = self.whole(node, "minutes", "breaking", BREAKING_MINUTES, default.minutes)
        return BreakingConfig(outlets=outlets, minutes=minutes)

    def whole(
        self, node: CommentedMap, key: str, where: str, bounds: tuple[int, int], default: int
    ) -> int:
        """A whole number within `bounds` (inclusive); the default when absent or wrong."""
        value = node.get(key)
        if value is None:
            return default
        low, high = bounds
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            message = f"{where}: '{key}' must be a whole number from {low} to {high}, "
            self.add(value_line(node, key), message + f"not {describe(value)}")
            return default
        return int(value)

    def items(
        self, root: CommentedMap, key: str, build: Callable[[CommentedMap, int, int], T | None]
    ) -> list[T]:
        out: list[T] = []
        seq = self.seq(root, key, key) or CommentedSeq()
        self.seen = {}
        for i, item in enumerate(seq):
            line = item_line(seq, i)
            if not isinstance(item, CommentedMap):
                self.add(line, f"{key[:-1]} #{i + 1} must be a mapping, not {describe(item)}")
            elif (value := build(item, i, line)) is not None:
                out.append(value)
        return out

    def feed(
        self, item: CommentedMap, index: int, line: int, interval: timedelta
    ) -> FeedConfig | None:
        before = len(self.problems)
        where = _label(item, "feed", index)
        self.keys(item, FEED_KEYS, f"in {where}")
        fid = self.ident(item, where, "feed", line)
        name = self.text(item, "name", where, line)
        channel = None
        if "telegram" in item and "url" in item:
            self.add(line, f"{where} has both 'url' and 'telegram': give exactly one of them")
            url = None
        elif "telegram" in item:
            channel = self.channel(item, where, line)
            url = None if channel is None else f"{CHANNEL_PREVIEW}/{channel}"
        elif "url" not in item:
            self.add(line, f"{where} has no 'url' (or 'telegram: <channel>' for a channel)")
            url = None
        else:
            url = self.url(item, where, line)
        own_interval = self.interval(item, where)
        enabled = self.flag(item, "enabled", where, default=True)
        country = self.country(item, where)
        if len(self.problems) > before or fid is None or name is None or url is None:
            return None
        return FeedConfig(
            fid, name, url, own_interval or interval, enabled, country, telegram=channel
        )

    def country(self, item: CommentedMap, where: str) -> str | None:
        if item.get("country") is None:
            return None
        try:
            return country_code(item["country"])
        except ValueError as err:
            self.add(value_line(item, "country"), f"{where}: {err}")
            return None

    def topic(self, item: CommentedMap, index: int, line: int) -> TopicConfig | None:
        before = len(self.problems)
        where = _label(item, "topic", index)
        self.keys(item, TOPIC_KEYS, f"in {where}")
        tid = self.ident(item, where, "topic", line)
        name = self.name(item, where, line)
        query = self.query(item, where, line) if item.get("query") is not None else None
        context = self.query(item, where, line, "context") if "context" in item else None
        troops = self.flag(item, "troop_counts", where, default=False)
        # an invalid troop_counts was reported already; "needs a query" would only add noise
        flag_ok = isinstance(item.get("troop_counts"), bool | None)
        if item.get("query") is None and not troops and flag_ok:
            self.add(line, f"{where} needs a query, troop_counts: true, or both")
        if len(self.problems) > before or tid is None or name is None:
            return None
        return TopicConfig(tid, name, query, troops, context)

    def text(self, node: CommentedMap, key: str, where: str, line: int) -> str | None:
        if key not in node:
            self.add(line, f"{where} has no '{key}'")
            return None
        value = node[key]
        if isinstance(value, str) and value.strip():
            return str(value).strip()
        empty = value is None or isinstance(value, str)
        problem = "is empty" if empty else f"must be text, not {describe(value)}"
        self.add(value_line(node, key), f"{where}: '{key}' {problem}")
        return None

    def ident(self, item: CommentedMap, where: str, kind: str, line: int) -> str | None:
        ident = self.text(item, "id", where, line)
        if ident is None:
            return None
        id_line = value_line(item, "id")
        pattern, allowed = _ID_RULES[kind]
        if not pattern.fullmatch(ident):
            self.add(id_line, f"{kind} id {ident!r} is not valid: use {allowed}")
            return None
        if ident in self.seen:
            self.add(
                id_line, f"duplicate {kind} id {ident!r} (first used at line {self.seen[ident]})"
            )
            return None
        self.seen[ident] = id_line
        return ident

    def url(self, item: CommentedMap, where: str, line: int) -> str | None:
        raw = self.text(item, "url", where, line)
        if raw is None:
            return None
        url_line = value_line(item, "url")
        try:
            url = feed_location(raw, self.base_dir)
        except ValueError as err:
            self.add(url_line, f"{where}: {err}")
            return None
        first = self.urls.setdefault(url_key(url), (where, url_line))
        if first[1] != url_line:
            self.add(url_line, f"{where} has the same url as {first[0]} (line {first[1]})")
            return None
        return url

    def channel(self, item: CommentedMap, where: str, line: int) -> str | None:
        """A public Telegram channel's username (`telegram:`), unique among the feeds."""
        raw = self.text(item, "telegram", where, line)
        if raw is None:
            return None
        channel_line = value_line(item, "telegram")
        try:
            name = channel_username(raw)
        except ValueError as err:
            self.add(channel_line, f"{where}: {err}")
            return None
        # usernames are case-insensitive: @IraqNews and @iraqnews are one channel
        first = self.urls.setdefault(f"t.me/{name.lower()}", (where, channel_line))
        if first[1] != channel_line:
            self.add(channel_line, f"{where} has the same channel as {first[0]} (line {first[1]})")
            return None
        return name

    def interval(self, node: CommentedMap, where: str) -> timedelta | None:
        value = node.get("interval")
        if value is None:
            return None
        try:
            return parse_interval(value)
        except ValueError as err:
            self.add(value_line(node, "interval"), f"{where}: {err}")
            return None

    def flag(self, node: CommentedMap, key: str, where: str, *, default: bool) -> bool:
        value = node.get(key)
        if value is None or isinstance(value, bool):
            return default if value is None else value
        hint = ""
        if isinstance(value, str) and value.strip().lower() in _YAML11_BOOLS:
            hint = " (YAML 1.2 reads yes/no/on/off as text)"
        message = f"{where}: '{key}' must be true or false, not {describe(value)}{hint}"
        self.add(value_line(node, key), message)
        return default

    def name(self, item: CommentedMap, where: str, line: int) -> LocalizedName | None:
        value = item.get("name")
        if not isinstance(value, CommentedMap):
            if value is not None and not isinstance(value, str):
                message = f"{where}: 'name' must be text or {{ar: ..., en: ...}}"
                self.add(value_line(item, "name"), f"{message}, not {describe(value)}")
                return None
            text = self.text(item, "name", where, line)
            return LocalizedName(text, text) if text is not None else None
        inner = f"the name of {where}"
        self.keys(value, NAME_KEYS, f"in {inner}")
        name_line = value_line(item, "name")
        ar, en = self.text(value, "ar", inner, name_line), self.text(value, "en", inner, name_line)
        return LocalizedName(ar, en) if ar is not None and en is not None else None

    def query(self, item: CommentedMap, where: str, line: int, key: str = "query") -> str | None:
        query = self.text(item, key, where, line)
        if query is None:
            return None
        raw = item[key]
        try:
            # topics are written by the operator, so the 200-character limit of /watch is lifted
            parse_query(str(raw), max_length=None)
        except QuerySyntaxError as err:
            error_line = offset_line(self.lines, item, key, err.position)
            message = f"{key} error at character {err.position + 1}: {err.message}"
            self.add(error_line, f"{where}: {message}")
            return None
        return query
