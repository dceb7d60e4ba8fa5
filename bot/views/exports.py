"""The secretariat's exports and the calendar feed (issue #18 item 2): the cards, and each
table as a CSV in the reader's language: column names and values in words, dates and times
in the group's zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import ExportCb
from bot.documents.csv_table import csv_bytes
from bot.domain.exports import ExportKind, PeriodChoice, file_name
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.services.exports import (
    ConsentLine,
    ExportTable,
    Line,
    PresenceLine,
    SubmissionLine,
    TaskLine,
    VoteLine,
)
from bot.views.reporting import ROMAN
from storage.repositories.exports import CompositionRow

# --- cards ---------------------------------------------------------------------------------


def kind_label(t: Translator, kind: ExportKind) -> str:
    return t.plain(f"exports.kind_{kind.value}")


def menu_card(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [button(kind_label(t, kind), ExportCb(action="kind", kind=kind))] for kind in ExportKind
    ]
    return t("exports.menu_title"), markup(rows)


def period_card(t: Translator, kind: ExportKind) -> tuple[str, InlineKeyboardMarkup]:
    def pick(label: str, choice: PeriodChoice) -> InlineKeyboardButton:
        return button(t(label), ExportCb(action="period", kind=kind, arg=choice))

    return t("exports.period_title", kind=kind_label(t, kind)), markup(
        [
            [
                pick("exports.this_year", PeriodChoice.THIS_YEAR),
                pick("exports.last_year", PeriodChoice.LAST_YEAR),
            ],
            [pick("exports.all_time", PeriodChoice.ALL)],
            [button(t("exports.type_period"), ExportCb(action="type", kind=kind))],
            [button(t("common.back"), ExportCb(action="menu"))],
        ]
    )


def caption(t: Translator, table: ExportTable) -> str:
    kind = kind_label(t, table.kind)
    rows = len(table.lines)
    if table.kind is ExportKind.COMPOSITION:
        return t("exports.caption_today", kind=kind, day=t.date(table.taken_at), rows=rows)
    if table.period is None:
        return t("exports.caption_all", kind=kind, rows=rows)
    return t(
        "exports.caption_period",
        kind=kind,
        first=t.date(table.period.first),
        last=t.date(table.period.last),
        rows=rows,
    )


def calendar_caption(t: Translator, count: int) -> str:
    return t("calendar.caption", count=count)


# --- the CSV -------------------------------------------------------------------------------

COLUMNS: dict[ExportKind, tuple[str, ...]] = {
    ExportKind.COMPOSITION: ("person", "role", "extra_roles", "unit", "since", "act"),
    ExportKind.ATTENDANCE: (
        "group",
        "meeting",
        "meeting_at",
        "person",
        "presence",
        "absence_reason",
        "present",
        "total",
        "quorum",
    ),
    ExportKind.VOTES: ("group", "meeting", "meeting_at", "item", "person", "choice", "result"),
    ExportKind.CONSENTS: (
        "group",
        "protocol",
        "protocol_day",
        "signed",
        "person",
        "answer",
        "item_number",
        "remark",
        "answered_at",
    ),
    ExportKind.TASKS: (
        "group",
        "protocol",
        "item_number",
        "task",
        "owner",
        "set_on",
        "due",
        "status",
        "done_on",
        "overdue",
    ),
    ExportKind.SUBMISSIONS: ("cycle", "unit", "deadline", "submitted_at", "standing"),
}


def header(t: Translator, kind: ExportKind) -> list[str]:
    return [t.plain(f"exports.columns.{name}") for name in COLUMNS[kind]]


def csv_file(t: Translator, table: ExportTable) -> tuple[str, bytes]:
    """The file's ASCII name and its bytes (UTF-8 with BOM, `;`)."""
    today = table.taken_at.astimezone(t.tz).date()
    name = file_name(table.kind, table.period, today)
    return name, csv_bytes(header(t, table.kind), [_row(t, line) for line in table.lines])


def _local(t: Translator, moment: datetime | None) -> datetime | None:
    return moment.astimezone(t.tz) if moment is not None else None


def _known(t: Translator, key: str, code: str) -> str:
    """The text of `key`; a code the locales do not know (a newer record) as it is."""
    try:
        return t.plain(key)
    except KeyError:
        return code


def _word(t: Translator, code: str | None) -> str | None:
    if code is None:
        return None
    return _known(t, f"exports.values.{code}", code)


def _yes_no(t: Translator, value: bool | None) -> str | None:
    if value is None:
        return None
    return t.plain("exports.yes" if value else "exports.no")


def _role(t: Translator, code: str) -> str:
    return _known(t, f"roles.{code}", code)


def _row(t: Translator, line: Line) -> Sequence[object]:
    if isinstance(line, CompositionRow):
        return _composition(t, line)
    if isinstance(line, PresenceLine):
        return (
            line.group,
            line.meeting,
            _local(t, line.starts_at),
            line.person,
            _word(t, line.presence),
            line.absence_reason,
            line.present,
            line.total,
            _yes_no(t, line.quorum),
        )
    if isinstance(line, VoteLine):
        return (
            line.group,
            line.meeting,
            _local(t, line.starts_at),
            line.item,
            line.person,
            _word(t, line.choice),
            _word(t, line.result),
        )
    if isinstance(line, ConsentLine):
        return (
            line.group,
            line.number,
            line.meeting_day.astimezone(t.tz).date(),
            line.signed_at.astimezone(t.tz).date() if line.signed_at else None,
            line.person,
            _word(t, line.kind),
            line.item_number,
            line.reason,
            _local(t, line.at),
        )
    if isinstance(line, TaskLine):
        return (
            line.group,
            line.number,
            line.item_number,
            line.text,
            line.owner,
            line.set_at.astimezone(t.tz).date(),
            line.deadline,
            _word(t, f"task_{line.state.value}"),
            line.done_at.astimezone(t.tz).date() if line.done_at else None,
            _yes_no(t, line.overdue),
        )
    return _submission(t, line)


def _composition(t: Translator, line: CompositionRow) -> Sequence[object]:
    act = None
    if line.act_kind is not None:
        kind = _word(t, line.act_kind)
        if line.act_number and line.act_signed_on:
            act = t.plain(
                "exports.values.act",
                kind=kind,
                number=line.act_number,
                day=line.act_signed_on.strftime("%d.%m.%Y"),
            )
        else:
            act = t.plain("exports.values.act_unnumbered", kind=kind)
    return (
        line.person,
        _role(t, line.role),
        ", ".join(_role(t, r) for r in line.extra_roles),
        line.unit,
        line.since.astimezone(t.tz).date(),
        act,
    )


def _submission(t: Translator, line: SubmissionLine) -> Sequence[object]:
    return (
        t.plain("reports.quarter", roman=ROMAN[line.quarter], year=line.year),
        line.unit,
        line.deadline_day,
        _local(t, line.submitted_at),
        _word(t, line.standing),
    )
