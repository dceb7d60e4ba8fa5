"""Periods typed for exports and the audit log (issue #18: an end before the start is refused)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.periods import Period, PeriodErrorCode, PeriodInputError, parse_period

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "typed",
    ["01.01.2026–31.03.2026", "1.1.2026 - 31.3.2026", "01.01.26—31.03.26", "1.1-31.3"],
)
def test_two_dates_with_any_dash_are_a_period(typed: str) -> None:
    assert parse_period(typed, MOSCOW, NOW) == Period(date(2026, 1, 1), date(2026, 3, 31))


def test_a_year_alone_is_the_whole_year() -> None:
    assert parse_period(" 2025 ", MOSCOW, NOW) == Period(date(2025, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("31.03.2026–01.01.2026", PeriodErrorCode.REVERSED),
        ("весь год", PeriodErrorCode.FORMAT),
        ("01.01.2026", PeriodErrorCode.FORMAT),
        ("01.01.2026–", PeriodErrorCode.FORMAT),
        ("01.01.2026 10:00–02.01.2026", PeriodErrorCode.FORMAT),
        ("30.02.2026–01.03.2026", PeriodErrorCode.IMPOSSIBLE),
    ],
)
def test_bad_periods_are_refused_with_their_reason(typed: str, code: PeriodErrorCode) -> None:
    with pytest.raises(PeriodInputError) as raised:
        parse_period(typed, MOSCOW, NOW)
    assert raised.value.code is code


def test_bounds_cover_the_whole_last_day_in_the_groups_zone() -> None:
    start, end = Period(date(2026, 1, 1), date(2026, 3, 31)).bounds(MOSCOW)
    assert start == datetime(2025, 12, 31, 21, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 31, 21, 0, tzinfo=UTC)


def test_a_one_day_period_is_allowed() -> None:
    assert parse_period("07.12.2026-07.12.2026", MOSCOW, NOW).contains(date(2026, 12, 7))
