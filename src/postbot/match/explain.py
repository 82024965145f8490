"""How a parsed query was understood, written back in the query language (pure).

`/watch` answers with it (SPEC §5): «عين الأسد» typed without quotes reads back `عين AND الأسد`,
so the user sees that the two words may be anywhere in the story, and `phrase_hint` offers the
quoted phrase instead. AND and OR are written out, an OR inside an AND is put in parentheses,
an AND inside an OR too (so the grouping never depends on knowing the precedence), and an
exclusion is written `-word` or `-(...)`; words and phrases are shown as the user typed them.
"""

from __future__ import annotations

import re

from postbot.match.query import MAX_PHRASE_WORDS, And, Node, Not, Or, Term


def explain(node: Node) -> str:
    """`node` written with explicit AND / OR and parentheses around every nested group."""
    if isinstance(node, Term):
        return node.source
    if isinstance(node, Not):
        inner = explain(node.child)
        return "-" + (f"({inner})" if isinstance(node.child, And | Or) else inner)
    sep = " AND " if isinstance(node, And) else " OR "
    return sep.join(_grouped(c) for c in node.children)


def _grouped(node: Node) -> str:
    text = explain(node)
    return f"({text})" if isinstance(node, And | Or) else text


def _bare_word(node: Node) -> bool:
    """A single word typed without quotes (not a phrase, not a prefix, not an exclusion)."""
    return isinstance(node, Term) and not node.source.startswith('"') and not node.prefix


def phrase_hint(node: Node) -> str | None:
    """The phrase the user may have meant: the first run of two to MAX_PHRASE_WORDS unquoted
    words taken as AND, quoted (`"عين الأسد"`); None when the query has no such run.
    """
    if isinstance(node, Not):
        return phrase_hint(node.child)
    if isinstance(node, Term):
        return None
    if isinstance(node, And):
        run: list[str] = []
        for child in node.children:
            if _bare_word(child):
                assert isinstance(child, Term)
                run.append(child.source)
                continue
            if len(run) >= 2:
                break
            run = []
        if 2 <= len(run) <= MAX_PHRASE_WORDS:  # longer is a list of words, not a phrase
            return '"' + " ".join(run) + '"'
    for child in node.children:
        if (found := phrase_hint(child)) is not None:
            return found
    return None


def with_phrase(query: str, node: Node) -> str | None:
    """`query` with its first run of unquoted AND-ed words quoted as one phrase (the hint's
    example: «عين الأسد قاعدة» gives `"عين الأسد قاعدة"`); None when there is nothing to quote.
    When the words are not side by side in the text (split by parentheses), the phrase alone.
    """
    phrase = phrase_hint(node)
    if phrase is None:
        return None
    words = phrase.strip('"').split(" ")
    pattern = r"(?<![^\s(])" + r"\s+".join(re.escape(w) for w in words) + r"(?![^\s)])"
    found = re.search(pattern, query)
    if found is None:
        return phrase
    return query[: found.start()] + phrase + query[found.end() :]


def read_back(node: Node) -> str | None:
    """What `/watch` shows as "read as": None for a single word or phrase (nothing to explain)."""
    return None if isinstance(node, Term) else explain(node)
