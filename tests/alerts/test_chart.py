"""The /trend chart (alerts/chart.py): a PNG that decodes, and Arabic drawn shaped and RTL.

Shaping is checked on the text path, not on pixels: the strings the Agg renderer is asked to
draw are recorded, and each Arabic one is laid out the way Agg lays it out (matplotlib's
libraqm layout, the same call `RendererAgg.draw_text` makes), giving the glyphs in visual order.
Joined letters must come out as their contextual presentation forms (U+FE70-U+FEFF glyphs),
right to left; isolated base letters would mean an unshaped title.
"""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import matplotlib.image
import pytest
from matplotlib import _text_helpers
from matplotlib.font_manager import get_font
from matplotlib.text import Text

from postbot.alerts.chart import ChartText, build_figure, render_png, render_trend
from postbot.alerts.texts import text
from postbot.alerts.trend import Sighting, Trend, count_trend, window_days

BAGHDAD = ZoneInfo("Asia/Baghdad")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NAMES = {"shafaq": "شفق نيوز", "ina": "واع", "alsumaria": "السومرية"}


def sample_trend(days: int = 30) -> Trend:
    span = window_days(date(2026, 12, 6), days)
    sightings = []
    for n, day in enumerate(span):
        for k in range(n % 4):
            when = datetime(day.year, day.month, day.day, 9 + k, tzinfo=BAGHDAD)
            sightings.append(Sighting(n * 10 + k, ("shafaq", "ina", "alsumaria")[k % 3], when))
    sightings.append(Sighting(11, "ina", sightings[0].when))  # a copy in another outlet
    return count_trend(sightings, tz=BAGHDAD, days=span)


def chart_text(lang: str, subject: str) -> ChartText:
    return ChartText(
        title=text(lang, "trend_title", subject=subject),
        range=text(lang, "trend_range", days=30, start="7", end="6", tz="Asia/Baghdad"),
        axis=text(lang, "trend_axis"),
        average=text(lang, "trend_average"),
        legend=text(lang, "trend_legend"),
        other=text(lang, "trend_other"),
        months=tuple(text(lang, "trend_months").split(",")),
        lang=lang,
    )


def visual_glyphs(
    drawn: Text | tuple[str, Any, str | None], string: str | None = None
) -> list[str]:
    """Glyph names of a string as Agg lays it out, left to right on the page."""
    if isinstance(drawn, Text):
        s, prop, language = drawn.get_text(), drawn.get_fontproperties(), drawn.get_language()
    else:
        s, prop, language = drawn
    font = get_font(prop.get_file())
    font.set_size(prop.get_size_in_points(), 72)
    items = list(_text_helpers.layout(string or s, font, language=language))
    return [font.get_glyph_name(i.glyph_index) for i in sorted(items, key=lambda i: i.x)]


def is_shaped_daesh(names: list[str]) -> bool:
    """«داعش» drawn joined, right to left: ش (final) then ع (initial) reading left to right."""
    return any(names[i : i + 2] == ["uniFEB6", "uniFECB"] for i in range(len(names) - 1))


def drawn_strings(fig: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any, str | None]]:
    """(string, font properties, language) of every text Agg draws for the figure."""
    renderer = fig.canvas.get_renderer()
    calls: list[tuple[str, Any, str | None]] = []
    original = renderer.draw_text

    def record(
        gc: Any, x: float, y: float, s: str, prop: Any, angle: float, *a: Any, **k: Any
    ) -> Any:
        mtext = k.get("mtext")
        calls.append((s, prop.copy(), mtext.get_language() if mtext is not None else None))
        return original(gc, x, y, s, prop, angle, *a, **k)

    monkeypatch.setattr(renderer, "draw_text", record)
    fig.canvas.draw()
    return calls


def test_the_chart_is_a_png_that_decodes_to_its_size() -> None:
    png = render_trend(sample_trend(), chart_text("ar", "داعش"), NAMES)
    assert png.startswith(PNG_SIGNATURE)
    image = matplotlib.image.imread(io.BytesIO(png), format="png")
    assert image.shape[:2] == (672, 1200)
    assert image.std() > 0.05  # something is drawn on it


def test_the_arabic_title_is_drawn_shaped_right_to_left(monkeypatch: pytest.MonkeyPatch) -> None:
    labels = chart_text("ar", "داعش")
    fig = build_figure(sample_trend(), labels, NAMES)
    calls = drawn_strings(fig, monkeypatch)
    (title,) = [c for c in calls if c[0] == labels.title]
    assert title[0] == "داعش: الأخبار يومياً"  # handed over in logical order, as typed
    names = visual_glyphs(title)
    assert is_shaped_daesh(names)
    presentation = [n for n in names if n.startswith(("uniFE", "uniFB"))]
    assert len(presentation) >= 8  # every joined letter in its contextual form
    assert names[-1] in ("uni062F", "uniFEA9")  # د, the first letter, is the rightmost glyph
    # the check tells: the same letters kept apart (no joining) are not taken for shaped ones
    assert not is_shaped_daesh(visual_glyphs(title, "د\u200cا\u200cع\u200cش"))
    # every Arabic label Agg draws comes out joined: the legend, the axis, the range
    for label in (labels.legend, labels.axis, labels.average):
        (call,) = [c for c in calls if c[0] == label]
        assert any(n.startswith(("uniFE", "uniFB")) for n in visual_glyphs(call)), label
    outlets = [c for c in calls if c[0] == NAMES["shafaq"]]
    assert outlets and "uniFEB7" in visual_glyphs(outlets[0])  # شـ initial


def test_an_arabic_chart_reads_from_the_right_and_an_english_one_from_the_left() -> None:
    ar = build_figure(sample_trend(), chart_text("ar", "داعش"), NAMES)
    en = build_figure(sample_trend(), chart_text("en", "ISIS"), NAMES)
    for fig, side in ((ar, "right"), (en, "left")):
        fig.canvas.draw()
        title = next(t for t in fig.findobj(Text) if t.get_text().endswith(("يومياً", "per day")))
        assert title.get_horizontalalignment() == side
        (ax,) = fig.axes
        assert ax.yaxis.get_label_position() == side
        assert fig.legends[0]._legend_box is not None
    # the English chart has no Arabic glyph outside the outlet names
    en_texts = [t.get_text() for t in en.findobj(Text) if t.get_text()]
    assert "ISIS: stories per day" in en_texts and "7-day average" in en_texts


def test_dates_on_the_axis_end_with_today_and_more_outlets_share_one_colour() -> None:
    span = window_days(date(2026, 12, 6), 30)
    sightings = [
        Sighting(n, f"outlet{n % 8}", datetime(2026, 12, 1 + n % 5, 10, tzinfo=BAGHDAD))
        for n in range(40)
    ]
    trend = count_trend(sightings, tz=BAGHDAD, days=span)
    fig = build_figure(trend, chart_text("en", "ISIS"), {})
    fig.canvas.draw()
    (ax,) = fig.axes
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[-1] == "6 Dec" and "29 Nov" in ticks and "8 Nov" in ticks
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[-1] == "Other outlets" and len(legend) == 1 + 5  # average, 4 outlets, other
    assert render_png(fig).startswith(PNG_SIGNATURE)


def test_the_bot_loads_matplotlib_only_when_it_draws_a_chart() -> None:
    """matplotlib and numpy cost each process some 45 MB: building the bot must not import them."""
    code = "import sys, postbot.app; print('matplotlib' in sys.modules, 'numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"], done.stderr
