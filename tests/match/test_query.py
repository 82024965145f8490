"""The query language of SPEC §4: what a query parses to, and each syntax error and position."""

from __future__ import annotations

import pytest

from postbot.errors import QuerySyntaxError
from postbot.match.query import And, Node, Not, Or, QueryError, Term, parse_query, terms


def shape(node: Node) -> str:
    """A compact, spelling-independent picture of a query tree."""
    if isinstance(node, Term):
        body = " ".join(node.words) + ("*" if node.prefix else "")
        return f'"{body}"' if len(node.words) > 1 else body
    if isinstance(node, Not):
        return "-" + shape(node.child)
    kind = "AND" if isinstance(node, And) else "OR"
    assert isinstance(node, And | Or)
    return f"({kind} " + " ".join(shape(c) for c in node.children) + ")"


# (id, query, shape of the parsed tree)
SHAPE_CASES = [
    ("word", "داعش", "داعش"),
    ("word-normalized-hamza", "الأسد", "الاسد"),
    ("word-normalized-tashkeel", "دَاعِشٌ", "داعش"),
    ("word-normalized-ta-marbuta", "الجوية", "الجويه"),
    ("word-normalized-digits", "٥٠٠", "500"),
    ("word-normalized-presentation-form", "\ufdf2", "الله"),
    ("latin-casefold", "ISIS", "isis"),
    ("space-is-and", "داعش سوريا", "(AND داعش سوريا)"),
    ("or", "داعش OR الأسد", "(OR داعش الاسد)"),
    ("or-chain", "داعش OR القاعدة OR النصرة", "(OR داعش القاعده النصره)"),
    ("and-binds-tighter-than-or", "داعش سوريا OR العراق", "(OR (AND داعش سوريا) العراق)"),
    ("or-then-and", "العراق OR داعش سوريا", "(OR العراق (AND داعش سوريا))"),
    ("parentheses-group-or", "داعش (سوريا OR العراق)", "(AND داعش (OR سوريا العراق))"),
    ("redundant-parentheses", "((داعش))", "داعش"),
    ("phrase", '"عين الأسد"', '"عين الاسد"'),
    ("phrase-and-word", '"عين الأسد" قاعدة', '(AND "عين الاسد" قاعده)'),
    ("exclude-word", "داعش -القاعدة", "(AND داعش -القاعده)"),
    ("exclude-phrase", 'داعش -"تنظيم القاعدة"', '(AND داعش -"تنظيم القاعده")'),
    ("exclude-binds-inside-and", "داعش -الأسد OR العراق", "(OR (AND داعش -الاسد) العراق)"),
    ("exclude-group", "الأسد -(بشار OR حافظ)", "(AND الاسد -(OR بشار حافظ))"),
    ("not-inside-or-branch", "داعش OR (الأسد -بشار)", "(OR داعش (AND الاسد -بشار))"),
    (
        "nested-parentheses",
        "(داعش OR (تنظيم -القاعدة)) سوريا",
        "(AND (OR داعش (AND تنظيم -القاعده)) سوريا)",
    ),
    ("prefix", "مستشار*", "مستشار*"),
    ("prefix-latin", "advis*", "advis*"),
    ("phrase-prefix", '"قوات أمريك*"', '"قوات امريك*"'),
    ("hyphen-is-space", "al-Asad", '"al asad"'),
    ("hyphen-is-space-upper", "AL-ASAD", '"al asad"'),
    ("hyphen-in-phrase", '"Ain al-Asad"', '"ain al asad"'),
    ("hyphen-word-excluded", "Asad -al-Assad", '(AND asad -"al assad")'),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [(q, e) for _, q, e in SHAPE_CASES],
    ids=[i for i, _, _ in SHAPE_CASES],
)
def test_parse_shape(query: str, expected: str) -> None:
    assert shape(parse_query(query)) == expected


def test_terms_split_positive_and_excluded() -> None:
    node = parse_query('داعش OR ("عين الأسد" -بشار)')
    assert [t.words for t in terms(node)] == [("داعش",), ("عين", "الاسد")]
    assert [t.words for t in terms(node, positive=False)] == [("بشار",)]


