"""The query language shared by topics and `/watch` (SPEC §4), parsed into a small AST (pure).

    query    := or_expr
    or_expr  := and_expr (OR and_expr)*     OR is "OR", "or" or «أو» (also «او»); quoted, a word
    and_expr := unary+                      juxtaposition means AND ("AND" is accepted and ignored)
    unary    := "-" atom | "NOT" atom | atom
    atom     := WORD | WORD"*" | '"' words '"' | "(" or_expr ")"

A WORD is normalized with the same rules as the text it is matched against; when it normalizes
to several tokens ("al-Asad", "U.S.") it becomes a phrase. `*` (only at the end of a word, also
the last word of a phrase) makes that word a prefix. Every alternative of an OR must contain at
least one positive term: a query made only of exclusions would match almost every story, and
the matcher finds candidate queries through their positive terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from postbot.errors import QuerySyntaxError
from postbot.match.normalize import TOKEN_RE, normalize
from postbot.match.stopwords import is_stop_term

MAX_QUERY_LENGTH = 200
MIN_PREFIX_LENGTH = 2
# Limits that keep one query cheap to parse, store and match (SPEC §4 only fixes 200 characters).
# Depth: parentheses and exclusions nested deeper than this are never needed by a real query, and
# an unbounded depth is a RecursionError in waiting. Terms: distinct words and phrases; a watch of
# 20 alternatives is already broad, and each term is one more index entry for every story.
# Phrase words: longer quotes are sentences, not names, and bound the phrase check per word.
MAX_DEPTH = 10
MAX_TERMS = 20
MAX_PHRASE_WORDS = 8
# Operator-written topics (`max_length=None`): longer and broader, still bounded.
MAX_TOPIC_LENGTH = 5_000
MAX_TOPIC_TERMS = 300


class QueryError(QuerySyntaxError):
    """A QuerySyntaxError with a stable `code` and `values`, so the bot can say it in any language.

    `message` stays the English text used in logs and `check-config`.
    """

    def __init__(
        self, code: str, message: str, position: int, token: str = "", **values: Any
    ) -> None:
        super().__init__(message, position, code=code, token=token)
        self.values = values


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase: normalized words in order; `prefix` makes the last word a prefix."""

    words: tuple[str, ...]
    prefix: bool
    source: str  # as the user wrote it, for messages


@dataclass(frozen=True, slots=True)
class Not:
    """Exclusion: the story must not contain `child`."""

    child: Node


