"""Catalogs for in-process tests: the shipped config's topics with feeds of the test's own."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from postbot.config.catalog import Catalog
from postbot.config.load import parse_config

SHIPPED_CONFIG = Path(__file__).resolve().parents[1] / "config" / "postbot.yaml"


def shipped_topics() -> str:
    """The `topics:` section of config/postbot.yaml, as YAML text."""
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    return text[text.index("\ntopics:") :]


def catalog(
    feeds: Sequence[tuple[str, str, str]] = (),
    *,
    admins: Sequence[int] = (),
    interval: str = "5m",
    extra_topics: str = "",
) -> Catalog:
    """The shipped topics (plus `extra_topics` YAML) and these (id, name, url) feeds; a url
    `telegram:<username>` is a public channel."""
    lines = [f"admins: [{', '.join(map(str, admins))}]", "feeds:" if feeds else "feeds: []"]
    for feed_id, name, url in feeds:
        source = f"telegram: {url[9:]}" if url.startswith("telegram:") else f"url: {url}"
        lines += [f"  - id: {feed_id}", f"    name: {name}", f"    {source}"]
        lines.append(f"    interval: {interval}")
    text = "\n".join(lines) + shipped_topics() + extra_topics
    return Catalog.build(parse_config(text, filename="test.yaml"))
