"""The dashboard's charts (issue #18 item 5) as PNG images readable on a phone: about
1080 px wide, portrait, large type, the number on every bar, a title that says the period.

A chart is described by `Chart` (texts already in the viewer's language, see
bot/views/insight.py) and drawn by `render`. matplotlib is imported inside `render`, so the
bot's start-up does not pay for it, and drawn with the object API on a fresh figure (no
pyplot state), so that charts may be drawn in a worker thread (`render_all`).
"""

from __future__ import annotations

import asyncio
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

# 7.2 in at 150 dpi: 1080 px wide.
WIDTH_IN = 7.2
DPI = 150
TITLE_SIZE = 17
LABEL_SIZE = 14
VALUE_SIZE = 14
WRAP = 24
# Horizontal bars are never thicker than with this many rows.
MIN_ROWS = 4

GREEN = "#2e7d32"
AMBER = "#f9a825"
RED = "#c62828"
BLUE = "#1565c0"
GREY = "#9e9e9e"
LIGHT_BLUE = "#64b5f6"


class Kind(StrEnum):
    # Vertical bars, one value per category (months, task outcomes).
    COLUMNS = "columns"
    # Horizontal bars stacked from several series, one row per category (members, units).
    STACKED = "stacked"
    # Horizontal bars, one per category, with a text at each bar (indicators).
    BARS = "bars"


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: tuple[float, ...]
    # One colour for the series, or one per bar.
    colors: tuple[str, ...]
    # The text at each bar; the value itself when empty.
    texts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Chart:
    kind: Kind
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    axis_label: str = ""
    # A line under the chart (what the colours mean, what was left out).
    note: str = ""
    # The axis' upper end when fixed (a share in per cent).
    limit: float | None = None
    # A reference line (the target, 100 %).
    reference: float | None = None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def _wrap(text: str, width: int = WRAP) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=True)) or text


def _height(chart: Chart) -> float:
    if chart.kind is Kind.COLUMNS:
        return 9.0
    rows = len(chart.categories)
    return max(9.0, min(40.0, 2.6 + rows * (0.55 + 0.25 * max(1, _lines(chart)))))


def _lines(chart: Chart) -> int:
    return max((_wrap(c).count("\n") + 1 for c in chart.categories), default=1)


def render(chart: Chart) -> bytes:
    """The chart as PNG bytes; the same chart gives the same picture."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, _height(chart)), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    fig.suptitle(_wrap(chart.title, 44), fontsize=TITLE_SIZE, fontweight="bold")
    if chart.kind is Kind.COLUMNS:
        _columns(ax, chart)
    else:
        _rows(ax, chart)
    ax.spines[["top", "right"]].set_visible(False)
    if chart.axis_label:
        (ax.set_ylabel if chart.kind is Kind.COLUMNS else ax.set_xlabel)(
            chart.axis_label, fontsize=LABEL_SIZE
        )
    legend = len(chart.series) > 1
    if legend:
        fig.legend(
            loc="lower center",
            ncol=min(3, len(chart.series)),
            fontsize=LABEL_SIZE,
            frameon=False,
            bbox_to_anchor=(0.5, 0.0 if not chart.note else 0.035),
        )
    if chart.note:
        fig.text(0.5, 0.01, _wrap(chart.note, 70), ha="center", va="bottom", fontsize=12)
    bottom = (
        0.04
        + (0.05 if legend else 0)
        + (0.05 * (_wrap(chart.note, 70).count("\n") + 1) if chart.note else 0)
    )
    fig.tight_layout(rect=(0, bottom, 1, 0.97))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _columns(ax: object, chart: Chart) -> None:
    from matplotlib.axes import Axes
    from matplotlib.ticker import MaxNLocator

    assert isinstance(ax, Axes)
    series = chart.series[0]
    positions = range(len(chart.categories))
    top = max([*series.values, 1.0])
    # A zero still shows its colour (a month missed is red): a stub the height of a line.
    stub = top * 0.02
    shown = [v if v else stub for v in series.values]
    bars = ax.bar(positions, shown, color=_colors(series, len(chart.categories)))
    texts = series.texts or tuple(_number(v) for v in series.values)
    ax.bar_label(bars, labels=list(texts), fontsize=VALUE_SIZE, padding=3)
    ax.set_xticks(list(positions), list(chart.categories), fontsize=LABEL_SIZE - 2)
    ax.set_ylim(0, chart.limit or top * 1.2 + 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="y", labelsize=LABEL_SIZE - 2)


def _rows(ax: object, chart: Chart) -> None:
    from matplotlib.axes import Axes
    from matplotlib.ticker import MaxNLocator

    assert isinstance(ax, Axes)
    n = len(chart.categories)
    positions = list(range(n))
    left = [0.0] * n
    for series in chart.series:
        bars = ax.barh(
            positions,
            series.values,
            left=left,
            color=_colors(series, n),
            label=series.label,
            height=0.6,
        )
        if chart.kind is Kind.STACKED:
            # The number inside each part wide enough to hold it.
            labels = [_number(v) if v else "" for v in series.values]
            ax.bar_label(
                bars, labels=labels, label_type="center", fontsize=VALUE_SIZE, color="white"
            )
        else:
            texts = series.texts or tuple(_number(v) for v in series.values)
            ax.bar_label(bars, labels=list(texts), fontsize=VALUE_SIZE - 2, padding=4)
        left = [a + b for a, b in zip(left, series.values, strict=True)]
    ax.set_yticks(positions, [_wrap(c) for c in chart.categories], fontsize=LABEL_SIZE - 2)
    # The first row on top; a few rows keep the thickness of many (room for four at least).
    ax.set_ylim(max(n, MIN_ROWS) - 0.5, -0.5)
    top = max([*left, 1.0])
    ax.set_xlim(0, chart.limit or top * 1.15)
    if chart.kind is Kind.STACKED:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if chart.reference is not None:
        ax.axvline(chart.reference, color=GREY, linestyle="--", linewidth=1.5)
    ax.tick_params(axis="x", labelsize=LABEL_SIZE - 2)


def _colors(series: Series, n: int) -> list[str]:
    if len(series.colors) == n:
        return list(series.colors)
    return [series.colors[0] if series.colors else BLUE] * n


async def render_all(charts: Sequence[Chart]) -> list[bytes]:
    """Every chart, drawn in a worker thread so the event loop goes on serving updates."""
    return await asyncio.to_thread(lambda: [render(chart) for chart in charts])
