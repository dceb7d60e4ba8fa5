"""The summary of a quarter's reporting cycle (cl. 4 г) as a DOCX for the secretariat.

Same layout as the protocol (ГОСТ Р 7.0.97-2016 page, Times New Roman 14 pt), and pure in
the same way: the same arguments give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from bot.documents.protocol_docx import (
    SMALL_FONT_SIZE,
    _dmy,
    _finished,
    _lines,
    _new_document,
    _paragraph,
    _run,
    _set_core,
)
from bot.domain.quarters import Standing

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
STANDING_RU = {
    Standing.ON_TIME: "представлена в срок",
    Standing.LATE: "представлена с опозданием",
    Standing.MISSING: "не представлена",
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
class SummaryContent:
    body_name: str
    group_name: str
    year: int
    quarter: int
    deadline_day: date
    made_on: date
    lines: Sequence[SummaryLine]


def summary_filename(year: int, quarter: int) -> str:
    return f"Сводная информация за {ROMAN[quarter]} квартал {year} г.docx"


def render_summary(content: SummaryContent) -> bytes:
    doc = _new_document(draft=False)
    _set_core(
        doc,
        title=summary_filename(content.year, content.quarter).removesuffix(".docx"),
        group_name=content.group_name,
        body_name=content.body_name,
        day=content.made_on,
        category="Ежеквартальная сводная информация",
    )

    _paragraph(doc, content.body_name, align=WD_ALIGN_PARAGRAPH.CENTER)
    title = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=Pt(12))
    _run(title, "СВОДНАЯ ИНФОРМАЦИЯ", bold=True)
    _paragraph(
        doc,
        f"о ходе внедрения клиентоцентричности за {ROMAN[content.quarter]} квартал "
        f"{content.year} г. ({content.group_name})",
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    on_time = sum(1 for x in content.lines if x.standing is Standing.ON_TIME)
    late = sum(1 for x in content.lines if x.standing is Standing.LATE)
    missing = sum(1 for x in content.lines if x.standing is Standing.MISSING)
    _paragraph(
        doc,
        f"Срок представления: {_dmy(content.deadline_day)}. Подразделений: "
        f"{len(content.lines)}; представили в срок: {on_time}, с опозданием: {late}, "
        f"не представили: {missing}.",
        indent=True,
        space_before=Pt(12),
    )

    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Mm(10), Mm(60), Mm(50), Mm(45))
    for cell, text, width in zip(
        table.rows[0].cells, ("№", "Подразделение", "Статус", "Дата, кем"), widths, strict=True
    ):
        cell.width = width
        _run(cell.paragraphs[0], text, bold=True, size=Pt(12))
    for n, line in enumerate(content.lines, 1):
        who = ""
        if line.submitted_on is not None:
            who = _dmy(line.submitted_on.date())
            if line.submitted_by:
                who += f", {line.submitted_by}"
        cells = table.add_row().cells
        for cell, text, width in zip(
            cells, (str(n), line.unit, STANDING_RU[line.standing], who), widths, strict=True
        ):
            cell.width = width
            _run(cell.paragraphs[0], text, size=Pt(12))

    for n, line in enumerate(content.lines, 1):
        heading = _paragraph(doc, space_before=Pt(18), keep_with_next=True)
        _run(heading, f"{n}. {line.unit}", bold=True)
        _run(heading, f" — {STANDING_RU[line.standing]}")
        if line.standing is Standing.MISSING:
            _paragraph(doc, "Сведения не представлены.", indent=True)
            continue
        for text in _lines(line.text or ""):
            _paragraph(doc, text, indent=True)
        if line.file_name:
            _paragraph(doc, f"Приложение: {line.file_name}", indent=True, size=SMALL_FONT_SIZE)

    return _finished(doc, f"Сформировано {_dmy(content.made_on)}.")
