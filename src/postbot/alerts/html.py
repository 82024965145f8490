"""Alert text for Telegram's HTML parse mode (pure).

Everything that comes from a feed is HTML-escaped; matched terms are wrapped in <b>; there is no
underline (it cuts through Arabic letters' descenders); the visible text, counted as Telegram
counts it (UTF-16 code units after entity parsing), stays within 4096 whatever the story and
however many reasons: every line but the summary has a budget of its own (a list that runs
over is cut with "…+N", N the items left out), and the summary takes what remains. The link is
never cut. `compact=True` is the shorter rendering the dispatcher falls back to when Telegram
refuses the full one: tighter budgets, no summary, no troop line. The lines postbot writes
(reasons, troops, source, "also in", read) are laid out for the reader by alerts/direction.py
(isolates around the other script: "Source: الجزيرة" stays left to right in English); the
feed's title and summary keep their own direction, with a right-to-left mark before an Arabic
line that begins with a Latin word.

A story several outlets carried names them on an "also in" line, each linked to that outlet's
own article (at most five, then "+N"), so a reader can compare versions; under a breaking
story's bell line: «🔴 عاجل: 4 مصادر خلال 12 دقيقة» / "🔴 Breaking: 4 outlets in 12 min".
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache

from postbot.alerts.direction import lay_out_line
from postbot.alerts.summarize import Sentence
from postbot.alerts.texts import text
from postbot.alerts.zones import local_stamp

MAX_VISIBLE = 4096
MAX_TITLE = 300
RLM = "\u200f"
# Per-line budgets in UTF-16 units (full, compact). Their sum stays far below 4096, so the
# summary always has room; a real header is under 100 units, 30 long watches make about 6,000.
HEADER_BUDGET = (700, 300)
TROOPS_BUDGET = 400
ALSO_BUDGET = (400, 200)
SOURCE_BUDGET = 200
MAX_BOLD = 90  # bold terms in the summary: Telegram formats only a message's first 100 entities

MAX_ALSO_LINKS = 5  # outlets linked on the "also in" line; the rest are counted as "+N"


@cache
def _labels(lang: str) -> dict[str, str]:
    """This language's alert labels, from postbot.alerts.texts."""
    return {name: text(lang, f"alert_{name}") for name in ("source", "read", "also", "comma")}


