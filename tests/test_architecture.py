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
    SRC / "feeds" / "channel.py",
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


# Issue #10's shape. Packages in layers: each may import its own layer and the ones below.
#   core     match · cluster · feeds · alerts · config · ops, and errors · clock · ids · recent
#   store    the database (its repo functions are the only way in)
#   work     pipeline (feed to outbox) · delivery (outbox to Telegram) · service (bot's actions)
#   bot      the Telegram handlers
#   top      scheduler · app · cli · __main__ (wiring: may import anything)
CORE = {"match", "cluster", "feeds", "alerts", "config", "ops", "errors", "clock", "ids", "recent"}
MAY_IMPORT: dict[str, set[str]] = {
    **{package: CORE for package in CORE},
    "store": CORE,
    "pipeline": CORE | {"store"},
    "delivery": CORE | {"store"},
    "service": CORE | {"store"},
    "bot": CORE | {"store", "service", "delivery"},
}
# the pure parts of the core lean on nothing but each other and the shared values (recent: a
# bounded cache, stdlib only, that reads a monotonic clock and does no I/O)
PURE_PACKAGES = {"match", "cluster", "alerts"}
PURE_MAY_IMPORT = {"match", "cluster", "alerts", "errors", "ids", "feeds.story", "recent"}
SQL_NAMES = {"select", "update", "delete", "insert", "text", "func", "col", "or_", "and_"}
MODULE_LINE_LIMIT = 400


def _package_imports() -> dict[Path, set[str]]:
    found: dict[Path, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        found[path] = {
            n.removeprefix("postbot.") for n in _imports(path) if n.startswith("postbot.")
        }
    return found


def _package(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def test_packages_import_only_their_layer_and_below() -> None:
    wrong = []
    for path, imported in _package_imports().items():
        package = _package(path)
        allowed = MAY_IMPORT.get(package)
        if allowed is None:  # top-level wiring
            continue
        for name in imported:
            target = name.split(".")[0]
            if target != package and target not in allowed:
                wrong.append(f"{path.relative_to(SRC)} imports postbot.{name}")
    assert wrong == []


def test_the_pure_core_leans_only_on_itself() -> None:
    wrong = []
    for path, imported in _package_imports().items():
        if _package(path) not in PURE_PACKAGES or path.name == "data.py":
            continue
        for name in imported:
            if not any(name == p or name.startswith(p + ".") for p in PURE_MAY_IMPORT):
                wrong.append(f"{path.relative_to(SRC)} imports postbot.{name}")
    assert wrong == []


def test_no_import_cycle_between_packages() -> None:
    graph: dict[str, set[str]] = {}
    for path, imported in _package_imports().items():
        package = _package(path)
        graph.setdefault(package, set()).update(
            n.split(".")[0] for n in imported if n.split(".")[0] != package
        )

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, set()) - seen:
            if nxt == goal or reaches(nxt, goal, seen | {nxt}):
                return True
        return False

    cycles = sorted(p for p in graph if reaches(p, p, set()))
    assert cycles == []


def test_no_sql_outside_the_store() -> None:
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        if _package(path) == "store":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and (node.module.split(".")[0] in {"sqlalchemy", "sqlmodel"})
            ):
                sql = {alias.name for alias in node.names} & SQL_NAMES
                if sql:
                    wrong.append(f"{path.relative_to(SRC)} imports {sorted(sql)}")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"exec", "execute", "scalars", "scalar"}
            ):
                wrong.append(f"{path.relative_to(SRC)}:{node.lineno} .{node.func.attr}(...)")
            elif isinstance(node, ast.Attribute) and node.attr in SQL_NAMES:
                base = node.value
                if isinstance(base, ast.Name) and base.id in {"sa", "sqlalchemy", "sqlmodel"}:
                    wrong.append(f"{path.relative_to(SRC)}:{node.lineno} {base.id}.{node.attr}")
    assert wrong == []


def test_no_module_over_the_line_limit() -> None:
    long = {
        str(path.relative_to(SRC)): lines
        for path in sorted(SRC.rglob("*.py"))
        if "versions" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINE_LIMIT
    }
    assert long == {}
