"""Delegations to outside events (cl. 16 б): when the delegates are asked for the report
back, reminded and when the secretariat is told; what a delegation and its report take."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.dates import DateErrorCode, DateInputError
from bot.domain.delegations import (
    DelegationRuleError,
    EventWhen,
    FollowUp,
    Problem,
    check_changeable,
    check_content,
    check_delegates,
    check_move,
    check_report,
    follow_ups,
    is_gone,
    is_past,
    overtaken,
    parse_when,
)

MSK = ZoneInfo("Europe/Moscow")
VLAT = ZoneInfo("Asia/Vladivostok")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 12:00 МСК


def test_cl16b_follow_up_comes_one_three_and_seven_days_after_the_event_at_ten() -> None:
    """cl. 16 б: ask the day after the event, remind after 3 days, escalate after 7."""
    plan = follow_ups(date(2026, 12, 10), MSK)
    assert [(kind, at.astimezone(MSK)) for kind, at in plan] == [
        (FollowUp.ASK, datetime(2026, 12, 11, 10, 0, tzinfo=MSK)),
        (FollowUp.REMIND, datetime(2026, 12, 13, 10, 0, tzinfo=MSK)),
        (FollowUp.ESCALATE, datetime(2026, 12, 17, 10, 0, tzinfo=MSK)),
    ]


def test_follow_up_is_in_the_groups_zone_across_a_month_end() -> None:
    plan = dict(follow_ups(date(2026, 12, 30), VLAT))
    assert plan[FollowUp.ASK] == datetime(2026, 12, 31, 0, 0, tzinfo=UTC)  # 10:00 UTC+10
    assert plan[FollowUp.ESCALATE].astimezone(VLAT).date() == date(2027, 1, 6)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10.12.2026", EventWhen(date(2026, 12, 10))),
        ("10.12", EventWhen(date(2026, 12, 10))),
        ("01.12.2026", EventWhen(date(2026, 12, 1))),  # today is still ahead
        (
            "10.12.2026 11:30",
            EventWhen(date(2026, 12, 10), datetime(2026, 12, 10, 8, 30, tzinfo=UTC)),
        ),
    ],
)
def test_a_date_with_or_without_a_time(typed: str, expected: EventWhen) -> None:
    assert parse_when(typed, MSK, NOW) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("30.11.2026", DateErrorCode.PAST),
        ("01.12.2026 11:00", DateErrorCode.PAST),  # an hour ago
        ("31.02.2027", DateErrorCode.IMPOSSIBLE),
        ("завтра", DateErrorCode.FORMAT),
        ("", DateErrorCode.FORMAT),
    ],
)
def test_a_date_in_the_past_or_not_a_date_is_refused(typed: str, code: DateErrorCode) -> None:
    with pytest.raises(DateInputError) as refused:
        parse_when(typed, MSK, NOW)
    assert refused.value.code is code


def test_cl16b_delegates_are_members_each_once_in_the_order_chosen() -> None:
    assert check_delegates([3, 1, 3], {1, 2, 3}) == [3, 1]


@pytest.mark.parametrize(
    ("chosen", "problem"),
    [([], Problem.NO_DELEGATES), ([1, 9], Problem.NOT_A_MEMBER)],
)
def test_cl16b_no_delegate_or_an_outsider_is_refused(chosen: list[int], problem: Problem) -> None:
    with pytest.raises(DelegationRuleError) as refused:
        check_delegates(chosen, {1, 2})
    assert refused.value.problem is problem


def _report(when: EventWhen, now: datetime, **overrides: object) -> None:
    values: dict[str, object] = {
        "status": "planned",
        "reported": False,
        "is_delegate": True,
        "event": when,
        "tz": MSK,
        "now": now,
    }
    values.update(overrides)
    check_report(**values)  # type: ignore[arg-type]


def test_cl16b_report_before_the_event_is_refused() -> None:
    """cl. 16 б: «Отчёт можно представить после мероприятия»."""
    day = EventWhen(date(2026, 12, 10))
    with pytest.raises(DelegationRuleError) as refused:
        _report(day, datetime(2026, 12, 9, 20, 59, tzinfo=UTC))  # 23:59 МСК the day before
    assert refused.value.problem is Problem.BEFORE_EVENT
    _report(day, datetime(2026, 12, 9, 21, 0, tzinfo=UTC))  # the event's day has begun


def test_report_before_the_events_time_is_refused() -> None:
    at = EventWhen(date(2026, 12, 10), datetime(2026, 12, 10, 8, 0, tzinfo=UTC))
    with pytest.raises(DelegationRuleError):
        _report(at, datetime(2026, 12, 10, 7, 59, tzinfo=UTC))
    _report(at, datetime(2026, 12, 10, 8, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"is_delegate": False}, Problem.NOT_DELEGATE),
        ({"status": "cancelled"}, Problem.CANCELLED),
        ({"reported": True}, Problem.REPORTED),
    ],
)
def test_cl16b_report_by_someone_else_twice_or_on_a_cancelled_one_is_refused(
    overrides: dict[str, object], problem: Problem
) -> None:
    with pytest.raises(DelegationRuleError) as refused:
        _report(EventWhen(date(2026, 11, 1)), NOW, **overrides)
    assert refused.value.problem is problem


def test_a_report_needs_a_text_or_a_file() -> None:
    check_content("Текст", False)
    check_content(None, True)
    with pytest.raises(DelegationRuleError) as refused:
        check_content(None, False)
    assert refused.value.problem is Problem.EMPTY_REPORT


def test_only_a_planned_unreported_delegation_is_moved_or_cancelled() -> None:
    check_changeable("planned", False)
    with pytest.raises(DelegationRuleError):
        check_changeable("cancelled", False)
    with pytest.raises(DelegationRuleError):
        check_changeable("planned", True)
    with pytest.raises(DelegationRuleError):
        check_move(EventWhen(date(2026, 12, 10)), EventWhen(date(2026, 12, 10)))


def test_past_from_the_day_after_the_event() -> None:
    day = EventWhen(date(2026, 12, 10))
    assert not is_past(day, MSK, datetime(2026, 12, 10, 20, 59, tzinfo=UTC))
    assert is_past(day, MSK, datetime(2026, 12, 10, 21, 0, tzinfo=UTC))


def test_a_time_already_reached_or_a_day_before_today_is_gone() -> None:
    assert is_gone(EventWhen(date(2026, 11, 30)), MSK, NOW)
    assert not is_gone(EventWhen(date(2026, 12, 1)), MSK, NOW)
    at = EventWhen(date(2026, 12, 1), NOW)
    assert is_gone(at, MSK, NOW)
    assert not is_gone(EventWhen(date(2026, 12, 1), NOW + timedelta(minutes=1)), MSK, NOW)


def test_after_downtime_an_ask_overtaken_by_the_reminder_is_skipped() -> None:
    day = date(2026, 12, 10)
    ask_due = datetime(2026, 12, 11, 7, 0, tzinfo=UTC)
    remind_due = datetime(2026, 12, 13, 7, 0, tzinfo=UTC)
    escalate_due = datetime(2026, 12, 17, 7, 0, tzinfo=UTC)
    assert not overtaken(FollowUp.ASK, day, MSK, ask_due)
    assert overtaken(FollowUp.ASK, day, MSK, remind_due)
    assert not overtaken(FollowUp.REMIND, day, MSK, remind_due)
    assert overtaken(FollowUp.REMIND, day, MSK, escalate_due)
    assert not overtaken(FollowUp.ESCALATE, day, MSK, datetime(2027, 1, 1, tzinfo=UTC))
