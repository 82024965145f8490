"""One pass over the tokens of a troop-count window: figures, qualifiers, changes, ellipsis (pure).

At each token that may start a figure, the longest qualifier before it is read (نحو، أقل من،
"about", «بين», «من»), then the figure (`numbers.read_quantity`); «من X إلى Y» after a change
word, and English "from X to Y", give two figures. The figure's noun is placed by
`troop_nouns`, or, for an elliptical figure («و900 في سوريا», "plus 40 more»), taken from the
last count of the sentence; `troop_context` then decides whether the clause makes it a
deployment figure.
"""

from __future__ import annotations

from itertools import pairwise

from postbot.match import troop_words as w
from postbot.match.normalize import Token, normalize
from postbot.match.numbers import START_WORDS, Quantity, read_quantity, spaces_only
from postbot.match.troop_context import model_number, near, rejected_around, sensible
from postbot.match.troop_nouns import anchor, bare_figure, changed_before, definite, noun_after
from postbot.match.troop_window import (
    ANCHOR_REACH,
    MIN,
    TO_WORDS,
    Found,
    TroopCount,
    Window,
    is_personnel,
)

_PLAIN, _BETWEEN, _FROM = range(3)
_QUALIFIERS: dict[tuple[str, ...], int] = {
    tuple(normalize(phrase).split()): kind
    for kind, phrases in (
        (
            _PLAIN,
            "نحو|قرابة|حوالي|حوالى|زهاء|ما يقارب|يقارب|ما يقرب من|يقرب من|أقل من|أكثر من"
            "|ما لا يقل عن|لا يقل عن|ما يزيد على|ما يزيد عن|يزيد على|يزيد عن|ما يربو على"
            "|يربو على|أزيد من|ما يناهز|يناهز|ما يفوق|يفوق|ما يصل إلى|يصل إلى|حتى|في حدود"
            "|حدود|ما مجموعه|about|around|nearly|almost|some|roughly|approximately|over|under"
            "|more than|fewer than|less than|up to|at least|as many as|an estimated|estimated"
            "|close to|just over|just under|upwards of",
        ),
        (_BETWEEN, "بين|ما بين|between"),
        (_FROM, "من|from"),
    )
    for phrase in phrases.split("|")
}
_QUALIFIER_CLITICS = ("", "و", "ف", "ب", "ل", "وب", "ول", "فب")
# first words of the qualifiers with every clitic: a token outside this set starts none, which
# spares most figures the span checks
_QUALIFIER_HEADS = frozenset(c + phrase[0] for phrase in _QUALIFIERS for c in _QUALIFIER_CLITICS)
_ELLIPSIS_REACH = 14