@dataclass(frozen=True, slots=True)
class And:
    """All children must hold."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """At least one child must hold."""

    children: tuple[Node, ...]


Node = Term | Not | And | Or


@dataclass(frozen=True, slots=True)
class _Lexeme:
    kind: str  # "word", "phrase", "(", ")", "-", "OR", "AND", "NOT"
    text: str
    pos: int
    star: bool = False


_OPERATOR_WORDS = {"OR", "AND", "NOT"}
# Other spellings of OR (SPEC §5): lower-case "or" and Arabic «أو», also written «او» or «أو»
# with a madda or hamza below, since people type it without the hamza. Quoted, each is a word.
_OR_WORDS = {"or", "أو", "او", "إو", "آو"}


def _operator(word: str) -> str | None:
    """The operator `word` spells, or None for a plain word."""
    if word in _OPERATOR_WORDS:
        return word
    return "OR" if word in _OR_WORDS or word.lower() == "or" else None


def _lex(text: str) -> list[_Lexeme]:
    out: list[_Lexeme] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append(_Lexeme(ch, ch, i))
            i += 1
        elif ch == "-":
            # a minus that starts a term excludes it; inside a word ("al-Asad") it is a hyphen
            out.append(_Lexeme("-", ch, i))
            i += 1
        elif ch in '"«»“”':
            close = {"«": "»", "“": "”"}.get(ch, ch if ch == '"' else "")
            if not close:
                raise QueryError("closing_quote", f"unexpected closing quote {ch}", i, ch, quote=ch)
            end = text.find(close, i + 1)
            if end < 0:
                raise QueryError("unclosed_quote", "unclosed quotation mark", i, ch)
            body = text[i + 1 : end]
            star = body.rstrip().endswith("*")
            out.append(_Lexeme("phrase", body.rstrip().rstrip("*"), i, star))
            i = end + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()"«»“”':
                j += 1
            word = text[i:j]
            if (op := _operator(word)) is not None:
                out.append(_Lexeme(op, word, i))
            else:
                star = word.endswith("*")
                bare = word.rstrip("*")
                if "*" in bare:
                    raise QueryError(
                        "star_inside",
                        "* is only allowed at the end of a word",
                        i + bare.index("*"),
                        word,
                    )
                out.append(_Lexeme("word", bare, i, star))
            i = j
    return out


class _Parser:
    def __init__(self, text: str, lexemes: list[_Lexeme], max_terms: int) -> None:
        self.text = text
        self.lex = lexemes
        self.i = 0
        self.depth = 0  # open parentheses and exclusions around the current lexeme
        self.max_terms = max_terms
        self.seen: set[tuple[tuple[str, ...], bool]] = set()  # distinct terms so far

    def source_of(self, first: _Lexeme | None) -> str:
        """The query text from `first` to the current lexeme (the part an error is about)."""
        if first is None:
            return ""
        end = self.lex[self.i].pos if self.i < len(self.lex) else len(self.text)
        return self.text[first.pos : end].strip()

    def peek(self) -> _Lexeme | None:
        return self.lex[self.i] if self.i < len(self.lex) else None

    def parse(self) -> Node:
        node = self.or_expr()
        extra = self.peek()
        if extra is not None:  # or_expr only stops early at a ")"
            raise QueryError(
                "close_paren_unopened",
                "closing parenthesis without an opening one",
                extra.pos,
                extra.text,
            )
        return node

    def enter(self, lx: _Lexeme) -> None:
        """One level deeper (a parenthesis or an exclusion); refused past MAX_DEPTH."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(
                "too_deep",
                f"parentheses and exclusions are nested more than {MAX_DEPTH} deep",
                lx.pos,
                lx.text,
                limit=MAX_DEPTH,
            )

    def or_expr(self) -> Node:
        start = self.peek()
        parts = [self.and_expr(start)]
        while (lx := self.peek()) is not None and lx.kind == "OR":
            self.i += 1
            parts.append(self.and_expr(lx))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self, after: _Lexeme | None) -> Node:
        """One OR branch; `after` is the OR before it (for messages), or its first lexeme."""
        first = self.peek()
        parts: list[Node] = []
        while (lx := self.peek()) is not None and lx.kind not in ("OR", ")"):
            if lx.kind == "AND":
                self.i += 1
                continue
            parts.append(self.unary())
        if not parts:
            lx = self.peek()
            if lx is not None and lx.kind == "OR":
                raise QueryError("or_first", "OR needs a word or phrase before it", lx.pos, lx.text)
            if after is not None and after.kind == "OR":
                raise QueryError(
                    "or_last", "OR must be followed by a word or phrase", after.pos, after.text
                )
            if lx is None:
                raise QueryError(
                    "end_early",
                    "expected a word or phrase, found the end",
                    len(self.text),
                    self.lex[-1].text if self.lex else "",
                )
            raise QueryError(
                "close_paren_empty",
                "closing parenthesis without a word or phrase before it",
                lx.pos,
                lx.text,
            )
        node = parts[0] if len(parts) == 1 else And(tuple(parts))
        where = first.pos if first is not None else 0
        if not _anchored(node, stop_ok=True):
            raise QueryError(
                "only_excludes",
                "this part only excludes words: add at least one word to look for",
                where,
                self.source_of(first),
            )
        if not _anchored(node, stop_ok=False):
            # «في» or "the" alone would match nearly every story and make every story a
            # candidate for this query: a needle must be more specific than a function word
            raise QueryError(
                "only_stop_words",
                "this part only looks for common words (such as في, من, the, of): "
                "add a more specific word",
                where,
                self.source_of(first),
            )
        return node

    def unary(self) -> Node:
        lx = self.lex[self.i]
        if lx.kind in ("-", "NOT"):
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt.kind not in ("word", "phrase", "("):
                raise QueryError(
                    "not_alone",
                    f"{lx.text} must be followed by a word or phrase",
                    lx.pos,
                    lx.text,
                    op=lx.text,
                )
            self.enter(lx)
            node = Not(self.atom())
            self.depth -= 1
            return node
        return self.atom()

    def atom(self) -> Node:
        lx = self.lex[self.i]
        self.i += 1
        if lx.kind == "(":
            self.enter(lx)
            inner = self.or_expr()
            close = self.peek()
            if close is None or close.kind != ")":
                raise QueryError("unclosed_paren", "unclosed parenthesis", lx.pos, lx.text)
            self.i += 1
            self.depth -= 1
            return inner
        if lx.kind in ("word", "phrase"):
            term = _term(lx)
            self.seen.add((term.words, term.prefix))
            if len(self.seen) > self.max_terms:
                raise QueryError(
                    "too_many_terms",
                    f"more than {self.max_terms} different words and phrases",
                    lx.pos,
                    term.source,
                    limit=self.max_terms,
                )
            return term
        raise QueryError("unexpected", f"unexpected {lx.text!r}", lx.pos, lx.text)


