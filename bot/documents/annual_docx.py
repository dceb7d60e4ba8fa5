"""The annual report of the working group's work (issue #18 item 6) as a DOCX.

The protocol's house style (ГОСТ Р 7.0.97-2016 page, Times New Roman 14 pt, tables in 12 pt),
and pure like the other documents: the same content gives the same bytes. Sections: the
introduction the secretariat wrote, meetings held by month with the monthly rule (cl. 12),
attendance, decisions and tasks with their outcome (cl. 4 д–е), quarterly reporting
punctuality (cl. 4 г), the registers' progress (cl. 4 а, б) and the indicators (cl. 3 в).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Length, Mm, Pt

from bot.documents.protocol_docx import (
    _finished,
    _lines,
    _new_document,
    _paragraph,
    _run,
    _set_core,
)
from bot.documents.report_docx import SummaryIndicator, _indicators, heading_block
from bot.documents.texts import DOCUMENT_LOCALE, DocumentTexts
from bot.domain.insight import TaskOutcome
from bot.domain.meetings import MonthVerdict
from bot.domain.registers import Register, Status

TABLE_FONT = Pt(12)


@dataclass(frozen=True, slots=True)
class MonthLine:
    year: int
    month: int
    held: int
    verdict: MonthVerdict
    # A month still to come in the year of the report.
    ahead: bool = False


@dataclass(frozen=True, slots=True)
class AttendanceLine:
    name: str
    held: int
    in_person: int
    remote: int
    absent: int


@dataclass(frozen=True, slots=True)
class TaskEntry:
    protocol_number: str
    item_number: int
    text: str
    owner: str
    deadline: date | None
    outcome: TaskOutcome


@dataclass(frozen=True, slots=True)
class PunctualityLine:
    unit: str
    on_time: int
    late: int
    missing: int


@dataclass(frozen=True, slots=True)
class RegisterLine:
    register: Register
    counts: dict[Status, int]


@dataclass(frozen=True, slots=True)
class AnnualContent:
    body_name: str
    group_name: str
    year: int
    made_on: date
    intro: str | None
    months: Sequence[MonthLine]
    meetings_held: int
    protocols_signed: int
    attendance: Sequence[AttendanceLine]
    task_counts: dict[TaskOutcome, int]
    tasks: Sequence[TaskEntry]
    cycles: int
    punctuality: Sequence[PunctualityLine]
    registers: Sequence[RegisterLine]
    indicators: Sequence[SummaryIndicator] = ()


STATUSES = (Status.PLANNED, Status.IN_PROGRESS, Status.OVERDUE, Status.DONE, Status.CANCELLED)


def of_group(group_name: str) -> str:
    """«рабочей группы по вопросам клиентоцентричности» from «Рабочая группа по вопросам
    клиентоцентричности»; another name is quoted after «рабочей группы»."""
    head = "рабочая группа"
    if group_name.casefold().startswith(head):
        return "рабочей группы" + group_name[len(head) :]
    return f"рабочей группы «{group_name}»"


def annual_filename(year: int, locale: str = DOCUMENT_LOCALE) -> str:
    return DocumentTexts(locale)("annual.file_name", year=year) + ".docx"


def render_annual(content: AnnualContent, *, locale: str = DOCUMENT_LOCALE) -> bytes:
    tx = DocumentTexts(locale)
    doc = _new_document(tx, draft=False)
    subject = tx("annual.subject", group=of_group(content.group_name), year=content.year)
    _set_core(
        doc,
        tx,
        title=tx("annual.title", subject=subject),
        group_name=content.group_name,
        body_name=content.body_name,
        day=content.made_on,
        category=tx("annual.category"),
    )
    heading_block(doc, content.body_name, tx("annual.type"), subject)

    _heading(doc, tx("annual.intro_heading"))
    intro = _lines(content.intro or "") or [tx("annual.no_intro")]
    for text in intro:
        _paragraph(doc, text, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    _meetings(doc, tx, content)
    _attendance(doc, tx, content.attendance)
    _tasks(doc, tx, content)
    _punctuality(doc, tx, content)
    _registers(doc, tx, content.registers)
    _heading(doc, tx("annual.indicators_heading"))
    if content.indicators:
        _indicators(doc, tx, content.indicators)
        # The table's own heading (the quarterly summary's) would repeat the section's.
        repeated = doc.paragraphs[-1]
        repeated._element.getparent().remove(repeated._element)
    else:
        _paragraph(doc, tx("annual.no_indicators"), indent=True)
    return _finished(doc, tx("annual.made_on", date=tx.date(content.made_on)))


def _heading(doc: Any, text: str) -> None:
    paragraph = _paragraph(doc, space_before=Pt(18), keep_with_next=True)
    _run(paragraph, text, bold=True)


def _table(doc: Any, tx: DocumentTexts, headers: Sequence[str], widths: Sequence[Length]) -> Any:
    table = doc.add_table(rows=1, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Word lays a fixed table out by the grid, other readers by the cells: set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, key, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], tx(key), bold=True, size=TABLE_FONT)
    return table


def _row(
    table: Any,
    texts: Sequence[str],
    widths: Sequence[Length],
    *,
    bold: bool = False,
    left: int = 1,
) -> None:
    """A row: the first `left` cells (names, texts) flush left, the figures centred."""
    cells = table.add_row().cells
    for n, (cell, text, width) in enumerate(zip(cells, texts, widths, strict=True)):
        cell.width = width
        if n >= left:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], text, bold=bold, size=TABLE_FONT)


def _meetings(doc: Any, tx: DocumentTexts, content: AnnualContent) -> None:
    _heading(doc, tx("annual.meetings_heading"))
    compliant = sum(1 for m in content.months if m.verdict is MonthVerdict.COMPLIANT)
    missed = sum(1 for m in content.months if m.verdict is MonthVerdict.MISSED)
    _paragraph(
        doc,
        tx(
            "annual.meetings_totals",
            held=content.meetings_held,
            protocols=content.protocols_signed,
            compliant=compliant,
            missed=missed,
        ),
        indent=True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    widths = (Mm(60), Mm(45), Mm(60))
    table = _table(doc, tx, ("annual.col_month", "annual.col_held", "annual.col_rule"), widths)
    for m in content.months:
        month = format_date(date(m.year, m.month, 1), "LLLL", locale=tx.locale).capitalize()
        verdict = "—" if m.ahead else tx(f"annual.verdict_{m.verdict.value}")
        _row(table, (month, "—" if m.ahead else str(m.held), verdict), widths)


def _attendance(doc: Any, tx: DocumentTexts, lines: Sequence[AttendanceLine]) -> None:
    _heading(doc, tx("annual.attendance_heading"))
    if not lines:
        _paragraph(doc, tx("annual.no_meetings"), indent=True)
        return
    widths = (Mm(53), Mm(25), Mm(22), Mm(32), Mm(33))
    headers = (
        "annual.col_member",
        "annual.col_member_held",
        "annual.col_in_person",
        "annual.col_remote",
        "annual.col_absent",
    )
    table = _table(doc, tx, headers, widths)
    for x in lines:
        texts = (x.name, str(x.held), str(x.in_person), str(x.remote), str(x.absent))
        _row(table, texts, widths)


def _tasks(doc: Any, tx: DocumentTexts, content: AnnualContent) -> None:
    _heading(doc, tx("annual.tasks_heading"))
    counts = content.task_counts
    _paragraph(
        doc,
        tx(
            "annual.tasks_totals",
            total=len(content.tasks),
            on_time=counts.get(TaskOutcome.ON_TIME, 0),
            late=counts.get(TaskOutcome.LATE, 0),
            overdue=counts.get(TaskOutcome.OVERDUE, 0),
            open=counts.get(TaskOutcome.OPEN, 0),
            cancelled=counts.get(TaskOutcome.CANCELLED, 0),
        ),
        indent=True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    if not content.tasks:
        return
    widths = (Mm(30), Mm(62), Mm(35), Mm(38))
    headers = (
        "annual.col_decision",
        "annual.col_task",
        "annual.col_deadline",
        "annual.col_outcome",
    )
    table = _table(doc, tx, headers, widths)
    for task in content.tasks:
        decision = tx("annual.decision", number=task.protocol_number, item=task.item_number)
        deadline = tx.date(task.deadline) if task.deadline else "—"
        texts = (
            decision,
            f"{task.text} ({task.owner})",
            deadline,
            tx(f"annual.task_{task.outcome.value}"),
        )
        _row(table, texts, widths, left=2)


def _punctuality(doc: Any, tx: DocumentTexts, content: AnnualContent) -> None:
    _heading(doc, tx("annual.reports_heading"))
    if not content.cycles:
        _paragraph(doc, tx("annual.no_cycles"), indent=True)
        return
    _paragraph(doc, tx.plural("annual.cycles", content.cycles), indent=True)
    widths = (Mm(65), Mm(30), Mm(35), Mm(35))
    headers = ("annual.col_unit", "annual.col_on_time", "annual.col_late", "annual.col_missing")
    table = _table(doc, tx, headers, widths)
    for x in content.punctuality:
        _row(table, (x.unit, str(x.on_time), str(x.late), str(x.missing)), widths)


def _registers(doc: Any, tx: DocumentTexts, lines: Sequence[RegisterLine]) -> None:
    """Statuses down, the registers across: their names wrap on words in a narrow column."""
    _heading(doc, tx("annual.registers_heading"))
    widths = (Mm(47), *([Mm(118 / max(1, len(lines)))] * len(lines)))
    table = doc.add_table(rows=1, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    titles = (tx("annual.col_status"), *(tx(f"annual.register_{x.register.value}") for x in lines))
    for cell, text, width in zip(table.rows[0].cells, titles, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], text, bold=True, size=TABLE_FONT)
    for status in STATUSES:
        texts = (
            tx(f"annual.status_{status.value}"),
            *(str(x.counts.get(status, 0)) for x in lines),
        )
        _row(table, texts, widths)
    totals = (tx("annual.col_total"), *(str(sum(x.counts.values())) for x in lines))
    _row(table, totals, widths, bold=True)