class Scan(Window):
    """One pass over the tokens of a window."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        super().__init__(text, tokens)
        self.found: list[TroopCount] = []
        self.previous: tuple[int, str] | None = None  # last accepted count: end token, unit
        self.previous_rejected = False  # the last count was a casualty/captive tally

    def run(self) -> list[TroopCount]:
        """Every count of the window, in order, without overlaps."""
        tokens = self.tokens
        i = floor = 0
        while i < len(tokens):
            norm = tokens[i].norm
            if norm in START_WORDS or norm[-1] in "0123456789":
                counts, after = self._counts_at(i, floor)
                for c in counts:
                    self._accept(c)
                if counts:
                    floor = after
                i = max(after, i + 1)
            else:
                i += 1
        return self.found

    def _counts_at(self, i: int, floor: int) -> tuple[list[Found], int]:
        """The counts whose figure starts at tokens[i], and the index to resume scanning from."""
        qualifier = self._qualifier(i, floor)
        if qualifier is not None:
            start, clitic, kind = qualifier
            if kind == _PLAIN and start > floor and self.tokens[start - 1].norm in (MIN, "from"):
                start, clitic, kind = start - 1, 0, _FROM  # "from about 2,500 … to 2,000"
            if kind == _FROM:
                change = self._change(i, start, clitic)
                if change is not None:
                    return change, change[-1].last + 1
        for q in (qualifier, None) if qualifier else (None,):
            kind = q[2] if q else _PLAIN
            quantity = read_quantity(self.tokens, i, self.text, between=kind == _BETWEEN)
            if quantity is None or (kind != _PLAIN and quantity.low == quantity.high):
                continue  # «بين» and «من» qualify only a range
            first, clitic = (q[0], q[1]) if q else (i, quantity.clitic)
            found = self._place(i, first, clitic, quantity)
            if found is None:
                return [], quantity.last + 1
            if not sensible(self, found, quantity):
                # "3 soldiers were wounded, while 400 others remained": a later figure may
                # still name these troops by ellipsis, in its own clause
                if found.noun is not None:
                    self.previous = (found.last, found.unit)
                    self.previous_rejected = True
                return [], found.last + 1
            return [found], found.last + 1
        return [], i + 1

    def _place(self, i: int, first: int, clitic: int, q: Quantity) -> Found | None:
        """Find what the quantity counts: a noun after it, an anchor before, or an earlier count."""
        noun = noun_after(self, q)
        if noun is not None:
            last, unit_start = noun
            unit = self.text[unit_start : self.tokens[last].end]
            return Found(first, clitic, last, q.low, q.high, unit, first, last)
        adjective = definite(self, i, first, q)
        if adjective is not None:  # «غادر الجنود الـ250 القاعدة»: the figure is the noun's
            start, unit = adjective
            return Found(first, clitic, q.last, q.low, q.high, unit, start, None)
        if not bare_figure(self, q.last):
            return None
        if q.yearlike and first == i:
            return None  # a bare 2014 is a year far more often than a head count
        named = anchor(self, i, first, q)
        if named is not None:
            start, unit = named
            return Found(first, clitic, q.last, q.low, q.high, unit, start, None)
        return self._ellipsis(i, first, clitic, q)

    def _accept(self, f: Found) -> None:
        """Record a count and remember it for the elliptical figures after it."""
        start = self.skip_clitic(self.tokens[f.first], f.clitic)
        end = self.tokens[f.last].end
        self.found.append(TroopCount(f.low, f.high, f.unit, self.text[start:end], start, end))
        self.previous = (f.last, f.unit)
        self.previous_rejected = False

    def _qualifier(self, i: int, floor: int) -> tuple[int, int, int] | None:
        """(first token index, clitic length, kind) of the longest qualifier before tokens[i]."""
        tokens, text = self.tokens, self.text
        for size in (4, 3, 2, 1):
            first = i - size
            if first < floor or tokens[first].norm not in _QUALIFIER_HEADS:
                continue
            span = tokens[first : i + 1]
            if not all(spaces_only(text, a, b) for a, b in pairwise(span)):
                continue
            rest = tuple(t.norm for t in span[1:-1])
            head = span[0].norm
            for clitic in _QUALIFIER_CLITICS:
                if head.startswith(clitic) and len(head) > len(clitic):
                    kind = _QUALIFIERS.get((head[len(clitic) :], *rest))
                    if kind is not None:
                        return first, len(clitic), kind
        return None

    def _change(self, i: int, first: int, clitic: int) -> list[Found] | None:
        """«خفض … من 3500 إلى 2500 جندي», "cut … from 2,500 to 2,000": two figures."""
        tokens = self.tokens
        x = read_quantity(tokens, i, self.text, between=False)
        if x is None or x.low is None or x.low != x.high:
            x = self._single(i)
        if x is None or x.low is None:
            return None
        k = x.last
        noun_x = noun_after(self, x)
        if noun_x is not None:
            k = noun_x[0]
        to = self.following(k)
        if to is None or tokens[to].norm not in TO_WORDS:
            return None
        j = self.following(to)
        if j is not None:
            j = self._past_qualifier(j)  # «إلى نحو 2000», «إلى أقل من 2500», "to fewer than 900"
        if j is None:
            return None
        y = self._single(j)
        if y is None or y.low is None or y.low == x.low:
            return None
        english = tokens[first].norm == "from"
        if not (english or x.low > y.low or self._change_word_before(first)):
            return None  # «من 200 إلى 300 جندي» with no change: one range
        noun_y = noun_after(self, y)
        unit = None
        if noun_y is not None:
            unit = self.text[noun_y[1] : tokens[noun_y[0]].end]
        elif noun_x is not None:
            unit = self.text[noun_x[1] : tokens[noun_x[0]].end]
        context = first
        if unit is None:
            # «خفض القوات من 3500 إلى 2500», "cut U.S. troops in Iraq from 5,200 to 3,000"
            named = anchor(self, i, first, x) or changed_before(self, first)
            if named is None:
                return None
            context, unit = named
        y_last = noun_y[0] if noun_y is not None else y.last
        if rejected_around(self, context, y_last) or model_number(self, i):
            return None
        x_last = noun_x[0] if noun_x is not None else x.last
        return [
            Found(first, clitic, x_last, x.low, x.low, unit, context, None),
            Found(to, 0, y_last, y.low, y.low, unit, context, None),
        ]

    def _past_qualifier(self, j: int) -> int | None:
        """The token after a qualifier starting at tokens[j] (a plain one, up to four words)."""
        tokens = self.tokens
        for size in (4, 3, 2, 1):
            span = tokens[j : j + size + 1]
            if len(span) <= size or not all(
                spaces_only(self.text, a, b) for a, b in pairwise(span)
            ):
                continue
            if _QUALIFIERS.get(tuple(t.norm for t in span[:-1])) == _PLAIN:
                return j + size
        return j

    def _single(self, i: int) -> Quantity | None:
        """A single figure at tokens[i], even where a range could be read («5200 إلى 3000»)."""
        q = read_quantity(self.tokens, i, self.text, between=False)
        if q is None or q.low == q.high:
            return q
        # read_quantity took "X to Y" as a range; read X alone by hiding what follows
        cut = i + 1
        while cut < len(self.tokens) and self.tokens[cut].norm not in TO_WORDS:
            cut += 1
        alone = read_quantity(self.tokens[:cut], i, self.text, between=False)
        return alone

    def _change_word_before(self, first: int) -> bool:
        """True when a change word («خفض», «سحب» …) stands before tokens[first] in its clause."""
        return any(self.tokens[k].norm in w.CHANGE for k in self.back(first, ANCHOR_REACH))

    def _ellipsis(self, i: int, first: int, clitic: int, q: Quantity) -> Found | None:
        """«200 جندي … فضلا عن 800 آخرين», «و900 في سوريا», "and 900 in Syria", "plus 40 more"."""
        if self.previous is None or q.yearlike:
            return None
        before, unit = self.previous
        if self.previous_rejected and not near(self, first, q.last, w.PRESENCE, 4):
            return None  # after a tally, only a figure said to stay or serve names troops
        if first - before > _ELLIPSIS_REACH or first <= before:
            return None
        if any(self.breaks(k, k + 1, sentence=True) for k in range(before, first)):
            return None
        tokens = self.tokens
        nxt = q.last + 1
        if nxt < len(tokens) and not self.breaks(q.last, nxt) and tokens[nxt].norm in w.OTHERS:
            return Found(first, clitic, nxt, q.low, q.high, unit, first, None)
        joined = tokens[i].norm.startswith("و") and q.clitic > 0
        prev = tokens[first - 1].norm if first > 0 and not self.breaks(first - 1, first) else ""
        if prev in w.OTHERS_BEFORE:
            return Found(first, clitic, q.last, q.low, q.high, unit, first, None)  # "another 900"
        also = prev in ("و", "and") or any(
            tokens[k].norm in w.ALSO for k in range(max(before + 1, first - 3), first)
        )
        follower = tokens[nxt].norm if nxt < len(tokens) and not self.breaks(q.last, nxt) else ""
        after = tokens[nxt + 1].norm if nxt + 1 < len(tokens) else ""
        # «من أصل 2500 جندي، سيبقى 500 في أربيل»: a place may stand in for the conjunction
        if not (joined or also) and (follower not in w.IN_PLACE or after in w.PERCENT):
            return None
        placed = follower in w.PLACE_PREPOSITIONS or follower.startswith(("ب", "ل"))
        # «و100 من السويد», "and 100 from Sweden": where they come from, unless «من» names
        # what they are («و100 من المدنيين»)
        origin = follower in (MIN, "from") and after not in w.FAMILY | w.OTHER_UNITS
        origin = origin and not is_personnel(after, forces=True)
        if follower and not (placed or origin or follower in w.LEFT_BEHIND):
            return None
        return Found(first, clitic, q.last, q.low, q.high, unit, first, None)
