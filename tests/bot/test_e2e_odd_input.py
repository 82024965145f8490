"""Odd digits, forged buttons and random hostile strings get polite answers (issue 11, item 8).

Every case runs against a real `postbot run`; the `bot` fixture fails the test if the log holds
a traceback, and each test also checks that nothing was logged at ERROR.
"""

from __future__ import annotations

import random
import re

import pytest

from postbot.bot.application import HANDLERS
from postbot.bot.views import MUTE_WATCH, STOP_TOPIC, TOPIC, UNTOPIC, UNWATCH
from support.botapi import BotApiDouble, CallbackAnswer
from support.process import BotProcess, Say, converse, query_db, says, seed_chats

pytestmark = pytest.mark.e2e

DIGITS, BUTTONS, VICTIM = 9501, 9502, 9503
PREFIXES = (TOPIC, UNWATCH, UNTOPIC, MUTE_WATCH, STOP_TOPIC)


def _no_errors(bot: BotProcess) -> None:
    logs = bot.logs()
    assert not re.search(r"^\S+ \S+ (ERROR|CRITICAL) ", logs, re.MULTILINE), logs[-3000:]
    assert "Traceback" not in logs


def _watch_ids(bot: BotProcess, chat_id: int) -> list[int]:
    rows = query_db(bot, "SELECT id FROM watch WHERE chat_id = :c ORDER BY id", c=chat_id)
    return [r[0] for r in rows]


ODD_ARGS = [
    "²",
    "①",
    "߃",
    "１",
    "𝟙",
    "Ⅲ",
    "1٢",
    "-1",
    "+1",
    "1e3",
    "0x2",
    "1.0",
    "9" * 20,
    "9" * 4000,
    "٩" * 30,
    "#-2",
]
# (argument, index of the watch it removes)
GOOD_ARGS = [("٣", 2), ("۱", 0), ("#٢", 1), ("0003", 2), ("3 4", 2)]


def test_unwatch_with_odd_digits_answers_usage_and_keeps_watches(
    bot: BotProcess, double: BotApiDouble
) -> None:
    # each argument from a chat of its own, all at once: no chat's pacing adds up
    chats = {DIGITS * 100 + i: arg for i, arg in enumerate(ODD_ARGS)}
    seed_chats(bot, list(chats), watches=["داعش", "الأنبار", "الرمادي"], lang="en")
    before = {chat: _watch_ids(bot, chat) for chat in chats}
    replies = converse(double, [Say(chat, f"/unwatch {arg}") for chat, arg in chats.items()])
    for chat, arg in chats.items():
        assert replies[chat] == [says("en", "unwatch_usage")], arg[:30]
        assert _watch_ids(bot, chat) == before[chat], arg[:30]
    _no_errors(bot)


def test_unwatch_reads_arabic_indic_and_persian_digits(
    bot: BotProcess, double: BotApiDouble
) -> None:
    chats = {DIGITS * 100 + 50 + i: case for i, case in enumerate(GOOD_ARGS)}
    seed_chats(bot, list(chats), watches=["داعش", "الأنبار", "الرمادي"], lang="en")
    before = {chat: _watch_ids(bot, chat) for chat in chats}
    replies = converse(double, [Say(chat, f"/unwatch {arg}") for chat, (arg, _) in chats.items()])
    for chat, (_arg, removed) in chats.items():
        assert replies[chat][0].startswith(f"🗑 Removed watch #{removed + 1}:"), replies[chat]
        assert _watch_ids(bot, chat) == [w for i, w in enumerate(before[chat]) if i != removed]
    _no_errors(bot)


def _press_forged(double: BotApiDouble, chat_id: int, message_id: int, data: str) -> CallbackAnswer:
    query_id = double.press_button(chat_id, message_id, data, forged=True)
    return double.wait_for(
        lambda d: next((a for a in d.callback_answers if a.query_id == query_id), None),
        what=f"answer to the forged {data!r} button",
    )


