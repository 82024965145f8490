"""Webhook mode never runs unauthenticated (issue 11, item 1).

A real `postbot run --webhook-url` is started; every request to its webhook that lacks the secret
Telegram was given with setWebhook is refused with 403 and changes nothing, whatever update it
carries; the right header works. The secret comes from TELEGRAM_WEBHOOK_SECRET, or is generated.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from support.botapi import BotApiDouble
from support.feedserver import FeedServer
from support.process import ADMIN_ID, TOKEN, BotProcess, bot_process, free_port, query_db, run_cli
from support.webhook import command_update, post_update

pytestmark = pytest.mark.e2e

USER = 9611
ENV_SECRET = "env-Secret_0123456789abcdefXYZ"
TELEGRAM_ALPHABET = re.compile(r"[A-Za-z0-9_-]{32,256}")


def _update(update_id: int, chat_id: int, text: str) -> bytes:
    return command_update(update_id, chat_id, text, message_id=10_000 + update_id)


def _forged_headers(secret: str) -> list[tuple[str, dict[str, str]]]:
    """Every near miss of the right header."""
    name = "X-Telegram-Bot-Api-Secret-Token"
    return [
        ("no header", {}),
        ("empty", {name: ""}),
        ("wrong", {name: "not-the-secret"}),
        ("upper case", {name: secret.upper()}),
        ("swapped case", {name: secret.swapcase()}),
        ("prefix", {name: secret[:-1]}),
        ("longer", {name: secret + "x"}),
        ("other header", {"X-Telegram-Bot-Api-Secret": secret}),
        ("the bot token", {name: TOKEN}),
    ]


def _start(
    tmp_path: Path, double: BotApiDouble, config: Path, env: dict[str, str]
) -> tuple[BotProcess, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    process = bot_process(
        tmp_path,
        double.url,
        config,
        extra_args=["--webhook-url", url, "--listen", "127.0.0.1", "--port", str(port)],
        env=env,
    ).start()
    return process, url


@pytest.mark.parametrize(
    "env",
    [
        pytest.param({}, id="generated"),
        pytest.param({"TELEGRAM_WEBHOOK_SECRET": ENV_SECRET}, id="env"),
    ],
)
def test_forged_webhook_posts_are_refused_and_change_nothing(
    tmp_path: Path, double: BotApiDouble, config: Path, feeds: FeedServer, env: dict[str, str]
) -> None:
    process, url = _start(tmp_path, double, config, env)
    try:
        call = double.wait_for(
            lambda d: next((c for c in d.calls if c.method == "setWebhook"), None),
            timeout=30,
            what="setWebhook",
        )
        secret = str(call.params.get("secret_token") or "")
        if env:
            assert secret == ENV_SECRET
        else:
            assert TELEGRAM_ALPHABET.fullmatch(secret), "a strong secret in Telegram's alphabet"
        feeds.wait_for_hits("/news.xml", 1, timeout=15)

        # a real subscriber, through Telegram (the double sends the secret)
        double.user_message(USER, "/start")
        double.wait_for(lambda d: d.last_text(USER), timeout=15, what="reply via webhook")
        double.register_chat(ADMIN_ID)
        before = len(double.sent)

        update_id = 500_000
        for what, headers in _forged_headers(secret):
            for chat_id, command in ((USER, "/stop"), (ADMIN_ID, "/stats"), (ADMIN_ID, "/reload")):
                update_id += 1
                status = post_update(url, _update(update_id, chat_id, command), headers)
                assert status == 403, f"{what}: {command} answered {status}"
        time.sleep(1.5)  # what a wrongly accepted update would need to be answered
        assert len(double.sent) == before, [r.text for r in double.sent[before:]]
        assert query_db(process, "SELECT active FROM chat WHERE id = :id", id=USER) == [(True,)]

        # the right header is obeyed: it is the secret that decides, not the payload
        right = {"X-Telegram-Bot-Api-Secret-Token": secret}
        assert post_update(url, _update(update_id + 1, ADMIN_ID, "/stats"), right) == 200
        double.wait_for(lambda d: d.last_text(ADMIN_ID), timeout=15, what="/stats answered")
    finally:
        code = process.stop()
        logs = process.logs()
    assert code == 0, logs[-3000:]
    assert TOKEN.split(":")[1] not in logs
    assert secret not in logs  # masked like the token
    assert "Traceback" not in logs, logs[-3000:]


@pytest.mark.parametrize(
    "secret",
    [
        pytest.param("has space", id="space"),
        pytest.param("x" * 257, id="too-long"),
        pytest.param("سر-عربي", id="arabic"),
        pytest.param("semi;colon", id="punctuation"),
    ],
)
def test_a_secret_telegram_would_refuse_is_a_clear_error(
    tmp_path: Path, double: BotApiDouble, config: Path, secret: str
) -> None:
    port = free_port()
    process = bot_process(
        tmp_path,
        double.url,
        config,
        extra_args=["--webhook-url", f"http://127.0.0.1:{port}/hook", "--port", str(port)],
        env={"TELEGRAM_WEBHOOK_SECRET": secret},
    )
    done = run_cli(process.args, env=process.env, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "TELEGRAM_WEBHOOK_SECRET" in done.stderr and "A-Z" in done.stderr
    assert secret not in done.stderr
    assert "Traceback" not in done.stderr
    assert double.calls == []


def test_the_deprecated_secret_flag_warns(
    tmp_path: Path, double: BotApiDouble, config: Path
) -> None:
    port = free_port()
    process = bot_process(
        tmp_path,
        double.url,
        config,
        extra_args=[
            "--webhook-url",
            f"http://127.0.0.1:{port}/hook",
            "--listen",
            "127.0.0.1",
            "--port",
            str(port),
            "--secret",
            "flag-secret-123",
        ],
    ).start()
    try:
        call = double.wait_for(
            lambda d: next((c for c in d.calls if c.method == "setWebhook"), None),
            timeout=30,
            what="setWebhook",
        )
        assert call.params["secret_token"] == "flag-secret-123"
        process.wait_first_poll()  # started up: a stop now is an ordinary one
    finally:
        assert process.stop() == 0
    logs = process.logs()
    assert re.search(r"WARNING .*--secret is deprecated.*TELEGRAM_WEBHOOK_SECRET", logs), logs