def _term(lx: _Lexeme) -> Term:
    words = tuple(normalize(m.group()) for m in TOKEN_RE.finditer(lx.text))
    words = tuple(w for w in words if w)
    if not words:
        what = "phrase" if lx.kind == "phrase" else "word"
        raise QueryError(
            f"no_letters_{what}",
            f"this {what} has no letters or digits to look for",
            lx.pos,
            _shown(lx),
        )
    if lx.star and len(words) == 1 and len(words[0]) < MIN_PREFIX_LENGTH:
        raise QueryError(
            "prefix_short",
            f"a prefix needs at least {MIN_PREFIX_LENGTH} letters before *",
            lx.pos,
            _shown(lx),
            limit=MIN_PREFIX_LENGTH,
        )
    if len(words) > MAX_PHRASE_WORDS:
        raise QueryError(
            "phrase_long",
            f"a phrase may have at most {MAX_PHRASE_WORDS} words",
            lx.pos,
            _shown(lx),
            limit=MAX_PHRASE_WORDS,
        )
    return Term(words, lx.star, _shown(lx))


def _shown(lx: _Lexeme) -> str:
    """A word or phrase as the user wrote it (phrases in straight quotes)."""
    source = f'"{lx.text}"' if lx.kind == "phrase" else lx.text
    return source + ("*" if lx.star else "")


def _anchored(node: Node, *, stop_ok: bool) -> bool:
    """True when every way of satisfying `node` requires some positive term to be present.

    With `stop_ok=False` that term must also be more than a function word (`is_stop_term`).
    """
    if isinstance(node, Term):
        return stop_ok or not is_stop_term(node.words, node.prefix)
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_anchored(c, stop_ok=stop_ok) for c in node.children)
    return all(_anchored(c, stop_ok=stop_ok) for c in node.children)


def parse_query(text: str, *, max_length: int | None = MAX_QUERY_LENGTH) -> Node:
    """Parse `text` into a query tree; raise QuerySyntaxError naming the problem and position.

    `max_length=None` is for topics written by the operator: the longer MAX_TOPIC_LENGTH and
    MAX_TOPIC_TERMS apply instead of the limits of `/watch`.
    """
    length = MAX_TOPIC_LENGTH if max_length is None else max_length
    max_terms = MAX_TOPIC_TERMS if max_length is None else MAX_TERMS
    if len(text) > length:
        raise QueryError(
            "too_long",
            f"the query is longer than {length} characters",
            length,
            text[length:],
            limit=length,
        )
    if not text.strip():
        raise QueryError("empty", "the query is empty", 0)
    return _Parser(text, _lex(text), max_terms).parse()


def terms(node: Node, *, positive: bool = True) -> list[Term]:
    """The terms of `node`: positive ones (default) or those under an exclusion."""
    out: list[Term] = []

    def walk(n: Node, neg: bool) -> None:
        if isinstance(n, Term):
            if neg != positive:
                out.append(n)
        elif isinstance(n, Not):
            walk(n.child, not neg)
        else:
            for c in n.children:
                walk(c, neg)

    walk(node, False)
    return out
