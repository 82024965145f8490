"""Database URLs as people write them, mapped to the driver postbot installs (no heavy imports)."""

from __future__ import annotations

_PG_PREFIXES = ("postgres://", "postgresql://")


def database_url(raw: str) -> str:
    """Map driverless postgres URLs to psycopg 3; leave SQLite and explicit drivers alone."""
    url = raw.strip()
    for prefix in _PG_PREFIXES:
        if url.startswith(prefix):
            # Heroku-style URLs name no driver; SQLAlchemy would pick psycopg2, not installed
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
