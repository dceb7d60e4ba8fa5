"""Cards and notices of quarterly reporting (cl. 4 г)."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import ReportCb
from bot.domain import fields
from bot.domain.quarters import EditVerdict, Stage, Standing, may_submit
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.services.notifier import Rendered, Renderer
from bot.services.reporting import CycleState, UnitStatus
from storage.repositories.reporting import CycleView, SubmissionView

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MARKS = {Standing.ON_TIME: "✅", Standing.LATE: "⚠️", Standing.MISSING: "❌"}


def quarter(t: Translator, cycle: CycleView) -> str:
    return t.plain("reports.quarter", roman=ROMAN[cycle.quarter], year=cycle.year)


def _last_day(t: Translator, cycle: CycleView) -> str:
    return t.date(cycle.deadline_day)


def _closes(t: Translator, cycle: CycleView) -> str:
    # closes_at is the midnight that starts the closing day; the last day to submit late is
    # the day before it.
    return t.date(cycle.closes_at - timedelta(seconds=1))


def opened(t: Translator, cycle: CycleView, unit: str, now: datetime) -> str:
    left = (cycle.deadline_day - now.astimezone(t.tz).date()).days
    return "\n".join(
        [
            t("reports.opened_title"),
            t("reports.subject", quarter=quarter(t, cycle)),
            t("reports.fact_unit", unit=unit),
            t("reports.fact_deadline", day=_last_day(t, cycle))
            + " "
            + (t("reports.today_is_the_day") if left <= 0 else t.plural("reports.days_left", left)),
            "",
            t("reports.how_to_submit"),
        ]
    )


def reminder(t: Translator, cycle: CycleView, unit: str, stage: Stage, days: int) -> str:
    if stage is Stage.OVERDUE:
        lines = [
            t("reports.overdue_title"),
            t("reports.subject", quarter=quarter(t, cycle)),
            t("reports.fact_unit", unit=unit),
            t("reports.fact_deadline_passed", day=_last_day(t, cycle))
            + " "
            + t.plural("reports.days_overdue", days),
            "",
            t("reports.late_still_accepted", day=_closes(t, cycle)),
        ]
    else:
        when = (
            t("reports.today_is_the_day")
            if stage is Stage.ON_THE_DAY
            else t.plural("reports.days_left", days)
        )
        lines = [
            t("reports.reminder_title"),
            t("reports.subject", quarter=quarter(t, cycle)),
            t("reports.fact_unit", unit=unit),
            t("reports.fact_deadline", day=_last_day(t, cycle)) + " " + when,
            "",
            t("reports.how_to_submit"),
        ]
    return "\n".join(lines)


def opened_for_secretariat(
    t: Translator, cycle: CycleView, units: list[str], without: list[str]
) -> str:
    lines = [
        t("reports.opened_title"),
        t("reports.subject", quarter=quarter(t, cycle)),
        t("reports.fact_deadline", day=_last_day(t, cycle)),
        t.plural("reports.units_obliged", len(units)),
    ]
    if without:
        lines += ["", t("reports.no_representative", units=", ".join(without))]
    return "\n".join(lines)


def escalation(t: Translator, state: CycleState, days: int) -> str:
    cycle = state.cycle
    lines = [
        t("reports.escalation_title"),
        t("reports.subject", quarter=quarter(t, cycle)),
        t("reports.fact_deadline_passed", day=_last_day(t, cycle))
        + " "
        + t.plural("reports.days_overdue", days),
        "",
        t("reports.missing_title"),
    ]
    for unit in state.units:
        if unit.standing is Standing.MISSING:
            key = "reports.missing_line" if unit.has_representative else "reports.missing_no_rep"
            lines.append(t(key, unit=unit.name))
    lines += [
        "",
        t(
            "reports.submitted_count",
            done=len(state.units) - state.count(Standing.MISSING),
            total=len(state.units),
        ),
    ]
    return "\n".join(lines)


def _counts(t: Translator, state: CycleState) -> str:
    return t(
        "reports.counts",
        on_time=state.count(Standing.ON_TIME),
        late=state.count(Standing.LATE),
        missing=state.count(Standing.MISSING),
    )


def unit_line(t: Translator, unit: UnitStatus) -> str:
    mark = MARKS[unit.standing]
    if unit.submission is None:
        return t("reports.line_missing", mark=mark, unit=unit.name)
    return t(
        f"reports.line_{unit.standing.value}",
        mark=mark,
        unit=unit.name,
        day=t.date(unit.submission.submitted_at),
        who=unit.submitted_by or "—",
    )


def summary(t: Translator, state: CycleState) -> str:
    cycle = state.cycle
    lines = [
        t("reports.summary_title"),
        t("reports.subject", quarter=quarter(t, cycle)),
        t("reports.fact_deadline", day=_last_day(t, cycle)),
        _counts(t, state),
    ]
    for unit in state.units:
        lines += ["", unit_line(t, unit)]
        if unit.submission is not None:
            if unit.submission.text:
                lines.append(t("reports.content", text=unit.submission.text))
            if unit.submission.document:
                lines.append(
                    t("reports.file", name=unit.submission.document.get("file_name") or "—")
                )
    lines += ["", t("reports.review_offered")]
    return "\n".join(lines)


def summary_caption(t: Translator, cycle: CycleView) -> str:
    return t("reports.summary_caption", quarter=quarter(t, cycle))


def review_title(t: Translator, cycle: CycleView) -> str:
    return t.plain("reports.review_title", quarter=quarter(t, cycle))


def review_description(t: Translator, state: CycleState) -> str:
    missing = [u.name for u in state.units if u.standing is Standing.MISSING]
    text = t.plain(
        "reports.review_description",
        on_time=state.count(Standing.ON_TIME),
        late=state.count(Standing.LATE),
        missing=len(missing),
    )
    if missing:
        text += " " + t.plain("reports.review_missing", units=", ".join(missing))
    return text


def report_keyboard(t: Translator, cycle: CycleView, unit_id: int) -> InlineKeyboardMarkup:
    return markup(
        [[button(t("reports.submit"), ReportCb(action="submit", cycle=cycle.id, unit=unit_id))]]
    )


def cycle_keyboard(t: Translator, cycle: CycleView) -> InlineKeyboardMarkup:
    return markup([[button(t("reports.open_cycle"), ReportCb(action="cycle", cycle=cycle.id))]])


def _opened(t: Translator, *, cycle: CycleView, unit: str, unit_id: int, now: datetime) -> Rendered:
    return Rendered(opened(t, cycle, unit, now), report_keyboard(t, cycle, unit_id))


def _reminder(
    t: Translator, *, cycle: CycleView, unit: str, unit_id: int, stage: Stage, days: int
) -> Rendered:
    return Rendered(reminder(t, cycle, unit, stage, days), report_keyboard(t, cycle, unit_id))


def _opened_for_secretariat(
    t: Translator, *, cycle: CycleView, units: list[str], without: list[str]
) -> Rendered:
    return Rendered(opened_for_secretariat(t, cycle, units, without), cycle_keyboard(t, cycle))


def _escalation(t: Translator, *, state: CycleState, days: int) -> Rendered:
    return Rendered(escalation(t, state, days), cycle_keyboard(t, state.cycle))


def _summary_caption(t: Translator, *, cycle: CycleView) -> Rendered:
    return Rendered(summary_caption(t, cycle), cycle_keyboard(t, cycle))


# The notices of reporting cycles, by name (joined in bot.views.notices).
RENDERERS: dict[str, Renderer] = {
    "reports.opened": _opened,
    "reports.reminder": _reminder,
    "reports.opened_for_secretariat": _opened_for_secretariat,
    "reports.escalation": _escalation,
    "reports.summary": lambda t, *, state: summary(t, state),
    "reports.summary_caption": _summary_caption,
    "reports.review_title": lambda t, *, cycle: review_title(t, cycle),
    "reports.review_description": lambda t, *, state: review_description(t, state),
}


# --- cards -----------------------------------------------------------------------------


def cycle_card(t: Translator, state: CycleState) -> str:
    cycle = state.cycle
    status = (
        t("reports.status_closed", day=t.date(cycle.closed_at))
        if cycle.closed_at
        else t("reports.status_open")
    )
    lines = [
        t("reports.card_title", quarter=quarter(t, cycle)),
        status,
        t("reports.fact_deadline", day=_last_day(t, cycle)),
        t("reports.fact_closes", day=_closes(t, cycle)),
        _counts(t, state),
        "",
    ]
    if not state.units:
        lines.append(t("reports.no_units"))
    lines += [unit_line(t, unit) for unit in state.units]
    return "\n".join(lines)


def cycle_card_keyboard(t: Translator, state: CycleState) -> InlineKeyboardMarkup:
    cycle = state.cycle
    rows = [
        [
            button(
                t("reports.open_unit", unit=unit.name[:40]),
                ReportCb(action="unit", cycle=cycle.id, unit=unit.unit_id),
            )
        ]
        for unit in state.units
        if unit.submission is not None
    ]
    rows.append(
        [
            button(t("reports.docx"), ReportCb(action="docx", cycle=cycle.id)),
            button(t("reports.all_cycles"), ReportCb(action="list")),
        ]
    )
    return markup(rows)


def cycles_list(t: Translator, cycles: list[CycleView]) -> tuple[str, InlineKeyboardMarkup]:
    text = t("reports.list_title") if cycles else t("reports.no_cycles")
    rows = [
        [
            button(
                ("⏳ " if c.status == "open" else "✅ ") + quarter(t, c),
                ReportCb(action="cycle", cycle=c.id),
            )
        ]
        for c in cycles
    ]
    return text, markup(rows)


def unit_card(t: Translator, cycle: CycleView, unit: UnitStatus) -> str:
    lines = [
        t("reports.unit_title", unit=unit.name, quarter=quarter(t, cycle)),
        unit_line(t, unit),
    ]
    if unit.submission is not None:
        if unit.submission.updated_at != unit.submission.submitted_at:
            lines.append(t("reports.updated", when=t.datetime(unit.submission.updated_at)))
        if unit.submission.text:
            lines += ["", t("reports.content", text=unit.submission.text)]
        if unit.submission.document:
            lines.append(t("reports.file", name=unit.submission.document.get("file_name") or "—"))
    return "\n".join(lines)


def unit_card_keyboard(
    t: Translator, cycle: CycleView, unit: UnitStatus, *, back: bool
) -> InlineKeyboardMarkup:
    rows = []
    if unit.submission is not None and unit.submission.document:
        rows.append(
            [
                button(
                    t("reports.get_file"),
                    ReportCb(action="file", cycle=cycle.id, unit=unit.unit_id),
                )
            ]
        )
    if back:
        rows.append([button(t("reports.back"), ReportCb(action="cycle", cycle=cycle.id))])
    return markup(rows)


def obligations_card(
    t: Translator,
    unit: str | None,
    rows: list[tuple[CycleView, SubmissionView | None]],
    now: datetime,
) -> str:
    lines = [t("reports.mine_title", unit=unit or "—")]
    if not rows:
        lines.append(t("reports.no_cycles_yet"))
    for cycle, submission in rows:
        lines.append("")
        lines.append(t("reports.mine_cycle", quarter=quarter(t, cycle)))
        if submission is not None:
            key = "reports.mine_late" if submission.late else "reports.mine_on_time"
            lines.append(t(key, day=t.date(submission.submitted_at)))
        elif cycle.status == "closed":
            lines.append(t("reports.mine_missed"))
        elif now >= cycle.deadline:
            lines.append(
                t("reports.mine_overdue", day=_last_day(t, cycle), closes=_closes(t, cycle))
            )
        else:
            lines.append(t("reports.mine_waiting", day=_last_day(t, cycle)))
    return "\n".join(lines)


def obligations_keyboard(
    t: Translator,
    unit_id: int,
    rows: list[tuple[CycleView, SubmissionView | None]],
    now: datetime,
) -> InlineKeyboardMarkup:
    buttons = []
    for cycle, submission in rows:
        verdict = may_submit(
            cycle.cycle,
            closed=cycle.status == "closed",
            already_submitted=submission is not None,
            now=now,
        )
        if verdict is EditVerdict.ALLOWED:
            key = "reports.edit_for" if submission is not None else "reports.submit_for"
            buttons.append(
                [
                    button(
                        t(key, quarter=quarter(t, cycle)),
                        ReportCb(action="submit", cycle=cycle.id, unit=unit_id),
                    )
                ]
            )
        if submission is not None:
            buttons.append(
                [
                    button(
                        t("reports.view_for", quarter=quarter(t, cycle)),
                        ReportCb(action="unit", cycle=cycle.id, unit=unit_id),
                    )
                ]
            )
    return markup(buttons)


def ask_content(t: Translator, max_mb: int) -> str:
    return t("reports.ask_content", max=fields.REPORT_TEXT.max_length, mb=max_mb)


def check_text(
    t: Translator,
    cycle: CycleView,
    unit: str,
    text: str | None,
    file_name: str | None,
    late: bool,
) -> str:
    lines = [t("reports.check_title"), t("reports.subject", quarter=quarter(t, cycle))]
    lines.append(t("reports.fact_unit", unit=unit))
    if text:
        lines += ["", t("reports.content", text=text)]
    if file_name:
        lines.append(t("reports.file", name=file_name))
    if late:
        lines += ["", t("reports.will_be_late")]
    return "\n".join(lines)
