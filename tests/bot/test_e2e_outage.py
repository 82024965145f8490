"""A Bot API outage is one WARNING when it starts and one when it ends (issue 11, item 11):
no traceback, no ERROR, and the bot carries on afterwards."""

from __future__ import annotations

import re
import time

import pytest

from postbot.bot.outage import OutageLog
from support.botapi import BotApiDouble
from support.process import BotProcess, seed_chats

pytestmark = pytest.mark.e2e

DOWN = re.compile(r"WARNING .*Bot API unreachable")
UP = re.compile(r"WARNING .*Bot API reachable again")
BEFORE, DURING, AFTER = 9901, 9902, 9903


def _outage_lines(logs: str) -> tuple[int, int]:
    return len(DOWN.findall(logs)), len(UP.findall(logs))


def _check_log(bot: BotProcess, since: int) -> str:
    logs = bot.logs()[since:]
    assert "Traceback" not in logs, logs[-3000:]
    assert not re.search(r"^\S+ \S+ ERROR ", logs, re.MULTILINE), logs[-3000:]
    return logs


@pytest.mark.parametrize(
    ("status", "description", "failures"),
    [
        pytest.param(502, "Bad Gateway", 3, id="502"),
        pytest.param(503, "Service Unavailable", 2, id="503"),
        pytest.param(500, "Internal Server Error", 4, id="500"),
    ],
)
def test_an_api_answering_5xx_is_one_warning_each_way(
    bot: BotProcess, double: BotApiDouble, status: int, description: str, failures: int
) -> None:
    since = len(bot.logs())
    double.fail_next("getUpdates", failures, error_code=status, description=description)
    double.fail_next("sendMessage", 1, error_code=status, description=description)
    double.user_message(BEFORE, "/help")  # answered by the poll now running, reply refused
    bot_log = bot.logs
    deadline = time.monotonic() + 30
    while not UP.search(bot_log()[since:]) and time.monotonic() < deadline:
        time.sleep(0.1)
    double.user_message(AFTER, "/help")
    double.wait_for(lambda d: d.last_text(AFTER), timeout=20, what="a reply after the outage")
    logs = _check_log(bot, since)
    assert _outage_lines(logs) == (1, 1), logs[-3000:]


def test_an_unreachable_api_is_one_warning_and_the_bot_recovers(
    bot: BotProcess, double: BotApiDouble
) -> None:
    since = len(bot.logs())
    seed_chats(bot, [DURING], topics=["isis"])
    port = int(double.url.rsplit(":", 1)[1].split("/")[0])
    double.stop()  # connections refused from now on
    time.sleep(5.0)  # several getUpdates retries, the dispatcher's ticks
    revived = BotApiDouble(token=double.token, port=port).start()
    try:
        revived.user_message(AFTER, "/help")
        revived.wait_for(lambda d: d.last_text(AFTER), timeout=40, what="a reply after revival")
        deadline = time.monotonic() + 10
        while not UP.search(bot.logs()[since:]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert bot.stop() == 0  # while the API is there to confirm the last updates
        logs = _check_log(bot, since)
        assert _outage_lines(logs) == (1, 1), logs[-3000:]
        assert revived.internal_errors == []
    finally:
        revived.stop()


def test_sigterm_while_the_api_is_down_is_prompt_and_quiet(
    bot: BotProcess, double: BotApiDouble
) -> None:
    since = len(bot.logs())
    double.stop()
    time.sleep(2.0)
    started = time.monotonic()
    assert bot.stop(timeout=10.0) == 0
    elapsed = time.monotonic() - started
    assert elapsed < 10.0
    logs = _check_log(bot, since)
    assert _outage_lines(logs)[0] == 1, logs[-3000:]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("events", "lines"),
    [
        pytest.param("ok ok ok", [], id="all-well"),
        pytest.param("fail", ["unreachable"], id="down"),
        pytest.param(
            "fail fail fail ok", ["unreachable", "again after 3 s (3 failed calls)"], id="one"
        ),
        pytest.param(
            "fail ok fail fail ok ok",
            [
                "unreachable",
                "again after 1 s (1 failed call)",
                "unreachable",
                "again after 2 s (2 failed calls)",
            ],
            id="two-outages",
        ),
    ],
)
def test_outage_log_states(events: str, lines: list[str], caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    outage = OutageLog(clock=clock)
    with caplog.at_level("WARNING", logger="postbot.bot.outage"):
        for event in events.split():
            if event == "fail":
                outage.failed("getUpdates", ConnectionError("refused"))
            else:
                outage.succeeded()
            clock.now += 1.0
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == len(lines)
    for message, expected in zip(messages, lines, strict=True):
        assert expected in message
    assert all(r.levelname == "WARNING" for r in caplog.records)


def test_sigterm_while_the_api_hangs_is_prompt_and_quiet(
    bot: BotProcess, double: BotApiDouble
) -> None:
    since = len(bot.logs())
    double.delay_next("getUpdates", 60.0, count=5)  # the API accepts calls and never answers
    double.user_message(BEFORE, "/help")  # ends the poll now running; the next ones hang
    double.wait_for(lambda d: d.last_text(BEFORE), timeout=15, what="the reply before the hang")
    time.sleep(1.0)
    started = time.monotonic()
    assert bot.stop(timeout=10.0) == 0
    elapsed = time.monotonic() - started
    print(f"\nSIGTERM to exit while getUpdates hangs: {elapsed:.2f}s")
    assert elapsed < 10.0
    _check_log(bot, since)
