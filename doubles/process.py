"""End-to-end harness: a real `postbot run` process against the Bot API double and a feed server.

The bot process is started with `python -m postbot run`, TELEGRAM_API_URL pointing at the
double and DATABASE_URL at a SQLite file of the test's own. Its log goes to a file that every
test checks for the token (it must never appear) and for tracebacks.

Feeds have the 10 s minimum interval; instead of waiting, `poll_now` makes every feed due in
the database, which the scheduler reads every second.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from ruamel.yaml import YAML
from sqlmodel import Session

from doubles.botapi import BotApiDouble, CallbackAnswer, SentRecord
from doubles.feedserver import FeedItem, FeedServer
from postbot.alerts.direction import strip_marks
from postbot.alerts.html import visible_text
from postbot.alerts.texts import text
from postbot.store import repo
from postbot.store.db import make_engine
from postbot.store.models import Feed

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CONFIG = ROOT / "config" / "postbot.yaml"
TOKEN = "7357:e2e-SECRET-token_abcdefghijklmnop"
ADMIN_ID = 900001


def write_config(
    path: Path,
    feeds: Sequence[tuple[str, str, str]],
    *,
    admins: Sequence[int] = (ADMIN_ID,),
    paid_broadcast: bool = False,
) -> Path:
    """The shipped config's topics with these (id, name, url) feeds and admins."""
    yaml = YAML()
    data = yaml.load(SHIPPED_CONFIG.read_text(encoding="utf-8"))
    data["admins"] = list(admins)
    data["defaults"] = {"interval": "10s"}
    data["feeds"] = [{"id": i, "name": n, "url": u} for i, n, u in feeds]
    data["telegram"] = {"paid_broadcast": paid_broadcast}
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@dataclass
class BotProcess:
    """A running `postbot run` (or worker) process and what it logged."""

    args: list[str]
    env: dict[str, str]
    cwd: Path
    log_path: Path
    db_url: str
    proc: subprocess.Popen[bytes] | None = None
    runs: int = field(default=0)

    def start(self) -> BotProcess:
        """Start (or restart) the process."""
        self.runs += 1
        log = self.log_path.open("ab")
        log.write(f"\n===== start {self.runs} =====\n".encode())
        log.flush()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "postbot", *self.args],
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        return self

    def logs(self) -> str:
        """Everything the process wrote so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        """Signal the process and wait for it to exit; returns its exit code."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise AssertionError(
                f"postbot did not stop within {timeout}s:\n{self.logs()[-3000:]}"
            ) from None

    def kill(self) -> None:
        """SIGKILL: no cleanup at all."""
        self.stop(signal.SIGKILL)

    def poll_now(self) -> None:
        """Make every feed due now (the scheduler looks every second)."""
        engine = make_engine(self.db_url)
        try:
            with Session(engine) as session:
                session.exec(sa.update(Feed).values(next_poll_at=datetime.now(UTC)))  # type: ignore[call-overload]
                session.commit()
        finally:
            engine.dispose()

    def first_polled(self) -> bool:
        """True once every enabled feed has been polled once (its backlog recorded)."""
        engine = self.engine()
        try:
            with engine.connect() as conn:
                rows = conn.execute(sa.text("SELECT first_polled FROM feed WHERE enabled")).all()
        except sa.exc.OperationalError:  # no tables yet: the process is still migrating
            return False
        finally:
            engine.dispose()
        return bool(rows) and all(r[0] for r in rows)

    def wait_first_poll(self, timeout: float = 15.0) -> None:
        """Block until every feed has been polled once."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.first_polled():
                return
            time.sleep(0.05)
        raise AssertionError("the first poll did not finish:\n" + self.logs()[-3000:])

    def engine(self) -> sa.Engine:
        """An engine on the bot's database (the caller disposes of it)."""
        return make_engine(self.db_url)


def bot_process(
    tmp_path: Path,
    api_url: str,
    config: Path,
    *,
    command: Sequence[str] = ("run",),
    extra_args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    token: str = TOKEN,
    database_url: str | None = None,
    name: str = "postbot",
) -> BotProcess:
    """A BotProcess (not started) with its own log file `<name>.log`, on the test's SQLite file
    (or `database_url`, which several processes may share)."""
    db_url = database_url or f"sqlite:///{tmp_path / 'postbot.db'}"
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "POSTBOT_", "DATABASE_URL"))
    }
    full_env.update(
        {
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_API_URL": api_url,
            "DATABASE_URL": db_url,
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
    )
    return BotProcess(
        args=[*command, "--config", str(config), *extra_args],
        env=full_env,
        cwd=tmp_path,
        log_path=tmp_path / f"{name}.log",
        db_url=db_url,
    )


# --------------------------------------------------------------------------- e2e helpers
# Used by tests/bot: talk to the bot through the double, read and seed its database.


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_cli(
    args: Sequence[str], *, env: dict[str, str], cwd: Path, timeout: float = 60.0
) -> subprocess.CompletedProcess[str]:
    """Run `python -m postbot ARGS` to completion, capturing stdout and stderr."""
    return subprocess.run(
        [sys.executable, "-m", "postbot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def query_db(process: BotProcess, sql: str, **params: object) -> list[sa.Row[Any]]:
    """Rows of a raw SQL query on the bot's database."""
    engine = process.engine()
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text(sql), params).all())
    finally:
        engine.dispose()


def wait_db(
    process: BotProcess,
    sql: str,
    predicate: Callable[[list[sa.Row[Any]]], bool],
    *,
    timeout: float = 15.0,
    what: str = "",
    **params: object,
) -> list[sa.Row[Any]]:
    """Poll the bot's database until `predicate(rows)` holds; return the rows."""
    deadline = time.monotonic() + timeout
    engine = process.engine()
    try:
        while True:
            with engine.connect() as conn:
                rows = list(conn.execute(sa.text(sql), params).all())
            if predicate(rows):
                return rows
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"database condition {what or sql!r} not met in {timeout}s: {rows[:5]}\n"
                    + process.logs()[-3000:]
                )
            time.sleep(0.05)
    finally:
        engine.dispose()


