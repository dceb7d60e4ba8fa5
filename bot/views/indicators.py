"""Effectiveness indicators (cl. 3 в, 4 ж): their section of a project's card (and of the
Plan's), an indicator's card, and the questions of the dialogs."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from babel.numbers import format_decimal

from bot.callbacks import KpiCb, RegisterCb
from bot.domain.indicators import KpiStatus
from bot.i18n import Raw, Translator
from bot.keyboards import button, markup
from bot.services.indicators import KpiCard, KpiLine, KpiSection
from storage.repositories.indicators import KpiView

LABEL_MAX = 48


def _label(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def number(t: Translator, value: float) -> str:
    """«12,5» in Russian, "12.5" in English; whole numbers without a fraction."""
    return format_decimal(value, format="#,##0.####", locale=t.locale)


def status_label(t: Translator, status: KpiStatus) -> str:
    return t(f"kpi.status_{status.value}")


def line_text(t: Translator, n: int, line: KpiLine) -> str:
    kpi = line.kpi
    common = {
        "number": n,
        "name": kpi.name,
        "measure": kpi.measure,
        "target": number(t, kpi.target),
        "target_on": Raw(t.date(kpi.target_on)),
        "status": Raw(status_label(t, line.status)),
    }
    if line.latest is None:
        return t("kpi.line_empty", baseline=number(t, kpi.baseline), **common)
    return t(
        "kpi.line",
        value=number(t, line.latest.value),
        on=Raw(t.date(line.latest.measured_on)),
        **common,
    )


def section_text(t: Translator, section: KpiSection) -> str:
    lines = [t("kpi.section_title")]
    if not section.lines:
        lines.append(t("kpi.section_empty"))
    lines += [line_text(t, n, line) for n, line in enumerate(section.lines, start=1)]
    return "\n".join(lines)


def section_rows(t: Translator, section: KpiSection) -> list[list[InlineKeyboardButton]]:
    entry = section.entry_id or 0
    rows = [
        [
            button(
                _label(t.plain("kpi.open_button", number=n, name=line.kpi.name)),
                KpiCb(action="card", kpi=line.kpi.id, entry=entry),
            )
        ]
        for n, line in enumerate(section.lines, start=1)
    ]
    if section.may_edit:
        rows.append([button(t("kpi.add"), KpiCb(action="add", entry=entry))])
    return rows


def card(t: Translator, c: KpiCard) -> tuple[str, InlineKeyboardMarkup]:
    kpi = c.line.kpi
    entry = kpi.entry_id or 0
    lines = [
        t("kpi.card_kind"),
        t("kpi.card_title", name=kpi.name),
        t("kpi.card_project", project=c.project.title)
        if c.project is not None
        else t("kpi.card_plan"),
        t("kpi.card_measure", measure=kpi.measure),
        t(
            "kpi.card_baseline",
            value=number(t, kpi.baseline),
            on=Raw(t.date(kpi.start_on)),
        ),
        t(
            "kpi.card_target",
            value=number(t, kpi.target),
            on=Raw(t.date(kpi.target_on)),
        ),
        t("kpi.card_direction_up" if kpi.target > kpi.baseline else "kpi.card_direction_down"),
        t("kpi.card_status", status=Raw(status_label(t, c.line.status))),
    ]
    lines += ["", t("kpi.values_title")]
    if not c.values:
        lines.append(t("kpi.values_empty"))
    for v in c.values:
        value = t(
            "kpi.value_line",
            on=Raw(t.date(v.measured_on)),
            value=number(t, v.value),
            who=v.entered_by_name or "—",
            at=Raw(t.date(v.entered_at)),
        )
        if v.source:
            value += " " + t("kpi.value_source", source=v.source)
        lines.append(value)
    rows: list[list[InlineKeyboardButton]] = []
    if c.may_enter:
        rows.append([button(t("kpi.enter"), KpiCb(action="val", kpi=kpi.id, entry=entry))])
    if c.may_edit:
        rows.append([button(t("kpi.edit"), KpiCb(action="edit", kpi=kpi.id, entry=entry))])
        rows.append([button(t("kpi.archive"), KpiCb(action="arch", kpi=kpi.id, entry=entry))])
    if c.project is not None:
        back = RegisterCb(action="card", book=c.project.register, entry=c.project.id)
    else:
        back = RegisterCb(action="list", book="events")
    rows.append([button(t("common.back"), back)])
    return "\n".join(lines), markup(rows)


def archive_confirm(t: Translator, kpi: KpiView) -> tuple[str, InlineKeyboardMarkup]:
    entry = kpi.entry_id or 0
    rows = [
        [
            button(t("common.confirm"), KpiCb(action="archok", kpi=kpi.id, entry=entry)),
            button(t("common.cancel"), KpiCb(action="card", kpi=kpi.id, entry=entry)),
        ]
    ]
    return t("kpi.ask_archive", name=kpi.name), markup(rows)


def ask_value(
    t: Translator, kpi: KpiView, project: str | None, *, asked: tuple[int, int] | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The question of a value; `asked` is (which, of how many) after a quarterly report,
    where an indicator may be skipped."""
    head = []
    if asked is not None:
        head = [t("kpi.asked_heading", n=asked[0], total=asked[1]), ""]
    text = "\n".join(
        [
            *head,
            t("kpi.ask_value", name=kpi.name, measure=kpi.measure),
            t("kpi.ask_value_project", project=project) if project else t("kpi.ask_value_plan"),
            t(
                "kpi.ask_value_target",
                target=number(t, kpi.target),
                on=Raw(t.date(kpi.target_on)),
            ),
            "",
            t("kpi.ask_value_example"),
        ]
    )
    keyboard = None
    if asked is not None:
        keyboard = markup([[button(t("kpi.skip"), KpiCb(action="skip"))]])
    return text, keyboard


def ask_measured_on(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    return t("kpi.ask_measured_on"), markup([[button(t("kpi.today"), KpiCb(action="today"))]])


def ask_source(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    return t("kpi.ask_source"), markup([[button(t("kpi.no_source"), KpiCb(action="nosrc"))]])


def saved(t: Translator, line: KpiLine) -> str:
    return t(
        "kpi.value_saved",
        name=line.kpi.name,
        measure=line.kpi.measure,
        value=number(t, line.latest.value if line.latest else 0),
        status=Raw(status_label(t, line.status)),
    )
