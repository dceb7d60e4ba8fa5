"""Quarterly reporting (cl. 4 г): quarters, a cycle's deadline, and which reminders are due.
Pure: the time zone and `now` are passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.dates import local_instant

DEADLINE_DAYS_AFTER = 10  # the 10th day after the quarter ends
BEFORE_DAYS = (14, 7, 1)
OVERDUE_EVERY_DAYS = 3
CLOSE_DAYS_AFTER_DEADLINE = 14
REMINDER_HOUR = 10


class Stage(StrEnum):
    BEFORE = "before"
    ON_THE_DAY = "on_the_day"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class Cycle:
    year: int
    quarter: int
    deadline_day: date  # the last day to submit, in the group's zone
    deadline: datetime  # the end of that day (exclusive), UTC
    closes_at: datetime  # when the summary is made, UTC


def quarter_of(moment: datetime, tz: ZoneInfo) -> tuple[int, int]:
    local = moment.astimezone(tz)
    return local.year, (local.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """First instant of the quarter and of the next one, UTC, in the group's zone."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("a quarter is 1 to 4")
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return _midnight(start, tz), _midnight(end, tz)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def cycle_for(
    year: int,
    quarter: int,
    tz: ZoneInfo,
    *,
    days_after: int = DEADLINE_DAYS_AFTER,
    close_after: int = CLOSE_DAYS_AFTER_DEADLINE,
) -> Cycle:
    """Cl. 4 г: each unit reports on the quarter by the 10th day after it ends (configurable);
    the deadline is the end of that day in the group's time zone."""
    _, next_start = quarter_bounds(year, quarter, tz)
    last_day_of_quarter = next_start.astimezone(tz).date() - timedelta(days=1)
    deadline_day = last_day_of_quarter + timedelta(days=days_after)
    deadline = _midnight(deadline_day + timedelta(days=1), tz)
    closes_at = _midnight(deadline_day + timedelta(days=close_after + 1), tz)
    return Cycle(year, quarter, deadline_day, deadline, closes_at)


def reminder_schedule(cycle: Cycle, tz: ZoneInfo) -> list[tuple[Stage, int, datetime]]:
    """(stage, days, when) for every reminder: 14, 7 and 1 days before the deadline day, on
    the day, then every 3 days while overdue until the cycle closes; 10:00 local each."""
    at = []
    for days in BEFORE_DAYS:
        at.append((Stage.BEFORE, days, _at_hour(cycle.deadline_day - timedelta(days=days), tz)))
    at.append((Stage.ON_THE_DAY, 0, _at_hour(cycle.deadline_day, tz)))
    day = cycle.deadline_day + timedelta(days=OVERDUE_EVERY_DAYS)
    while _at_hour(day, tz) < cycle.closes_at:
        at.append((Stage.OVERDUE, (day - cycle.deadline_day).days, _at_hour(day, tz)))
        day += timedelta(days=OVERDUE_EVERY_DAYS)
    return at


def due_reminders(
    cycle: Cycle, tz: ZoneInfo, *, since: datetime, now: datetime
) -> list[tuple[Stage, int, datetime]]:
    """The reminders that fell due in (since, now]."""
    return [r for r in reminder_schedule(cycle, tz) if since < r[2] <= now]


def is_late(submitted_at: datetime, cycle: Cycle) -> bool:
    return submitted_at >= cycle.deadline


def opens_at(cycle: Cycle, tz: ZoneInfo) -> datetime:
    """A cycle opens with its first reminder (14 days before the deadline day), so that the
    units hear of the deadline in time even though the quarter may not have ended yet."""
    return reminder_schedule(cycle, tz)[0][2]


def superseded(cycle: Cycle, tz: ZoneInfo, at: datetime, now: datetime) -> bool:
    """A reminder that comes due only after a later one is already due (the bot was down)
    is not sent: the later one says the same with the current facts."""
    return any(at < when <= now for _, _, when in reminder_schedule(cycle, tz))


class Standing(StrEnum):
    """Where a unit stands in a cycle (cl. 4 г)."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"  # not submitted, deadline not passed yet or passed


def standing(submitted_at: datetime | None, cycle: Cycle) -> Standing:
    if submitted_at is None:
        return Standing.MISSING
    return Standing.LATE if is_late(submitted_at, cycle) else Standing.ON_TIME


class EditVerdict(StrEnum):
    ALLOWED = "allowed"
    CLOSED = "closed"  # the cycle is closed: nothing more is accepted
    LOCKED = "locked"  # submitted, and the deadline has passed: the submission stands


def may_submit(
    cycle: Cycle, *, closed: bool, already_submitted: bool, now: datetime
) -> EditVerdict:
    """A unit submits until the cycle closes (after the deadline it is marked late) and may
    change its submission until the deadline."""
    if closed or now >= cycle.closes_at:
        return EditVerdict.CLOSED
    if already_submitted and now >= cycle.deadline:
        return EditVerdict.LOCKED
    return EditVerdict.ALLOWED


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return local_instant(datetime(day.year, day.month, day.day), tz)  # noqa: DTZ001 - wall time


def _at_hour(day: date, tz: ZoneInfo) -> datetime:
    return local_instant(datetime(day.year, day.month, day.day, REMINDER_HOUR), tz)  # noqa: DTZ001
