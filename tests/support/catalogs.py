"""Catalogs for in-process tests, from doubles/catalogs.py: kept so tests import them here."""

from doubles.catalogs import catalog, shipped_topics

__all__ = ["catalog", "shipped_topics"]
