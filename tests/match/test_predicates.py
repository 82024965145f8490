import random

import pytest

from postbot.match.matcher import Matcher, make_document
from postbot.match.predicates import Compiled, predicate
from postbot.match.query import And, Node, Not, Or, Term, parse_query

WORDS = ["بغداد", "الموصل", "أربيل", "داعش", "القوات", "الحشد", "طهران", "دمشق", "حلب"]


def _random_query(rng: random.Random, depth: int = 0) -> str:
    """A query of ANDs, ORs and exclusions, up to three levels deep; every OR branch positive."""
    if depth >= 3 or rng.random() < 0.3:
        return rng.choice(WORDS)
    parts = [_random_query(rng, depth + 1) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.4:
        return "(" + " OR ".join(parts) + ")"
    excluded = [f"-{_random_query(rng, depth + 1)}" for _ in range(rng.randint(0, 2))]
    return "(" + " ".join(parts + excluded) + ")"


def _compiled(node: Node, ids: dict[Term, int]) -> Compiled:
    if isinstance(node, Term):
        return ("t", ids.setdefault(node, len(ids)))
    if isinstance(node, Not):
        return ("not", _compiled(node.child, ids))
    kind = "and" if isinstance(node, And) else "or"
    assert isinstance(node, And | Or)
    return (kind, [_compiled(c, ids) for c in node.children])


def _holds(node: Node, present: set[tuple[str, ...]]) -> bool:
    """The query's truth when exactly the terms of these words are present, by the tree."""
    if isinstance(node, Term):
        return node.words in present
    if isinstance(node, Not):
        return not _holds(node.child, present)
    if isinstance(node, And):
        return all(_holds(c, present) for c in node.children)
    assert isinstance(node, Or)
    return any(_holds(c, present) for c in node.children)


def test_predicates_agree_with_the_query_tree() -> None:
    rng = random.Random(20261206)
    outcomes = set()
    for _ in range(400):
        node = parse_query(_random_query(rng), max_length=None)
        ids: dict[Term, int] = {}
        test = predicate(_compiled(node, ids))
        for _ in range(20):
            chosen = [t for t in ids if rng.random() < 0.5]
            found: dict[int, object] = {ids[t]: [] for t in chosen}
            holds = _holds(node, {t.words for t in chosen})
            assert test(found) is holds, (node, chosen)
            outcomes.add(holds)
    assert outcomes == {True, False}


@pytest.mark.parametrize(
    ("query", "present", "expected"),
    [
        ("kirkuk mosul erbil", "kirkuk mosul erbil", True),  # three required terms: one set test
        ("kirkuk mosul erbil", "kirkuk mosul", False),
        ("kirkuk -mosul -erbil", "kirkuk", True),  # two exclusions: one set test
        ("kirkuk -mosul -erbil", "kirkuk erbil", False),
        ("kirkuk OR mosul OR erbil", "erbil", True),
        ("kirkuk OR mosul OR erbil", "basra", False),
        ("kirkuk -(mosul erbil)", "kirkuk mosul", True),  # an excluded AND is a test of its own
        ("kirkuk -(mosul erbil)", "kirkuk mosul erbil", False),
        (
            "(kirkuk OR mosul) (erbil OR basra) (najaf OR tikrit)",
            "mosul erbil tikrit",
            True,
        ),  # three sub-tests
        ("(kirkuk OR mosul) (erbil OR basra) (najaf OR tikrit)", "mosul erbil", False),
        ("(kirkuk mosul) OR (erbil basra) OR (najaf tikrit)", "najaf tikrit", True),
        ("(kirkuk mosul) OR (erbil basra) OR (najaf tikrit)", "kirkuk basra tikrit", False),
    ],
)
def test_predicate_shapes(query: str, present: str, expected: bool) -> None:
    node = parse_query(query)
    ids: dict[Term, int] = {}
    test = predicate(_compiled(node, ids))
    found = {tid: [] for term, tid in ids.items() if term.words[0] in present.split()}
    assert test(found) is expected


def test_matcher_evaluates_nested_queries_like_the_tree() -> None:
    rng = random.Random(7)
    queries = {k: parse_query(_random_query(rng), max_length=None) for k in range(500)}
    matcher = Matcher(queries)
    for _ in range(30):
        words = rng.sample(WORDS, rng.randint(1, len(WORDS)))
        doc = make_document(" ".join(words), "")
        present = {(norm,) for norm in doc.norms}
        expected = {k for k, node in queries.items() if _holds(node, present)}
        assert 0 < len(expected) < len(queries)
        assert matcher.match(doc).keys() == expected, words
