"""The bot layer reaches the store only through the service layer, and the service layer knows
nothing of Telegram (issue #10: thin handlers, no SQL outside store/)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "postbot"
BOT = sorted((SRC / "bot").glob("*.py"))
SERVICE = sorted((SRC / "service").glob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", BOT, ids=lambda p: p.name)
def test_bot_modules_do_no_database_work(path: Path) -> None:
    imported = _imports(path)
    assert not {n for n in imported if n.split(".")[0] == "sqlmodel"}
    assert not {n for n in imported if n.startswith(("postbot.store.repo", "postbot.store.db"))}
    if path.name != "services.py":  # which holds the engine, by its type
        assert "sqlalchemy" not in {n.split(".")[0] for n in imported}
    source = path.read_text(encoding="utf-8")
    assert "Session(" not in source and ".exec(" not in source


@pytest.mark.parametrize("path", SERVICE, ids=lambda p: p.name)
def test_service_modules_know_nothing_of_telegram(path: Path) -> None:
    imported = _imports(path)
    assert not {n for n in imported if n.split(".")[0] == "telegram"}
    assert not {n for n in imported if n.startswith("postbot.bot")}
