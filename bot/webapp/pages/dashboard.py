"""The Mini App's dashboard (issue #19 item 5): the charts of `/dashboard`, drawn in the page.

The figures come from `InsightService.dashboard`, the call the chat's PNG charts are drawn
from, and the charts' titles, periods, categories, series and notes from the very `Chart`
descriptions the PNG renderer is given (bot.views.insight.dashboard_charts): the page cannot
say anything the PNG does not. static/dashboard.js draws each chart as inline SVG from its
JSON; the same numbers are in a table under each chart for a screen reader (and a test).
The check is the chat's: `dashboard()` refuses whoever may not see the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aiohttp import web

from bot.documents.charts import AMBER, BLUE, GREEN, GREY, LIGHT_BLUE, RED, Chart, Kind
from bot.domain.indicators import KpiStatus
from bot.domain.meetings import MonthVerdict
from bot.i18n import Translator
from bot.services.insight import Dashboard
from bot.services.insight_json import dashboard_json
from bot.views import insight as views
from bot.views.indicators import number
from bot.webapp.server import Routes, WebCtx

routes = Routes()

# The PNG's colours as the page's theme colours (classes in static/app.css, «dashboard»).
TONES = {
    GREEN: "ok",
    AMBER: "warn",
    RED: "bad",
    BLUE: "info",
    LIGHT_BLUE: "info-light",
    GREY: "none",
}
KPI_TONES = {
    KpiStatus.REACHED: "ok",
    KpiStatus.ON_TRACK: "info",
    KpiStatus.BEHIND: "bad",
    KpiStatus.NO_DATA: "none",
}
VERDICT_TONES = {
    MonthVerdict.COMPLIANT: "ok",
    MonthVerdict.MISSED: "bad",
    MonthVerdict.PENDING: "none",
}
KEYS = ("compliance", "attendance", "punctuality", "tasks", "indicators")
P = "webapp_dashboard"


@dataclass(frozen=True, slots=True)
class Table:
    head: list[str]
    rows: list[list[str]]


@dataclass(frozen=True, slots=True)
class ChartView:
    """One chart: what the page says around it, and `spec`, what the script draws."""

    key: str
    title: str
    note: str
    empty: bool
    legend: list[tuple[str, str]]
    table: Table
    spec: dict[str, Any] = field(default_factory=dict)


def tone(color: str) -> str:
    return TONES.get(color, "none")


def chart_spec(key: str, chart: Chart) -> dict[str, Any]:
    """The chart as JSON for static/dashboard.js: the values exactly as the PNG gets them."""
    n = len(chart.categories)
    return {
        "key": key,
        "kind": chart.kind.value,
        "title": chart.title,
        "axis": chart.axis_label,
        "limit": chart.limit,
        "reference": chart.reference,
        "categories": list(chart.categories),
        "series": [
            {
                "label": s.label,
                "values": list(s.values),
                "tones": [tone(c) for c in (s.colors if len(s.colors) == n else s.colors[:1] * n)],
                "texts": list(s.texts),
            }
            for s in chart.series
        ],
    }


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _legend(t: Translator, key: str, chart: Chart) -> list[tuple[str, str]]:
    if key == "compliance":
        return [(t.plain(f"{P}.verdict_{v.value}"), tone_) for v, tone_ in VERDICT_TONES.items()]
    if key == "indicators":
        return [(t.plain(f"{P}.kpi_{s.value}"), tone_) for s, tone_ in KPI_TONES.items()]
    if chart.kind is Kind.STACKED:
        return [(s.label, tone(s.colors[0])) for s in chart.series]
    # Tasks: each column is an outcome of its own colour.
    colors = chart.series[0].colors
    return [(_one_line(c), tone(color)) for c, color in zip(chart.categories, colors, strict=True)]


def _table(t: Translator, key: str, chart: Chart, d: Dashboard) -> Table:
    """The chart's numbers, one row per category, as the chart shows them."""
    head = [t.plain(f"{P}.col_{key}")] + [s.label or chart.axis_label for s in chart.series]
    categories = [_one_line(c) for c in chart.categories]
    if key == "compliance":
        categories = [t.month(date(r.year, r.month, 1)) for r in d.compliance]
    rows = []
    for i, category in enumerate(categories):
        cells = [category]
        for s in chart.series:
            cells.append(s.texts[i] if s.texts else number(t, s.values[i]))
        rows.append(cells)
    if key == "compliance":
        head.append(t.plain(f"{P}.col_verdict"))
        for row, month in zip(rows, d.compliance, strict=True):
            row.append(t.plain(f"{P}.verdict_{month.verdict.value}"))
    if key == "attendance":
        head.insert(1, t.plain(f"{P}.col_held"))
        for row, line in zip(rows, d.attendance, strict=True):
            row.insert(1, number(t, line.held))
    if key == "indicators":
        head.append(t.plain(f"{P}.col_status"))
        for row, kpi in zip(rows, d.indicators, strict=True):
            row.append(t.plain(f"{P}.kpi_{kpi.line.status.value}"))
    return Table(head, rows)


def chart_views(t: Translator, d: Dashboard, today: date) -> list[ChartView]:
    """The charts of `/dashboard` in its order: four, and the indicators' when there are."""
    empty = {"attendance": not d.attendance, "punctuality": not d.punctuality}
    shown = []
    for key, chart in zip(KEYS, views.dashboard_charts(t, d, today), strict=False):
        blank = empty.get(key, False)
        shown.append(
            ChartView(
                key=key,
                title=chart.title,
                note=chart.note,
                empty=blank,
                legend=[] if blank else _legend(t, key, chart),
                table=Table([], []) if blank else _table(t, key, chart, d),
                spec=chart_spec(key, chart),
            )
        )
    return shown


def _today(w: WebCtx) -> date:
    return w.app.clock.now().astimezone(w.app.tz).date()


@routes.view("/dashboard")
async def dashboard_page(w: WebCtx) -> web.StreamResponse:
    d = await w.insight.dashboard(w.actor)
    return w.render(
        "dashboard.html",
        period=views.period(w.t, d.window),
        charts=chart_views(w.t, d, _today(w)),
        no_indicators=not d.indicators,
    )


@routes.api("GET", "/dashboard")
async def dashboard_data(w: WebCtx) -> web.StreamResponse:
    """The figures and the charts as JSON, for whoever reads them without the page."""
    d = await w.insight.dashboard(w.actor)
    charts = chart_views(w.t, d, _today(w))
    return w.json({"figures": dashboard_json(d), "charts": [c.spec for c in charts]})
