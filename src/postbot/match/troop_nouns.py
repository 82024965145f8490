"""Where a figure's personnel noun is: after it, named before it, or made its adjective (pure).

The places, in the order `troop_scan` tries them: right after the figure, joined at most by
«من» / «من بين» or, in English, by up to seven modifiers ("900 U.S. and allied personnel",
"200 members of the armed forces", "an 800-strong battalion"); a definite noun before «الـ» +
figure («الجنود الـ400»); a unit before "of" ("a brigade of 5,000"); a count noun or pronoun
before the figure («عدد الجنود … 600», «التي لا يزيد عددها على 250», "troop levels"); the
noun of a change before «إلى»/"to" («تقليص القوات … إلى نحو 900»).
"""

from __future__ import annotations

from postbot.match import troop_words as w
from postbot.match.numbers import Quantity
from postbot.match.troop_window import ANCHOR_REACH, BAYN, MIN, TO_WORDS, Window, is_personnel

_EN_STOP = w.NOT_DEPLOYMENT | w.norms(
    "the a an of in on at to from by for with but than as per that who which were was are"
    " is be been have has had will would could may said says say people civilians residents"
    " dollars usd euros pounds years year days months weeks hours km miles kilometres kilometers"
    " percent times each other these those its their his her our into"
)
_STRONG = frozenset(("strong", "member", "man", "men", "person"))
_HYPHENS = ("-", "‑", "–")


def noun_after(win: Window, q: Quantity) -> tuple[int, int] | None:
    """(last token index, unit start offset) of the personnel noun the quantity counts."""
    tokens = win.tokens
    k = win.following(q.last)
    if k is None:
        return _strong(win, q.last)
    norm = tokens[k].norm
    if norm.isascii():
        if not q.needs_of:
            return _english_noun(win, k)
        # "thousands of troops", "hundreds more troops"
        of = win.following(k) if norm in ("of", "more") else None
        return None if of is None else _english_noun(win, of)
    if q.needs_of:
        return None
    if norm == MIN:
        nk = win.following(k)
        if nk is not None and tokens[nk].norm == BAYN:
            nk = win.following(nk)
        return None if nk is None else _arabic_noun(win, nk, linked=True)
    return _arabic_noun(win, k, linked=False, article=q.vague)


def _strong(win: Window, last: int) -> tuple[int, int] | None:
    """ "An 800-strong battalion": the unit word after "-strong" (and two modifiers)."""
    tokens = win.tokens
    k = last + 1
    if k >= len(tokens) or tokens[k].norm not in _STRONG or win.gap(last, k) not in _HYPHENS:
        return None  # "800-strong", "2,500-member", "300-man"
    for _ in range(3):
        nk = win.following(k)
        if nk is None:
            return None
        k = nk
        if tokens[k].norm in w.EN_STRONG_UNITS or tokens[k].norm in w.EN_NOUNS:
            return k, tokens[last + 1].start
    return None


def _arabic_noun(
    win: Window, k: int, *, linked: bool, article: bool = True
) -> tuple[int, int] | None:
    """Read tokens[k] as a personnel noun; «قوات» and possessives («جنودها») only after «من»."""
    tok = win.tokens[k]
    readings = [(0, tok.norm)]
    if article and tok.norm.startswith("ال"):
        readings.append((2, tok.norm[2:]))
    for clitic, bare in readings:
        if bare in w.NOUNS or (linked and bare == "قوات"):
            return k, win.skip_clitic(tok, clitic)
        if bare in w.EXPERTS and win.military_after(k):  # «50 خبيرا عسكريا»
            return k + 1, win.skip_clitic(tok, clitic)
    if linked:
        for suffix in w.POSSESSIVES:
            if tok.norm.endswith(suffix) and tok.norm[: -len(suffix)] in w.POSSESSABLE:
                return k, tok.start
    return None


def _english_noun(win: Window, k: int) -> tuple[int, int] | None:
    """Read a personnel noun at tokens[k] after up to seven modifiers ("U.S.-led", "and").

    A modifier is a capitalised word ("U.S.", "Iraqi", "National Guard"), a word joined by
    a hyphen to the one before ("US-led", "active-duty"), or one of the common lower-case
    ones ("coalition", "special", "additional"); "300 bombs hit troops" is no count.
    """
    tokens, text = win.tokens, win.text
    joined = False
    for _ in range(8):
        norm = tokens[k].norm
        nxt = win.following(k)
        corps = norm == "marine" and nxt is not None and tokens[nxt].norm == "corps"
        if norm in w.EN_NOUNS and not corps:  # "Marine Corps troops" goes on
            jets = nxt is not None and tokens[nxt].norm in w.EN_NOT_AFTER_FIGHTER
            return None if jets and norm.startswith("fighter") else (k, tokens[k].start)
        if norm == "service" and nxt is not None and tokens[nxt].norm in ("members", "member"):
            return nxt, tokens[k].start
        if norm in ("members", "member") and nxt is not None and tokens[nxt].norm == "of":
            return _members_of(win, nxt)
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


