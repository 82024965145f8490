"""Alert rendering: escaping, bold terms, direction marks, the 4096 limit."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

import pytest

from postbot.alerts.direction import strip_marks
from postbot.alerts.html import MAX_VISIBLE, RLM, Alert, render_alert, utf16_len, visible_text
from postbot.alerts.summarize import Sentence


def _alert(title: str, body: str, *, terms: tuple[str, ...] = (), **kw: object) -> Alert:
    text = f"{title}\n{body}"
    spans = []
    for term in terms:
        at = text.index(term, len(title) + 1)
        spans.append((at, at + len(term)))
    defaults: dict[str, object] = {
        "reasons": ("قاعدة عين الأسد", "داعش"),
        "summary": (Sentence(len(title) + 1, len(text)),),
        "troop_texts": ("نحو 250–300 مستشار", "أقل من 2000 عنصر"),
        "source": "gulfnews24",
        "published": datetime(2026, 11, 28, 14, 5, tzinfo=UTC),
        "link": "https://gulfnews24.net/?p=72966&a=1",
    }
    defaults.update(kw)
    return Alert(text=text, title_end=len(title), spans=tuple(spans), **defaults)  # type: ignore[arg-type]


def test_layout_matches_spec() -> None:
    alert = _alert("عنوان الخبر", "هاجم داعش قاعدة عين الأسد.", terms=("داعش", "عين الأسد"))
    lines = strip_marks(render_alert(alert, "ar")).split("\n")
    assert lines[0] == "🔔 قاعدة عين الأسد · داعش"
    assert lines[1] == "<b>عنوان الخبر</b>"
    assert lines[2] == "هاجم <b>داعش</b> قاعدة <b>عين الأسد</b>."
    assert lines[3] == "👥 نحو 250–300 مستشار · أقل من 2000 عنصر"
    assert lines[4] == "المصدر: gulfnews24 · 2026-11-28 14:05 UTC"
    assert lines[5] == '<a href="https://gulfnews24.net/?p=72966&amp;a=1">اقرأ الخبر</a>'
    assert "<u>" not in render_alert(alert, "ar")


def test_feed_text_is_escaped() -> None:
    alert = _alert("<script>x</script> & co", "a <b>bold</b> claim & more", terms=("claim",))
    out = render_alert(alert, "en")
    assert "<script>" not in out
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in out
    assert "a &lt;b&gt;bold&lt;/b&gt; <b>claim</b> &amp; more" in out
    assert visible_text(out).count("<b>bold</b>") == 1


def test_english_labels() -> None:
    out = render_alert(_alert("Title", "Body text here.", reasons=("ISIS",)), "en")
    assert "Source: gulfnews24 · 2026-11-28 14:05 UTC" in out
    assert ">Read the story</a>" in out


def test_no_date_no_link_no_troops() -> None:
    alert = _alert("عنوان", "نص", published=None, link=None, troop_texts=())
    out = render_alert(alert, "ar")
    assert "👥" not in out
    assert "<a " not in out
    assert strip_marks(out.split("\n")[-1]) == "المصدر: gulfnews24"


def test_also_in_line() -> None:
    out = render_alert(_alert("عنوان", "نص", also_in=("BBC عربي", "الجزيرة")), "ar")
    assert "ورد أيضاً في: BBC عربي، الجزيرة" in strip_marks(out)


@pytest.mark.parametrize(
    ("title", "starts_with_rlm"),
    [
        pytest.param("ISIS يتبنى الهجوم", True, id="latin-first-in-arabic-line"),
        pytest.param("داعش يتبنى هجوماً في Ain al-Asad", False, id="arabic-first"),
        pytest.param("ISIS claims attack", False, id="latin-only"),
    ],
)
def test_direction_marks(title: str, starts_with_rlm: bool) -> None:
    title_line = render_alert(_alert(title, "نص"), "ar").split("\n")[1]
    assert title_line.startswith(RLM) is starts_with_rlm


def test_visible_text_stays_within_limit() -> None:
    body = ("هذه جملة طويلة جداً عن الأحداث في الأنبار وعين الأسد. " * 400).strip()
    alert = _alert("عنوان " * 100, body, terms=("عين الأسد",))
    out = render_alert(alert, "ar")
    shown = visible_text(out)
    assert utf16_len(shown) <= MAX_VISIBLE
    assert "…" in shown
    assert out.count("<b>") == out.count("</b>")
    assert out.rstrip().endswith("</a>")


def test_astral_characters_count_double() -> None:
    assert utf16_len("🔔") == 2
    body = "😀" * 5000
    out = render_alert(_alert("t", body), "en")
    assert utf16_len(visible_text(out)) <= MAX_VISIBLE


# --- every alert fits, whatever the story and however many reasons (issue 11, item 7) ---------

_LONG_AR = "قاعدة عين الأسد الجوية في محافظة الأنبار غرب العراق وقوات التحالف الدولي"
_LONG_EN = "coalition forces withdrawing from Ain al-Asad air base in western Anbar"


def _watches(n: int, base: str, quote: tuple[str, str]) -> tuple[str, ...]:
    return tuple(f"{quote[0]}{base} {i}{quote[1]}" for i in range(n))


@pytest.mark.parametrize(
    ("lang", "reasons", "title", "troops", "also_in"),
    [
        pytest.param(
            "ar", _watches(30, _LONG_AR, ("«", "»")), "عنوان", ("نحو 250 مستشار",), (),
            id="ar-30-long-watches",
        ),
        pytest.param(
            "en", _watches(30, _LONG_EN, ("“", "”")), "Title", (), (), id="en-30-long-watches"
        ),
        pytest.param(
            "ar",
            ("داعش", *_watches(45, "😀" * 60, ("«", "»"))),
            "🚨" * 400,
            tuple(f"{n} جندي أمريكي" for n in range(100, 400)),
            tuple(f"منفذ {i}" for i in range(300)),
            id="ar-astral-everywhere-many-troops-many-outlets",
        ),
        pytest.param(
            "en",
            ("x" * 5000,),
            "T " * 2000,
            tuple(f"about {n} US troops" for n in range(500)),
            (),
            id="en-one-giant-reason",
        ),
        pytest.param(
            "ar",
            tuple(f"«{i}»" for i in range(2000)),
            "عنوان " * 300,
            (),
            (),
            id="ar-2000-short-reasons",
        ),
        pytest.param(
            "en", ("<b>&amp;</b>" * 300,), "<i>" * 300, ("&" * 500,), ("<>" * 500,),
            id="en-escaping-grows-markup-not-visible-text",
        ),
    ],
)  # fmt: skip
def test_every_alert_fits_and_keeps_its_link(
    lang: str,
    reasons: tuple[str, ...],
    title: str,
    troops: tuple[str, ...],
    also_in: tuple[str, ...],
) -> None:
    from support.botapi import parse_html
    from support.botapi import utf16_len as telegram_len

    body = ("هاجم داعش قاعدة عين الأسد في الأنبار وقتل عدداً من الجنود. " * 300).strip()
    alert = _alert(
        title, body, terms=("داعش",), reasons=reasons, troop_texts=troops, also_in=also_in
    )
    for compact in (False, True):
        out = render_alert(alert, lang, compact=compact)
        parsed = parse_html(out)  # as strict as the Bot API double: well-formed, <= 4096
        assert telegram_len(parsed.text) <= MAX_VISIBLE
        assert out.rstrip().endswith("</a>")
        assert 'href="https://gulfnews24.net/?p=72966&amp;a=1"' in out
        header = visible_text(out).split("\n")[0]
        shown = sum(1 for r in reasons if r in header)
        counted = re.search(r"…\+(\d+)$", header)
        hidden = int(counted.group(1)) if counted else 0
        # each reason is shown whole, or counted in "…+N", or (the first only) shown cut
        assert shown + hidden in (len(reasons), len(reasons) - 1), header[-40:]
        if shown < len(reasons):
            assert header.endswith("…") or counted
    full = visible_text(render_alert(alert, lang))
    assert "داعش" in full.split("\n", 2)[2]  # the summary survived the long header


def test_header_lists_what_fits_and_counts_the_rest() -> None:
    reasons = _watches(30, _LONG_AR, ("«", "»"))
    header = visible_text(render_alert(_alert("t", "نص.", reasons=reasons), "ar")).split("\n")[0]
    shown = [r for r in reasons if r in header]
    assert 3 <= len(shown) < 30
    assert shown == list(reasons[: len(shown)])  # in order, none skipped
    assert header.endswith(f"…+{30 - len(shown)}")


@pytest.mark.parametrize(
    ("items", "budget", "expected"),
    [
        pytest.param(("ab", "cd"), 100, "> ab · cd", id="all-fit"),
        pytest.param(("ab", "cd", "ef"), 12, "> ab · …+2", id="counted"),
        pytest.param(("abcdefghijkl", "x"), 12, "> abc… · …+1", id="first-cut"),
        pytest.param(("abcdefghijkl",), 8, "> abcde…", id="only-item-cut"),
        pytest.param((), 10, "> ", id="empty"),
    ],
)
def test_listed(items: tuple[str, ...], budget: int, expected: str) -> None:
    from postbot.alerts.html import listed

    out = listed("> ", items, " · ", budget)
    assert out == expected
    assert utf16_len(out) <= budget


@pytest.mark.parametrize(
    ("text", "room", "expected"),
    [
        pytest.param("abcdef", 6, "abcdef", id="fits"),
        pytest.param("abcdef", 4, "abc…", id="cut"),
        pytest.param("😀😀😀", 4, "😀…", id="astral-counts-two"),
        pytest.param("ab cd", 4, "ab…", id="trailing-space-dropped"),
    ],
)
def test_cut_to(text: str, room: int, expected: str) -> None:
    from postbot.alerts.html import cut_to

    assert cut_to(text, room) == expected


def test_bold_terms_stay_within_telegrams_entity_limit() -> None:
    from support.botapi import parse_html

    body = " ".join(["داعش"] * 400) + "."  # every word a matched term
    text = f"t\n{body}"
    spans = tuple((m.start(), m.end()) for m in re.finditer("داعش", text))
    alert = dataclasses.replace(_alert("t", body), spans=spans)
    out = render_alert(alert, "ar")
    entities = parse_html(out).entities
    assert len(entities) <= 100
    assert out.count("<b>") >= 90  # the first terms are still bold
