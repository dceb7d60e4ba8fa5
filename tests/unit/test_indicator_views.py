"""How indicators are shown (cl. 3 в, 4 ж): numbers in the reader's language, a line of a
project's card, and the quarterly summary's section."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import docx
import pytest

from bot.documents.report_docx import SummaryContent, SummaryIndicator, render_summary
from bot.domain.indicators import KpiStatus
from bot.i18n import Translator
from bot.services.indicators import KpiLine
from bot.views.indicators import line_text, number
from storage.repositories.indicators import KpiView, ValueView

MSK = ZoneInfo("Europe/Moscow")
KPI = KpiView(
    id=1,
    group_id=1,
    entry_id=2,
    name="Срок ответа",
    measure="дней",
    baseline=30,
    target=10,
    start_on=date(2026, 12, 1),
    target_on=date(2027, 12, 31),
    created_at=datetime(2026, 12, 1, tzinfo=UTC),
    archived_at=None,
)


@pytest.mark.parametrize(
    ("locale", "value", "shown"),
    [("ru", 12.5, "12,5"), ("en", 12.5, "12.5"), ("ru", 85.0, "85"), ("ru", 0.0001, "0,0001")],
)
def test_cl3v_numbers_are_written_as_the_reader_writes_them(
    locale: str, value: float, shown: str
) -> None:
    assert number(Translator(locale, MSK), value) == shown


def test_cl3v_a_cards_line_names_the_latest_value_the_target_and_the_status() -> None:
    latest = ValueView(
        id=1,
        kpi_id=1,
        value=17.5,
        measured_on=date(2027, 3, 31),
        source=None,
        cycle_id=None,
        entered_by=None,
        entered_by_name=None,
        entered_at=datetime(2027, 4, 1, tzinfo=UTC),
    )
    line = KpiLine(KPI, latest, KpiStatus.ON_TRACK)
    assert line_text(Translator("ru", MSK), 1, line) == (
        "1. Срок ответа, дней: 17,5 на 31 марта 2027 г. — цель 10 к 31 декабря 2027 г.; "
        "⏳ в соответствии с планом"
    )
    empty = KpiLine(KPI, None, KpiStatus.NO_DATA)
    assert line_text(Translator("en", MSK), 2, empty) == (
        "2. Срок ответа, дней: baseline 30 — target 10 by 31 December 2027; no values yet"
    )


def test_cl4g_the_summary_lists_indicators_under_the_plan_and_their_projects() -> None:
    def indicator(project: str | None, name: str, status: KpiStatus) -> SummaryIndicator:
        return SummaryIndicator(
            project=project,
            name=name,
            measure="%",
            baseline=70,
            target=90,
            target_on=date(2027, 12, 31),
            latest=None if status is KpiStatus.NO_DATA else 80.5,
            latest_on=None if status is KpiStatus.NO_DATA else date(2027, 1, 10),
            status=status,
        )

    content = SummaryContent(
        body_name="Министерство",
        group_name="Рабочая группа",
        year=2026,
        quarter=4,
        deadline_day=date(2027, 1, 10),
        made_on=date(2027, 1, 25),
        lines=[],
        indicators=[
            indicator(None, "Удовлетворённость", KpiStatus.NO_DATA),
            indicator("Единое окно", "Доля в срок", KpiStatus.BEHIND),
        ],
    )
    document = docx.Document(io.BytesIO(render_summary(content)))
    rows = [[cell.text for cell in row.cells] for row in document.tables[-1].rows]
    assert rows[0] == [
        "Показатель, единица измерения",
        "Базовое значение",
        "Целевое значение, срок",
        "Последнее значение",
        "Статус",
    ]
    assert rows[1][0] == "План мероприятий в целом"
    assert rows[2] == ["Удовлетворённость, %", "70", "90 к 31 декабря 2027 г.", "—", "нет данных"]
    assert rows[3][0] == "Приоритетный проект «Единое окно»"
    assert rows[4][3:] == ["80,5 на 10 января 2027 г.", "отставание от плана"]
    assert render_summary(content) == render_summary(content)
