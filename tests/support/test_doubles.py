"""The doubles/ package is shared by tests and benches: bench/ and doubles/ never import tests/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = sorted((ROOT / "bench").glob("*.py")) + sorted((ROOT / "doubles").rglob("*.py"))


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", SHARED, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_nothing_from_tests(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert not {n for n in _imported(path) if n.split(".")[0] in ("tests", "support", "conftest")}
    assert 'ROOT / "tests")' not in source, "tests/ must not go on sys.path"
