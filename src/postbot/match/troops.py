"""Troop-count extraction (pure): "نحو 250–300 مستشار", "آلاف المستشارين", "2,500 US troops".

A troop count is a quantity (see `postbot.match.numbers`) that the sentence says counts people
under arms. The personnel noun is found in one of these places:
- right after the figure, joined at most by «من» / «من بين» («500 من القوات») or, in English,
  by up to seven capitalised, hyphen-joined or known modifiers ("900 U.S. and allied
  personnel", "200 members of the armed forces", "an 800-strong battalion");
- before it, as the thing a count noun measures («عدد الجنود الفرنسيين … نحو 600», «حجم القوة
  … 900», "the number of U.S. troops … 900", "troop levels … 2,500"), through a pronoun
  («القوات التي لا يزيد عددها على 250», "soldiers, numbering about 1,100") or as a definite
  noun before «الـ» + figure («الجنود الـ400»);
- after a change verb and «إلى»/"to" («تقليص القوات … إلى نحو 900», "cut troops … to 2,500");
- in an earlier count of the same sentence, for an elliptical figure («200 جندي … فضلا عن 800
  آخرين», «و900 في سوريا», "plus 40 more").
«من X إلى Y» after a verb or noun of change (خفض، سحب، رفع، زيادة، ارتفع …) and English
"from X to Y" give two figures; otherwise «(ما) بين X و/إلى Y» and «من X إلى Y» are one range.
A qualifier just before the figure (نحو، أقل من، about, up to …) is kept in `text`.

Rejected, by the words of the clause around the figure (see `postbot.match.troop_words`):
casualties, losses and captives on either side (مقتل، قتلوا، لقوا حتفهم، فقدان، نخسر،
اعتقلت، killed, died, lost, arrested …); capacity before it (تتسع لـ، تستوعب، "can hold");
«أفراد» next to family words and «مدربين» next to sports or school words; model numbers
(F-16, «إف-16», T-72) and unit names («الفرقة 16»); a bare year after a date word; and
figures whose noun is not personnel.

Speed: only the text around personnel nouns (regexes over the raw text) is tokenized, and a
noun followed by a figure opens a window only when a count or change word is near.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import pairwise

import ahocorasick

from postbot.match import troop_words as w
from postbot.match.normalize import TOKEN_RE, Token, normalize
from postbot.match.numbers import START_WORDS, Quantity, read_quantity, spaces_only


@dataclass(frozen=True, slots=True)
class TroopCount:
    """A stated number of troops; `text` is input[start:end], qualifier included."""

    low: int | None
    high: int | None
    unit: str
    text: str
    start: int
    end: int


_MIN, _BAYN, _ILA = normalize("من"), normalize("بين"), normalize("إلى")
_FAQADA = normalize("فقد")
_DATE_WORDS = w.with_clitics(
    w.norms(
        "عام سنة منذ في خلال مطلع أوائل أواخر منتصف نهاية بداية يناير فبراير مارس أبريل مايو"
        " يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر كانون شباط آذار نيسان أيار حزيران تموز"
        " آب أيلول تشرين الأول الثاني"
    )
) | w.norms(
    "in since by until till during year early late mid summer winter spring autumn fall"
    " january february march april may june july august september october november december"
)
_EN_STOP = w.NOT_DEPLOYMENT | w.norms(
    "the a an of in on at to from by for with but than as per that who which were was are"
    " is be been have has had will would could may said says say people civilians residents"
    " dollars usd euros pounds years year days months weeks hours km miles kilometres kilometers"
    " percent times each other these those its their his her our into"
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

# Cheap pre-checks over the lower-cased raw text (an IGNORECASE regex is several times slower).
_MARK = "[\u064b-\u065f\u0670\u0640]*"
_AR_STEMS = (
    "جند جنود عنصر عناصر مستشار مدرب عسكر مقاتل قوات قوة قوام فراد فرد ضابط ضباط مارينز مظل"
    " منتسب مشاة كتيب"
)
_EN_STEMS = (
    "troop soldier advis personnel member servicem marine force fighter trainer commando"
    " officer recruit reservist peacekeeper sailor airmen instructor guardsmen strong -man -men"
    " contingent battalion brigade regiment garrison"
)
_STEMS = _AR_STEMS.split() + _EN_STEMS.split()
_AR_NUMBER_STEMS = "لف لاف لوف مئ مائ مية عشر ثلاث ربع خمس ست سبع ثمان تسع ثن احد بضع عدة مليون"
_EN_NUMBER_STEMS = (
    "hundred thousand dozen scores several million tens one two three four five six seven eight"
    " nine ten eleven twelve thirteen fifteen twenty thirty forty fifty sixty seventy eighty ninety"
)
_NUMBER_STEMS = _AR_NUMBER_STEMS.split() + _EN_NUMBER_STEMS.split()
# Without marks, a number word must start a word (after at most و/ف/ب/ل/ك and the article), so
# that «التحالف» or «مستشار» do not pass for «ألف» or «ست».
_AR_NUMBER_STARTS = (
    "ألف ألوف آلاف الف الوف الاف مئ مائ مية عشر ثلاث أربع اربع خمس ست سبع ثمان تسع اثن إثن"
    " احد أحد إحد بضع عدة مليون ملايين واحد"
)
# A number hint is a digit or a number word. The two are looked for apart: a digit is found by
# a character-set scan, while the word patterns are tried at every position (several times
# slower), and most personnel nouns in news have a digit near them.
_DIGIT_HINT = re.compile("[0-9٠-٩۰-۹]")
_NUMBER_WORD_PLAIN = re.compile(
    "(?<![^\\W_])[وفبلك]{0,2}(?:ال)?(?:"
    + "|".join(_AR_NUMBER_STARTS.split())
    + ")|\\b(?:"
    + "|".join(_EN_NUMBER_STEMS.split())
    + ")"
)
_NOUN_HINT_PLAIN = re.compile("|".join(_STEMS))
# Text with tashkeel or tatweel inside a word needs the slower patterns that allow a mark
# between letters; tanwin at a word's end («جنديًا») does not.
_HAS_MARKS = re.compile(_MARK[:-1] + "[\u0621-\u064a]")
# (Latin words carry no Arabic marks: only the Arabic stems need them between letters.)
_NUMBER_WORD_MARKED = re.compile(
    "|".join(_MARK.join(s) for s in _AR_NUMBER_STEMS.split())
    + "|"
    + "|".join(_EN_NUMBER_STEMS.split())
)
_NOUN_HINT_MARKED = re.compile(
    "|".join([_MARK.join(s) for s in _AR_STEMS.split()] + _EN_STEMS.split())
)
# Words that name a count before its figure: «عدد», «قوامها», "number", "troop levels", «الـ400».
# Change words too: «خفض القوات … إلى 2500», "cut troops … to 2,500".
_AR_ANCHOR_STEMS = "عدد تعداد قوام حجم خفض تقليص قلص سحب رفع زياد ارتفع انخفض تراجع"
_EN_ANCHOR_STEMS = (
    "number level presence cut reduc rais increas draw withdr boost fall drop rise shrink"
)
_ANCHOR_STEMS = _AR_ANCHOR_STEMS.split() + _EN_ANCHOR_STEMS.split()
_ANCHOR_HINT_PLAIN = re.compile("|".join(_ANCHOR_STEMS) + "|ال\u0640*[0-9٠-٩۰-۹]")
_ANCHOR_HINT_MARKED = re.compile(
    "|".join([_MARK.join(stem) for stem in _AR_ANCHOR_STEMS.split()] + _EN_ANCHOR_STEMS.split())
    + "|ال"
    + _MARK
    + "[0-9٠-٩۰-۹]"
)
_BREAK_CHARS = re.compile(r"[.!?؟…;؛:\n|•·،,()\[\]]")
_SENTENCE_CHARS = re.compile(r"[.!?؟…;؛:\n|•·]")
_ABBREVIATIONS = w.norms("gen lt col sgt maj capt adm mr mrs ms dr st no")
_DIGITS = re.compile(r"\d+")
_STRONG = frozenset(("strong", "member", "man", "men", "person"))
_HYPHENS = ("-", "‑", "–")
_GLUED = re.compile(r"\d[^\W\d_]")
_WORDS: dict[str, str] = {}
_BEFORE, _NEAR, _AFTER, _NAMED_BEFORE = 120, 60, 60, 80
_LOOK_BEFORE, _LOOK_AFTER, _ANCHOR_REACH, _ELLIPSIS_REACH = 5, 7, 10, 14
_CAPACITY_REACH, _ASIDE_REACH = 12, 10


def extract_troop_counts(text: str) -> list[TroopCount]:
    """Every troop count stated in `text`, in order of appearance, without overlaps."""
    found: list[TroopCount] = []
    for lo, hi in _windows(text):
        found.extend(_Scan(text, _tokens(text, lo, hi)).run())
    return found


def may_state_counts(words: AbstractSet[str], text: str) -> bool:
    """False when `text`, whose distinct normalized words are `words`, can state no troop count.

    A count needs a figure token (a word ending in a digit, or a number word of `START_WORDS`)
    and a window opened by a personnel stem of the raw text. Window tokens are the words of
    `normalize.scan_words`, or, for digits glued to a word, a split of one whose first part
    ends in a digit; and a stem found in the lower-cased raw text (marks allowed between its
    letters) is in the normalized word that holds it, because normalizing maps those letters
    one to one and deletes the marks. "İ" is the one letter whose lower case and case fold
    differ in ASCII letters, so a text holding it is never ruled out. Words are classified once.
    """
    if "İ" in text:
        return True
    new = words - _CLASSIFIED
    if new:
        if len(_CLASSIFIED) > 100_000:
            for known in (_CLASSIFIED, _STEM_WORDS, _FIGURE_WORDS):
                known.clear()
            new = set(words)
        for word in new:
            if any(stem in word for stem in _NORM_STEMS):
                _STEM_WORDS.add(word)
            if word in START_WORDS or _ASCII_DIGIT.search(word) is not None:
                _FIGURE_WORDS.add(word)
        _CLASSIFIED.update(new)
    return not (_STEM_WORDS.isdisjoint(words) or _FIGURE_WORDS.isdisjoint(words))


# "-man" and "-men" are found after a hyphen in the raw text: their words start with the rest
_NORM_STEMS = tuple({normalize(stem.lstrip("-")) for stem in _STEMS})
_ASCII_DIGIT = re.compile("[0-9]")
_CLASSIFIED: set[str] = set()
_STEM_WORDS: set[str] = set()
_FIGURE_WORDS: set[str] = set()


def _windows(text: str) -> list[tuple[int, int]]:
    """Disjoint spans around personnel nouns that have something number-like near them."""
    lower = text.lower()
    if len(lower) != len(text):  # "İ" is the one character whose lower case is longer
        lower = text.replace("İ", "I").lower()
    spans: list[tuple[int, int]] = []
    marked = _HAS_MARKS.search(lower) is not None
    number_words = _NUMBER_WORD_MARKED if marked else _NUMBER_WORD_PLAIN

    def numbers(lo: int, hi: int) -> bool:
        digit = _DIGIT_HINT.search(lower, lo, hi) is not None
        return digit or number_words.search(lower, lo, hi) is not None

    anchors = _ANCHOR_HINT_MARKED if marked else _ANCHOR_HINT_PLAIN
    nouns = [m.span() for m in _NOUN_HINT_MARKED.finditer(lower)] if marked else _plain_nouns(lower)
    for start, end in nouns:
        if numbers(max(0, start - _NEAR), start):
            lo, hi = max(0, start - _BEFORE), min(len(text), end + _AFTER)
        elif numbers(end, end + _NAMED_BEFORE) and anchors.search(
            lower, max(0, start - 30), end + _NAMED_BEFORE
        ):
            # «عدد الجنود … 600»: the noun comes first, the words before it matter less
            lo, hi = max(0, start - _NEAR), min(len(text), end + _NAMED_BEFORE + 20)
        else:
            continue
        while lo > 0 and not text[lo - 1].isspace():
            lo -= 1
        while hi < len(text) and not text[hi].isspace():
            hi += 1
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return spans


def _plain_nouns(lower: str) -> list[tuple[int, int]]:
    """The spans `_NOUN_HINT_PLAIN.finditer(lower)` gives, found by one automaton pass in C.

    An alternation of 45 literals is tried at every position that starts one of them (ج م ق
    ع are in most words); the automaton reads the text once. finditer's choice is kept: the
    leftmost start, there the first stem in `_STEMS` order, then on from that match's end.
    """
    best: dict[int, tuple[int, int]] = {}  # start → (stem order, end)
    for last, (order, length) in _NOUN_AUTOMATON.iter(lower):
        start = last - length + 1
        seen = best.get(start)
        if seen is None or order < seen[0]:
            best[start] = (order, last + 1)
    out: list[tuple[int, int]] = []
    pos = 0
    for start in sorted(best):
        if start >= pos:
            pos = best[start][1]
            out.append((start, pos))
    return out


def _noun_automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for order, stem in enumerate(_STEMS):
        if stem not in automaton:  # a repeated stem keeps its first place, as in a regex
            automaton.add_word(stem, (order, len(stem)))
    automaton.make_automaton()
    return automaton


_NOUN_AUTOMATON = _noun_automaton()


def _tokens(text: str, lo: int, hi: int) -> list[Token]:
    """Tokens of text[lo:hi]; digits glued to a word («450عسكري») become two tokens."""
    tokens: list[Token] = []
    add, cached, new = tokens.append, _WORDS.get, tuple.__new__
    glued = _GLUED.search(text, lo, hi) is not None
    for m in TOKEN_RE.finditer(text, lo, hi):
        raw = m.group()
        if glued:
            digits = _DIGITS.search(raw)
            if digits is not None and 0 < digits.end() < len(raw) and raw[digits.end()].isalpha():
                cut = m.start() + digits.end()
                for a, b in ((m.start(), cut), (cut, m.end())):
                    add(Token(_word(text[a:b]), a, b, 0))
                continue
        # tuple.__new__ spares the NamedTuple constructor's Python frame (most of the cost)
        add(new(Token, (cached(raw) or _word(raw), m.start(), m.end(), 0)))
    return [t for t in tokens if t.norm]


def _word(raw: str) -> str:
    """`raw` normalized, remembered: news vocabulary repeats a lot."""
    norm = normalize(raw)
    if len(_WORDS) >= 50_000:
        _WORDS.clear()
    _WORDS[raw] = norm
    return norm


def _core(norm: str) -> str:
    """`norm` without the article or a conjunction + article («والجنود» → «جنود»)."""
    for prefix in ("وال", "فال", "بال", "لل", "ال", "و"):
        if norm.startswith(prefix) and len(norm) > len(prefix) + 1:
            return norm[len(prefix) :]
    return norm


def _is_personnel(norm: str, *, forces: bool) -> bool:
    """True for a personnel noun in any form: «الجنود»، «مدربيه»، «قواتها» (with `forces`)."""
    if norm in w.EN_NOUNS:
        return True
    for form in (norm, _core(norm)):
        if form in w.NOUNS or (forces and form in w.FORCES):
            return True
        for suffix in w.POSSESSIVES:
            if form.endswith(suffix) and form[: -len(suffix)] in w.POSSESSABLE:
                return True
    return False


@dataclass(slots=True)
class _Found:
    """A count being built: token span, figures, unit and where its clause context starts."""

    first: int
    clitic: int
    last: int
    low: int | None
    high: int | None
    unit: str
    context: int  # first token whose words decide the figure's sense (an anchor, or `first`)
    noun: int | None  # token index of the personnel noun after the figure, if any


class _Scan:
    """One pass over the tokens of a window."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.found: list[TroopCount] = []
        self.previous: tuple[int, str] | None = None  # last accepted count: end token, unit
        self.previous_rejected = False  # the last count was a casualty/captive tally

    def run(self) -> list[TroopCount]:
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

    # --- helpers over tokens

    def _gap(self, a: int, b: int) -> str:
        return self.text[self.tokens[a].end : self.tokens[b].start]

    def _next(self, k: int) -> int | None:
        """Index of the token after tokens[k] when only spaces separate them."""
        tokens = self.tokens
        if k + 1 < len(tokens) and spaces_only(self.text, tokens[k], tokens[k + 1]):
            return k + 1
        return None

    def _breaks(self, a: int, b: int, *, sentence: bool = False) -> bool:
        """True when a clause (or, with `sentence`, a sentence) ends between tokens a and b."""
        gap = self._gap(a, b)
        hit = (_SENTENCE_CHARS if sentence else _BREAK_CHARS).search(gap)
        if hit is None:
            return False
        if gap.strip() == "." or gap.startswith(". "):
            prev = self.tokens[a].norm
            # "U.S. Forces", "Gen. Smith": a dot after an initial or a title goes on
            return not (len(prev) == 1 and prev.isascii()) and prev not in _ABBREVIATIONS
        return True

    def _is_number(self, k: int) -> bool:
        norm = self.tokens[k].norm
        return norm[-1] in "0123456789" or norm in START_WORDS

    # --- one figure

    def _counts_at(self, i: int, floor: int) -> tuple[list[_Found], int]:
        """The counts whose figure starts at tokens[i], and the index to resume scanning from."""
        qualifier = self._qualifier(i, floor)
        if qualifier is not None:
            start, clitic, kind = qualifier
            if kind == _PLAIN and start > floor and self.tokens[start - 1].norm in (_MIN, "from"):
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
            if not self._sensible(found, quantity):
                # "3 soldiers were wounded, while 400 others remained": a later figure may
                # still name these troops by ellipsis, in its own clause
                if found.noun is not None:
                    self.previous = (found.last, found.unit)
                    self.previous_rejected = True
                return [], found.last + 1
            return [found], found.last + 1
        return [], i + 1

    def _place(self, i: int, first: int, clitic: int, q: Quantity) -> _Found | None:
        """Find what the quantity counts: a noun after it, an anchor before, or an earlier count."""
        noun = self._noun_after(q)
        if noun is not None:
            last, unit_start = noun
            unit = self.text[unit_start : self.tokens[last].end]
            return _Found(first, clitic, last, q.low, q.high, unit, first, last)
        definite = self._definite(i, first, q)
        if definite is not None:  # «غادر الجنود الـ250 القاعدة»: the figure is the noun's
            start, unit = definite
            return _Found(first, clitic, q.last, q.low, q.high, unit, start, None)
        if not self._bare_figure(q.last):
            return None
        if q.yearlike and first == i:
            return None  # a bare 2014 is a year far more often than a head count
        anchor = self._anchor(i, first, q)
        if anchor is not None:
            start, unit = anchor
            return _Found(first, clitic, q.last, q.low, q.high, unit, start, None)
        return self._ellipsis(i, first, clitic, q)

    def _sensible(self, f: _Found, q: Quantity) -> bool:
        """False when the clause makes the figure something other than a deployment."""
        if q.yearlike and f.first == f.context and self._after_date_word(f.first):
            return False
        if self._model_number(f.first) or self._money(f.first) or self._designation(f.first, f.low):
            return False
        if self._rejected_around(f.context, f.last):
            return False
        if f.noun is not None:
            noun = self.tokens[f.noun].norm
            core = _core(noun)
            if (noun in w.FAMILY_SENSE or core in w.FAMILY_SENSE) and self._near(
                f.first, f.last, w.FAMILY, 4
            ):
                return False
            coach = noun in w.COACH_SENSE or core in w.COACH_SENSE
            if coach and not self._military_after(f.noun):
                return not self._near(f.first, f.last, w.SPORT_SCHOOL, 5)
        return True

    def _accept(self, f: _Found) -> None:
        start = self._skip_clitic(self.tokens[f.first], f.clitic)
        end = self.tokens[f.last].end
        self.found.append(TroopCount(f.low, f.high, f.unit, self.text[start:end], start, end))
        self.previous = (f.last, f.unit)
        self.previous_rejected = False

    # --- qualifiers and ranges of change

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

    def _change(self, i: int, first: int, clitic: int) -> list[_Found] | None:
        """«خفض … من 3500 إلى 2500 جندي», "cut … from 2,500 to 2,000": two figures."""
        tokens = self.tokens
        x = read_quantity(tokens, i, self.text, between=False)
        if x is None or x.low is None or x.low != x.high:
            x = self._single(i)
        if x is None or x.low is None:
            return None
        k = x.last
        noun_x = self._noun_after(x)
        if noun_x is not None:
            k = noun_x[0]
        to = self._next(k)
        if to is None or tokens[to].norm not in (_ILA, "to", normalize("الى")):
            return None
        j = self._next(to)
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
        noun_y = self._noun_after(y)
        unit = None
        if noun_y is not None:
            unit = self.text[noun_y[1] : tokens[noun_y[0]].end]
        elif noun_x is not None:
            unit = self.text[noun_x[1] : tokens[noun_x[0]].end]
        context = first
        if unit is None:
            # «خفض القوات من 3500 إلى 2500», "cut U.S. troops in Iraq from 5,200 to 3,000"
            anchor = self._anchor(i, first, x) or self._changed_before(first)
            if anchor is None:
                return None
            context, unit = anchor
        y_last = noun_y[0] if noun_y is not None else y.last
        if self._rejected_around(context, y_last) or self._model_number(i):
            return None
        x_last = noun_x[0] if noun_x is not None else x.last
        return [
            _Found(first, clitic, x_last, x.low, x.low, unit, context, None),
            _Found(to, 0, y_last, y.low, y.low, unit, context, None),
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
        while cut < len(self.tokens) and self.tokens[cut].norm not in (_ILA, "to", "الى"):
            cut += 1
        alone = read_quantity(self.tokens[:cut], i, self.text, between=False)
        return alone

    def _change_word_before(self, first: int) -> bool:
        k = first
        for _ in range(_ANCHOR_REACH):
            if k == 0 or self._breaks(k - 1, k):
                return False
            k -= 1
            if self.tokens[k].norm in w.CHANGE:
                return True
        return False

    # --- where the personnel noun is

    def _noun_after(self, q: Quantity) -> tuple[int, int] | None:
        """(last token index, unit start offset) of the personnel noun the quantity counts."""
        tokens = self.tokens
        k = self._next(q.last)
        if k is None:
            return self._strong(q.last)
        norm = tokens[k].norm
        if norm.isascii():
            if not q.needs_of:
                return self._english_noun(k)
            # "thousands of troops", "hundreds more troops"
            of = self._next(k) if norm in ("of", "more") else None
            return None if of is None else self._english_noun(of)
        if q.needs_of:
            return None
        if norm == _MIN:
            nk = self._next(k)
            if nk is not None and tokens[nk].norm == _BAYN:
                nk = self._next(nk)
            return None if nk is None else self._arabic_noun(nk, linked=True)
        return self._arabic_noun(k, linked=False, article=q.vague)

    def _strong(self, last: int) -> tuple[int, int] | None:
        """ "An 800-strong battalion": the unit word after "-strong" (and two modifiers)."""
        tokens = self.tokens
        k = last + 1
        if k >= len(tokens) or tokens[k].norm not in _STRONG or self._gap(last, k) not in _HYPHENS:
            return None  # "800-strong", "2,500-member", "300-man"
        for _ in range(3):
            nk = self._next(k)
            if nk is None:
                return None
            k = nk
            if tokens[k].norm in w.EN_STRONG_UNITS or tokens[k].norm in w.EN_NOUNS:
                return k, tokens[last + 1].start
        return None

    def _arabic_noun(self, k: int, *, linked: bool, article: bool = True) -> tuple[int, int] | None:
        """Read tokens[k] as a personnel noun; «قوات» and possessives («جنودها») only after «من»."""
        tok = self.tokens[k]
        readings = [(0, tok.norm)]
        if article and tok.norm.startswith("ال"):
            readings.append((2, tok.norm[2:]))
        for clitic, core in readings:
            if core in w.NOUNS or (linked and core == "قوات"):
                return k, self._skip_clitic(tok, clitic)
            if core in w.EXPERTS and self._military_after(k):  # «50 خبيرا عسكريا»
                return k + 1, self._skip_clitic(tok, clitic)
        if linked:
            for suffix in w.POSSESSIVES:
                if tok.norm.endswith(suffix) and tok.norm[: -len(suffix)] in w.POSSESSABLE:
                    return k, tok.start
        return None

    def _english_noun(self, k: int) -> tuple[int, int] | None:
        """Read a personnel noun at tokens[k] after up to seven modifiers ("U.S.-led", "and").

        A modifier is a capitalised word ("U.S.", "Iraqi", "National Guard"), a word joined by
        a hyphen to the one before ("US-led", "active-duty"), or one of the common lower-case
        ones ("coalition", "special", "additional"); "300 bombs hit troops" is no count.
        """
        tokens, text = self.tokens, self.text
        joined = False
        for _ in range(8):
            norm = tokens[k].norm
            nxt = self._next(k)
            corps = norm == "marine" and nxt is not None and tokens[nxt].norm == "corps"
            if norm in w.EN_NOUNS and not corps:  # "Marine Corps troops" goes on
                jets = nxt is not None and tokens[nxt].norm in w.EN_NOT_AFTER_FIGHTER
                return None if jets and norm.startswith("fighter") else (k, tokens[k].start)
            if norm == "service" and nxt is not None and tokens[nxt].norm in ("members", "member"):
                return nxt, tokens[k].start
            if norm in ("members", "member") and nxt is not None and tokens[nxt].norm == "of":
                return self._members_of(nxt)
            if not (norm.isascii() and norm.isalpha()) or norm in _EN_STOP or k + 1 >= len(tokens):
                return None
            if norm in ("and", "or") and tokens[k + 1].norm[-1].isdigit():
                return None
            capital = text[tokens[k].start].isupper()
            # a noun adjunct right before the noun: "counterterrorism troops", "logistics
            # personnel"; a plural or a verb there ("after 300 attacks troops …") is not one
            adjunct = not norm.endswith("s") and nxt is not None and tokens[nxt].norm in w.EN_NOUNS
            known = capital or joined or adjunct or norm in w.EN_MODIFIERS
            if not (known or norm in ("and", "or")):
                return None
            gap = text[tokens[k].end : tokens[k + 1].start]
            joiners = ("-", "–", "‑", ".", ".-", ". ") if len(norm) == 1 else ("-", "–", "‑")
            if nxt is None and gap not in joiners and gap.strip(" ") not in joiners:
                return None
            joined = nxt is None and gap.strip(" .") in _HYPHENS  # "US-led", "U.S.-led"
            k += 1
        return None

    def _members_of(self, of: int) -> tuple[int, int] | None:
        """ "members of the armed forces": the group must be military."""
        k: int | None = of
        for _ in range(4):
            k = self._next(k) if k is not None else None
            if k is None:
                return None
            if self.tokens[k].norm in w.EN_MEMBER_OF:
                return k, self.tokens[of - 1].start
        return None

    def _bare_figure(self, last: int) -> bool:
        """True when no other kind of noun follows the figure («600 دولار» is money)."""
        k = last + 1
        if k >= len(self.tokens) or self._breaks(last, k):
            return True
        norm = self.tokens[k].norm
        if norm[-1].isdigit() or norm in w.OTHER_UNITS or "%" in self._gap(last, k):
            return False
        if norm in w.FOLLOW_BARE or _is_personnel(norm, forces=False):
            return True
        if norm.isascii():
            return norm.endswith(("ed", "ing"))  # "… 900, stationed", "… 900 remaining"
        return norm.startswith(w.VERB_STARTS) or norm.startswith("و")

    def _definite(self, i: int, first: int, q: Quantity) -> tuple[int, str] | None:
        """«الجنود الـ400», «مدربيه الـ120»: (noun index, unit) of a figure made an adjective."""
        tokens = self.tokens
        norm = tokens[i].norm
        # digits only: «الفرد الواحد» is "the individual", not a count
        definite = norm.startswith("ال") and q.clitic == 2 and first == i and i > 0
        definite = definite and norm[-1].isdigit()
        if definite and _is_personnel(tokens[i - 1].norm, forces=False):
            return (i - 1, self._raw_noun(i - 1)) if not self._breaks(i - 1, i) else None
        return None

    def _anchor(self, i: int, first: int, q: Quantity) -> tuple[int, str] | None:
        """(context start, unit) of a personnel noun named before the figure, or None."""
        tokens = self.tokens
        definite = self._definite(i, first, q)
        if definite is not None:
            return definite
        unit_of = first >= 2 and tokens[first - 1].norm == "of"  # "a brigade of 5,000"
        unit_of = unit_of and tokens[first - 2].norm in w.EN_STRONG_UNITS
        if unit_of and self._next(first - 2) == first - 1:
            return first - 2, self._raw_noun(first - 2)
        return self._named_before(first) or self._changed_to(first)

    def _named_before(self, first: int) -> tuple[int, str] | None:
        """A count noun or pronoun before the figure: «عدد الجنود … 600», "troop levels"."""
        tokens = self.tokens
        k = first
        for _ in range(_ANCHOR_REACH):
            if k == 0 or self._breaks(k - 1, k):
                return None
            k -= 1
            norm = tokens[k].norm
            if norm[-1].isdigit():
                return None
            if norm in w.COUNT_HEADS or norm == "number":
                noun = self._counted_after(k, first)
                # "troops, which number about 900", "U.S. forces in Iraq number 2,000": a verb
                # when no determiner makes it a noun and no "of" follows it
                verb = norm == "number" and k > 0 and tokens[k + 1].norm != "of"
                verb = verb and tokens[k - 1].norm not in w.EN_DETERMINERS
                if noun is None and verb:
                    noun = self._personnel_before(k)
                return None if noun is None else (k, self._raw_noun(noun))
            if norm in w.COUNT_PRONOUNS:
                noun = self._personnel_before(k)
                return None if noun is None else (noun, self._raw_noun(noun))
            measured = norm in w.EN_MEASURED and k + 1 < len(tokens)
            if measured and tokens[k + 1].norm in w.EN_TROOP_MEASURES:  # "troop levels"
                return k, self._raw_noun(k)
        return None

    def _changed_to(self, first: int) -> tuple[int, str] | None:
        """«خفض القوات … إلى 2500», "cut troops in Iraq to 2,500": the noun of a change."""
        if first == 0 or self.tokens[first - 1].norm not in (_ILA, "to", "الى"):
            return None
        return self._changed_before(first - 1)

    def _changed_before(self, k: int) -> tuple[int, str] | None:
        """(change word, personnel noun) named before tokens[k] in its clause, or None."""
        tokens = self.tokens
        noun = None
        for _ in range(_ANCHOR_REACH):
            if k == 0 or self._breaks(k - 1, k):
                return None
            k -= 1
            norm = tokens[k].norm
            if noun is None and _is_personnel(norm, forces=True):
                noun = k
            elif noun is not None and norm in w.CHANGE:
                return k, self._raw_noun(noun)
            if norm[-1].isdigit():
                return None
        return None

    def _counted_after(self, head: int, first: int) -> int | None:
        """The personnel noun a count noun («عدد», "number of") measures, within four words."""
        for k in range(head + 1, min(first, head + 5)):
            if _is_personnel(self.tokens[k].norm, forces=True):
                return k
        return None

    def _personnel_before(self, pronoun: int) -> int | None:
        """The personnel noun a pronoun («عددها», "numbering") points back to, in its sentence."""
        k = pronoun
        for _ in range(12):
            if k == 0 or self._breaks(k - 1, k, sentence=True):
                return None
            k -= 1
            norm = self.tokens[k].norm
            if _is_personnel(norm, forces=True) or norm in w.UNITS:
                return k
        return None

    def _raw_noun(self, k: int) -> str:
        tok = self.tokens[k]
        raw = self.text[tok.start : tok.end]
        core = _core(tok.norm)
        if core != tok.norm:
            return self.text[self._skip_clitic(tok, len(tok.norm) - len(core)) : tok.end]
        return raw

    def _ellipsis(self, i: int, first: int, clitic: int, q: Quantity) -> _Found | None:
        """«200 جندي … فضلا عن 800 آخرين», «و900 في سوريا», "and 900 in Syria", "plus 40 more"."""
        if self.previous is None or q.yearlike:
            return None
        before, unit = self.previous
        if self.previous_rejected and not self._near(first, q.last, w.PRESENCE, 4):
            return None  # after a tally, only a figure said to stay or serve names troops
        if first - before > _ELLIPSIS_REACH or first <= before:
            return None
        if any(self._breaks(k, k + 1, sentence=True) for k in range(before, first)):
            return None
        tokens = self.tokens
        nxt = q.last + 1
        if nxt < len(tokens) and not self._breaks(q.last, nxt) and tokens[nxt].norm in w.OTHERS:
            return _Found(first, clitic, nxt, q.low, q.high, unit, first, None)
        joined = tokens[i].norm.startswith("و") and q.clitic > 0
        prev = tokens[first - 1].norm if first > 0 and not self._breaks(first - 1, first) else ""
        if prev in w.OTHERS_BEFORE:
            return _Found(first, clitic, q.last, q.low, q.high, unit, first, None)  # "another 900"
        also = prev in ("و", "and") or any(
            tokens[k].norm in w.ALSO for k in range(max(before + 1, first - 3), first)
        )
        follower = tokens[nxt].norm if nxt < len(tokens) and not self._breaks(q.last, nxt) else ""
        after = tokens[nxt + 1].norm if nxt + 1 < len(tokens) else ""
        # «من أصل 2500 جندي، سيبقى 500 في أربيل»: a place may stand in for the conjunction
        if not (joined or also) and (follower not in w.IN_PLACE or after in w.PERCENT):
            return None
        placed = follower in w.PLACE_PREPOSITIONS or follower.startswith(("ب", "ل"))
        # «و100 من السويد», "and 100 from Sweden": where they come from, unless «من» names
        # what they are («و100 من المدنيين»)
        origin = follower in (_MIN, "from") and after not in w.FAMILY | w.OTHER_UNITS
        origin = origin and not _is_personnel(after, forces=True)
        if follower and not (placed or origin or follower in w.LEFT_BEHIND):
            return None
        return _Found(first, clitic, q.last, q.low, q.high, unit, first, None)

    # --- what the clause says about the figure

    def _rejected_around(self, start: int, last: int) -> bool:
        """True when casualty, captivity, loss or capacity words govern the figure."""
        tokens = self.tokens
        if any(tokens[k].norm in w.COMPARE for k in range(max(0, start - 3), start)):
            k = start  # a comparison takes the predicate of the sentence before it
            for _ in range(25):
                if k == 0 or self._breaks(k - 1, k, sentence=True):
                    break
                k -= 1
                if tokens[k].norm in w.NOT_DEPLOYMENT:
                    return True
        for k in range(start, last + 1):
            if tokens[k].norm in w.NOT_DEPLOYMENT:
                return True
        if self._capacity_for(start) or self._tally_head(start):
            return True
        k, subset = start, False
        # "detained 50 protesters and two soldiers": a coordinated object shares the verb
        subset = start > 0 and (
            tokens[start - 1].norm in ("و", "and") or tokens[start].norm[0] == "و"
        )
        for _ in range(_LOOK_BEFORE + 2):
            if k == 0 or self._breaks(k - 1, k):
                break
            k -= 1
            norm = tokens[k].norm
            if norm in w.NOT_DEPLOYMENT_BEFORE:
                return True
            if norm == _FAQADA and tokens[k + 1].norm.startswith("ال"):
                return True  # «فقد الجيش ألف جندي» lost; «فقد أرسلت» is «ف» + «قد»
            if norm in w.EN_CAPACITY_VERBS and k > 0 and tokens[k - 1].norm in w.EN_MODALS:
                return True
            subset = subset or norm in w.SUBSET
            if (norm[-1].isdigit() and not subset) or norm in w.CLAUSE_STOPS:
                break
            if start - k >= _LOOK_BEFORE and not subset:
                break
        k = last
        for _ in range(_LOOK_AFTER):
            if k + 1 >= len(tokens):
                break
            if self._breaks(k, k + 1):
                aside = self._past_aside(k + 1)  # «3 من أفراد الدورية، وهم من الفوج، قضوا»
                if aside is None or aside + 1 >= len(tokens):
                    break
                k = aside
            k += 1
            norm = tokens[k].norm
            coordinated = tokens[k - 1].norm in ("و", "and") or norm.startswith("و")
            if norm in w.CLAUSE_STOPS or (norm[-1].isdigit() and not coordinated):
                break  # "40 soldiers and 10 civilians were hurt": one predicate for both
            if norm in w.FAMILY and tokens[k - 1].norm in ("و", "and", "their"):
                return True  # "10,000 fighters and their families": a camp's population
            if norm == "held" and k + 1 < len(tokens) and tokens[k + 1].norm == "by":
                return True  # "14 soldiers held by the militants"
            if norm in w.NOT_DEPLOYMENT:
                # «… وإصابة 5 آخرين»: a casualty word right before its own figure is about that
                nk = k + 1
                if nk < len(tokens) and self._is_number(nk) and not self._breaks(k, nk):
                    # … unless that figure is a term or a sum: «بالسجن 10 سنوات»
                    unit = nk + 1 < len(tokens) and tokens[nk + 1].norm in w.OTHER_UNITS
                    if not unit:
                        break
                return True
        return False

    def _past_aside(self, k: int) -> int | None:
        """The last token of a comma-enclosed aside opening at tokens[k] («، وهم من …،», ", who
        …,"), so that the predicate after it is read; None when no aside opens there."""
        tokens = self.tokens
        if tokens[k].norm not in w.ASIDES or "," not in self._gap(k - 1, k).replace("،", ","):
            return None
        for j in range(k, min(len(tokens) - 1, k + _ASIDE_REACH)):
            if self._breaks(j, j + 1, sentence=True):
                return None
            if self._breaks(j, j + 1):
                return j if "," in self._gap(j, j + 1).replace("،", ",") else None
        return None

    def _tally_head(self, start: int) -> bool:
        """«عدد قتلى الجيش منذ بدء العملية بلغ 120 جنديا», "the number of soldiers killed … rose
        to 13": a count noun whose next words are a casualty, however far back in the clause."""
        tokens = self.tokens
        k = start
        for _ in range(_ANCHOR_REACH):
            if k == 0 or self._breaks(k - 1, k):
                return False
            k -= 1
            if tokens[k].norm in w.COUNT_HEADS or tokens[k].norm == "number":
                return any(
                    tokens[j].norm in w.NOT_DEPLOYMENT for j in range(k + 1, min(start, k + 5))
                )
        return False

    def _capacity_for(self, start: int) -> bool:
        """«تتسع القاعدة … لـ 5000 جندي», "room … for 2,000 troops": a capacity, not troops."""
        tokens = self.tokens
        norm = tokens[start].norm
        glued = norm.startswith("ل") and norm[-1].isdigit()
        if not glued and (start == 0 or tokens[start - 1].norm not in w.CAPACITY_FOR):
            return False
        k = start if glued else start - 1
        for _ in range(_CAPACITY_REACH):
            if k == 0 or self._breaks(k - 1, k):
                return False
            k -= 1
            if tokens[k].norm in w.CAPACITY:
                return True
        return False

    def _near(self, first: int, last: int, words: frozenset[str], reach: int) -> bool:
        """True when one of `words` stands within `reach` tokens of the count, in its clause."""
        tokens = self.tokens
        k = first
        for _ in range(reach):
            if k == 0 or self._breaks(k - 1, k):
                break
            k -= 1
            if tokens[k].norm in words:
                return True
        k = last
        for _ in range(reach):
            if k + 1 >= len(tokens) or self._breaks(k, k + 1):
                break
            k += 1
            if tokens[k].norm in words:
                return True
        return False

    def _military_after(self, noun: int) -> bool:
        k = self._next(noun)
        return k is not None and self.tokens[k].norm in w.MILITARY_ADJ

    def _model_number(self, first: int) -> bool:
        """True for F-16, CH-47, T-72, «إف-16»: the figure is part of a model name."""
        if first == 0:
            return False
        gap = self._gap(first - 1, first)
        prev = self.tokens[first - 1]
        raw = self.text[prev.start : prev.end]
        if raw.isascii() and raw.isalpha() and raw[0].isupper() and len(raw) <= 3:
            return gap in ("", "-", "‑", "–")
        return prev.norm in w.MODEL_PREFIXES and gap in ("-", "‑", "–", " ")

    def _designation(self, first: int, low: int | None) -> bool:
        """True for «الفرقة 16 مشاة», "Highway 1": a small number right after a unit's name."""
        tokens = self.tokens
        if first == 0 or low is None or low >= 200 or not tokens[first].norm[-1].isdigit():
            return False  # «وتضم الكتيبة 800 مقاتل» is a head count
        if not spaces_only(self.text, tokens[first - 1], tokens[first]):
            return False
        return tokens[first - 1].norm in w.DESIGNATIONS

    def _money(self, first: int) -> bool:
        """True for "$300 million": a currency sign glued before the figure."""
        start = self.tokens[first].start
        return start > 0 and self.text[start - 1] in "$€£"

    def _after_date_word(self, first: int) -> bool:
        """True when the word right before tokens[first] introduces a date («عام»، «منذ»، "in")."""
        tokens = self.tokens
        if first == 0 or not spaces_only(self.text, tokens[first - 1], tokens[first]):
            return False
        return tokens[first - 1].norm in _DATE_WORDS

    def _skip_clitic(self, tok: Token, length: int) -> int:
        """Offset in the text just past the first `length` normalized characters of `tok`."""
        text = self.text
        if length == 0:
            return tok.start
        pos, seen = tok.start, 0
        while pos < tok.end and seen < length:
            seen += len(normalize(text[pos]))
            pos += 1
        while pos < tok.end and not normalize(text[pos]):  # marks on the clitic itself
            pos += 1
        return pos
