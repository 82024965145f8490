"""Lay out a line of Telegram HTML for its reader's direction (SPEC §6), pure.

Telegram gives each line (paragraph) the direction of its first strong letter, and the Unicode
bidi algorithm then reorders runs of the other direction inside it. Two things go wrong in a
mixed line: a Latin run in an Arabic sentence drags its neutral neighbours along (`/watch`
shows as `watch/`, a command and its Arabic argument end up at opposite edges), and an English
line that begins with, or mostly names, Arabic outlets and watches is laid out right to left
(`:Source`). `lay_out(markup, lang)` fixes both:

- every run of the other script in the line ("/watch", "Asia/Baghdad", "gulfnews24" in an Arabic
  line; «الجزيرة», «عين الأسد» in an English one) is put in a directional isolate, U+2066 LRI or
  U+2067 RLI ... U+2069 PDI, so it is laid out as a unit and its neighbours keep their places;
- a `<code>` or `<a>` element whose text mixes in the other script is isolated as a whole, the
  isolate outside the tags so a tap-to-copy command stays clean: left to right when it starts
  with a `/command` or a Latin letter (`/watch داعش` keeps the command next to its argument),
  right to left when it starts with an Arabic letter (`عين AND الأسد` reads in typed order);
- when nothing outside the isolates tells the line's direction, a mark (U+200E LRM in English,
  U+200F RLM in Arabic) goes before the first isolate, so Telegram does not guess the line's
  direction from what the isolates hide (the line still starts with its emoji).

Lines are handled one by one; `<pre>` blocks and elements spanning lines are left as they are.
`guess_lang` tells a reply's language from its own words when the sender did not say it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
LRM, RLM = "\u200e", "\u200f"

_ARABIC = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u200e]")
_TOKEN = re.compile(
    r"<(code|a|pre)\b[^>]*>.*?</\1>"  # an element laid out as one unit
    r"|<[^>]*>"  # any other tag: no visible text
    r"|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);"  # one escaped character
    r"|.",
    re.DOTALL,
)
_TAG = re.compile(r"<[^>]+>")
_ISOLATES = re.compile(f"[{LRI}{RLI}{FSI}].*?{PDI}", re.DOTALL)


@dataclass(slots=True)
class _Cell:
    markup: str
    visible: str  # "" for a tag
    unit: bool = False  # a whole <code>/<a> element


def _strong(ch: str) -> str | None:
    """The direction of one visible character: "R", "L" or None (neutral or weak)."""
    if _ARABIC.match(ch):
        return "R"
    if _LATIN.match(ch):
        return "L"
    return None


def _first_strong(text: str) -> str | None:
    """The direction of the first character of `text` that has one."""
    for ch in text:
        if (d := _strong(ch)) is not None:
            return d
    return None


def _cells(line: str) -> list[_Cell]:
    """The line as cells: whole <code>/<a>/<pre> elements, other tags, one character each."""
    out: list[_Cell] = []
    for m in _TOKEN.finditer(line):
        token = m.group()
        if m.group(1) is not None:
            out.append(_Cell(token, html.unescape(_TAG.sub("", token)), unit=True))
        elif token.startswith("<") and len(token) > 1:
            out.append(_Cell(token, ""))
        else:
            out.append(_Cell(token, html.unescape(token)))
    return out


def _unit_direction(visible: str) -> str | None:
    """The direction a whole element is laid out in: commands and Latin first are left to
    right, Arabic first right to left."""
    stripped = visible.lstrip()
    if stripped.startswith("/"):
        return "L"
    return _first_strong(stripped)


def _wrap_units(cells: list[_Cell], base: str) -> None:
    other = "L" if base == "R" else "R"
    for cell in cells:
        if not cell.unit or "\n" in cell.visible or cell.markup.startswith("<pre"):
            continue
        mixed = any(_strong(ch) == other for ch in cell.visible)
        direction = _unit_direction(cell.visible)
        if mixed and direction is not None:
            opener = LRI if direction == "L" else RLI
            cell.markup = opener + cell.markup + PDI
            cell.visible = opener + cell.visible + PDI


_DATE = re.compile(r"(?<![\d.])\d{1,4}[-/]\d{1,2}[-/]\d{1,4}")


def _run_starts(cells: list[_Cell], i: int, other: str, chars: str) -> bool:
    """Whether an isolated run of `other` starts at cell i: a letter of that script, or (in an
    Arabic line) a `/`, `@` or `#` right before a Latin letter, or a date such as 2026-11-28
    (after Arabic letters its digits count as Arabic numbers and the hyphens would put the day
    first). `chars` has one character per cell (the visible one, "\x01" for a tag or unit)."""
    cell = cells[i]
    if cell.unit or not cell.visible:
        return False
    if _strong(cell.visible) == other:
        return True
    if other == "L" and cell.visible in "/@#":
        nxt = next((c for c in cells[i + 1 :] if c.visible or c.unit), None)
        return nxt is not None and not nxt.unit and _strong(nxt.visible) == "L"
    return other == "L" and _DATE.match(chars, i) is not None


_SEPARATORS = "·|،;—«»“”()[]"


def _separator(cells: list[_Cell], j: int) -> bool:
    """A list separator ends a run, so each item of a list keeps its place: «·», «،», «|», «;»,
    «—», and a comma followed by a space (not the one inside 2,500); so do quotes and brackets,
    which must stay paired with their partner outside the run."""
    ch = cells[j].visible
    if ch and ch in _SEPARATORS:
        return True
    return ch == "," and j + 1 < len(cells) and cells[j + 1].visible.isspace()


def _wrap_runs(cells: list[_Cell], base: str) -> list[_Cell]:
    """Cells with isolates around each run of the script opposite to `base`.

    A run starts at a letter of the other script and ends at its last letter (or digit) before
    a letter of the line's own script, a list separator, an element laid out as a unit, or the
    end of the line.
    """
    other = "L" if base == "R" else "R"
    chars = "".join(c.visible if len(c.visible) == 1 and not c.unit else "\x01" for c in cells)
    out: list[_Cell] = []
    i, n = 0, len(cells)
    while i < n:
        if not _run_starts(cells, i, other, chars):
            out.append(cells[i])
            i += 1
            continue
        end = i  # the last cell that belongs to the run
        j = i + 1
        while j < n and not cells[j].unit:
            d = _strong(cells[j].visible) if cells[j].visible else None
            if d == base or _separator(cells, j):
                break
            if d == other or cells[j].visible.isdigit() or (other == "L" and _DATE.match(chars, j)):
                end = j
            j += 1
        opener = LRI if other == "L" else RLI
        out.append(_Cell(opener, opener))
        out.extend(cells[i : end + 1])
        out.append(_Cell(PDI, PDI))
        i = end + 1
    return out


def lay_out_line(line: str, lang: str) -> str:
    """One line of HTML laid out for a reader of `lang` ("ar" right to left, else left to right)."""
    if any(ch in line for ch in (LRI, RLI, FSI)):
        return line  # laid out already (or isolated by its writer): left as it is
    base = "R" if lang == "ar" else "L"
    cells = _cells(line)
    other = "L" if base == "R" else "R"
    if not any(_strong(ch) == other for c in cells for ch in c.visible) and (
        base == "L" or not _DATE.search(line)
    ):
        return line  # nothing of the other direction: nothing to reorder
    _wrap_units(cells, base)
    cells = _wrap_runs(cells, base)
    markup = "".join(c.markup for c in cells)
    outside = _ISOLATES.sub("", "".join(c.visible for c in cells))
    if _first_strong(outside) != base:
        # just before the first isolate, so a line still starts with its emoji («🔔»)
        at = min((markup.find(ch) for ch in (LRI, RLI) if ch in markup), default=0)
        markup = markup[:at] + (RLM if base == "R" else LRM) + markup[at:]
    return markup


def lay_out(markup: str, lang: str) -> str:
    """Every line of `markup` laid out for a reader of `lang`; lines inside <pre> untouched."""
    if not _ARABIC.search(markup):
        return markup  # no Arabic: a left-to-right text stays as it is
    out: list[str] = []
    for part in re.split(r"(<pre\b[^>]*>.*?</pre>)", markup, flags=re.DOTALL):
        if part.startswith("<pre"):
            out.append(part)
        else:
            out.append("\n".join(lay_out_line(line, lang) for line in part.split("\n")))
    return "".join(out)


def strip_marks(text: str) -> str:
    """`text` without the isolates and marks `lay_out` adds (to compare with the plain text)."""
    return re.sub(f"[{LRI}{RLI}{FSI}{PDI}{LRM}{RLM}]", "", text)


def guess_lang(markup: str) -> str:
    """ "ar" when a reply's own words (outside `<code>`, `<pre>`, links and quoted names) are
    mostly Arabic letters, else "en": for a reply whose sender did not say its language. The
    first line that has such words decides (a reply opens in its own language, while a list
    below it may be of Arabic names in an English reply); none: the whole text."""
    plain = re.sub(r"<(code|pre|a)\b[^>]*>.*?</\1>|«[^»]*»|“[^”]*”", " ", markup, flags=re.DOTALL)
    plain = _TAG.sub("", plain)
    for part in [*plain.split("\n"), plain]:
        arabic = len(re.findall(r"[\u0600-\u06ff]", part))
        latin = len(re.findall(r"[A-Za-z]", part))
        if arabic != latin:
            return "ar" if arabic > latin else "en"
    return "en"
