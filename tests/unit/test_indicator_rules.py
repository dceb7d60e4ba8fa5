"""Effectiveness indicators' pure rules (cl. 3 в, 4 ж): typed numbers with the Russian decimal
comma, and the status of the latest value against the target."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import String

from bot.domain.fields import TextField
from bot.domain.indicators import (
    KPI_MEASURE,
    KPI_NAME,
    KPI_SOURCE,
    KpiProblem,
    KpiRuleError,
    KpiStatus,
    Measured,
    NumberError,
    NumberProblem,
    check_measured_on,
    check_target,
    check_target_day,
    expected_on,
    kpi_status,
    parse_number,
)
from storage.models import Base

START = date(2027, 1, 1)
TARGET_DAY = date(2027, 12, 31)
MID = date(2027, 7, 2)  # 182 of 364 days: half-way


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("12,5", 12.5),
        ("12.5", 12.5),
        (" 85 ", 85.0),
        ("-3", -3.0),
        ("−3,25", -3.25),
        ("1 200", 1200.0),
        ("1\u00a0200,5", 1200.5),
        ("0,0001", 0.0001),
        ("+7", 7.0),
    ],
)
def test_cl3v_a_value_is_typed_with_a_comma_or_a_point(typed: str, value: float) -> None:
    assert parse_number(typed) == value


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", NumberProblem.NOT_A_NUMBER),
        ("двенадцать", NumberProblem.NOT_A_NUMBER),
        ("12,5%", NumberProblem.NOT_A_NUMBER),
        ("1,2,3", NumberProblem.NOT_A_NUMBER),
        ("12 5", NumberProblem.NOT_A_NUMBER),
        ("nan", NumberProblem.NOT_A_NUMBER),
        ("inf", NumberProblem.NOT_A_NUMBER),
        ("1e5", NumberProblem.NOT_A_NUMBER),
        ("٣", NumberProblem.NOT_A_NUMBER),
        ("1000000000000", NumberProblem.TOO_LARGE),
        ("0,00001", NumberProblem.TOO_PRECISE),
    ],
)
def test_cl3v_what_is_not_a_number_is_refused_with_the_reason(
    typed: str, problem: NumberProblem
) -> None:
    with pytest.raises(NumberError) as caught:
        parse_number(typed)
    assert caught.value.problem is problem


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_cl3v_a_number_written_with_a_comma_reads_back(number: object) -> None:
    typed = f"{number:f}".replace(".", ",")
    assert parse_number(typed) == pytest.approx(float(f"{number:f}"))


def test_cl3v_the_expected_value_moves_in_a_straight_line() -> None:
    assert expected_on(70, 90, START, TARGET_DAY, date(2026, 12, 1)) == 70
    assert expected_on(70, 90, START, TARGET_DAY, MID) == pytest.approx(80)
    assert expected_on(70, 90, START, TARGET_DAY, date(2028, 3, 1)) == 90


@pytest.mark.parametrize(
    ("value", "on", "status"),
    [
        (90, MID, KpiStatus.REACHED),
        (95, MID, KpiStatus.REACHED),
        (80, MID, KpiStatus.ON_TRACK),
        (85, MID, KpiStatus.ON_TRACK),
        (79.9, MID, KpiStatus.BEHIND),
        (70, START, KpiStatus.ON_TRACK),
        (89, TARGET_DAY, KpiStatus.BEHIND),
        (89, date(2028, 2, 1), KpiStatus.BEHIND),
        (90, date(2028, 2, 1), KpiStatus.REACHED),
    ],
)
def test_cl3v_status_of_an_increasing_indicator(value: float, on: date, status: KpiStatus) -> None:
    """Baseline 70 → target 90 by 31.12.2027: more is better."""
    assert kpi_status(70, 90, START, TARGET_DAY, Measured(value, on)) is status


@pytest.mark.parametrize(
    ("value", "on", "status"),
    [
        (10, MID, KpiStatus.REACHED),
        (8, MID, KpiStatus.REACHED),
        (20, MID, KpiStatus.ON_TRACK),
        (15, MID, KpiStatus.ON_TRACK),
        (21, MID, KpiStatus.BEHIND),
        (30, MID, KpiStatus.BEHIND),
        (11, TARGET_DAY, KpiStatus.BEHIND),
    ],
)
def test_cl3v_status_of_a_decreasing_indicator_where_lower_is_better(
    value: float, on: date, status: KpiStatus
) -> None:
    """Baseline 30 days of waiting → target 10 days: the direction follows baseline vs target."""
    assert kpi_status(30, 10, START, TARGET_DAY, Measured(value, on)) is status


def test_cl3v_no_value_yet_has_no_status() -> None:
    assert kpi_status(70, 90, START, TARGET_DAY, None) is KpiStatus.NO_DATA


def test_cl3v_a_target_equal_to_the_baseline_has_no_direction() -> None:
    with pytest.raises(KpiRuleError) as caught:
        check_target(5, 5)
    assert caught.value.problem is KpiProblem.SAME_AS_BASELINE
    assert check_target(5, 6) == 6


def test_cl3v_the_target_day_lies_ahead() -> None:
    today = date(2026, 12, 1)
    assert check_target_day(date(2026, 12, 2), today=today) == date(2026, 12, 2)
    for day in (today, date(2026, 11, 30)):
        with pytest.raises(KpiRuleError) as caught:
            check_target_day(day, today=today)
        assert caught.value.problem is KpiProblem.TARGET_DAY_PAST


def test_cl3v_a_value_is_not_measured_in_the_future() -> None:
    today = date(2026, 12, 1)
    assert check_measured_on(today, today=today) == today
    assert check_measured_on(date(2026, 1, 1), today=today) == date(2026, 1, 1)
    with pytest.raises(KpiRuleError) as caught:
        check_measured_on(date(2026, 12, 2), today=today)
    assert caught.value.problem is KpiProblem.MEASURED_IN_FUTURE


@pytest.mark.parametrize(
    ("column", "field"),
    [("kpi.name", KPI_NAME), ("kpi.measure", KPI_MEASURE), ("kpi_value.source", KPI_SOURCE)],
)
def test_indicator_columns_are_as_wide_as_their_fields(column: str, field: TextField) -> None:
    table, _, name = column.partition(".")
    kind = Base.metadata.tables[table].c[name].type
    assert isinstance(kind, String)
    assert kind.length == field.column
