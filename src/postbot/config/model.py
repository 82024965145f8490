"""Typed configuration values (SPEC §3) and the checks on single values: intervals and feed URLs.

Nothing here knows about YAML; `config_rules.py` walks the YAML tree and calls these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

MIN_INTERVAL = timedelta(seconds=10)
BREAKING_OUTLETS = (2, 100)  # the allowed range of `breaking.outlets`
BREAKING_MINUTES = (1, 24 * 60)  # the allowed range of `breaking.minutes`
RETENTION_DAYS = (1, 3650)  # the allowed range of `retention_days` (stories kept, in days)
DEFAULT_INTERVAL = timedelta(minutes=5)
# the values of a feed's `country:` (ISO 3166 codes, and intl for pan-Arab or world outlets);
# /feeds groups by them in this order, each named in alerts/texts_feedops.py
COUNTRIES = (
    "iq", "sy", "lb", "jo", "tr", "ir", "sa", "ae", "qa", "kw", "eg", "ps", "ye",
    "us", "gb", "fr", "de", "ru", "intl",
)  # fmt: skip
_ALPHA3 = dict(  # ISO alpha-3 codes people write, to point them at the alpha-2 ones
    zip(
        ("irq", "syr", "lbn", "jor", "tur", "irn", "sau", "are", "qat", "kwt", "egy", "pse", "yem",
         "usa", "gbr", "fra", "deu", "rus"),
        COUNTRIES,
        strict=False,
    )
)  # fmt: skip

_INTERVAL_RE = re.compile(r"(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?")


@dataclass(frozen=True)
class LocalizedName:
    """A display name in Arabic and English."""

    ar: str
    en: str


@dataclass(frozen=True)
class FeedConfig:
    """One feed; `url` is an http(s) URL or, for a local file, its absolute path.

    A public Telegram channel (`telegram: name` in the YAML) has `telegram` set to its username
    and `url` to its public preview page, https://t.me/s/<username>.
    """

    id: str
    name: str
    url: str
    interval: timedelta
    enabled: bool
    country: str | None = None  # one of COUNTRIES; None: not said
    telegram: str | None = None


@dataclass(frozen=True)
class TopicConfig:
    """A built-in topic: a query, a troop-count test, or both; `context` must hold too."""

    id: str
    name: LocalizedName
    query: str | None
    troop_counts: bool
    context: str | None = None  # a query whose words confirm the sense; never highlighted


@dataclass(frozen=True)
class BreakingConfig:
    """When a story is breaking: `outlets` distinct outlets within `minutes` of its first sight."""

    outlets: int = 3
    minutes: int = 30


@dataclass(frozen=True)
class Config:
    """The whole validated configuration file."""

    path: Path
    admins: tuple[int, ...]
    default_interval: timedelta
    feeds: tuple[FeedConfig, ...]
    topics: tuple[TopicConfig, ...]
    # Telegram's paid broadcasts: up to 1,000 messages/s overall, each beyond 30/s paid in Stars
    paid_broadcast: bool = False
    breaking: BreakingConfig = BreakingConfig()
    # stories first seen longer ago are deleted daily (service/search.py, the scheduler)
    retention_days: int = 180


def parse_interval(value: str | int) -> timedelta:
    """Parse "30s", "5m", "1h", "1h30m" or a number of seconds; at least 10 seconds."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"interval must be like 30s, 5m or 1h, not {value!r}")
    if isinstance(value, int):
        seconds, shown = int(value), f"{value}s"
    else:
        shown = value.strip().lower()
        match = _INTERVAL_RE.fullmatch(shown)
        if shown.isdigit():
            seconds = int(shown)
        elif shown and match is not None and any(match.groups()):
            h, m, s = (int(g) if g else 0 for g in match.groups())
            seconds = h * 3600 + m * 60 + s
        else:
            raise ValueError(
                f"bad interval {value!r}: write a number with s, m or h (30s, 5m, 1h30m)"
            )
    if timedelta(seconds=seconds) < MIN_INTERVAL:
        raise ValueError(f"interval {shown} is too short: the minimum is 10s")
    return timedelta(seconds=seconds)


def country_code(value: object) -> str:
    """A feed's `country:` as one of COUNTRIES (any case); ValueError saying what is allowed."""
    code = value.strip().lower() if isinstance(value, str) else None
    if code in COUNTRIES:
        return code
    guess = _ALPHA3.get(code or "")
    hint = f" (did you mean {guess!r}?)" if guess else ""
    raise ValueError(
        f"'country' must be one of {', '.join(COUNTRIES)}, not {describe(value)}{hint}"
    )


def feed_location(url: str, base_dir: Path) -> str:
    """An http(s) URL as written, or a local feed's absolute path; ValueError when it is neither."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.hostname:
            raise ValueError(f"url {url!r} has no host")
        if any(ch.isspace() for ch in url):
            raise ValueError(f"url {url!r} contains spaces (write them as %20)")
        try:
            parts.port  # noqa: B018 -- urlsplit checks the port lazily, when it is read
        except ValueError:
            raise ValueError(f"url {url!r} has an invalid port") from None
        return url
    # A local file is not required to exist yet: the fetcher reports a missing one at poll time.
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"url {url!r} names a host: write file:///absolute/path")
        return str((base_dir / unquote(parts.path)).resolve())
    if url.startswith(("/", "./", "../")):
        return str((base_dir / url).resolve())
    if scheme:
        raise ValueError(
            f"url {url!r}: the {scheme} scheme is not supported; use http(s)://, file:// or a path"
        )
    if "." in url.split("/")[0] and not any(ch.isspace() for ch in url):
        raise ValueError(f"url {url!r} has no scheme: did you mean https://{url}?")
    raise ValueError(
        f"url {url!r} is neither an http(s) URL nor a local path (start paths with /, ./ or ../)"
    )


_CHANNEL_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
_CHANNEL_URL = re.compile(
    r"(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me)/(?:s/)?([^/?#]*)/?(?:\d+/?)?(?:[?#].*)?",
    re.IGNORECASE,
)
CHANNEL_PREVIEW = "https://t.me/s"  # Telegram's public web preview of a channel, no login


def channel_username(value: str) -> str:
    """A channel's username from `name`, `@name`, `https://t.me/name` or `t.me/s/name`.

    A username is 5-32 characters from letters, digits and `_`, not starting with a digit.
    """
    raw = value.strip()
    match = _CHANNEL_URL.fullmatch(raw)
    name = match.group(1) if match else raw.removeprefix("@")
    if _CHANNEL_NAME.fullmatch(name) and not name.endswith("_"):
        return name
    if match is None and ("/" in raw or ":" in raw):
        raise ValueError(
            f"telegram {value!r} is not a channel: write its username (e.g. @example_news) "
            "or its link https://t.me/example_news"
        )
    raise ValueError(
        f"telegram {value!r} is not a valid channel username: 5-32 characters from letters, "
        "digits and _, starting with a letter"
    )


def url_key(url: str) -> str:
    """What makes two feed URLs the same feed: http and https, host case and a final / aside."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return url
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}{query}"


def describe(value: object) -> str:
    """How a wrong value reads in a message: its YAML type and, for scalars, the value."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({'true' if value else 'false'})"
    if isinstance(value, int):
        return f"an integer ({int(value)})"
    if isinstance(value, float):
        return f"a number ({float(value)})"
    if isinstance(value, str):
        return f"the text {str(value)!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"
