"""Feed bytes to text, whatever the server or the XML prolog claims (pure).

Order of trust, strongest first: a UTF-16/32 byte order mark; bytes that are valid UTF-8 (kept as
UTF-8 even when the header or prolog says windows-1256 — a common misconfiguration, miniflux does
the same); the charset in the HTTP Content-Type; the XML prolog's `encoding`; then a guess —
windows-1256 when the bytes look like Arabic in that code page, latin-1 otherwise. A declared
Western code page (latin-1, windows-1252, ASCII) loses to the Arabic guess, because Arabic servers
often send those defaults for windows-1256 content. Decoding never raises: unknown codec names are
skipped and undecodable bytes become U+FFFD. The prolog of the result says utf-8, so a parser given
`text.encode("utf-8")` is not misled.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)
_PROLOG_ENCODING_RE = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']""")
_TEXT_PROLOG_RE = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_WESTERN = {"iso8859-1", "iso8859-15", "cp1252", "ascii"}  # codecs' canonical names
# windows-1256 bytes of Arabic letters that are capital accented letters in latin-1: frequent in
# Arabic text, rare in Western text (0xD7 is the multiplication sign in both).
_ARABIC_CAPS = frozenset(range(0xC1, 0xE0)) - {0xD7}


def decode_feed(body: bytes, content_type: str | None = None) -> str:
    """Decode a feed body to text (never raises) and make its XML prolog declare utf-8."""
    return _declare_utf8(_decode(body, content_type))


def _decode(body: bytes, content_type: str | None) -> str:
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace")
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    # UTF-16 without a BOM (checked before UTF-8, where NULs are valid): "<" gives the order.
    if body.startswith(b"<\x00"):
        return body.decode("utf-16-le", errors="replace")
    if body.startswith(b"\x00<"):
        return body.decode("utf-16-be", errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    arabic = looks_like_cp1256(body)
    declared = [_codec(_header_charset(content_type)), _codec(_prolog_encoding(body))]
    candidates = [c for c in declared if c is not None and not (arabic and c in _WESTERN)]
    candidates.append("cp1256" if arabic else "latin-1")
    for codec in candidates:
        try:
            return body.decode(codec)
        except UnicodeDecodeError:
            continue
    return body.decode(candidates[0], errors="replace")


def looks_like_cp1256(body: bytes) -> bool:
    """True when the non-ASCII bytes read like Arabic words in windows-1256."""
    high = [i for i, b in enumerate(body) if b >= 0x80]
    if len(high) < 4:
        return False
    caps = sum(1 for i in high if body[i] in _ARABIC_CAPS)
    # Arabic words are runs of high bytes; accents in Western text sit alone between ASCII.
    runs = sum(1 for i in high if (i + 1 < len(body) and body[i + 1] >= 0x80))
    return caps >= 0.3 * len(high) and runs >= 0.5 * len(high)


def _header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _CHARSET_RE.search(content_type)
    return match.group(1) if match else None


def _prolog_encoding(body: bytes) -> str | None:
    match = _PROLOG_ENCODING_RE.match(body.lstrip()[:512])
    return match.group(1).decode("ascii", errors="replace") if match else None


def _codec(name: str | None) -> str | None:
    """The codec's canonical name, or None for unknown, non-text, UTF-8 and BOM-less UTF-16/32."""
    if not name:
        return None
    try:
        info = codecs.lookup(name.strip())
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):  # e.g. rot13, base64
        return None
    # UTF-8 already failed; UTF-16/32 without a BOM cannot have an ASCII-readable prolog.
    if info.name.startswith(("utf-8", "utf-16", "utf-32")):
        return None
    return info.name


def _declare_utf8(text: str) -> str:
    return _TEXT_PROLOG_RE.sub(r"\1\2utf-8\2", text.lstrip("\ufeff"), count=1)
