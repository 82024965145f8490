"""No English sentence in an Arabic text, no Arabic outside examples in an English one (issue
16): every key of every text module, both languages, rendered with sample values, the command
descriptions, and the replies composed from several texts (query errors, the read-back)."""

from __future__ import annotations

import string

import pytest

from postbot.alerts.texts import ADMIN_COMMANDS, COMMANDS, NOUNS, TEXTS, plural, text
from postbot.bot.commands import query_problem
from postbot.errors import QuerySyntaxError
from postbot.match.query import parse_query
from support.language import ARABIC_WORD, arabic_runs, latin_outside_allowed, prose


def sample(key: str, lang: str) -> str:
    """The text with each placeholder filled with a number (neutral in both languages; counts
    take their noun)."""
    template = TEXTS[key][lang]
    values = {
        name: 7
        for _, name, _, _ in string.Formatter().parse(template)
        if name is not None and name != ""
    }
    return text(lang, key, **values)


ALL = sorted(TEXTS)


@pytest.mark.parametrize("key", ALL)
def test_arabic_texts_have_no_english(key: str) -> None:
    rendered = sample(key, "ar")
    assert latin_outside_allowed(rendered) == [], rendered


@pytest.mark.parametrize("key", ALL)
def test_english_texts_have_no_arabic_outside_examples(key: str) -> None:
    rendered = sample(key, "en")
    assert arabic_runs(rendered) == [], rendered
    assert ARABIC_WORD.search(prose(rendered)) is None or key in ENGLISH_WITH_ARABIC_EXAMPLES


# English texts that name Arabic spellings as examples (and say so)
ENGLISH_WITH_ARABIC_EXAMPLES = {"help", "query_only_stop_words"}


def test_nouns_and_command_descriptions() -> None:
    for forms in NOUNS.values():
        for n in (1, 2, 3, 11, 100):
            arabic = plural("ar", n, forms["ar"])
            assert latin_outside_allowed(arabic) == [], arabic
            assert ARABIC_WORD.search(plural("en", n, forms["en"])) is None
    for arabic, english in [*COMMANDS.values(), *ADMIN_COMMANDS.values()]:
        assert latin_outside_allowed(arabic) == [], arabic
        assert ARABIC_WORD.search(english) is None, english


ERRORS = ['داعش "عين', "داعش (", "داعش)", "داعش أو", "or داعش", "-داعش", "في", "دا*عش", "ب" * 201]


@pytest.mark.parametrize("query", ERRORS)
def test_query_errors_speak_the_chats_language(query: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(query)
    arabic = query_problem("ar", info.value, query)
    english = query_problem("en", info.value, query)
    assert latin_outside_allowed(arabic) == [], arabic
    assert arabic_runs(english) == [], english
    assert info.value.message not in arabic


def test_read_back_and_hint_replies() -> None:
    for lang in ("ar", "en"):
        read = text(lang, "watch_read_as", expr="عين AND الأسد")
        hint = text(lang, "watch_and_hint", suggestion='"عين الأسد"')
        if lang == "ar":
            assert latin_outside_allowed(read + hint) == []
        else:
            assert arabic_runs(read + hint) == []
