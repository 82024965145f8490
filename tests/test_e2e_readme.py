"""The README's "Run your bot in 5 minutes", followed from a fresh clone to the first alert.

The test clones this checkout's HEAD into a temporary folder and runs the section's shell blocks
there, in order, as a newcomer would, with three differences that the README tells a user to
make by hand or that a test cannot avoid:
- the install block (`python3 -m venv .venv && .venv/bin/pip install ...`) is checked word for
  word but not run: tests have no network to reach PyPI. In its place `.venv/bin/postbot` runs
  this interpreter on the clone's own `src`, so the clone's code and files are what run; CI runs
  the real install (.ci/run starts with the same install, plus the dev tools);
- the values the user fills in are filled in: the bot token, then the user id that `/whoami`
  answered, and the feeds of `config/postbot.yaml` (one feed, on a loopback server);
- `TELEGRAM_API_URL` points the bot at the Bot API double instead of Telegram.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from support.botapi import BotApiDouble
from support.feedserver import FeedItem, FeedServer
from support.process import TOKEN, Say, alerts, converse

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Run your bot in 5 minutes"
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -q -e ."
USER = 424242

OLD = FeedItem(
    title="خبر قديم عن قاعدة عين الأسد",
    link="https://news.example/old",
    description="كان في الموجز قبل تشغيل البوت.",
    guid="old",
)
NEW = FeedItem(
    title="وصول تعزيزات جديدة إلى قاعدة عين الأسد الجوية في الأنبار",
    link="https://news.example/asad-new",
    description="أفادت مصادر أمنية بوصول تعزيزات إلى قاعدة عين الأسد غرب العراق.",
    guid="new",
)


def readme_blocks() -> list[str]:
    """The shell blocks of the quick-start section, in order, without their indentation."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert SECTION in text, f"the README has no {SECTION!r} section"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return ["\n".join(line.strip() for line in b.strip().splitlines()) for b in blocks]


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A fresh clone of this checkout's HEAD (what a newcomer downloads)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.fail("the README test needs a git checkout and git: it clones HEAD")
    dest = tmp_path / "postbot"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(dest)], check=True, timeout=120)
    return dest


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.set_feed("/news.xml", [OLD], title="وكالة الاختبار")
        yield server


def fake_install(clone: Path) -> None:
    """`.venv/bin/postbot` running this interpreter on the clone's code (see the docstring)."""
    bin_dir = clone / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "postbot"
    script.write_text(
        f'#!/bin/sh\nPYTHONPATH="{clone / "src"}" exec "{sys.executable}" -m postbot "$@"\n'
    )
    script.chmod(0o755)


def write_env(clone: Path, block: str, *, admin: int | None) -> None:
    """The README's .env block with the user's values; the admin line only once it is known."""
    lines = []
    for line in block.splitlines():
        key = line.split("=", 1)[0]
        if key == "TELEGRAM_BOT_TOKEN":
            lines.append(f"TELEGRAM_BOT_TOKEN={TOKEN}")
        elif key == "POSTBOT_ADMINS":
            if admin is not None:
                lines.append(f"POSTBOT_ADMINS={admin}")
        else:
            lines.append(line)
    (clone / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")


def edit_feeds(clone: Path, url: str) -> None:
    """What the user does in config/postbot.yaml: their feed (here a loopback one), every 10 s."""
    path = clone / "config" / "postbot.yaml"
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    data["feeds"] = [{"id": "mynews", "name": "وكالة الاختبار", "url": url, "interval": "10s"}]
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)


def shell_env(api_url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "POSTBOT_", "DATABASE_URL", "PYTHONPATH"))
    }
    env.update({"TELEGRAM_API_URL": api_url, "PYTHONUNBUFFERED": "1"})
    return env


def start(block: str, clone: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with (clone / "run.log").open("ab") as log:  # the child keeps its own copy
        return subprocess.Popen(
            ["sh", "-c", f"exec {block}"], cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def stop(process: subprocess.Popen[bytes], clone: Path) -> str:
    process.terminate()
    assert process.wait(timeout=30) == 0, (clone / "run.log").read_text()
    return (clone / "run.log").read_text(encoding="utf-8", errors="replace")


def polls_so_far(double: BotApiDouble) -> int:
    return sum(1 for call in double.calls if call.method == "getUpdates")


def test_the_quick_start_takes_a_newcomer_to_the_first_alert(
    clone: Path, double: BotApiDouble, feeds: FeedServer
) -> None:
    blocks = readme_blocks()
    assert len(blocks) == 4, blocks  # install, .env, check-config, run
    install, env_block, check, run = blocks
    assert install == INSTALL
    assert {line.split("=", 1)[0] for line in env_block.splitlines()} == {
        "TELEGRAM_BOT_TOKEN",
        "POSTBOT_ADMINS",
    }
    assert run.startswith(".venv/bin/postbot run")

    fake_install(clone)
    write_env(clone, env_block, admin=None)  # "leave the line out at first"
    edit_feeds(clone, feeds.url("/news.xml"))
    env = shell_env(double.url)
    checked = subprocess.run(
        ["sh", "-c", check], cwd=clone, env=env, capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # first run: learn one's user id with /whoami
    bot = start(run, clone, env)
    try:
        double.wait_for(lambda d: d.active_polls > 0, timeout=60, what="the bot long-polls")
        answer = converse(double, [Say(USER, "/whoami", user_id=USER)])[USER][0]
        assert str(USER) in answer
    finally:
        stop(bot, clone)

    # second run, as an admin: /start, a watch, and the first alert
    write_env(clone, env_block, admin=USER)
    polls = polls_so_far(double)
    bot = start(run, clone, env)
    try:
        double.wait_for(lambda d: polls_so_far(d) > polls, timeout=60, what="the new run polls")
        started = converse(double, [Say(USER, "/start", user_id=USER)])[USER]
        assert started and "/watch" in started[0]
        converse(double, [Say(USER, '/watch "عين الأسد"', user_id=USER)])
        stats = converse(double, [Say(USER, "/stats", user_id=USER)])[USER][0]
        assert re.search(r"\d", stats)  # an admin's command answered with figures
        feeds.add_item("/news.xml", NEW)
        got = double.wait_for(lambda d: alerts(d, USER), timeout=60, what="the first alert")
        assert len(got) == 1
        assert NEW.link in got[0].html and "عين الأسد" in got[0].text
        assert OLD.link not in "".join(a.html for a in alerts(double, USER))
    finally:
        logs = stop(bot, clone)
    assert TOKEN.split(":")[1] not in logs
    assert "Traceback" not in logs
    assert (clone / "postbot.db").exists()  # "a SQLite file, postbot.db, in this folder"
