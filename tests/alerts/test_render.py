"""Alert rendering: escaping, bold terms, direction marks, the 4096 limit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from postbot.alerts.render import MAX_VISIBLE, RLM, Alert, render_alert, utf16_len, visible_text
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
    lines = render_alert(alert, "ar").split("\n")
    assert lines[0] == f"🔔 قاعدة عين الأسد {RLM}·{RLM} داعش"
    assert lines[1] == "<b>عنوان الخبر</b>"
    assert lines[2] == "هاجم <b>داعش</b> قاعدة <b>عين الأسد</b>."
    assert lines[3] == f"👥 نحو 250–300 مستشار {RLM}·{RLM} أقل من 2000 عنصر"
    assert lines[4] == f"المصدر: gulfnews24 {RLM}·{RLM} 2026-11-28 14:05 UTC"
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
    assert out.split("\n")[-1] == "المصدر: gulfnews24"


def test_also_in_line() -> None:
    out = render_alert(_alert("عنوان", "نص", also_in=("BBC عربي", "الجزيرة")), "ar")
    assert "ورد أيضاً في: BBC عربي، الجزيرة" in out


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
