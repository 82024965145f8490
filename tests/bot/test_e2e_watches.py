"""Keyword watches end to end (SPEC §5): /watch, /watches with its ❌ buttons, /unwatch, bad input.

Several users talk at once, their commands interleaved, so that each private chat's pacing
(one message a second) overlaps with the others'.
"""

from __future__ import annotations

from typing import Any

import pytest

from postbot.alerts.direction import strip_marks
from postbot.alerts.html import visible_text
from postbot.bot.commands import query_problem
from postbot.errors import QuerySyntaxError
from postbot.match.query import parse_query
from support.botapi import BotApiDouble
from support.process import (
    BotProcess,
    Say,
    converse,
    interleave,
    press,
    query_db,
    says,
    seed_chats,
)

pytestmark = pytest.mark.e2e

WATCHER, BAD_INPUT, BAD_QUERY, AT_LIMIT, ARABIC, SWITCHER = 5101, 5102, 5103, 5104, 5105, 5106
AIN = '"عين الأسد" OR الأنبار'


def buttons(markup: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(label, callback_data) of every inline button."""
    rows = (markup or {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


def long_query(length: int) -> str:
    """A valid query of exactly `length` characters (Arabic words joined by spaces)."""
    words = ("داعش الأنبار الرمادي هيت " * 20).split()
    out = words[0]
    for word in words[1:]:
        if len(out) + 1 + len(word) > length:
            break
        out += " " + word
    return out + "ة" * (length - len(out))


def test_watch_list_remove_and_bad_input(bot: BotProcess, double: BotApiDouble) -> None:
    seed_chats(bot, [AT_LIMIT], watches=[f"كلمة{i}" for i in range(50)], lang="en")
    at_limit = long_query(200)
    too_long = long_query(201)
    assert (len(at_limit), len(too_long)) == (200, 201)

    replies = converse(
        double,
        interleave(
            [
                Say(WATCHER, "/watch داعش"),
                Say(WATCHER, f"/watch {AIN}"),
                Say(WATCHER, "/watch داعش"),
                Say(WATCHER, "/watches"),
            ],
            [
                Say(BAD_INPUT, "/unwatch 9"),
                Say(BAD_INPUT, "/unwatch abc"),
                Say(BAD_INPUT, "/watch"),
                Say(BAD_INPUT, f"/watch {too_long}"),
            ],
            [
                Say(BAD_QUERY, '/watch "عين الأسد'),
                Say(BAD_QUERY, '/watch داعش OR "عين'),
                Say(BAD_QUERY, "/watch داعش)"),
                Say(BAD_QUERY, f"/watch {at_limit}"),
            ],
            [Say(AT_LIMIT, "/watch داعش")],
        ),
    )

    assert replies[WATCHER][:3] == [
        says("en", "watch_added", number=1, query="داعش"),
        says("en", "watch_added", number=2, query=AIN),
        says("en", "watch_exists", number=1),
    ]
    assert "#2" in replies[WATCHER][1]
    listing = double.messages(WATCHER)[-1]
    shown = strip_marks(listing.text).splitlines()[:3]
    assert shown == [says("en", "watches_header"), "1. داعش", f"2. {AIN}"]
    labels = buttons(listing.reply_markup)
    assert [label for label, _ in labels] == ["❌ 1. داعش", f"❌ 2. {AIN}"]
    assert all(data.startswith("unwatch:") for _, data in labels)

    assert replies[BAD_INPUT] == [
        says("en", "unwatch_missing", number=9),
        says("en", "unwatch_text_missing", query="abc"),  # words: the text of a watch was meant
        says("en", "watch_usage"),
        says("en", "watch_too_long", length=201, limit=200),
    ]
    assert "201" in replies[BAD_INPUT][3] and "200" in replies[BAD_INPUT][3]

    quote, quote_late, paren, accepted = replies[BAD_QUERY]
    assert quote.startswith("⚠️ I could not read that query: unclosed quotation mark")
    assert '(at character 1: “"”)' in quote
    assert '(at character 9: “"”)' in quote_late
    assert "closing parenthesis" in paren and "(at character 5: “)”)" in paren
    assert accepted.startswith(says("en", "watch_added", number=1, query=at_limit))

    assert replies[AT_LIMIT] == [says("en", "watch_limit", limit=50)]
    rows = query_db(bot, "SELECT count(*) FROM watch WHERE chat_id = :c", c=AT_LIMIT)
    assert rows[0][0] == 50

    # the ❌ of watch 1: the list is edited in place and the press is answered
    remove_first = labels[0][1]
    answer = press(double, WATCHER, listing.message_id, remove_first)
    assert answer.text == says("en", "removed") and not answer.show_alert
    edit = double.wait_for(
        lambda d: [
            e for e in d.edits if e.message_id == listing.message_id and e.chat_id == WATCHER
        ],
        what="list edited",
    )[-1]
    assert edit.method == "editMessageText"
    # the other watch keeps its number
    edited = strip_marks(edit.text)
    assert edited.splitlines()[:2] == [says("en", "watches_header"), f"2. {AIN}"]
    assert "داعش\n" not in edited + "\n"
    assert len(buttons(edit.reply_markup)) == 1

    replies = converse(double, [Say(WATCHER, "/unwatch 2"), Say(WATCHER, "/watches")])
    assert replies[WATCHER] == [
        says("en", "unwatched", number=2, query=AIN),
        says("en", "watches_none"),
    ]
    assert query_db(bot, "SELECT count(*) FROM watch WHERE chat_id = :c", c=WATCHER)[0][0] == 0


def test_replies_follow_the_language_and_lang_switches(
    bot: BotProcess, double: BotApiDouble
) -> None:
    replies = converse(
        double,
        interleave(
            [
                Say(ARABIC, "/watch داعش", lang="ar"),
                Say(ARABIC, "/unwatch 9", lang="ar"),
                Say(ARABIC, "/watch (داعش", lang="ar"),
                Say(ARABIC, "/lang en", lang="ar"),
                Say(ARABIC, "/unwatch 9", lang="ar"),
            ],
            [
                Say(SWITCHER, "/unwatch 9", lang="en"),
                Say(SWITCHER, "/lang ar", lang="en"),
                Say(SWITCHER, "/unwatch 9", lang="en"),
                Say(SWITCHER, "/lang xx", lang="en"),
            ],
        ),
    )
    added, missing, syntax, switched, english = replies[ARABIC]
    assert added == says("ar", "watch_added", number=1, query="داعش")
    assert added.startswith("👁 أُضيفت كلمة المراقبة رقم 1")
    assert missing == says("ar", "unwatch_missing", number=9)
    assert syntax.startswith("⚠️ لم أفهم الاستعلام") and "(عند الحرف 1: «(»)" in syntax
    assert switched == says("en", "lang_set")
    assert english == says("en", "unwatch_missing", number=9)

    assert replies[SWITCHER] == [
        says("en", "unwatch_missing", number=9),
        says("ar", "lang_set"),
        says("ar", "unwatch_missing", number=9),
        "\n".join(
            [
                says("ar", "lang_unsupported", value="xx"),
                says("ar", "lang_current", name=says("ar", "lang_name_ar")),
                says("ar", "lang_usage"),
            ]
        ),
    ]


HOSTILE_AR, HOSTILE_EN = 5107, 5108
# (query, problem key, its values, 1-based position): limits of issue #11.6/#11.12
HOSTILE_QUERIES = [
    ("(" * 150 + "داعش" + ")" * 40, "query_too_deep", {"limit": 10}, 11),
    ("داعش" + " -(الأسد" * 8 + ")" * 8, "query_too_deep", {"limit": 10}, 4 + 5 * 8 + 2),
    ("في", "query_only_stop_words", {}, 1),
    ("داعش OR the", "query_only_stop_words", {}, 9),
    (" OR ".join(f"ك{i}" for i in range(25)), "query_too_many_terms", {"limit": 20}, 131),
    ('"' + " ".join(["بغداد"] * 9) + '"', "query_phrase_long", {"limit": 8}, 1),
]


def test_hostile_queries_get_a_polite_error_in_the_chat_language(
    bot: BotProcess, double: BotApiDouble
) -> None:
    lines = [
        [Say(chat, f"/watch {q}", lang=lang) for q, *_ in HOSTILE_QUERIES]
        for chat, lang in ((HOSTILE_AR, "ar"), (HOSTILE_EN, "en"))
    ]
    replies = converse(double, interleave(*lines))
    for chat, lang in ((HOSTILE_AR, "ar"), (HOSTILE_EN, "en")):
        for reply, (query, key, values, position) in zip(
            replies[chat], HOSTILE_QUERIES, strict=True
        ):
            with pytest.raises(QuerySyntaxError) as info:
                parse_query(query)
            assert info.value.position + 1 == position
            assert reply == visible_text(query_problem(lang, info.value, query))
            assert says(lang, key, **values) in reply
    stored = query_db(
        bot, "SELECT count(*) FROM watch WHERE chat_id IN (:a, :b)", a=HOSTILE_AR, b=HOSTILE_EN
    )
    assert stored[0][0] == 0
    assert "Traceback" not in bot.logs() and "RecursionError" not in bot.logs()
