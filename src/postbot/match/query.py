"""The query language shared by topics and `/watch` (SPEC §4), parsed into a small AST (pure).

    query    := or_expr
    or_expr  := and_expr ("OR" and_expr)*
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

from postbot.errors import QuerySyntaxError
from postbot.match.normalize import TOKEN_RE, normalize

MAX_QUERY_LENGTH = 200
MIN_PREFIX_LENGTH = 2


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
                raise QuerySyntaxError(f"unexpected closing quote {ch}", i)
            end = text.find(close, i + 1)
            if end < 0:
                raise QuerySyntaxError("unclosed quotation mark", i)
            body = text[i + 1 : end]
            star = body.rstrip().endswith("*")
            out.append(_Lexeme("phrase", body.rstrip().rstrip("*"), i, star))
            i = end + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()"«»“”':
                j += 1
            word = text[i:j]
            if word in _OPERATOR_WORDS:
                out.append(_Lexeme(word, word, i))
            else:
                star = word.endswith("*")
                bare = word.rstrip("*")
                if "*" in bare:
                    raise QuerySyntaxError(
                        "* is only allowed at the end of a word", i + bare.index("*")
                    )
                out.append(_Lexeme("word", bare, i, star))
            i = j
    return out


class _Parser:
    def __init__(self, text: str, lexemes: list[_Lexeme]) -> None:
        self.text = text
        self.lex = lexemes
        self.i = 0

    def peek(self) -> _Lexeme | None:
        return self.lex[self.i] if self.i < len(self.lex) else None

    def parse(self) -> Node:
        node = self.or_expr()
        extra = self.peek()
        if extra is not None:  # or_expr only stops early at a ")"
            raise QuerySyntaxError("closing parenthesis without an opening one", extra.pos)
        return node

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
                raise QuerySyntaxError("OR needs a word or phrase before it", lx.pos)
            if after is not None and after.kind == "OR":
                raise QuerySyntaxError("OR must be followed by a word or phrase", after.pos)
            if lx is None:
                raise QuerySyntaxError("expected a word or phrase, found the end", len(self.text))
            raise QuerySyntaxError("closing parenthesis without a word or phrase before it", lx.pos)
        node = parts[0] if len(parts) == 1 else And(tuple(parts))
        if not _anchored(node):
            raise QuerySyntaxError(
                "this part only excludes words: add at least one word to look for",
                first.pos if first is not None else 0,
            )
        return node

    def unary(self) -> Node:
        lx = self.lex[self.i]
        if lx.kind in ("-", "NOT"):
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt.kind not in ("word", "phrase", "("):
                raise QuerySyntaxError(f"{lx.text} must be followed by a word or phrase", lx.pos)
            return Not(self.atom())
        return self.atom()

    def atom(self) -> Node:
        lx = self.lex[self.i]
        self.i += 1
        if lx.kind == "(":
            inner = self.or_expr()
            close = self.peek()
            if close is None or close.kind != ")":
                raise QuerySyntaxError("unclosed parenthesis", lx.pos)
            self.i += 1
            return inner
        if lx.kind in ("word", "phrase"):
            return _term(lx)
        raise QuerySyntaxError(f"unexpected {lx.text!r}", lx.pos)


def _term(lx: _Lexeme) -> Term:
    words = tuple(normalize(m.group()) for m in TOKEN_RE.finditer(lx.text))
    words = tuple(w for w in words if w)
    if not words:
        what = "phrase" if lx.kind == "phrase" else "word"
        raise QuerySyntaxError(f"this {what} has no letters or digits to look for", lx.pos)
    if lx.star and len(words) == 1 and len(words[0]) < MIN_PREFIX_LENGTH:
        raise QuerySyntaxError(
            f"a prefix needs at least {MIN_PREFIX_LENGTH} letters before *", lx.pos
        )
    source = f'"{lx.text}"' if lx.kind == "phrase" else lx.text
    return Term(words, lx.star, source + ("*" if lx.star else ""))


def _anchored(node: Node) -> bool:
    """True when every way of satisfying `node` requires some positive term to be present."""
    if isinstance(node, Term):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_anchored(c) for c in node.children)
    return all(_anchored(c) for c in node.children)


def parse_query(text: str, *, max_length: int | None = MAX_QUERY_LENGTH) -> Node:
    """Parse `text` into a query tree; raise QuerySyntaxError naming the problem and position."""
    if max_length is not None and len(text) > max_length:
        raise QuerySyntaxError(f"the query is longer than {max_length} characters", max_length)
    if not text.strip():
        raise QuerySyntaxError("the query is empty", 0)
    return _Parser(text, _lex(text)).parse()


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
