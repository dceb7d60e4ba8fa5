"""Quarterly reporting calendar (cl. 4 г) across year boundaries and time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.quarters import (
    Stage,
    cycle_for,
    due_reminders,
    is_late,
    previous_quarter,
    quarter_bounds,
    quarter_of,
    reminder_schedule,
)

MSK = ZoneInfo("Europe/Moscow")
VLAT = ZoneInfo("Asia/Vladivostok")


@pytest.mark.parametrize(
    ("moment", "tz", "expected"),
    [
        (datetime(2026, 12, 31, 20, 59, tzinfo=UTC), MSK, (2026, 4)),
        (datetime(2026, 12, 31, 21, 0, tzinfo=UTC), MSK, (2027, 1)),  # midnight in Moscow
        (datetime(2026, 12, 31, 14, 0, tzinfo=UTC), VLAT, (2027, 1)),  # already 1 January
        (datetime(2026, 4, 1, 0, 0, tzinfo=UTC), MSK, (2026, 2)),
    ],
)
def test_cl4g_quarter_of_a_moment_in_the_group_zone(
    moment: datetime, tz: ZoneInfo, expected: tuple[int, int]
) -> None:
    assert quarter_of(moment, tz) == expected


def test_cl4g_deadline_is_the_end_of_the_10th_day_after_the_quarter() -> None:
    cycle = cycle_for(2026, 4, MSK)
    assert cycle.deadline_day == date(2027, 1, 10)
    assert cycle.deadline == datetime(2027, 1, 10, 21, 0, tzinfo=UTC)  # 11.01 00:00 МСК
    assert cycle_for(2026, 1, MSK).deadline_day == date(2026, 4, 10)


def test_cl4g_reminders_before_on_the_day_and_while_overdue() -> None:
    cycle = cycle_for(2026, 4, MSK)
    schedule = reminder_schedule(cycle, MSK)
    assert [(s, d) for s, d, _ in schedule[:4]] == [
        (Stage.BEFORE, 14),
        (Stage.BEFORE, 7),
        (Stage.BEFORE, 1),
        (Stage.ON_THE_DAY, 0),
    ]
    assert schedule[0][2] == datetime(2026, 12, 27, 7, 0, tzinfo=UTC)  # 10:00 МСК
    overdue = [d for s, d, _ in schedule if s is Stage.OVERDUE]
    assert overdue == [3, 6, 9, 12]
    assert all(when < cycle.closes_at for _, _, when in schedule)


def test_cl4g_only_reminders_in_the_window_are_due() -> None:
    cycle = cycle_for(2026, 4, MSK)
    due = due_reminders(
        cycle,
        MSK,
        since=datetime(2027, 1, 2, tzinfo=UTC),
        now=datetime(2027, 1, 10, 12, tzinfo=UTC),
    )
    assert [(s, d) for s, d, _ in due] == [
        (Stage.BEFORE, 7),
        (Stage.BEFORE, 1),
        (Stage.ON_THE_DAY, 0),
    ]


def test_cl4g_late_is_after_the_deadline_day() -> None:
    cycle = cycle_for(2026, 4, MSK)
    assert not is_late(datetime(2027, 1, 10, 20, 59, tzinfo=UTC), cycle)
    assert is_late(datetime(2027, 1, 10, 21, 0, tzinfo=UTC), cycle)


def test_previous_quarter_crosses_the_year() -> None:
    assert previous_quarter(2027, 1) == (2026, 4)
    assert previous_quarter(2027, 3) == (2027, 2)
    with pytest.raises(ValueError):
        quarter_bounds(2026, 5, MSK)


@given(
    st.datetimes(
        min_value=datetime(2001, 1, 1),  # noqa: DTZ001 - hypothesis bounds must be naive
        max_value=datetime(2099, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.sampled_from([MSK, VLAT, ZoneInfo("Europe/Kaliningrad")]),
)
def test_cl4g_every_moment_lies_in_its_quarter(moment: datetime, tz: ZoneInfo) -> None:
    year, quarter = quarter_of(moment, tz)
    start, end = quarter_bounds(year, quarter, tz)
    assert start <= moment < end
    cycle = cycle_for(year, quarter, tz)
    assert end < cycle.deadline < cycle.closes_at
