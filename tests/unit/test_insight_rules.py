"""Issue #18 items 5, 6: the pure rules behind the dashboard and the annual report, and the
charts as pictures (valid PNGs about 1080 px wide, Russian months in the standalone form)."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.documents.charts import Chart, Kind, Series, render
from bot.domain.insight import (
    TaskOutcome,
    YearError,
    YearProblem,
    in_composition,
    parse_report_year,
    task_outcome,
)
from bot.i18n import translator
from bot.views.insight import month_label

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "deadline", "done_at", "expected"),
    [
        # Done on the deadline day late in the evening in Moscow: on time.
        ("done", date(2026, 6, 30), datetime(2026, 6, 30, 20, 30, tzinfo=UTC), TaskOutcome.ON_TIME),
        # 21:30 UTC is already 1 July in Moscow: late.
        ("done", date(2026, 6, 30), datetime(2026, 6, 30, 21, 30, tzinfo=UTC), TaskOutcome.LATE),
        ("done", None, datetime(2026, 6, 30, 9, 0, tzinfo=UTC), TaskOutcome.ON_TIME),
        ("open", date(2026, 11, 30), None, TaskOutcome.OVERDUE),
        ("open", date(2026, 12, 1), None, TaskOutcome.OPEN),
        ("open", None, None, TaskOutcome.OPEN),
        ("cancelled", date(2026, 1, 1), None, TaskOutcome.CANCELLED),
    ],
)
def test_cl_4_task_outcome_by_the_deadline_in_the_groups_zone(
    status: str, deadline: date | None, done_at: datetime | None, expected: TaskOutcome
) -> None:
    assert task_outcome(status, deadline, done_at, NOW, MSK) is expected


def test_a_member_counts_for_a_meeting_held_while_in_the_composition() -> None:
    joined = datetime(2026, 5, 1, tzinfo=UTC)
    left = datetime(2026, 9, 1, tzinfo=UTC)
    assert not in_composition(joined, left, datetime(2026, 4, 30, tzinfo=UTC))
    assert in_composition(joined, left, joined)
    assert in_composition(joined, None, datetime(2027, 1, 1, tzinfo=UTC))
    assert not in_composition(joined, left, left)


@pytest.mark.parametrize("typed", ["2026", " 2025 ", "2024 г.", "2020г"])
def test_issue_18_item_6_a_year_typed_right(typed: str) -> None:
    assert parse_report_year(typed, this_year=2026) == int(typed.strip()[:4])


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("20x6", YearProblem.FORMAT),
        ("26", YearProblem.FORMAT),
        ("2026-2027", YearProblem.FORMAT),
        ("", YearProblem.FORMAT),
        ("2027", YearProblem.FUTURE),
        ("1026", YearProblem.TOO_EARLY),
    ],
)
def test_issue_18_item_6_a_year_typed_wrong_is_refused(typed: str, problem: YearProblem) -> None:
    with pytest.raises(YearError) as refused:
        parse_report_year(typed, this_year=2026)
    assert refused.value.problem is problem


def test_issue_18_item_5_russian_months_in_the_standalone_form() -> None:
    ru = translator("ru", "Europe/Moscow")
    assert month_label(ru, 2026, 1, with_year=True) == "янв.\n2026"
    assert month_label(ru, 2026, 5, with_year=False) == "май"
    en = translator("en", "Europe/Moscow")
    assert month_label(en, 2026, 3, with_year=False) == "Mar"


def _size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


@pytest.mark.parametrize("kind", list(Kind))
def test_issue_18_item_5_each_kind_of_chart_is_a_phone_sized_png(kind: Kind) -> None:
    many = tuple(f"Член рабочей группы с длинным именем {n}" for n in range(30))
    for categories in (("Один",), many):
        chart = Chart(
            kind,
            "Заголовок, январь 2026 г. — декабрь 2026 г.",
            categories,
            (
                Series("очно", tuple(float(n % 3) for n in range(len(categories))), ("#2e7d32",)),
                Series("дистанционно", tuple(1.0 for _ in categories), ("#64b5f6",)),
            )
            if kind is Kind.STACKED
            else (Series("", tuple(float(n) for n in range(len(categories))), ("#1565c0",)),),
            note="Пояснение под графиком.",
        )
        width, height = _size(render(chart))
        assert width == 1080
        assert width <= height <= 6100
