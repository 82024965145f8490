"""Arabic-aware text normalization and tokenization (pure).

Normalization is applied to feed text and to queries alike, so that spelling variants meet:
tashkeel (harakat, shadda, sukun, tanwin, dagger alef), Quranic marks and tatweel are removed;
hamza-carrying alefs and alef wasla become bare alef; alef maqsura becomes ya; ta marbuta becomes
ha; hamza on waw/ya becomes the bare letter; Arabic-Indic and Persian digits become ASCII digits;
presentation forms are undone with NFKC; Latin is case-folded. Invisible direction and joiner
marks are dropped. Tokens are maximal runs of letters, digits and combining marks; everything
else (spaces, punctuation, hyphens) separates tokens, which is why "al-Asad" equals "al Asad".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple, cast

_DELETE = (
    "\u0610\u0611\u0612\u0613\u0614\u0615\u0616\u0617\u0618\u0619\u061a"  # Quranic signs
    + "".join(chr(c) for c in range(0x064B, 0x0660))  # tanwin, harakat, shadda, sukun, ...
    + "\u0670"  # dagger alef
    + "\u0640"  # tatweel
    + "".join(chr(c) for c in range(0x06D6, 0x06EE))  # Quranic annotation marks
    + "\u200b\u200c\u200d\u200e\u200f\u061c\u00ad"  # zero-width, joiners, direction marks
    + "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi embeddings/isolates
)

_MAP = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ة": "ه",
    "ؤ": "و",
    "ئ": "ي",
    "ی": "ي",  # Persian ya
    "ک": "ك",  # Persian kaf
}
_MAP.update({chr(0x0660 + i): str(i) for i in range(10)})
_MAP.update({chr(0x06F0 + i): str(i) for i in range(10)})

_TABLE: dict[int, int | str | None] = {ord(c): None for c in _DELETE}
_TABLE.update({ord(k): v for k, v in _MAP.items()})

# Characters that need NFKC first: Arabic presentation forms and compatibility forms.
_NEEDS_NFKC = re.compile("[\ufb50-\ufdff\ufe70-\ufeff\uff00-\uffef]")

_MARKS = (
    "\u0610-\u061a\u064b-\u065f\u0670\u0640\u06d6-\u06ed\u200b-\u200f\u061c\u00ad"
    "\u202a-\u202e\u2066-\u2069"
)
# Letters, digits and marks, with at least one character that normalization keeps (a run of
# tatweel or harakat alone is not a word); "_" comes with \w.
TOKEN_RE = re.compile(f"[{_MARKS}]*[^\\W\u0640][\\w{_MARKS}]*")
ARABIC_LETTER_RE = re.compile("[\u0620-\u064a\u0671-\u06d3\ufb50-\ufdff\ufe70-\ufefc]")


def normalize(text: str) -> str:
    """Return `text` normalized for matching (see module docstring); separators are kept."""
    if _NEEDS_NFKC.search(text):
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_TABLE).casefold()


class Token(NamedTuple):
    """A normalized word with its [start, end) span in the original text and its segment."""

    norm: str
    start: int
    end: int
    segment: int


# A phrase may not span a sentence end, a clause separator or a line break.
# A dot only ends a sentence before a space, an Arabic letter or the end ("U.S." and "3.5" go on).
_SCAN_RE = re.compile(f"({TOKEN_RE.pattern})|([.!?؟…]+(?=[\\s\u0621-\u064a]|$)|[;؛:\n|•·])")
# raw word → normalized; news vocabulary repeats a lot (troop windows read it too)
WORD_CACHE: dict[str, str] = {}
_WORD_CACHE_LIMIT = 100_000


def normalize_word(word: str) -> str:
    """`normalize(word)`, remembered in `WORD_CACHE`."""
    norm = WORD_CACHE.get(word)
    if norm is None:
        norm = normalize(word)
        if len(WORD_CACHE) >= _WORD_CACHE_LIMIT:
            WORD_CACHE.clear()
        WORD_CACHE[word] = norm
    return norm


# Text made only of these normalizes character by character without changing where words start
# and end: ASCII, Arabic, the no-break space, the guillemets «» (Arabic news quotes with them, so
# a quote must not send a story down the slow path), and the spaces, punctuation and invisible
# marks of U+2000-U+206F.
# Elsewhere (presentation forms, "İ" whose case-fold adds a combining dot, Quranic small letters
# that are word characters deleted by normalization, Persian ya/kaf that become Arabic letters
# a sentence end looks at) words are normalized one by one, so they stay those of `word_spans`.
_PLAIN_RE = re.compile(
    "[^\x00-\x7f\u00a0\u00ab\u00bb\u0600-\u06a8\u06aa-\u06cb\u06cd-\u06d5\u06ee-\u06ff\u2000-\u206f]"
)
# The same scan over plain text once marks and tatweel are deleted: words, and sentence ends
# (alef wasla counts as the Arabic letter it becomes).
_PLAIN_WORD_RE = re.compile(r"\w+")
# (the lookahead of every break character first lets the regex engine skip to candidates
# instead of trying both alternatives at every position: the same matches, a third faster)
_RAW_BREAK_RE = re.compile(
    r"(?=[.!?؟…;؛:\n|•·])(?:[.!?؟…]+(?=[\s\u0621-\u064a\u0671]|$)|[;؛:\n|•·])"
)
_DELETED_RE = re.compile("[" + re.escape(_DELETE) + "]")


def scan_words(text: str) -> tuple[list[str], list[int]]:
    """Normalized words of `text` and the segment of each (positions: `word_spans`)."""
    if _PLAIN_RE.search(text) is None:
        # deleting first is what translating does to these characters (the other changes map
        # one character to one), and the words left are those the word cache has seen
        return _scan_clean(_DELETED_RE.sub("", text))
    norms: list[str] = []
    segments: list[int] = []
    add_norm, add_segment, cached = norms.append, segments.append, WORD_CACHE.get
    segment = 0
    for word, _ in _SCAN_RE.findall(text):
        if not word:
            segment += 1
            continue
        # TOKEN_RE guarantees a kept character, so a word never normalizes to nothing
        add_norm(cached(word) or normalize_word(word))
        add_segment(segment)
    return norms, segments


def _scan_clean(text: str) -> tuple[list[str], list[int]]:
    """`scan_words` for plain text whose marks, tatweel and invisible characters are deleted.

    Plain text (`_PLAIN_RE`) normalizes character by character without joining or splitting
    words, except that a mark between a sentence end and what follows no longer hides the
    sentence end (invisible marks are ignored everywhere else too). Once the deleted characters
    are gone, normalizing maps letters to letters and digits to digits one to one, so the raw
    text has the words and sentence ends of the normalized text (alef wasla «ٱ», outside
    U+0621-U+064A, becomes «ا» inside it: the sentence end test accepts both). Words are then
    normalized through the word cache: most were seen already, a dict lookup each instead of
    translating every character.
    """
    parts = _RAW_BREAK_RE.split(text)
    if len(parts) == 1:
        words = _PLAIN_WORD_RE.findall(text)
        segments = [0] * len(words)
    else:
        words = []
        segments = []
        for segment, part in enumerate(parts):
            found = _PLAIN_WORD_RE.findall(part)
            if found:
                words += found
                segments += [segment] * len(found)
    norms = list(map(WORD_CACHE.get, words))
    if not all(norms):  # a truth test per word is cheaper than comparing each with None
        for i, norm in enumerate(norms):
            if norm is None:
                norms[i] = normalize_word(words[i])
    return cast(list[str], norms), segments


def word_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each word `scan_words` returns, in the same order."""
    return [m.span() for m in TOKEN_RE.finditer(text)]


