"""The pure core stays pure, and the README's commands are the ones CI runs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "postbot"
PURE = [
    *sorted((SRC / "match").glob("*.py")),
    *sorted(p for p in (SRC / "cluster").glob("*.py") if p.name != "data.py"),
    SRC / "alerts" / "summarize.py",
    SRC / "alerts" / "html.py",
    SRC / "alerts" / "content.py",
    SRC / "alerts" / "digest.py",
    SRC / "alerts" / "release.py",
    SRC / "alerts" / "texts.py",
    SRC / "feeds" / "parse.py",
    SRC / "feeds" / "decode.py",
    SRC / "feeds" / "inflate.py",
    SRC / "feeds" / "story.py",
]
EDGE_LIBRARIES = {"httpx", "telegram", "sqlmodel", "sqlalchemy", "alembic", "psycopg", "asyncio"}
IMPURE_POSTBOT = {"postbot.store", "postbot.feeds.fetch", "postbot.config.settings", "postbot.cli"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", PURE, ids=lambda p: str(p.relative_to(SRC)))
def test_pure_core_imports_no_edge(path: Path) -> None:
    imported = _imports(path)
    assert not {name.split(".")[0] for name in imported} & EDGE_LIBRARIES
    assert not {n for n in imported if any(n.startswith(p) for p in IMPURE_POSTBOT)}


@pytest.mark.parametrize("path", PURE, ids=lambda p: str(p.relative_to(SRC)))
def test_pure_core_does_no_io(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert not re.search(r"\bopen\(|\.read_text\(|\.read_bytes\(|\bawait\b|\bprint\(", source)


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert block is not None, "README must open with a sh code block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_two_commands_and_ci_runs_the_test_one() -> None:
    commands = _readme_commands()
    assert len(commands) == 2
    run, test = commands
    assert "postbot" in run and "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines()


def test_procfile_runs_the_bot() -> None:
    assert (ROOT / "Procfile").read_text(encoding="utf-8").strip() == "worker: postbot run"