def _junk(rng: random.Random, size: int) -> str:
    """Printable and unprintable characters from several scripts, `size` UTF-8 bytes at most."""
    pool = "aZ09:_-²①٣۳߃\x00\x01\x7f\x80\u200f\u202e\ufffd\ufeff😀عربي'\";<>&%{}()[]\\/\n\t "
    out = ""
    while True:
        char = rng.choice(pool)
        if len((out + char).encode("utf-8")) > size:
            return out
        out += char


def _forged_data(victim_watch: int, rng: random.Random) -> list[str]:
    cases = [
        "",
        "zz:1",
        "unknown",
        "é" * 32,  # exactly 64 bytes
        _junk(rng, 64),
        _junk(rng, 20),
        "\x00",
        f"{UNWATCH}{victim_watch}",  # another chat's watch: never removed from here
        f"{MUTE_WATCH}{victim_watch}",
    ]
    for prefix in PREFIXES:
        cases += [
            prefix,
            prefix + "9" * 20,
            prefix + "²",
            prefix + "①",
            prefix + "-1",
            prefix + "٣",
            prefix + _junk(rng, 64 - len(prefix)),
            prefix + "1" * (64 - len(prefix)),
            *(prefix + _junk(rng, rng.randint(1, 64 - len(prefix))) for _ in range(3)),
        ]
    return cases


def test_forged_buttons_get_polite_answers(bot: BotProcess, double: BotApiDouble) -> None:
    seed_chats(bot, [VICTIM], watches=["الفلوجة"], topics=["isis"], lang="en")
    seed_chats(bot, [BUTTONS], watches=["داعش"], lang="en")
    victim_watch = _watch_ids(bot, VICTIM)[0]
    converse(double, [Say(BUTTONS, "/watches")])
    message = double.messages(BUTTONS)[-1]
    rng = random.Random(11)
    answers = []
    for data in _forged_data(victim_watch, rng):
        answer = _press_forged(double, BUTTONS, message.message_id, data)
        answers.append((data, answer))
    for data, answer in answers:
        assert answer.text, f"{data!r} got no answer text"
    assert _watch_ids(bot, VICTIM) == [victim_watch]
    victim_topics = query_db(
        bot, "SELECT topic_id FROM topic_subscription WHERE chat_id = :c", c=VICTIM
    )
    assert [r[0] for r in victim_topics] == ["isis"]
    _no_errors(bot)


def _hostile_args(rng: random.Random) -> list[str]:
    fixed = [
        "",
        "²",
        "①",
        "٣",
        "1٢",
        "-1",
        "9" * 25,
        "9" * 3000,
        "'; DROP TABLE chat;--",
        "<b>x</b> &amp; {topic} {0} %s",
        "((((((((((((((((((((x",
        '"unclosed',
        "\u202e\u200f\ufeff",
        "😀" * 40,
        "OR OR AND -",
        "99:99",
        "25:00-07:00",
        "Asia/../../etc/passwd",
        "daily 24:60",
    ]
    randoms = [_junk(rng, rng.randint(1, 120)) for _ in range(4)]
    return fixed + randoms


@pytest.mark.parametrize("seed", [1, 2])
def test_fuzz_every_command(bot: BotProcess, double: BotApiDouble, seed: int) -> None:
    rng = random.Random(seed)
    commands = sorted(HANDLERS)
    args = _hostile_args(rng)
    lines = []
    chat_id = 200_000 + seed * 10_000
    always = ["²", "①", "9" * 25]  # the inputs that used to raise, for every command
    for command in commands:
        # a few arguments per command, each from a chat of its own so pacing does not add up
        for arg in always + rng.sample(args, 4):
            chat_id += 1
            text = f"/{command} {arg}".strip()[:4096]
            lines.append(Say(chat_id, text, lang=rng.choice(["en", "ar", None])))
    replies = converse(double, lines, timeout=90)
    error_texts = {says("en", "error"), says("ar", "error")}
    for line in lines:
        got = replies[line.chat_id]
        assert got, f"{line.text[:60]!r} got no reply"
        assert not error_texts & set(got), f"{line.text[:60]!r} failed: {got}"
    _no_errors(bot)
