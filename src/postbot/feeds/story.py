"""The value type every stage after parsing works on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Story:
    """One feed item, cleaned: plain-text title and summary, UTC date or None."""

    feed_id: str
    key: str
    title: str
    link: str | None
    summary: str
    published: datetime | None
