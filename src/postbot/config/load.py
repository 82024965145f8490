"""The YAML configuration (SPEC §3): typed values, and every problem reported as `file:line`.

`load_config` reads the file, `parse_config` parses text, and both raise `ConfigError` carrying
every problem found (not just the first). The stages: `config_yaml` reads YAML into a tree that
knows its line numbers, `config_rules` checks the tree and builds the typed values, which are
defined (with the single-value checks) in `config_schema` and re-exported here.
"""

from __future__ import annotations

from pathlib import Path

from postbot.config.model import (
    DEFAULT_INTERVAL,
    MIN_INTERVAL,
    Config,
    FeedConfig,
    LocalizedName,
    TopicConfig,
    parse_interval,
)
from postbot.config.rules import build_config
from postbot.config.yamltree import read_tree
from postbot.errors import ConfigError, ConfigProblem

__all__ = [
    "DEFAULT_INTERVAL",
    "MIN_INTERVAL",
    "Config",
    "FeedConfig",
    "LocalizedName",
    "TopicConfig",
    "check_config",
    "load_config",
    "parse_config",
    "parse_interval",
]


def parse_config(text: str, *, filename: str) -> Config:
    """Parse and validate config text; relative feed paths are resolved next to `filename`."""
    return build_config(read_tree(text, filename=filename), text=text, filename=filename)


def load_config(path: str | Path) -> Config:
    """Read and validate the YAML config at `path`; raise ConfigError listing every problem."""
    filename = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        reason = err.strerror or str(err)
        raise ConfigError(
            [ConfigProblem(filename, None, f"cannot read config: {reason}")]
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        message = f"the file is not UTF-8 text (byte 0x{data[err.start]:02x})"
        raise ConfigError([ConfigProblem(filename, line, message)]) from None
    return parse_config(text, filename=filename)


def check_config(path: str | Path) -> list[str]:
    """Every problem in the config at `path` as `file:line: message`; empty when it is valid."""
    try:
        load_config(path)
    except ConfigError as err:
        return [str(p) for p in err.problems]
    return []
