"""Starting `postbot run` (SPEC §2, §5): commands registered, clear refusals, webhook mode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.botapi import BotApiDouble
from support.feedserver import FeedServer
from support.process import (
    ADMIN_ID,
    TOKEN,
    BotProcess,
    bot_process,
    free_port,
    run_cli,
)

pytestmark = pytest.mark.e2e

WRONG_TOKEN = "4242:wrong-SECRET-token_zyxwvutsrqpo"


def names(commands: list[tuple[str, str]]) -> list[str]:
    return [name for name, _ in commands]


def test_commands_are_registered_in_both_languages(bot: BotProcess, double: BotApiDouble) -> None:
    default = double.commands
    assert set(default) == {"", "ar"}
    assert names(default[""]) == names(default["ar"])
    assert {"start", "watch", "unwatch", "watches", "topics", "help"} <= set(names(default[""]))
    assert "stats" not in names(default[""])
    assert default[""] != default["ar"]  # the descriptions are translated
    assert any(re.search("[\u0600-\u06ff]", description) for _, description in default["ar"])

    admin = double.commands_for(f"chat:{ADMIN_ID}")
    assert set(admin) == {"", "ar"}
    for language in ("", "ar"):
        assert {"stats", "feedstatus", "reload", "watch"} <= set(names(admin[language]))


def _stderr_lines(stderr: str) -> list[str]:
    """stderr without the log lines (timestamped) that come before the verdict."""
    return [
        line
        for line in stderr.splitlines()
        if line.strip() and not re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", line)
    ]


def test_a_refused_token_exits_1_with_one_line(
    tmp_path: Path, double: BotApiDouble, config: Path
) -> None:
    process = bot_process(tmp_path, double.url, config, token=WRONG_TOKEN)
    done = run_cli(process.args, env=process.env, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    everything = done.stdout + done.stderr
    assert WRONG_TOKEN.split(":")[1] not in everything, done.stderr
    assert "Traceback" not in everything
    lines = _stderr_lines(done.stderr)
    assert len(lines) == 1, done.stderr
    assert "token" in lines[0] and "TELEGRAM_BOT_TOKEN" in lines[0]
    assert not [c for c in double.calls if c.method == "sendMessage"]


def test_no_token_exits_1_naming_the_variable(
    tmp_path: Path, double: BotApiDouble, config: Path
) -> None:
    process = bot_process(tmp_path, double.url, config)
    env = {k: v for k, v in process.env.items() if k != "TELEGRAM_BOT_TOKEN"}
    done = run_cli(process.args, env=env, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    lines = _stderr_lines(done.stderr)
    assert len(lines) == 1, done.stderr
    assert "TELEGRAM_BOT_TOKEN" in lines[0]
    assert "Traceback" not in done.stderr
    assert double.calls == []


def test_an_invalid_config_exits_1_with_file_and_line(
    tmp_path: Path, double: BotApiDouble, config: Path
) -> None:
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("interval: 10s", "interval: often"), encoding="utf-8")
    line = 1 + text.splitlines().index("  interval: 10s")
    process = bot_process(tmp_path, double.url, config)
    done = run_cli(process.args, env=process.env, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert f"{config}:{line}: " in done.stderr
    assert "Traceback" not in done.stderr
    assert TOKEN not in done.stdout + done.stderr
    assert double.calls == []


def test_webhook_mode_registers_and_answers(
    tmp_path: Path, double: BotApiDouble, config: Path, feeds: FeedServer
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    process = bot_process(
        tmp_path,
        double.url,
        config,
        extra_args=[
            "--webhook-url",
            url,
            "--listen",
            "127.0.0.1",
            "--port",
            str(port),
            "--secret",
            "s3cret",
        ],
    ).start()
    try:
        call = double.wait_for(
            lambda d: next((c for c in d.calls if c.method == "setWebhook"), None),
            timeout=30,
            what="setWebhook",
        )
        assert call.params["url"] == url
        assert call.params["secret_token"] == "s3cret"
        feeds.wait_for_hits("/news.xml", 1, timeout=15)

        double.user_message(9601, "/start", language_code="ar")
        reply = double.wait_for(lambda d: d.last_text(9601), timeout=15, what="reply via webhook")
        assert "أهلاً" in reply
        deliveries = double.webhook_deliveries
        assert deliveries and all(d.url == url for d in deliveries)
        assert deliveries[-1].ok
        assert double.active_polls == 0
        assert not [c for c in double.calls if c.method == "getUpdates"]
    finally:
        code = process.stop()
        logs = process.logs()
    assert code == 0, logs[-3000:]
    assert TOKEN.split(":")[1] not in logs
    assert "Traceback" not in logs, logs[-3000:]
