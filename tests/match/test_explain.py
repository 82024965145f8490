"""Queries as people type them (issue 16): OR spelled or/أو/او, the read-back `/watch` shows,
the phrase hint, and the code, position and token every parse error carries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from postbot.alerts.texts import TEXTS
from postbot.errors import QuerySyntaxError
from postbot.match.explain import explain, phrase_hint, read_back, with_phrase
from postbot.match.query import Or, Term, parse_query


@pytest.mark.parametrize(
    "query",
    ["داعش OR الأنبار", "داعش or الأنبار", "داعش Or الأنبار", "داعش أو الأنبار", "داعش او الأنبار"],
)
def test_every_spelling_of_or_is_or(query: str) -> None:
    node = parse_query(query)
    assert isinstance(node, Or)
    assert [c.words for c in node.children if isinstance(c, Term)] == [("داعش",), ("الانبار",)]
    assert explain(node) == "داعش OR الأنبار"


def test_a_quoted_or_is_a_word() -> None:
    node = parse_query('"أو" داعش')
    assert explain(node) == '"أو" AND داعش'
    assert explain(parse_query('"قوات أو مستشارين"')) == '"قوات أو مستشارين"'


# (query, read back, suggested query with a phrase or None)
READ_BACK = [
    ("عين الأسد", "عين AND الأسد", '"عين الأسد"'),
    ('"عين الأسد"', None, None),
    ("داعش", None, None),
    ("داعش سوريا OR العراق", "(داعش AND سوريا) OR العراق", '"داعش سوريا" OR العراق'),
    ("العراق أو عين الأسد -سوريا", "العراق OR (عين AND الأسد AND -سوريا)", None),
    ("الأسد -(بشار OR حافظ)", "الأسد AND -(بشار OR حافظ)", None),
    ('"عين الأسد" قاعدة', '"عين الأسد" AND قاعدة', None),
    ("Harir OR حرير", "Harir OR حرير", None),
    ("(عين الأسد) OR x", "(عين AND الأسد) OR x", '("عين الأسد") OR x'),
    ("مستشار* قوات", "مستشار* AND قوات", None),
    (" ".join(["بغداد"] * 9), " AND ".join(["بغداد"] * 9), None),  # too long for a phrase
]


@pytest.mark.parametrize(("query", "shown", "suggestion"), READ_BACK)
def test_read_back_and_phrase_hint(query: str, shown: str | None, suggestion: str | None) -> None:
    node = parse_query(query)
    assert read_back(node) == shown
    expected = suggestion
    if query == "العراق أو عين الأسد -سوريا":
        expected = 'العراق أو "عين الأسد" -سوريا'
    assert with_phrase(query, node) == expected
    if expected is not None:  # the suggestion parses, and reads the run as one phrase
        assert phrase_hint(parse_query(expected)) is None


# (query, code, 0-based position, token)
ERRORS = [
    ('داعش "عين', "unclosed_quote", 5, '"'),
    ("داعش (سوريا", "unclosed_paren", 5, "("),
    ("داعش)", "close_paren_unopened", 4, ")"),
    ("()", "close_paren_empty", 1, ")"),
    ("   ", "empty", 0, ""),
    ("داعش أو", "or_last", 5, "أو"),
    ("or داعش", "or_first", 0, "or"),
    ("داعش -", "not_alone", 5, "-"),
    ("-داعش", "only_excludes", 0, "-داعش"),
    ("في", "only_stop_words", 0, "في"),
    ("دا*عش", "star_inside", 2, "دا*عش"),
    ("»داعش", "closing_quote", 0, "»"),
    ("ب*", "prefix_short", 0, "ب*"),
    ("داعش ...", "no_letters_word", 5, "..."),
    ('" "', "no_letters_phrase", 0, '""'),
    ("داعش (", "end_early", 6, "("),
    ('"' + " ".join(["بغداد"] * 9) + '"', "phrase_long", 0, '"' + " ".join(["بغداد"] * 9) + '"'),
    ("ب" * 201, "too_long", 200, "ب"),
    ("(" * 11 + "داعش" + ")" * 11, "too_deep", 10, "("),
    (" OR ".join(f"ك{i}" for i in range(21)), "too_many_terms", 130, "ك20"),
]


@pytest.mark.parametrize(("query", "code", "position", "token"), ERRORS)
def test_errors_carry_code_position_and_token(
    query: str, code: str, position: int, token: str
) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(query)
    assert (info.value.code, info.value.position, info.value.token) == (code, position, token)


def test_every_error_the_parser_can_raise_has_a_text_in_both_languages() -> None:
    source = Path(__import__("postbot.match.query").match.query.__file__).read_text("utf-8")
    codes = set(re.findall(r'QueryError\(\s*f?"([a-z_{}]+)"', source))
    codes = {c for c in codes if "{" not in c} | {"no_letters_word", "no_letters_phrase"}
    assert len(codes) >= 18, codes
    tested = {code for _, code, _, _ in ERRORS}
    assert codes - {"unexpected"} <= tested  # "unexpected" cannot be reached from the grammar
    for code in codes:
        assert set(TEXTS[f"query_{code}"]) == {"ar", "en"}, code
