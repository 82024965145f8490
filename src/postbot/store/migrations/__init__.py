"""Alembic migrations for postbot's store; run them through `postbot.store.db.upgrade`."""