_STRONG = re.compile(r"[A-Za-z\u00c0-\u024f\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_ARABIC = re.compile(r"[\u0600-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")


@dataclass(frozen=True, slots=True)
class Outlet:
    """Another outlet that carried the story, with the link to its own article (if any)."""

    name: str
    link: str | None = None


@dataclass(frozen=True, slots=True)
class Breaking:
    """A breaking story's figures: distinct outlets within the window, and the minutes taken."""

    outlets: int
    minutes: int


@dataclass(frozen=True, slots=True)
class Alert:
    """Everything one alert message shows; offsets point into `text` (title, newline, body)."""

    reasons: tuple[str, ...]
    text: str
    title_end: int
    spans: tuple[tuple[int, int], ...]
    summary: tuple[Sentence, ...]
    troop_texts: tuple[str, ...]
    source: str
    published: datetime | None
    link: str | None
    also_in: tuple[str | Outlet, ...] = ()  # a plain name is shown without a link
    breaking: Breaking | None = None


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _bold_spans(text: str, start: int, end: int, spans: Sequence[tuple[int, int]]) -> str:
    """HTML for text[start:end] with the parts covered by `spans` in bold."""
    out: list[str] = []
    pos = start
    for a, b in spans:
        a, b = max(a, start), min(b, end)
        if a >= b or a < pos:
            continue
        out.append(html.escape(text[pos:a], quote=False))
        out.append(f"<b>{html.escape(text[a:b], quote=False)}</b>")
        pos = b
    out.append(html.escape(text[pos:end], quote=False))
    return "".join(out)


def _directional(visible: str, markup: str, lang: str) -> tuple[str, str]:
    """Add right-to-left marks to an Arabic line that mixes in Latin text."""
    if not _ARABIC.search(visible):
        return visible, markup
    if lang == "ar":
        visible = visible.replace(" · ", f" {RLM}·{RLM} ")
        markup = markup.replace(" · ", f" {RLM}·{RLM} ")
    first = _STRONG.search(visible)
    if first is not None and not _ARABIC.match(first.group()):
        visible, markup = RLM + visible, RLM + markup
    return visible, markup


def _laid_out(markup: str, lang: str) -> tuple[str, str]:
    """(visible text, markup) of a line postbot writes, laid out for the reader (direction.py)."""
    laid = lay_out_line(markup, lang)
    return visible_text(laid), laid


def cut_to(text: str, room: int) -> str:
    """`text` within `room` UTF-16 units, cut with "…" when longer (never inside a character)."""
    if utf16_len(text) <= room:
        return text
    used = 0
    end = 0
    for end, ch in enumerate(text):  # noqa: B007 - `end` is read after the loop
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > room - 1:
            break
    return text[:end].rstrip() + "…" if room > 0 else ""


def listed(prefix: str, items: Sequence[str], sep: str, budget: int) -> str:
    """`prefix` and the items joined by `sep`, within `budget` UTF-16 units.

    Items that do not fit are counted, not shown: "a · b · …+3". An item too long to be shown
    whole when it comes first is cut with "…" so that the line still says something.
    """
    out = [prefix]
    used = utf16_len(prefix)
    sep_len = utf16_len(sep)
    for i, item in enumerate(items):
        lead = sep if i else ""
        rest = len(items) - i - 1
        more = utf16_len(f"{sep}…+{rest}") if rest else 0
        size = (sep_len if i else 0) + utf16_len(item)
        if used + size + more <= budget:
            out.append(lead + item)
            used += size
            continue
        left = len(items) - i
        if i == 0:  # nothing shown yet: the first item, cut, and the count of the others
            more = utf16_len(f"{sep}…+{left - 1}") if left > 1 else 0
            room = budget - used - more
            if room > 1:
                out.append(cut_to(item, room))
                left -= 1
        if left:
            out.append(f"{sep if len(out) > 1 else ''}…+{left}")
        break
    return "".join(out)


def _summary_html(alert: Alert, budget: int) -> tuple[str, int]:
    """The summary as HTML and its visible length, cut with an ellipsis to fit `budget`."""
    pieces: list[tuple[int, int]] = [(s.start, s.end) for s in alert.summary]
    html_parts: list[str] = []
    used = 0
    for a, b in pieces:
        sep = 1 if html_parts else 0
        length = utf16_len(alert.text[a:b])
        if used + sep + length > budget:
            room = budget - used - sep - 1
            if room > 20:
                cut = a + len(cut_to(alert.text[a:b], room + 1)) - 1  # where "…" would go
                html_parts.append(_bold_spans(alert.text, a, cut, alert.spans) + "…")
                used += sep + utf16_len(alert.text[a:cut]) + 1
            break
        html_parts.append(_bold_spans(alert.text, a, b, alert.spans))
        used += sep + length
    return " ".join(html_parts), used


def _web_link(link: str | None) -> str | None:
    """An http(s) link fit for an href, escaped; None for anything else (javascript:, relative)."""
    link = (link or "").strip()
    if not link.lower().startswith(("http://", "https://")):
        return None
    return html.escape(link, quote=True)


def _also_line(
    outlets: Sequence[str | Outlet], labels: dict[str, str], budget: int
) -> tuple[str, str]:
    """The "also in" line: each outlet linked to its own article, at most five, then "+N".

    Each name gets an equal share of `budget` (UTF-16 units), so the line stays within it.
    """
    visible: list[str] = []
    markup: list[str] = []
    share = max(8, budget // MAX_ALSO_LINKS - utf16_len(labels["comma"]))
    for outlet in outlets[:MAX_ALSO_LINKS]:
        name, link = (outlet, None) if isinstance(outlet, str) else (outlet.name, outlet.link)
        name = cut_to(name, share)
        visible.append(name)
        escaped = html.escape(name, quote=False)
        href = _web_link(link)
        markup.append(f'<a href="{href}">{escaped}</a>' if href else escaped)
    head = f"{labels['also']}: "
    line = head + labels["comma"].join(visible)
    line_html = html.escape(head, quote=False) + labels["comma"].join(markup)
    if len(outlets) > MAX_ALSO_LINKS:
        more = f" +{len(outlets) - MAX_ALSO_LINKS}"
        line, line_html = line + more, line_html + more
    return line, line_html


def breaking_line(breaking: Breaking, lang: str) -> str:
    """«🔴 عاجل: 4 مصادر خلال 12 دقيقة» / "🔴 Breaking: 4 outlets in 12 min" (plain text)."""
    return text(lang, "alert_breaking", outlets=breaking.outlets, minutes=breaking.minutes)


def _bold_budget(alert: Alert) -> Alert:
    """The alert with at most MAX_BOLD highlighted spans in its summary, the first ones.

    Telegram shows only the first 100 entities of a message (the title and the link are two);
    a summary in which every word matched would lose its formatting past that.
    """
    inside = sorted(
        (a, b) for a, b in alert.spans if any(s.start <= a and b <= s.end for s in alert.summary)
    )
    if len(inside) <= MAX_BOLD:
        return alert
    return replace(alert, spans=tuple(inside[:MAX_BOLD]))


def render_alert(alert: Alert, lang: str = "ar", *, compact: bool = False, tz: str = "UTC") -> str:
    """The alert as Telegram HTML, at most 4096 visible characters.

    `compact`: the fallback when Telegram refused the full text (header and lists cut shorter,
    no summary, no troop figures); it still names why, what, where from, and links the story.
    """
    labels = _labels(lang)
    level = 1 if compact else 0
    title = alert.text[: alert.title_end].strip()
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1].rstrip() + "…"
    lines: list[tuple[str, str]] = []  # (visible text, html)
    header = listed("🔔 ", alert.reasons, " · ", HEADER_BUDGET[level]) if alert.reasons else "🔔"
    lines.append((header, html.escape(header, quote=False)))
    if alert.breaking is not None:  # under the bell: every alert still opens with it
        flag = breaking_line(alert.breaking, lang)
        lines.append((flag, f"<b>{html.escape(flag, quote=False)}</b>"))
    title_at = len(lines)
    lines.append((title, f"<b>{html.escape(title, quote=False)}</b>"))
    summary_at = len(lines)
    if alert.troop_texts and not compact:
        troops = listed("👥 ", alert.troop_texts, " · ", TROOPS_BUDGET)
        lines.append((troops, html.escape(troops, quote=False)))
    source = cut_to(f"{labels['source']}: {alert.source}", SOURCE_BUDGET)
    if alert.published is not None:
        source += " · " + local_stamp(alert.published, tz)  # the chat's wall clock
    lines.append((source, html.escape(source, quote=False)))
    if alert.also_in:
        lines.append(_also_line(alert.also_in, labels, ALSO_BUDGET[level]))
    if alert.link:
        href = html.escape(alert.link, quote=True)
        lines.append((labels["read"], f'<a href="{href}">{labels["read"]}</a>'))

    # the feed's own words keep their direction; the lines postbot writes take the reader's
    lines = [
        _directional(v, m, lang) if i == title_at else _laid_out(m, lang)
        for i, (v, m) in enumerate(lines)
    ]
    fixed = sum(utf16_len(v) + 1 for v, _ in lines)
    if compact:
        return "\n".join(m for _, m in lines)
    summary, used = _summary_html(_bold_budget(alert), MAX_VISIBLE - fixed - 2)
    if used:
        first = alert.summary[0]
        visible = alert.text[first.start : first.end]
        lines.insert(summary_at, _directional(visible, summary, lang))
    return "\n".join(m for _, m in lines)


def visible_text(markup: str) -> str:
    """What Telegram displays for `markup`: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))