def seed_chats(
    process: BotProcess,
    chat_ids: Iterable[int],
    *,
    topics: Sequence[str] = (),
    watches: Sequence[str] = (),
    lang: str = "ar",
) -> None:
    """Create active chats in the bot's database, each following `topics` and `watches`."""
    engine = process.engine()
    now = datetime.now(UTC)
    try:
        with Session(engine) as session:
            for chat_id in chat_ids:
                kind = "private" if chat_id > 0 else "supergroup"
                repo.get_or_create_chat(
                    session=session, chat_id=chat_id, kind=kind, title=None, lang=lang, now=now
                )
                for topic_id in topics:
                    repo.subscribe_topic(
                        session=session, chat_id=chat_id, topic_id=topic_id, now=now
                    )
                for query in watches:
                    repo.add_watch(session=session, chat_id=chat_id, query=query, now=now)
            session.commit()
    finally:
        engine.dispose()


def alerts(double: BotApiDouble, chat_id: int | None = None) -> list[SentRecord]:
    """Alerts (messages starting with the bell) the double accepted, to one chat or all."""
    return [
        r
        for r in double.sent
        if r.text.startswith("🔔") and (chat_id is None or r.chat_id == chat_id)
    ]


def send_attempts(double: BotApiDouble, chat_id: int) -> int:
    """sendMessage requests to `chat_id` that reached the double (accepted or refused)."""
    return sum(
        1
        for c in double.calls
        if c.method == "sendMessage" and str(c.params.get("chat_id")) == str(chat_id)
    )


@dataclass(frozen=True)
class Say:
    """One message to the bot: chat, text, the sender (for groups) and their language.

    `anonymous` sends it as an anonymous group administrator (on behalf of the group).
    """

    chat_id: int
    text: str
    lang: str | None = "en"
    user_id: int | None = None
    chat_type: Literal["private", "group", "supergroup"] = "private"
    anonymous: bool = False


def converse(
    double: BotApiDouble, lines: Sequence[Say], timeout: float = 30.0
) -> dict[int, list[str]]:
    """Queue every line at once, wait for one reply per line, return the new replies per chat.

    The bot handles updates in order, so lines that alternate between chats are answered
    without each chat's one-message-a-second pacing adding up. The replies are given without
    the invisible direction marks and isolates (alerts/direction.py), so they compare with
    `says`; `double.messages` keeps them as sent.
    """
    expected = Counter(line.chat_id for line in lines)
    before = {chat: len(double.messages(chat)) for chat in expected}
    for line in lines:
        if line.anonymous:
            double.sender_chat_message(line.chat_id, line.text)
            continue
        double.user_message(
            line.chat_id,
            line.text,
            user_id=line.user_id,
            chat_type=line.chat_type,
            language_code=line.lang,
        )
    double.wait_for(
        lambda d: all(len(d.messages(c)) >= before[c] + n for c, n in expected.items()),
        timeout=timeout,
        what=f"{sum(expected.values())} replies",
    )
    return {c: [strip_marks(m.text) for m in double.messages(c)[before[c] :]] for c in expected}


def interleave(*scripts: Sequence[Say]) -> list[Say]:
    """Round-robin merge of per-chat scripts (each keeps its order)."""
    merged: list[Say] = []
    for index in range(max((len(s) for s in scripts), default=0)):
        merged += [s[index] for s in scripts if index < len(s)]
    return merged


def says(lang: str, key: str, **values: Any) -> str:
    """What a user sees for one of the bot's texts (postbot.alerts.texts), tags removed."""
    return visible_text(text(lang, key, **values))


def publish(bot: BotProcess, feeds: FeedServer, item: FeedItem, path: str = "/news.xml") -> None:
    """Put a new item at the top of a feed and make every feed due now."""
    feeds.add_item(path, item)
    bot.poll_now()


def press(
    double: BotApiDouble,
    chat_id: int,
    message_id: int,
    data: str,
    *,
    user_id: int | None = None,
    lang: str | None = "en",
) -> CallbackAnswer:
    """Press an inline button and wait for the bot's answerCallbackQuery."""
    query_id = double.press_button(chat_id, message_id, data, user_id=user_id, language_code=lang)
    return double.wait_for(
        lambda d: next((a for a in d.callback_answers if a.query_id == query_id), None),
        what=f"answer to the {data!r} button",
    )