def _members_of(win: Window, of: int) -> tuple[int, int] | None:
    """ "members of the armed forces": the group must be military."""
    k: int | None = of
    for _ in range(4):
        k = win.following(k) if k is not None else None
        if k is None:
            return None
        if win.tokens[k].norm in w.EN_MEMBER_OF:
            return k, win.tokens[of - 1].start
    return None


def bare_figure(win: Window, last: int) -> bool:
    """True when no other kind of noun follows the figure («600 دولار» is money)."""
    k = last + 1
    if k >= len(win.tokens) or win.breaks(last, k):
        return True
    norm = win.tokens[k].norm
    if norm[-1].isdigit() or norm in w.OTHER_UNITS or "%" in win.gap(last, k):
        return False
    if norm in w.FOLLOW_BARE or is_personnel(norm, forces=False):
        return True
    if norm.isascii():
        return norm.endswith(("ed", "ing"))  # "… 900, stationed", "… 900 remaining"
    return norm.startswith(w.VERB_STARTS) or norm.startswith("و")


def definite(win: Window, i: int, first: int, q: Quantity) -> tuple[int, str] | None:
    """«الجنود الـ400», «مدربيه الـ120»: (noun index, unit) of a figure made an adjective."""
    tokens = win.tokens
    norm = tokens[i].norm
    # digits only: «الفرد الواحد» is "the individual", not a count
    adjective = norm.startswith("ال") and q.clitic == 2 and first == i and i > 0
    adjective = adjective and norm[-1].isdigit()
    if adjective and is_personnel(tokens[i - 1].norm, forces=False):
        return (i - 1, win.raw_noun(i - 1)) if not win.breaks(i - 1, i) else None
    return None


def anchor(win: Window, i: int, first: int, q: Quantity) -> tuple[int, str] | None:
    """(context start, unit) of a personnel noun named before the figure, or None."""
    tokens = win.tokens
    adjective = definite(win, i, first, q)
    if adjective is not None:
        return adjective
    unit_of = first >= 2 and tokens[first - 1].norm == "of"  # "a brigade of 5,000"
    unit_of = unit_of and tokens[first - 2].norm in w.EN_STRONG_UNITS
    if unit_of and win.following(first - 2) == first - 1:
        return first - 2, win.raw_noun(first - 2)
    return _named_before(win, first) or _changed_to(win, first)


def _named_before(win: Window, first: int) -> tuple[int, str] | None:
    """A count noun or pronoun before the figure: «عدد الجنود … 600», "troop levels"."""
    tokens = win.tokens
    for k in win.back(first, ANCHOR_REACH):
        norm = tokens[k].norm
        if norm[-1].isdigit():
            return None
        if norm in w.COUNT_HEADS or norm == "number":
            noun = _counted_after(win, k, first)
            # "troops, which number about 900", "U.S. forces in Iraq number 2,000": a verb
            # when no determiner makes it a noun and no "of" follows it
            verb = norm == "number" and k > 0 and tokens[k + 1].norm != "of"
            verb = verb and tokens[k - 1].norm not in w.EN_DETERMINERS
            if noun is None and verb:
                noun = _personnel_before(win, k)
            return None if noun is None else (k, win.raw_noun(noun))
        if norm in w.COUNT_PRONOUNS:
            noun = _personnel_before(win, k)
            return None if noun is None else (noun, win.raw_noun(noun))
        measured = norm in w.EN_MEASURED and k + 1 < len(tokens)
        if measured and tokens[k + 1].norm in w.EN_TROOP_MEASURES:  # "troop levels"
            return k, win.raw_noun(k)
    return None


def _changed_to(win: Window, first: int) -> tuple[int, str] | None:
    """«خفض القوات … إلى 2500», "cut troops in Iraq to 2,500": the noun of a change."""
    if first == 0 or win.tokens[first - 1].norm not in TO_WORDS:
        return None
    return changed_before(win, first - 1)


def changed_before(win: Window, k: int) -> tuple[int, str] | None:
    """(change word, personnel noun) named before tokens[k] in its clause, or None."""
    tokens = win.tokens
    noun = None
    for j in win.back(k, ANCHOR_REACH):
        norm = tokens[j].norm
        if noun is None and is_personnel(norm, forces=True):
            noun = j
        elif noun is not None and norm in w.CHANGE:
            return j, win.raw_noun(noun)
        if norm[-1].isdigit():
            return None
    return None


def _counted_after(win: Window, head: int, first: int) -> int | None:
    """The personnel noun a count noun («عدد», "number of") measures, within four words."""
    for k in range(head + 1, min(first, head + 5)):
        if is_personnel(win.tokens[k].norm, forces=True):
            return k
    return None


def _personnel_before(win: Window, pronoun: int) -> int | None:
    """The personnel noun a pronoun («عددها», "numbering") points back to, in its sentence."""
    for k in win.back(pronoun, 12, sentence=True):
        norm = win.tokens[k].norm
        if is_personnel(norm, forces=True) or norm in w.UNITS:
            return k
    return None
