"""Alert text for Telegram's HTML parse mode (pure).

Everything that comes from a feed is HTML-escaped; matched terms are wrapped in <b>; there is no
underline (it cuts through Arabic letters' descenders); the visible text, counted as Telegram
counts it (UTF-16 code units after entity parsing), stays within 4096. Arabic lines that begin
with a Latin word get a right-to-left mark so the line keeps its direction, and the " · "
separators in Arabic lines are wrapped in right-to-left marks so that a Latin source name and a
date do not swap places with their Arabic neighbours.

A story several outlets carried names them on an "also in" line, each linked to that outlet's
own article (at most five, then "+N"), so a reader can compare versions; under a breaking
story's bell line: «🔴 عاجل: 4 مصادر خلال 12 دقيقة» / "🔴 Breaking: 4 outlets in 12 min".
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from postbot.alerts.summarize import Sentence

MAX_VISIBLE = 4096
MAX_TITLE = 300
RLM = "\u200f"

MAX_ALSO_LINKS = 5  # outlets linked on the "also in" line; the rest are counted as "+N"
_LABELS = {
    "ar": {
        "source": "المصدر",
        "read": "اقرأ الخبر",
        "also": "ورد أيضاً في",
        "comma": "، ",
        "breaking": "🔴 عاجل: {outlets} مصادر خلال {minutes} دقيقة",
    },
    "en": {
        "source": "Source",
        "read": "Read the story",
        "also": "also in",
        "comma": ", ",
        "breaking": "🔴 Breaking: {outlets} outlets in {minutes} min",
    },
}
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
                cut = a + room
                while cut > a and utf16_len(alert.text[a:cut]) > room:
                    cut -= 1
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


def _also_line(outlets: Sequence[str | Outlet], labels: dict[str, str]) -> tuple[str, str]:
    """The "also in" line: each outlet linked to its own article, at most five, then "+N"."""
    visible: list[str] = []
    markup: list[str] = []
    for outlet in outlets[:MAX_ALSO_LINKS]:
        name, link = (outlet, None) if isinstance(outlet, str) else (outlet.name, outlet.link)
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
    labels = _LABELS.get(lang, _LABELS["en"])
    return labels["breaking"].format(outlets=breaking.outlets, minutes=breaking.minutes)


def render_alert(alert: Alert, lang: str = "ar") -> str:
    """The alert as Telegram HTML, at most 4096 visible characters."""
    labels = _LABELS.get(lang, _LABELS["en"])
    title = alert.text[: alert.title_end].strip()
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1].rstrip() + "…"
    lines: list[tuple[str, str]] = []  # (visible text, html)
    header = "🔔 " + " · ".join(alert.reasons) if alert.reasons else "🔔"
    lines.append((header, html.escape(header, quote=False)))
    if alert.breaking is not None:  # under the bell: every alert still opens with it
        flag = breaking_line(alert.breaking, lang)
        lines.append((flag, f"<b>{html.escape(flag, quote=False)}</b>"))
    lines.append((title, f"<b>{html.escape(title, quote=False)}</b>"))
    summary_at = len(lines)
    if alert.troop_texts:
        troops = "👥 " + " · ".join(alert.troop_texts)
        lines.append((troops, html.escape(troops, quote=False)))
    source = f"{labels['source']}: {alert.source}"
    if alert.published is not None:
        source += " · " + alert.published.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines.append((source, html.escape(source, quote=False)))
    if alert.also_in:
        lines.append(_also_line(alert.also_in, labels))
    if alert.link:
        href = html.escape(alert.link, quote=True)
        lines.append((labels["read"], f'<a href="{href}">{labels["read"]}</a>'))

    lines = [_directional(v, m, lang) for v, m in lines]
    fixed = sum(utf16_len(v) + 1 for v, _ in lines)
    summary, used = _summary_html(alert, MAX_VISIBLE - fixed - 2)
    if used:
        first = alert.summary[0]
        visible = alert.text[first.start : first.end]
        lines.insert(summary_at, _directional(visible, summary, lang))
    return "\n".join(m for _, m in lines)


def visible_text(markup: str) -> str:
    """What Telegram displays for `markup`: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))
