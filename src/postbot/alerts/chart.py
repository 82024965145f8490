"""The /trend chart: stories per day as bars stacked by first outlet, with the 7-day average.

Rendered with matplotlib's Agg backend through a `Figure` of our own and `FigureCanvasAgg`
(never pyplot: no global figure state, safe beside the bot's threads). Arabic is shaped and laid
out right to left by matplotlib itself: since 3.11 its text engine runs every string through
libraqm (HarfBuzz shaping, FriBiDi ordering), so labels are given in logical order, as typed.
Running arabic-reshaper and python-bidi first would be wrong here: raqm would reorder the
already reversed text a second time. The font is the DejaVu Sans that ships inside matplotlib
(it has the Arabic letters and their joining forms), so no system font is needed.

matplotlib (and numpy under it) costs a process some 45 MB: only this module imports it, and
only when a chart is drawn (service/trend.py imports it then), so a bot nobody asks for a chart
never loads it. The chart's words and day labels live in alerts/trend.py.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

from postbot.alerts.trend import ChartText, Trend, day_label

MAX_OUTLETS = 5  # outlets with a colour of their own; the rest share one
# Okabe-Ito: told apart with the common colour-vision deficiencies
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9")
OTHER_COLOUR = "#BBBBBB"
AVERAGE_COLOUR = "#D55E00"
WIDTH_IN, HEIGHT_IN, DPI = 10.0, 5.6, 120  # 1200 x 672 pixels
FONT_FILE = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
# matplotlib's font caches are shared between threads: one chart at a time
_RENDER_LOCK = threading.Lock()


def _tick_positions(count: int) -> list[int]:
    """Every day for a short window, else one a week, ending with the last day (today)."""
    step = 1 if count <= 10 else 7 if count <= 60 else 14
    return list(range(count - 1, -1, -step))[::-1]


def _stacks(trend: Trend, text: ChartText, names: Mapping[str, str]) -> list[tuple[str, list[int]]]:
    """(label, per-day counts) for each coloured stack: the biggest outlets, then the rest."""
    outlets = list(trend.by_outlet.items())
    shown = outlets if len(outlets) <= MAX_OUTLETS else outlets[: MAX_OUTLETS - 1]
    stacks = [(names.get(feed, feed), list(values)) for feed, values in shown]
    rest = outlets[len(shown) :]
    if rest:
        summed = [sum(values[i] for _, values in rest) for i in range(len(trend.days))]
        stacks.append((text.other, summed))
    return stacks


def build_figure(trend: Trend, text: ChartText, names: Mapping[str, str]) -> Figure:
    """The chart as a matplotlib Figure (not yet drawn)."""
    font = FontProperties(fname=FONT_FILE)
    rtl = text.lang == "ar"
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x = list(range(len(trend.days)))
    bottom = [0] * len(x)
    colours = [*PALETTE[: MAX_OUTLETS - 1], PALETTE[-1]]
    for i, (label, values) in enumerate(_stacks(trend, text, names)):
        colour = OTHER_COLOUR if label == text.other and i >= MAX_OUTLETS - 1 else colours[i]
        ax.bar(x, values, bottom=bottom, width=0.8, color=colour, label=label, zorder=2)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.plot(x, trend.average, color=AVERAGE_COLOUR, linewidth=2.5, label=text.average, zorder=3)
    title = fig.suptitle(
        text.title,
        x=0.99 if rtl else 0.01,
        ha="right" if rtl else "left",
        fontproperties=FontProperties(fname=FONT_FILE, size=16, weight="bold"),
    )
    title.set_language(text.lang)
    subtitle = ax.set_title(
        text.range,
        loc="right" if rtl else "left",
        fontproperties=FontProperties(fname=FONT_FILE, size=10),
        color="#555555",
    )
    subtitle.set_language(text.lang)
    ticks = _tick_positions(len(x))
    ax.set_xticks(
        ticks, [day_label(trend.days[i], text.months) for i in ticks], fontproperties=font
    )
    ax.set_xlim(-0.6, len(x) - 0.4)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max([*bottom, *trend.average, 1]) * 1.08)
    ax.set_ylabel(text.axis, fontproperties=font, fontsize=11)
    if rtl:  # the count axis on the reading side
        ax.yaxis.set_label_position("right")
        ax.yaxis.tick_right()
    ax.grid(axis="y", color="#E5E5E5", zorder=0)
    for side in ("top", "left" if rtl else "right"):
        ax.spines[side].set_visible(False)
    legend = fig.legend(
        loc="outside left upper" if rtl else "outside right upper",
        prop=FontProperties(fname=FONT_FILE, size=9),
        frameon=False,
        markerfirst=not rtl,
        title=text.legend,
        title_fontproperties=FontProperties(fname=FONT_FILE, size=9, weight="bold"),
        alignment="right" if rtl else "left",
    )
    for entry in [legend.get_title(), *legend.get_texts()]:
        entry.set_language(text.lang)
    return fig


def render_png(fig: Figure) -> bytes:
    """The figure drawn by Agg, as PNG bytes."""
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def render_trend(trend: Trend, text: ChartText, names: Mapping[str, str]) -> bytes:
    """The trend chart as PNG bytes (CPU-bound: call it off the event loop)."""
    with _RENDER_LOCK:
        return render_png(build_figure(trend, text, names))
