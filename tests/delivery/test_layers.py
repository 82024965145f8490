"""Delivery and routing keep to their layer: no import of the bot, no SQL outside store/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "postbot"
FILES = [*sorted((SRC / "delivery").glob("*.py")), SRC / "pipeline" / "route.py"]
SQL_CALLS = {"select", "update", "insert", "delete", "text", "exec", "execute"}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_import_of_the_bot(path: Path) -> None:
    for node in ast.walk(_tree(path)):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        assert not [n for n in names if n.startswith("postbot.bot")], path


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_sql_outside_the_store(path: Path) -> None:
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module in {"sqlmodel", "sqlalchemy"}:
            assert {a.name for a in node.names} <= {"Session"}, path
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and owner.id in {"sa", "session", "sqlalchemy"}:
                assert node.func.attr not in SQL_CALLS, (path, node.lineno)
