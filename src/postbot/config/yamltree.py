"""YAML with line numbers: ruamel.yaml's round-trip tree, and syntax errors as `ConfigProblem`s.

Round-trip mappings and sequences remember where each key, value and item starts (`.lc`, 0-based
lines); the helpers here turn that into the 1-based lines the problems report.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from postbot.errors import ConfigError, ConfigProblem


def read_tree(text: str, *, filename: str) -> Any:
    """The round-trip tree of `text` (None when empty); ConfigError for a YAML syntax error."""
    try:
        return YAML(typ="rt").load(text)
    except YAMLError as err:
        raise ConfigError([_syntax_problem(filename, text, err)]) from None


def _syntax_problem(filename: str, text: str, err: YAMLError) -> ConfigProblem:
    """One problem for a YAML syntax error, at the line ruamel points to."""
    if isinstance(err, MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        message = f"YAML syntax error: {err.problem or err.context or 'invalid YAML'}"
        if err.context and err.context_mark is not None and err.problem:
            message += f" ({err.context} at line {err.context_mark.line + 1})"
        if "'\\t'" in message:
            message += "; indent with spaces, YAML does not allow tabs"
        elif "<block end>" in message or "mapping values are not allowed" in message:
            message += "; check the indentation of this line and the one before"
        return ConfigProblem(filename, line, message)
    # ReaderError (a control character, say) carries a character offset, not a mark
    position = getattr(err, "position", None)
    line = text[:position].count("\n") + 1 if isinstance(position, int) else None
    return ConfigProblem(filename, line, f"YAML error: {err}")


def key_line(node: CommentedMap, key: Any) -> int:
    """The line of `key` in `node`."""
    try:
        return int(node.lc.key(key)[0]) + 1
    except (KeyError, TypeError):
        return int(node.lc.line) + 1


def value_line(node: CommentedMap, key: Any) -> int:
    """The line where the value of `key` in `node` starts (a block scalar's indicator line)."""
    try:
        return int(node.lc.value(key)[0]) + 1
    except (KeyError, TypeError):
        return key_line(node, key)


def item_line(node: CommentedSeq, index: int) -> int:
    """The line of item `index` of `node`."""
    return int(node.lc.item(index)[0]) + 1


def offset_line(lines: list[str], node: CommentedMap, key: str, offset: int) -> int:
    """The line holding character `offset` of the value of `key`, walking block scalars."""
    value, start = node[key], value_line(node, key)
    if not isinstance(value, FoldedScalarString | LiteralScalarString):
        return start
    # a block's lines are joined by one character (space or newline) once indentation is
    # stripped, so offsets can be walked line by line; anything fancier falls back to `start`
    pos = 0
    for number in range(start + 1, len(lines) + 1):
        part = lines[number - 1].strip()
        if not part or value[pos : pos + len(part)] != part:
            break
        if offset <= pos + len(part):
            return number
        pos += len(part) + 1
    return start
