"""A query's AND/OR/NOT as a Python function of the terms found in a story (pure).

The matcher turns a query into a tree of term ids (`Compiled`); `predicate` builds from it a
function of the mapping of found terms. A candidate query is tested once per story that holds
its anchor, so the test must cost little: a walk of the tree would cost a call per node, so
the common shapes are closures with the membership tests written out (`a in f and b in f`),
as fast as compiled source, and larger sets of terms are tested with one set operation on the
mapping's keys. Closures capture only integers and other closures: no source text, no `eval`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import cast

from postbot.match.query import And, Node, Or, Term

# ("t", term_id) | ("not", c) | ("and", [c, ...]) | ("or", [c, ...])
Compiled = tuple[str, object]
Test = Callable[[Mapping[int, object]], bool]


def predicate(node: Compiled) -> Test:
    """`node` as one function telling whether the terms found satisfy it."""
    kind, arg = node
    if kind == "t":
        return _all_in([cast(int, arg)])
    if kind == "not":
        return _negate(predicate(cast(Compiled, arg)))
    children = cast(list[Compiled], arg)
    tids = [cast(int, c[1]) for c in children if c[0] == "t"]
    if kind == "or":
        others = [predicate(c) for c in children if c[0] != "t"]
        return _any_of(([_any_in(tids)] if tids else []) + others)
    # an AND: its terms and its excluded terms are each one test, the rest one test per child
    excluded = [_excluded(c) for c in children if c[0] == "not"]
    banned = [tid for tid in excluded if tid is not None]
    tests = [_all_in(tids)] if tids else []
    if banned:
        tests.append(_none_in(banned))
    tests += [predicate(c) for c in children if c[0] != "t" and _excluded(c) is None]
    return _all_of(tests)


def is_exact(node: Node) -> bool:
    """True when one present term of the (single) clause means the query holds."""
    if isinstance(node, Term):
        return True
    if isinstance(node, Or):
        return all(isinstance(c, Term) for c in node.children)
    if isinstance(node, And):
        return all(
            isinstance(c, Term) or (isinstance(c, Or) and is_exact(c)) for c in node.children
        )
    return False


def _excluded(node: Compiled) -> int | None:
    """The term id of an exclusion of a single term («-word»), else None."""
    kind, arg = node
    if kind != "not":
        return None
    inner = cast(Compiled, arg)
    return cast(int, inner[1]) if inner[0] == "t" else None


def _negate(test: Test) -> Test:
    return lambda f: not test(f)


def _all_in(tids: Sequence[int]) -> Test:
    if len(tids) == 1:
        a = tids[0]
        return lambda f: a in f
    if len(tids) == 2:
        a, b = tids
        return lambda f: a in f and b in f
    needed = frozenset(tids)
    return lambda f: f.keys() >= needed


def _none_in(tids: Sequence[int]) -> Test:
    if len(tids) == 1:
        a = tids[0]
        return lambda f: a not in f
    banned = frozenset(tids)
    return lambda f: f.keys().isdisjoint(banned)


def _any_in(tids: Sequence[int]) -> Test:
    if len(tids) == 1:
        a = tids[0]
        return lambda f: a in f
    if len(tids) == 2:
        a, b = tids
        return lambda f: a in f or b in f
    options = frozenset(tids)
    return lambda f: not f.keys().isdisjoint(options)


def _all_of(tests: Sequence[Test]) -> Test:
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda f: first(f) and second(f)
    every = tuple(tests)
    return lambda f: all(test(f) for test in every)


def _any_of(tests: Sequence[Test]) -> Test:
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda f: first(f) or second(f)
    each = tuple(tests)
    return lambda f: any(test(f) for test in each)
