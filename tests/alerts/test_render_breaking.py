"""The breaking line and the "also in" links of an alert; breaking stories first in digests."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from postbot.alerts.digest import DigestItem, render_digest
from postbot.alerts.direction import strip_marks
from postbot.alerts.html import (
    MAX_ALSO_LINKS,
    RLM,
    Alert,
    Breaking,
    Outlet,
    breaking_line,
    render_alert,
    visible_text,
)
from postbot.alerts.summarize import Sentence

AT = datetime(2026, 12, 6, 9, 5, tzinfo=UTC)


def _alert(**kw: object) -> Alert:
    title, body = "هجوم على نقطة للجيش", "قتل أربعة جنود في هجوم."
    text = f"{title}\n{body}"
    values: dict[str, object] = {
        "reasons": ("داعش",),
        "text": text,
        "title_end": len(title),
        "spans": (),
        "summary": (Sentence(len(title) + 1, len(text)),),
        "troop_texts": (),
        "source": "الجزيرة نت",
        "published": AT,
        "link": "https://aljazeera.example/a",
    }
    values.update(kw)
    return Alert(**values)  # type: ignore[arg-type]


def _hrefs(markup: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)">', markup)


@pytest.mark.parametrize(
    ("lang", "outlets", "minutes", "expected"),
    [
        ("ar", 4, 12, "🔴 عاجل: 4 مصادر خلال 12 دقيقة"),
        ("en", 4, 12, "🔴 Breaking: 4 outlets in 12 min"),
        ("ar", 3, 1, "🔴 عاجل: 3 مصادر خلال 1 دقيقة"),
        ("en", 7, 29, "🔴 Breaking: 7 outlets in 29 min"),
        ("fr", 5, 3, "🔴 Breaking: 5 outlets in 3 min"),
    ],
)
def test_breaking_line(lang: str, outlets: int, minutes: int, expected: str) -> None:
    assert breaking_line(Breaking(outlets, minutes), lang) == expected
    out = render_alert(_alert(breaking=Breaking(outlets, minutes)), lang)
    lines = strip_marks(visible_text(out)).split("\n")
    assert lines[0].startswith("🔔")  # the bell stays first: an alert is still an alert
    assert lines[1] == expected
    assert f"<b>{expected}</b>" in out


def test_no_breaking_line_unless_breaking() -> None:
    assert "🔴" not in render_alert(_alert(), "en")


@pytest.mark.parametrize(
    ("count", "lang", "shown_names", "more"),
    [
        (1, "en", 1, ""),
        (3, "ar", 3, ""),
        (MAX_ALSO_LINKS, "en", MAX_ALSO_LINKS, ""),
        (MAX_ALSO_LINKS + 1, "ar", MAX_ALSO_LINKS, " +1"),
        (12, "en", MAX_ALSO_LINKS, " +7"),
    ],
)
def test_also_in_links_each_outlets_own_article_at_most_five(
    count: int, lang: str, shown_names: int, more: str
) -> None:
    outlets = tuple(
        Outlet(f"outlet{n}", f"https://o{n}.example/story?id={n}") for n in range(count)
    )
    out = render_alert(_alert(also_in=outlets), lang)
    hrefs = _hrefs(out)
    expected = [f"https://o{n}.example/story?id={n}" for n in range(shown_names)]
    assert hrefs[:-1] == expected  # then the alert's own "read" link
    assert hrefs[-1] == "https://aljazeera.example/a"
    line = next(v for v in strip_marks(visible_text(out)).split("\n") if "outlet0" in v)
    assert line.endswith(f"outlet{shown_names - 1}{more}")
    assert f"outlet{shown_names}" not in line


def test_also_in_escapes_names_and_hrefs_and_links_only_the_web() -> None:
    outlets = (
        Outlet("<b>Bad</b> & co", 'https://x.example/a?b=1&c="2"'),
        Outlet("Scripted", "javascript:alert(1)"),
        Outlet("Relative", "/news/1"),
        Outlet("No link", None),
        "Plain name",
    )
    out = render_alert(_alert(also_in=outlets), "en")
    assert "&lt;b&gt;Bad&lt;/b&gt; &amp; co" in out
    assert 'href="https://x.example/a?b=1&amp;c=&quot;2&quot;"' in out
    assert "javascript:" not in out and 'href="/news/1"' not in out
    shown = visible_text(out)
    for name in ("<b>Bad</b> & co", "Scripted", "Relative", "No link", "Plain name"):
        assert name in shown
    assert len(_hrefs(out)) == 2  # the one web link and the alert's own


def test_also_in_plain_names_keep_the_old_line() -> None:
    out = render_alert(_alert(also_in=("BBC عربي", "الجزيرة")), "ar")
    assert "ورد أيضاً في: BBC عربي، الجزيرة" in strip_marks(out)


def _item(title: str, group: str, *, breaking: bool = False) -> DigestItem:
    return DigestItem(title, f"https://n.example/{title}", ("الجزيرة",), (group,), AT, breaking)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_digest_lists_breaking_stories_first(lang: str) -> None:
    items = [
        _item("calm-1", "عين الأسد"),
        _item("urgent-1", "داعش", breaking=True),
        _item("calm-2", "داعش"),
        _item("urgent-2", "عين الأسد", breaking=True),
    ]
    ((markup, listed),) = render_digest(items, lang=lang, kind="hourly", tz="UTC", period_end=AT)
    shown = visible_text(markup)
    order = [t for t in re.findall(r"(urgent-\d|calm-\d)", shown)]
    assert order == ["urgent-1", "urgent-2", "calm-1", "calm-2"]
    label = "🔴 عاجل" if lang == "ar" else "🔴 Breaking"
    lines = [line.lstrip(RLM) for line in shown.split("\n")]
    assert lines.index(label) < lines.index(next(x for x in lines if "urgent-1" in x))
    assert sorted(listed) == [0, 1, 2, 3]  # every story listed once, by its index


def test_digest_without_breaking_is_unchanged() -> None:
    items = [_item("calm-1", "عين الأسد"), _item("calm-2", "داعش")]
    ((markup, listed),) = render_digest(items, lang="en", kind="daily", tz="UTC", period_end=AT)
    assert "🔴" not in markup and listed == [0, 1]
