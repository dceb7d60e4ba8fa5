"""The quarterly summary DOCX (cl. 4 г): every unit with its standing and its content."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import docx

from bot.documents.report_docx import (
    SummaryContent,
    SummaryLine,
    render_summary,
    summary_filename,
)
from bot.domain.quarters import Standing


def _content() -> SummaryContent:
    return SummaryContent(
        body_name="Министерство цифрового развития",
        group_name="Рабочая группа по клиентоцентричности",
        year=2026,
        quarter=4,
        deadline_day=date(2027, 1, 10),
        made_on=date(2027, 1, 25),
        lines=[
            SummaryLine(
                "Отдел А",
                Standing.ON_TIME,
                datetime(2027, 1, 5, 12, tzinfo=UTC),
                "Иванова Анна",
                "Проведено 3 обучения.\nОбновлён регламент.",
                "Отчёт А.docx",
            ),
            SummaryLine(
                "Отдел Б",
                Standing.LATE,
                datetime(2027, 1, 12, 9, tzinfo=UTC),
                "Петров Борис",
                "Опрос клиентов",
                None,
            ),
            SummaryLine("Отдел В", Standing.MISSING, None, None, None, None),
        ],
    )


def _text(data: bytes) -> tuple[str, list[list[str]]]:
    document = docx.Document(io.BytesIO(data))
    body = "\n".join(p.text for p in document.paragraphs)
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    return body, rows


def test_cl4g_summary_lists_each_unit_on_time_late_or_missing_with_its_content() -> None:
    body, rows = _text(render_summary(_content()))
    assert "СВОДНАЯ ИНФОРМАЦИЯ" in body
    assert "IV квартал 2026 г." in body
    assert "представили в срок: 1, с опозданием: 1, не представили: 1" in body
    assert rows[1] == ["1", "Отдел А", "представлена в срок", "05.01.2027, Иванова Анна"]
    assert rows[2] == ["2", "Отдел Б", "представлена с опозданием", "12.01.2027, Петров Борис"]
    assert rows[3] == ["3", "Отдел В", "не представлена", ""]
    assert "Проведено 3 обучения." in body and "Обновлён регламент." in body
    assert "Приложение: Отчёт А.docx" in body
    assert "Сведения не представлены." in body


def test_same_content_gives_the_same_bytes_and_a_human_file_name() -> None:
    assert render_summary(_content()) == render_summary(_content())
    assert summary_filename(2026, 4) == "Сводная информация за IV квартал 2026 г.docx"
