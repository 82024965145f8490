"""The value type every stage after parsing works on, and the text hygiene every stored field gets.

Feed text is untrusted: a NUL byte makes PostgreSQL refuse the whole row, a lone surrogate
cannot be encoded at all, and a 600 KB description costs every later stage (matching,
summarizing, rendering, storage) in proportion. `clean_text` and `cap_text` are applied to every
text field at parse time, so nothing after parsing has to care.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

# Caps in characters (code points), not bytes: the stages after parsing (matching, summarizing,
# Telegram's 4096 limit) all count characters. 1,000 and 20,000 characters of Arabic are about 2
# and 40 KB of UTF-8; real titles are under 200 characters and real descriptions under 5,000.
MAX_TITLE_CHARS = 1_000
MAX_SUMMARY_CHARS = 20_000
ELLIPSIS = "…"

# C0 controls except tab and newline (a CR is turned into a newline first), DEL, the C1
# controls (text decoded with the wrong single-byte charset), UTF-16 surrogates (cannot be
# encoded; feedparser lets "&#xD800;" through) and the two non-characters U+FFFE / U+FFFF.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACE = re.compile(r"\s")


def clean_text(text: str) -> str:
    """`text` without control characters (tab and newline kept; a CR becomes a newline)."""
    if _UNWANTED.search(text) is None:  # the usual case, and a fast one
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNWANTED.sub("", text)


def clean_token(text: str) -> str:
    """A link or guid: controls removed, whitespace (tab, newline included) trimmed away."""
    return clean_text(text).replace("\t", "").replace("\n", "").strip()


def cap_text(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a word boundary, ending with «…».

    The cut falls at the last space in the final fifth of the allowance; a text without one
    there (one giant "word") is cut mid-word rather than losing a fifth of the room.
    """
    if len(text) <= limit:
        return text
    room = max(limit - len(ELLIPSIS), 0)
    head = text[:room]
    floor = room - room // 5
    last_space = -1
    for m in _SPACE.finditer(head, floor):
        last_space = m.start()
    if last_space > 0:
        head = head[:last_space]
    return head.rstrip() + ELLIPSIS


@dataclass(frozen=True, slots=True)
class Story:
    """One feed item, cleaned: plain-text title and summary, UTC date or None."""

    feed_id: str
    key: str
    title: str
    link: str | None
    summary: str
    published: datetime | None