def tokenize(text: str) -> list[Token]:
    """Split `text` into normalized tokens; a new segment starts after each hard break."""
    norms, segments = scan_words(text)
    spans = word_spans(text)
    return [Token(n, a, b, g) for n, (a, b), g in zip(norms, spans, segments, strict=True)]


def _clitic_prefixes() -> tuple[str, ...]:
    """Every attached-clitic prefix: optional و/ف, optional ب/ك/ل, optional ال (ل + ال = لل)."""
    found = {
        conj + prep + art
        for conj in ("", "و", "ف")
        for prep in ("", "ب", "ك", "ل")
        for art in ("", "ال")
    }
    # ل before the article is written «لل»; the unassimilated «لال» is kept as a reading too
    found |= {conj + "لل" for conj in ("", "و", "ف")}
    return tuple(sorted(found, key=lambda p: (len(p), p)))


# The bare word ("") first, then shorter prefixes before longer ones.
CLITIC_PREFIXES = _clitic_prefixes()
_MIN_STEM = 2  # a prefix is only taken off when at least two letters remain
_PREFIX_SET = frozenset(CLITIC_PREFIXES[1:])
_MAX_PREFIX = max(map(len, _PREFIX_SET))
_CLITIC_FIRST = frozenset(p[0] for p in _PREFIX_SET)  # other words have no clitic to take off


@functools.lru_cache(maxsize=65_536)  # phrase checks ask again and again for the same words
def clitic_stems(word: str) -> tuple[str, ...]:
    """`word` (normalized) and every form left once an Arabic clitic prefix is taken off.

    «لل» stands for ل + ال, so «للاسد» also gives «الاسد». Latin words have no clitics.
    """
    if not word or word[0] not in _CLITIC_FIRST:
        return (word,)
    out = [word]
    # at most one prefix of each length starts the word, so trying the lengths in turn lists
    # them in CLITIC_PREFIXES order with a few slices instead of a test per prefix
    for n in range(1, min(_MAX_PREFIX, len(word) - _MIN_STEM) + 1):
        prefix = word[:n]
        if prefix in _PREFIX_SET:
            rest = word[n:]
            out.append(rest)
            if prefix.endswith("لل"):
                out.append("ال" + rest)
    return tuple(dict.fromkeys(out))


def has_arabic(text: str) -> bool:
    """True when `text` contains at least one Arabic letter."""
    return ARABIC_LETTER_RE.search(text) is not None