def test_query_of_exactly_200_characters_is_accepted() -> None:
    query = ("داعش " * 40)[:199] + "ش"
    assert len(query) == 200
    assert isinstance(parse_query(query), And)


def test_max_length_none_lifts_the_limit_for_topics() -> None:
    query = " OR ".join(f"كلمة{i}" for i in range(60))
    assert len(query) > 200
    assert isinstance(parse_query(query, max_length=None), Or)


# (id, query, 0-based position, words of which at least one must appear in the message)
ERROR_CASES = [
    ("unclosed-quote", 'داعش "عين الأسد', 5, ("quot",)),
    ("unclosed-quote-at-start", '"عين الأسد', 0, ("quot",)),
    ("unclosed-quote-after-phrase", '"داعش" "عين', 7, ("quot",)),
    ("unclosed-parenthesis", "(داعش OR الأسد", 0, ("parenthes",)),
    ("unclosed-parenthesis-inner", "داعش (الأسد", 5, ("parenthes",)),
    ("unclosed-parenthesis-nested", "((داعش) سوريا", 0, ("parenthes",)),
    ("extra-closing-parenthesis", "داعش)", 4, ("parenthes",)),
    ("extra-closing-parenthesis-after-group", "(داعش) سوريا)", 12, ("parenthes",)),
    ("closing-parenthesis-first", ")داعش", 0, ("parenthes",)),
    ("empty-parentheses", "داعش ()", 6, ("empty", "word or phrase")),
    ("empty", "", 0, ("empty",)),
    ("blank", "   ", 0, ("empty",)),
    ("only-exclusion-word", "-داعش", 0, ("exclu",)),
    ("only-exclusion-phrase", '-"تنظيم الدولة"', 0, ("exclu",)),
    ("only-exclusions", "-داعش -الأسد", 0, ("exclu",)),
    ("only-exclusion-in-group", "(-داعش)", 1, ("exclu",)),
    ("or-branch-only-exclusion", "داعش OR -الأسد", 8, ("exclu",)),
    ("dangling-or-at-end", "داعش OR", 5, ("OR",)),
    ("dangling-or-at-start", "OR داعش", 0, ("OR",)),
    ("dangling-or-before-parenthesis", "(داعش OR) سوريا", 6, ("OR",)),
    ("double-or", "داعش OR OR الأسد", 8, ("OR",)),
    ("dangling-minus", "داعش -", 5, ("exclu", "-")),
    ("star-in-middle", "مست*شار", 3, ("*",)),
    ("star-in-middle-latin", "ad*visers", 2, ("*",)),
    ("star-at-start", "*شار", 0, ("*",)),
    ("star-in-middle-of-second-word", "داعش مست*شار", 8, ("*",)),
    ("prefix-too-short-arabic", "م*", 0, ("prefix",)),
    ("prefix-too-short-latin", "a*", 0, ("prefix",)),
    ("prefix-too-short-second-word", "داعش م*", 5, ("prefix",)),
    ("star-alone", "*", 0, ("prefix", "letter", "*")),
    ("too-long", "داعش " * 41, 200, ("200",)),
    ("too-long-one-over", "ا" * 201, 200, ("200",)),
    ("no-letters", "!!!", 0, ("letter",)),
    ("no-letters-second-word", "داعش !!!", 5, ("letter",)),
    ("no-letters-phrase", '"!!!"', 0, ("letter",)),
    ("empty-phrase", '""', 0, ("letter", "empty")),
]


@pytest.mark.parametrize(
    ("query", "position", "keywords"),
    [(q, p, k) for _, q, p, k in ERROR_CASES],
    ids=[i for i, _, _, _ in ERROR_CASES],
)
def test_syntax_error_names_problem_and_position(
    query: str, position: int, keywords: tuple[str, ...]
) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(query)
    err = info.value
    assert err.position == position, err.message
    assert any(k.lower() in err.message.lower() for k in keywords), err.message


