"""Periods people type for reports, exports and the audit log (issue #18).

Accepted: two dates joined by a dash (``01.01.2026–31.03.2026``, ``-``, ``–`` or ``—``,
spaces around, each date in any form ``parse_local_date`` reads) or a year alone
(``2026``). Both ends are included. A period whose end is before its start is refused with
its own code, so the message can say which mistake it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.dates import DateInputError, local_instant, parse_local_date

_DASH = re.compile(r"\s*[-–—]\s*")
_YEAR = re.compile(r"[0-9]{4}")


class PeriodErrorCode(StrEnum):
    FORMAT = "format"  # not two dates with a dash, nor a year
    IMPOSSIBLE = "impossible"  # a date that does not exist (31.02)
    REVERSED = "reversed"  # the end is before the start


class PeriodInputError(ValueError):
    def __init__(self, code: PeriodErrorCode) -> None:
        super().__init__(code.value)
        self.code = code


@dataclass(frozen=True, slots=True)
class Period:
    """Calendar days ``first`` to ``last``, both included, in the group's time zone."""

    first: date
    last: date

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as UTC instants: from the start of ``first`` (included) to the start of
        the day after ``last`` (excluded), so nothing on the last day is left out."""
        start = local_instant(datetime.combine(self.first, time()), tz)
        end = local_instant(datetime.combine(self.last + timedelta(days=1), time()), tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


def parse_period(text: str, tz: ZoneInfo, now: datetime) -> Period:
    """A typed period; a date without a year is in the current year of the group's zone."""
    cleaned = text.strip()
    if _YEAR.fullmatch(cleaned):
        year = int(cleaned)
        if year < 1:
            raise PeriodInputError(PeriodErrorCode.IMPOSSIBLE)
        return year_period(year)
    parts = _DASH.split(cleaned)
    if len(parts) != 2 or not all(parts):
        raise PeriodInputError(PeriodErrorCode.FORMAT)
    try:
        first = parse_local_date(parts[0], tz, now)
        last = parse_local_date(parts[1], tz, now)
    except DateInputError as exc:
        code = PeriodErrorCode.FORMAT if exc.code.value == "format" else PeriodErrorCode.IMPOSSIBLE
        raise PeriodInputError(code) from exc
    if last < first:
        raise PeriodInputError(PeriodErrorCode.REVERSED)
    return Period(first, last)
