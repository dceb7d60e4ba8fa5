"""The dashboard's charts and the annual report's questions (issue #18 items 5, 6): every
label in the viewer's language, months by Babel in the standalone form («янв.»)."""

from __future__ import annotations

from datetime import date

from aiogram.types import InlineKeyboardMarkup
from babel.dates import format_date

from bot.callbacks import AnnualCb
from bot.documents.charts import (
    AMBER,
    BLUE,
    GREEN,
    GREY,
    LIGHT_BLUE,
    RED,
    Chart,
    Kind,
    Series,
)
from bot.domain.indicators import KpiStatus
from bot.domain.insight import TASK_OUTCOMES, TaskOutcome
from bot.domain.meetings import MonthVerdict
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.services.compliance import MonthRow
from bot.services.indicators import SummaryKpi
from bot.services.insight import Dashboard, MemberAttendance, TaskCounts, UnitPunctuality, Window
from bot.views.indicators import number

VERDICT_COLORS = {
    MonthVerdict.COMPLIANT: GREEN,
    MonthVerdict.MISSED: RED,
    MonthVerdict.PENDING: GREY,
}
TASK_COLORS = {
    TaskOutcome.ON_TIME: GREEN,
    TaskOutcome.LATE: AMBER,
    TaskOutcome.OVERDUE: RED,
    TaskOutcome.OPEN: BLUE,
}
KPI_COLORS = {
    KpiStatus.REACHED: GREEN,
    KpiStatus.ON_TRACK: BLUE,
    KpiStatus.BEHIND: RED,
    KpiStatus.NO_DATA: GREY,
}


def month_label(t: Translator, year: int, month: int, *, with_year: bool) -> str:
    """«янв.» (the standalone abbreviation), with the year under January and the first."""
    name = format_date(date(year, month, 1), "LLL", locale=t.locale)
    return f"{name}\n{year}" if with_year else name


def period(t: Translator, window: Window) -> str:
    """«январь 2026 г. — декабрь 2026 г.»: the months a chart covers."""
    first = t.month(date(*window.first, 1))
    last = t.month(date(*window.last, 1))
    return t.plain("insight.period", first=first, last=last)


def compliance_chart(t: Translator, rows: list[MonthRow], window: Window) -> Chart:
    categories = tuple(
        month_label(t, r.year, r.month, with_year=i == 0 or r.month == 1)
        for i, r in enumerate(rows)
    )
    return Chart(
        Kind.COLUMNS,
        t.plain("insight.chart_compliance", period=period(t, window)),
        categories,
        (
            Series(
                t.plain("insight.axis_meetings"),
                tuple(float(r.held) for r in rows),
                tuple(VERDICT_COLORS[r.verdict] for r in rows),
            ),
        ),
        axis_label=t.plain("insight.axis_meetings"),
        note=t.plain("insight.note_compliance"),
    )


def attendance_chart(t: Translator, lines: list[MemberAttendance], window: Window) -> Chart:
    title = t.plain("insight.chart_attendance", period=period(t, window))
    if not lines:
        return _empty(t, title, "insight.no_meetings")
    return Chart(
        Kind.STACKED,
        title,
        tuple(x.name for x in lines),
        (
            Series(
                t.plain("insight.in_person"), tuple(float(x.in_person) for x in lines), (GREEN,)
            ),
            Series(t.plain("insight.remote"), tuple(float(x.remote) for x in lines), (LIGHT_BLUE,)),
            Series(t.plain("insight.absent"), tuple(float(x.absent) for x in lines), (RED,)),
        ),
        axis_label=t.plain("insight.axis_meetings"),
    )


def punctuality_chart(
    t: Translator, lines: list[UnitPunctuality], cycles: int, window: Window
) -> Chart:
    title = t.plain("insight.chart_punctuality", period=period(t, window))
    if not lines:
        return _empty(t, title, "insight.no_cycles")
    return Chart(
        Kind.STACKED,
        title,
        tuple(x.name for x in lines),
        (
            Series(t.plain("insight.on_time"), tuple(float(x.on_time) for x in lines), (GREEN,)),
            Series(t.plain("insight.late"), tuple(float(x.late) for x in lines), (AMBER,)),
            Series(t.plain("insight.missing"), tuple(float(x.missing) for x in lines), (RED,)),
        ),
        axis_label=t.plain("insight.axis_reports"),
        note=t.plural("insight.cycles_counted", cycles),
    )


