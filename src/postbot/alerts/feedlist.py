"""The /feeds reply: the enabled feeds grouped by country, each group under its heading (pure)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from postbot.alerts.texts import TEXTS, text


def feed_list_blocks(
    feeds: Iterable[tuple[str, str | None]], lang: str, order: Sequence[str]
) -> list[str]:
    """HTML blocks for (name, country) pairs: a header, then one block per country in `order`
    (feeds without a known country last, under "other"), each feed in config order. When no
    feed names its country, one block: the header and the plain list."""
    groups: dict[str | None, list[str]] = {}
    count = 0
    for name, country in feeds:
        key = country if country in order and f"country_{country}" in TEXTS else None
        groups.setdefault(key, []).append(name)
        count += 1
    header = text(lang, "feeds_header", count=count)
    if list(groups) in ([], [None]):  # no feed says its country: the plain list, no headings
        return ["\n".join([header, *(_bullet(name) for name in groups.get(None, []))])]
    blocks = [header]
    for key in [*order, None]:
        names = groups.get(key)
        if not names:
            continue
        heading = text(lang, f"country_{key}" if key else "country_other")
        lines = [text(lang, "feeds_group", country=heading, count=len(names))]
        lines += [_bullet(name) for name in names]
        blocks.append("\n".join(lines))
    return blocks


def _bullet(name: str) -> str:
    return f"• {html.escape(name, quote=False)}"
