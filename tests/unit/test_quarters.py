"""Quarterly reporting calendar (cl. 4 г) across year boundaries and time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.quarters import (
    EditVerdict,
    Stage,
    Standing,
    cycle_for,
    due_reminders,
    is_late,
    may_submit,
    opens_at,
    previous_quarter,
    quarter_bounds,
    quarter_of,
    reminder_schedule,
    standing,
    superseded,
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


def test_cl4g_cycle_opens_with_the_first_reminder_before_the_quarter_ends() -> None:
    cycle = cycle_for(2026, 4, MSK)
    assert opens_at(cycle, MSK) == datetime(2026, 12, 27, 7, 0, tzinfo=UTC)
    # Vladivostok's 10:00 comes seven hours earlier than Moscow's.
    assert opens_at(cycle_for(2026, 4, VLAT), VLAT) == datetime(2026, 12, 27, 0, 0, tzinfo=UTC)


def test_cl4g_a_reminder_overtaken_by_a_later_one_is_not_sent() -> None:
    """After downtime only the latest reminder goes out, with the current facts."""
    cycle = cycle_for(2026, 4, MSK)
    schedule = reminder_schedule(cycle, MSK)
    seven, one = schedule[1][2], schedule[2][2]
    assert not superseded(cycle, MSK, seven, seven)
    assert not superseded(cycle, MSK, seven, one - timedelta(seconds=1))
    assert superseded(cycle, MSK, seven, one)


def test_cl4g_standing_on_time_late_or_missing() -> None:
    cycle = cycle_for(2026, 4, MSK)
    assert standing(None, cycle) is Standing.MISSING
    assert standing(datetime(2027, 1, 5, tzinfo=UTC), cycle) is Standing.ON_TIME
    assert standing(cycle.deadline, cycle) is Standing.LATE


def test_cl4g_submission_editable_until_the_deadline_then_late_until_close() -> None:
    cycle = cycle_for(2026, 4, MSK)
    before = cycle.deadline - timedelta(hours=1)
    after = cycle.deadline + timedelta(days=1)

    def verdict(now: datetime, submitted: bool, closed: bool = False) -> EditVerdict:
        return may_submit(cycle, closed=closed, already_submitted=submitted, now=now)

    assert verdict(before, True) is EditVerdict.ALLOWED
    assert verdict(after, False) is EditVerdict.ALLOWED  # late, marked so
    assert verdict(after, True) is EditVerdict.LOCKED
    assert verdict(cycle.closes_at, False) is EditVerdict.CLOSED
    assert verdict(before, False, closed=True) is EditVerdict.CLOSED


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
