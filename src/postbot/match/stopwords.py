"""Function words: too common in news text to be what a query looks for (pure).

Used twice: a query part made only of these is refused (it would match nearly every story and
make every story a candidate for that query), and the matcher never indexes a phrase under one
of them when the phrase has a more specific word («في بغداد» is found through «بغداد»).

The list is short on purpose: prepositions, conjunctions, particles, pronouns, demonstratives,
relatives and auxiliaries, Arabic and English, the words that make up roughly the most frequent
fifth of running news text. Content words, however common («العراق», «قوات»), stay allowed: they
are legitimate watches, and the matcher ranks them by how many queries use them.
"""

from __future__ import annotations

from postbot.match.normalize import normalize

_ARABIC = """
في من على إلى الى عن أن إن ان لأن مع عند لدى لدي منذ حتى بين خلال حول ضد دون غير سوى
و أو او ثم بل لكن لكنه ف ب ل ك ال لل
ما لا لم لن قد لقد سوف كي كان كانت يكون تكون كانوا ليس ليست
هذا هذه ذلك تلك هؤلاء أولئك هنا هناك هنالك
الذي التي الذين اللذين اللتين اللواتي اللاتي من ما
هو هي هم هن هما نحن أنا انا أنت انت أنتم انتم
له لها لهم به بها بهم فيه فيها فيهم منه منها منهم عليه عليها عليهم إليه اليه عنه عنها
كل بعض أي اي أيضا ايضا إذا اذا إذ كما كذلك حيث عن قبل بعد أمام خلف تحت فوق
قال وقال يا أما إما
"""

_ENGLISH = """
a an the and or but nor so yet if then than as at by for from in into of off on onto out over
to up via with within without about after before between during under again
is are was were be been being am do does did has have had will would shall should can could
might must it its this that these those he him his she her they them their we our
you your i me my not no there here which who whom whose what when where why how
"""

STOP_WORDS: frozenset[str] = frozenset(
    normalize(w) for w in (_ARABIC + _ENGLISH).split() if normalize(w)
)
# A prefix this short («ال*», "th*") starts a large part of all words.
MIN_SPECIFIC_PREFIX = 3


def is_stop_term(words: tuple[str, ...], prefix: bool) -> bool:
    """True when a term (normalized words; `prefix`: the last is a prefix) is only function words.

    A phrase counts as specific as soon as one of its words is not a function word, so «في
    بغداد» is fine and «من في» is not. A prefix shorter than MIN_SPECIFIC_PREFIX letters counts
    as a function word, since it starts a large part of all words.
    """
    for i, word in enumerate(words):
        last_prefix = prefix and i == len(words) - 1
        if last_prefix:
            if len(word) >= MIN_SPECIFIC_PREFIX and word not in STOP_WORDS:
                return False
        elif word not in STOP_WORDS:
            return False
    return True


def is_stop_word(word: str) -> bool:
    """True for a normalized function word."""
    return word in STOP_WORDS