def tasks_chart(t: Translator, counts: TaskCounts, window: Window) -> Chart:
    note = t.plain("insight.note_tasks")
    if counts.cancelled:
        note += " " + t.plural("insight.cancelled_left_out", counts.cancelled)
    return Chart(
        Kind.COLUMNS,
        t.plain("insight.chart_tasks", period=period(t, window)),
        tuple(t.plain(f"insight.task_{o.value}") for o in TASK_OUTCOMES),
        (
            Series(
                t.plain("insight.axis_tasks"),
                tuple(float(counts.of(o)) for o in TASK_OUTCOMES),
                tuple(TASK_COLORS[o] for o in TASK_OUTCOMES),
            ),
        ),
        axis_label=t.plain("insight.axis_tasks"),
        note=note,
    )


def progress(kpi: SummaryKpi) -> float:
    """How far the latest value has come from the baseline to the target, in per cent
    (0 without a value; below 0 or above 100 shown at the ends)."""
    line = kpi.line
    if line.latest is None:
        return 0.0
    span = line.kpi.target - line.kpi.baseline
    share = (line.latest.value - line.kpi.baseline) / span * 100
    return max(0.0, min(120.0, round(share, 1)))


def indicators_chart(t: Translator, kpis: list[SummaryKpi], today: date) -> Chart:
    texts = []
    for kpi in kpis:
        line = kpi.line
        if line.latest is None:
            texts.append(t.plain("insight.kpi_no_value"))
        else:
            texts.append(
                t.plain(
                    "insight.kpi_value",
                    value=number(t, line.latest.value),
                    target=number(t, line.kpi.target),
                    share=number(t, progress(kpi)),
                )
            )
    return Chart(
        Kind.BARS,
        t.plain("insight.chart_indicators", date=t.date(today)),
        tuple(f"{k.line.kpi.name}, {k.line.kpi.measure}" for k in kpis),
        (
            Series(
                t.plain("insight.axis_progress"),
                tuple(progress(k) for k in kpis),
                tuple(KPI_COLORS[k.line.status] for k in kpis),
                tuple(texts),
            ),
        ),
        axis_label=t.plain("insight.axis_progress"),
        note=t.plain("insight.note_indicators"),
        limit=140.0,
        reference=100.0,
    )


def _empty(t: Translator, title: str, why: str) -> Chart:
    return Chart(
        Kind.STACKED,
        title,
        (t.plain("insight.nothing"),),
        (Series("", (0.0,), (GREY,)),),
        note=t.plain(why),
    )


def dashboard_charts(t: Translator, d: Dashboard, today: date) -> list[Chart]:
    """The four charts always drawn, and the indicators' when there are indicators."""
    charts = [
        compliance_chart(t, d.compliance, d.window),
        attendance_chart(t, d.attendance, d.window),
        punctuality_chart(t, d.punctuality, d.cycles, d.window),
        tasks_chart(t, d.tasks, d.window),
    ]
    if d.indicators:
        charts.append(indicators_chart(t, d.indicators, today))
    return charts


def chart_caption(t: Translator, number_: int, total: int, chart: Chart) -> str:
    return t("insight.caption", n=number_, total=total, title=chart.title)


# --- the annual report ---------------------------------------------------------------------


def year_choice(
    t: Translator, this_year: int, *, may_edit: bool
) -> tuple[str, InlineKeyboardMarkup]:
    years = (this_year, this_year - 1)
    rows = [
        [
            button(t.plain("insight.annual.year_button", year=y), AnnualCb(action="get", year=y))
            for y in years
        ]
    ]
    text = t("insight.annual.ask_year")
    if may_edit:
        rows += [
            [button(t.plain("insight.annual.edit_intro", year=y), AnnualCb(action="intro", year=y))]
            for y in years
        ]
        text += "\n" + t("insight.annual.intro_hint")
    return text, markup(rows)


def after_report(t: Translator, year: int, *, may_edit: bool) -> InlineKeyboardMarkup | None:
    if not may_edit:
        return None
    return markup(
        [
            [
                button(
                    t.plain("insight.annual.edit_intro", year=year),
                    AnnualCb(action="intro", year=year),
                )
            ]
        ]
    )


def ask_intro(t: Translator, year: int, current: str | None, limit: int) -> str:
    text = t("insight.annual.ask_intro", year=year, max=limit)
    if current:
        text += "\n\n" + t("insight.annual.current_intro", text=current)
    else:
        text += "\n\n" + t("insight.annual.no_intro")
    return text


def report_caption(t: Translator, year: int) -> str:
    return t("insight.annual.report_caption", year=year)


def after_save(t: Translator, year: int) -> InlineKeyboardMarkup:
    return markup(
        [
            [
                button(
                    t.plain("insight.annual.year_button", year=year),
                    AnnualCb(action="get", year=year),
                )
            ]
        ]
    )
