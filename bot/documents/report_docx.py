"""The summary of a quarter's reporting cycle (cl. 4 г) as a DOCX for the secretariat.

Same layout as the protocol (ГОСТ Р 7.0.97-2016 page, Times New Roman 14 pt), and pure in
the same way: the same arguments give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.numbers import format_decimal
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from bot.documents.protocol_docx import (
    SMALL_FONT_SIZE,
    _finished,
    _lines,
    _new_document,
    _paragraph,
    _run,
    _set_core,
)
from bot.documents.texts import DOCUMENT_LOCALE, DocumentTexts
from bot.domain.indicators import KpiStatus
from bot.domain.quarters import Standing

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
STANDING_KEYS = {
    Standing.ON_TIME: "summary.on_time",
    Standing.LATE: "summary.late",
    Standing.MISSING: "summary.missing",
}


@dataclass(frozen=True, slots=True)
class SummaryLine:
    unit: str
    standing: Standing
    submitted_on: datetime | None  # in the group's zone
    submitted_by: str | None
    text: str | None
    file_name: str | None


@dataclass(frozen=True, slots=True)
class SummaryIndicator:
    project: str | None  # None: the Plan of events as a whole
    name: str
    measure: str
    baseline: float
    target: float
    target_on: date
    latest: float | None
    latest_on: date | None
    status: KpiStatus


@dataclass(frozen=True, slots=True)
class SummaryContent:
    body_name: str
    group_name: str
    year: int
    quarter: int
    deadline_day: date
    made_on: date
    lines: Sequence[SummaryLine]
    # Effectiveness indicators in force and where each stands (cl. 3 в, 4 ж).
    indicators: Sequence[SummaryIndicator] = ()


def summary_filename(year: int, quarter: int, locale: str = DOCUMENT_LOCALE) -> str:
    """«Сводная информация за IV квартал 2026 г.docx»: the abbreviation's full stop serves
    as the extension's, so the name has no «г..docx»."""
    return f"{_title(DocumentTexts(locale), year, quarter).removesuffix('.')}.docx"


def heading_block(doc: Any, body_name: str, kind: str, subject: str) -> None:
    """The report's heading as ГОСТ Р 7.0.97 lays it out: the body, the kind of document,
    what it is about; centred, bold."""
    body = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(body, body_name, bold=True, caps=True)
    title = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=Pt(18))
    _run(title, kind, bold=True)
    about = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(about, subject, bold=True)


def _title(tx: DocumentTexts, year: int, quarter: int) -> str:
    return tx("summary.file_name", quarter=_quarter(tx, year, quarter))


def _quarter(tx: DocumentTexts, year: int, quarter: int) -> str:
    return tx("summary.quarter", roman=ROMAN[quarter], year=year)


def render_summary(content: SummaryContent, *, locale: str = DOCUMENT_LOCALE) -> bytes:
    tx = DocumentTexts(locale)
    doc = _new_document(tx, draft=False)
    _set_core(
        doc,
        tx,
        title=_title(tx, content.year, content.quarter),
        group_name=content.group_name,
        body_name=content.body_name,
        day=content.made_on,
        category=tx("summary.category"),
    )

    heading_block(
        doc,
        content.body_name,
        tx("summary.type"),
        tx("summary.subject", quarter=_quarter(tx, content.year, content.quarter)),
    )
    on_time = sum(1 for x in content.lines if x.standing is Standing.ON_TIME)
    late = sum(1 for x in content.lines if x.standing is Standing.LATE)
    missing = sum(1 for x in content.lines if x.standing is Standing.MISSING)
    _paragraph(
        doc,
        tx("summary.deadline", date=tx.date(content.deadline_day)),
        indent=True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        space_before=Pt(12),
    )
    _paragraph(
        doc,
        tx(
            "summary.totals",
            units=len(content.lines),
            on_time=on_time,
            late=late,
            missing=missing,
        ),
        indent=True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    _paragraph(doc)

    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Mm(17), Mm(58), Mm(40), Mm(50))
    # Word lays a fixed table out by the grid, other readers by the cells: set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    headers = ("summary.col_number", "summary.col_unit", "summary.col_standing", "summary.col_when")
    for cell, key, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], tx(key), bold=True, size=Pt(12))
    for n, line in enumerate(content.lines, 1):
        who = ""
        if line.submitted_on is not None:
            who = tx.date(line.submitted_on.date())
            if line.submitted_by:
                who += f", {line.submitted_by}"
        cells = table.add_row().cells
        texts = (f"{n}.", line.unit, tx(STANDING_KEYS[line.standing]), who)
        for cell, text, width in zip(cells, texts, widths, strict=True):
            cell.width = width
            _run(cell.paragraphs[0], text, size=Pt(12))

    for n, line in enumerate(content.lines, 1):
        heading = _paragraph(doc, space_before=Pt(18), keep_with_next=True)
        _run(heading, tx("summary.unit_heading", number=n, unit=line.unit), bold=True)
        _run(heading, f" — {tx(STANDING_KEYS[line.standing])}")
        if line.standing is Standing.MISSING:
            _paragraph(doc, tx("summary.not_submitted"), indent=True)
            continue
        for text in _lines(line.text or ""):
            _paragraph(doc, text, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        if line.file_name:
            _paragraph(
                doc,
                tx("summary.attachment", file=line.file_name),
                indent=True,
                size=SMALL_FONT_SIZE,
            )

    _indicators(doc, tx, content.indicators)
    return _finished(doc, tx("summary.made_on", date=tx.date(content.made_on)))


def _number(tx: DocumentTexts, value: float) -> str:
    return format_decimal(value, format="#,##0.####", locale=tx.locale)


def _indicators(doc: Any, tx: DocumentTexts, indicators: Sequence[SummaryIndicator]) -> None:
    """Cl. 3 в, 4 ж: each indicator in force, its latest value against the target, grouped
    under the Plan or its project; a group that set none gets no section."""
    if not indicators:
        return
    heading = _paragraph(doc, space_before=Pt(18), keep_with_next=True)
    _run(heading, tx("kpi.heading"), bold=True)
    # The status column holds «в соответствии с планом» without breaking a word.
    widths = (Mm(48), Mm(24), Mm(33), Mm(32), Mm(28))
    table = doc.add_table(rows=1, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    headers = (
        "kpi.col_name",
        "kpi.col_baseline",
        "kpi.col_target",
        "kpi.col_latest",
        "kpi.col_status",
    )
    for cell, key, width in zip(table.rows[0].cells, headers, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], tx(key), bold=True, size=Pt(11))
    group: object = object()
    for kpi in indicators:
        if kpi.project != group:
            group = kpi.project
            row = table.add_row()
            merged = row.cells[0].merge(row.cells[-1])
            label = tx("kpi.project", project=kpi.project) if kpi.project else tx("kpi.plan")
            _run(merged.paragraphs[0], label, bold=True, size=Pt(11))
        latest = tx("kpi.none")
        if kpi.latest is not None and kpi.latest_on is not None:
            latest = tx(
                "kpi.latest",
                value=_number(tx, kpi.latest),
                date=tx.date(kpi.latest_on),
            )
        texts = (
            f"{kpi.name}, {kpi.measure}",
            _number(tx, kpi.baseline),
            tx(
                "kpi.target",
                value=_number(tx, kpi.target),
                date=tx.date(kpi.target_on),
            ),
            latest,
            tx(f"kpi.{kpi.status.value}"),
        )
        cells = table.add_row().cells
        for cell, text, width in zip(cells, texts, widths, strict=True):
            cell.width = width
            _run(cell.paragraphs[0], text, size=Pt(11))
