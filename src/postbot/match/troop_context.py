"""What the clause says about a figure: a deployment, or a tally, capacity, model or date (pure).

A figure with a personnel noun is still no troop count when the words of its clause make it
something else: casualties, losses and captives on either side (see `troop_words`), a capacity
(«تتسع لـ», "can hold"), a tally introduced by a count noun («عدد قتلى …»), «أفراد» of
families and «مدربين» of sports clubs or schools, a model number (F-16), a unit's name («الفرقة
16»), money, or a year after a date word.
"""

from __future__ import annotations

from postbot.match import troop_words as w
from postbot.match.normalize import normalize
from postbot.match.numbers import Quantity, spaces_only
from postbot.match.troop_window import ANCHOR_REACH, Found, Window, core

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
_LOOK_BEFORE, _LOOK_AFTER = 5, 7
_CAPACITY_REACH, _ASIDE_REACH = 12, 10


def sensible(win: Window, f: Found, q: Quantity) -> bool:
    """False when the clause makes the figure something other than a deployment."""
    if q.yearlike and f.first == f.context and _after_date_word(win, f.first):
        return False
    if model_number(win, f.first) or _money(win, f.first) or _designation(win, f.first, f.low):
        return False
    if rejected_around(win, f.context, f.last):
        return False
    if f.noun is not None:
        noun = win.tokens[f.noun].norm
        bare = core(noun)
        family = noun in w.FAMILY_SENSE or bare in w.FAMILY_SENSE
        if family and near(win, f.first, f.last, w.FAMILY, 4):
            return False
        coach = noun in w.COACH_SENSE or bare in w.COACH_SENSE
        if coach and not win.military_after(f.noun):
            return not near(win, f.first, f.last, w.SPORT_SCHOOL, 5)
    return True


def rejected_around(win: Window, start: int, last: int) -> bool:
    """True when casualty, captivity, loss or capacity words govern the figure."""
    tokens = win.tokens
    # a comparison takes the predicate of the sentence before it
    compared = any(tokens[k].norm in w.COMPARE for k in range(max(0, start - 3), start))
    if compared and any(
        tokens[k].norm in w.NOT_DEPLOYMENT for k in win.back(start, 25, sentence=True)
    ):
        return True
    for k in range(start, last + 1):
        if tokens[k].norm in w.NOT_DEPLOYMENT:
            return True
    if _capacity_for(win, start) or _tally_head(win, start):
        return True
    # "detained 50 protesters and two soldiers": a coordinated object shares the verb
    subset = start > 0 and (tokens[start - 1].norm in ("و", "and") or tokens[start].norm[0] == "و")
    for k in win.back(start, _LOOK_BEFORE + 2):
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
        if win.breaks(k, k + 1):
            aside = _past_aside(win, k + 1)  # «3 من أفراد الدورية، وهم من الفوج، قضوا»
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
            if nk < len(tokens) and win.is_number(nk) and not win.breaks(k, nk):
                # … unless that figure is a term or a sum: «بالسجن 10 سنوات»
                unit = nk + 1 < len(tokens) and tokens[nk + 1].norm in w.OTHER_UNITS
                if not unit:
                    break
            return True
    return False


def _past_aside(win: Window, k: int) -> int | None:
    """The last token of a comma-enclosed aside opening at tokens[k] («، وهم من …،», ", who
    …,"), so that the predicate after it is read; None when no aside opens there."""
    tokens = win.tokens
    if tokens[k].norm not in w.ASIDES or "," not in win.gap(k - 1, k).replace("،", ","):
        return None
    for j in range(k, min(len(tokens) - 1, k + _ASIDE_REACH)):
        if win.breaks(j, j + 1, sentence=True):
            return None
        if win.breaks(j, j + 1):
            return j if "," in win.gap(j, j + 1).replace("،", ",") else None
    return None


def _tally_head(win: Window, start: int) -> bool:
    """«عدد قتلى الجيش منذ بدء العملية بلغ 120 جنديا», "the number of soldiers killed … rose
    to 13": a count noun whose next words are a casualty, however far back in the clause."""
    tokens = win.tokens
    for k in win.back(start, ANCHOR_REACH):
        if tokens[k].norm in w.COUNT_HEADS or tokens[k].norm == "number":
            return any(tokens[j].norm in w.NOT_DEPLOYMENT for j in range(k + 1, min(start, k + 5)))
    return False


def _capacity_for(win: Window, start: int) -> bool:
    """«تتسع القاعدة … لـ 5000 جندي», "room … for 2,000 troops": a capacity, not troops."""
    tokens = win.tokens
    norm = tokens[start].norm
    glued = norm.startswith("ل") and norm[-1].isdigit()
    if not glued and (start == 0 or tokens[start - 1].norm not in w.CAPACITY_FOR):
        return False
    before = win.back(start if glued else start - 1, _CAPACITY_REACH)
    return any(tokens[k].norm in w.CAPACITY for k in before)


def near(win: Window, first: int, last: int, words: frozenset[str], reach: int) -> bool:
    """True when one of `words` stands within `reach` tokens of the count, in its clause."""
    tokens = win.tokens
    if any(tokens[k].norm in words for k in win.back(first, reach)):
        return True
    return any(tokens[k].norm in words for k in win.ahead(last, reach))


def model_number(win: Window, first: int) -> bool:
    """True for F-16, CH-47, T-72, «إف-16»: the figure is part of a model name."""
    if first == 0:
        return False
    gap = win.gap(first - 1, first)
    prev = win.tokens[first - 1]
    raw = win.text[prev.start : prev.end]
    if raw.isascii() and raw.isalpha() and raw[0].isupper() and len(raw) <= 3:
        return gap in ("", "-", "‑", "–")
    return prev.norm in w.MODEL_PREFIXES and gap in ("-", "‑", "–", " ")


def _designation(win: Window, first: int, low: int | None) -> bool:
    """True for «الفرقة 16 مشاة», "Highway 1": a small number right after a unit's name."""
    tokens = win.tokens
    if first == 0 or low is None or low >= 200 or not tokens[first].norm[-1].isdigit():
        return False  # «وتضم الكتيبة 800 مقاتل» is a head count
    if not spaces_only(win.text, tokens[first - 1], tokens[first]):
        return False
    return tokens[first - 1].norm in w.DESIGNATIONS


def _money(win: Window, first: int) -> bool:
    """True for "$300 million": a currency sign glued before the figure."""
    start = win.tokens[first].start
    return start > 0 and win.text[start - 1] in "$€£"


def _after_date_word(win: Window, first: int) -> bool:
    """True when the word right before tokens[first] introduces a date («عام»، «منذ»، "in")."""
    tokens = win.tokens
    if first == 0 or not spaces_only(win.text, tokens[first - 1], tokens[first]):
        return False
    return tokens[first - 1].norm in _DATE_WORDS
