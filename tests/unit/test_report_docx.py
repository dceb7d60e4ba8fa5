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
    """Cl. 4 г: «Сводная информация о ходе внедрения принципов клиентоцентричности», the
    glossary's terms; every paragraph in its place, dates as the chat writes them."""
    body, rows = _text(render_summary(_content()))
    assert body.split("\n") == [
        "Министерство цифрового развития",
        "СВОДНАЯ ИНФОРМАЦИЯ",
        "о ходе внедрения принципов клиентоцентричности структурными подразделениями "
        "за IV квартал 2026 г.",
        "Срок представления — до 10 января 2027 г. включительно.",
        "Структурных подразделений: 3; представили в срок: 1, с опозданием: 1, не представили: 1.",
        "",
        "1. Отдел А — представлена в срок",
        "Проведено 3 обучения.",
        "Обновлён регламент.",
        "Приложение: Отчёт А.docx",
        "2. Отдел Б — представлена с опозданием",
        "Опрос клиентов",
        "3. Отдел В — не представлена",
        "Сведения не представлены.",
        "Сформировано: 25 января 2027 г.",
    ]
    assert rows == [
        [
            "№ п/п",
            "Структурное подразделение",
            "Отметка о представлении",
            "Дата представления, представитель",
        ],
        ["1.", "Отдел А", "представлена в срок", "5 января 2027 г., Иванова Анна"],
        ["2.", "Отдел Б", "представлена с опозданием", "12 января 2027 г., Петров Борис"],
        ["3.", "Отдел В", "не представлена", ""],
    ]
    assert "сводка" not in body.lower() and "г.." not in body


def test_summary_labels_exist_in_english_too() -> None:
    """The English catalogue holds every label the summary prints (same keys)."""
    body, rows = _text(render_summary(_content(), locale="en"))
    assert "CONSOLIDATED INFORMATION" in body
    assert rows[1] == ["1.", "Отдел А", "submitted on time", "5 January 2027, Иванова Анна"]


def test_same_content_gives_the_same_bytes_and_a_human_file_name() -> None:
    assert render_summary(_content()) == render_summary(_content())
    assert summary_filename(2026, 4) == "Сводная информация за IV квартал 2026 г.docx"
