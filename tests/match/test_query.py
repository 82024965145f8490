"""The query language of SPEC §4: what a query parses to, and each syntax error and position."""

from __future__ import annotations

import pytest

from postbot.errors import QuerySyntaxError
from postbot.match.query import And, Node, Not, Or, Term, parse_query, terms


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