# Hostile and unusual queries (issue #11.12, #11.6): each is refused with a positioned error
# naming the limit, never a RecursionError. (id, query, max_length, code, 0-based position)
LIMIT_CASES = [
    ("400-parentheses", "(" * 400 + "داعش" + ")" * 400, None, "too_deep", 10),
    ("400-parentheses-watch", "(" * 150 + "x" + ")" * 49, 200, "too_deep", 10),
    ("deep-parentheses-after-word", "داعش " + "(" * 20 + "سوريا" + ")" * 20, None, "too_deep", 15),
    ("deep-not-chain", "داعش " + "-(" * 30 + "سوريا" + ")" * 30, None, "too_deep", 15),
    (
        "deep-not-and-quotes",
        "داعش" + ' -("عين الأسد"' * 12 + ")" * 12,
        None,
        "too_deep",
        4 + 5 * 14 + 1,
    ),
    ("not-keyword-chain", "داعش" + " NOT (الأسد" * 11 + ")" * 11, None, "too_deep", 4 + 5 * 11 + 1),
    (
        "long-or-chain-watch",
        " OR ".join(f"ك{i}" for i in range(21)),
        200,
        "too_many_terms",
        10 * 2 + 10 * 3 + 20 * 4,
    ),
    (
        "long-or-chain-topic",
        " OR ".join(f"w{i}" for i in range(301)),
        None,
        "too_many_terms",
        1090 + 300 * 4,
    ),
    ("topic-too-long", "داعش " * 1001, None, "too_long", 5000),
    ("phrase-of-nine-words", '"' + " ".join(["بغداد"] * 9) + '"', 200, "phrase_long", 0),
    ("only-stop-word-arabic", "في", 200, "only_stop_words", 0),
    ("only-stop-words-arabic", "من على", 200, "only_stop_words", 0),
    ("only-stop-phrase", '"في من"', 200, "only_stop_words", 0),
    ("only-stop-words-english", "the of", 200, "only_stop_words", 0),
    ("only-stop-words-mixed-scripts", "the في OR of على", 200, "only_stop_words", 0),
    ("stop-word-or-branch", "داعش OR في", 200, "only_stop_words", 8),
    ("stop-word-with-exclusion", "في -داعش", 200, "only_stop_words", 0),
    ("short-prefix-alone", "ال*", 200, "only_stop_words", 0),
    ("stop-word-with-clitic-spelling", "إلى", 200, "only_stop_words", 0),
    ("stop-word-upper-case", "THE", 200, "only_stop_words", 0),
]


@pytest.mark.parametrize(
    ("query", "max_length", "code", "position"),
    [(q, m, c, p) for _, q, m, c, p in LIMIT_CASES],
    ids=[i for i, *_ in LIMIT_CASES],
)
def test_limits_give_a_positioned_error(
    query: str, max_length: int | None, code: str, position: int
) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(query, max_length=max_length)
    assert info.value.code == code, info.value.message
    assert info.value.position == position, info.value.message
    assert isinstance(info.value, QuerySyntaxError)  # callers that catch it keep working


# Queries near the limits, and stop words beside a specific word, stay legal.
LEGAL_CASES = [
    ("depth-10", "(" * 10 + "داعش" + ")" * 10, None),
    ("not-depth-10", "داعش " + "-(سوريا " * 5 + "x" + ")" * 5, None),
    ("twenty-terms", " OR ".join(f"ك{i}" for i in range(20)), 200),
    ("repeated-term-counts-once", "داعش " * 39 + "داعش", 200),
    ("phrase-of-eight-words", '"' + " ".join(["بغداد"] * 8) + '"', 200),
    ("stop-word-in-phrase", '"في بغداد"', 200),
    ("stop-word-and-name", "في الموصل", 200),
    ("english-phrase-with-stop", '"Islamic State of Iraq"', 200),
    ("three-letter-prefix", "الع*", 200),
    ("stop-word-excluded", "داعش -في", 200),
]


@pytest.mark.parametrize(
    ("query", "max_length"),
    [(q, m) for _, q, m in LEGAL_CASES],
    ids=[i for i, _, _ in LEGAL_CASES],
)
def test_queries_within_the_limits_parse(query: str, max_length: int | None) -> None:
    assert terms(parse_query(query, max_length=max_length))


def test_every_error_has_a_code() -> None:
    for _, query, *_ in ERROR_CASES:
        with pytest.raises(QueryError) as info:
            parse_query(query)
        assert info.value.code
