"""The dashboard and the annual report (issue #18 items 5, 6): pure rules for what each
series counts. No clock, no database: the moment and the zone are passed in.

* a task's outcome: done on time (on or before its deadline in the group's zone), done late,
  overdue (still open after its deadline day), open, or cancelled (cl. 4 д–е, 14);
* who was in the composition at a meeting (a membership in force at its start);
* the year an annual report is for, as typed (``/annual 2026``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.fields import TextField
from bot.domain.tasks import TaskState, task_state

# The introduction the secretariat writes for the annual report.
ANNUAL_INTRO = TextField("annual_intro", 3500, multiline=True)

# Years before this one cannot hold the group's work: a typed «1026» is a slip.
FIRST_YEAR = 2000

_YEAR = re.compile(r"[0-9]{4}")


class TaskOutcome(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    OPEN = "open"
    CANCELLED = "cancelled"


# The order the chart and the report show them in.
TASK_OUTCOMES: tuple[TaskOutcome, ...] = (
    TaskOutcome.ON_TIME,
    TaskOutcome.LATE,
    TaskOutcome.OVERDUE,
    TaskOutcome.OPEN,
)


def task_outcome(
    status: str,
    deadline: date | None,
    done_at: datetime | None,
    now: datetime,
    tz: ZoneInfo,
) -> TaskOutcome:
    """Cl. 4 д–е: a task done on or before its deadline day (in the group's zone) is done on
    time, after it late; an undone task is overdue from the day after its deadline
    (`bot.domain.tasks.task_state`), open before; a task without a deadline is never late."""
    state = task_state(status, deadline, now, tz)
    if state is TaskState.CANCELLED:
        return TaskOutcome.CANCELLED
    if state is TaskState.DONE:
        if deadline is None or done_at is None or done_at.astimezone(tz).date() <= deadline:
            return TaskOutcome.ON_TIME
        return TaskOutcome.LATE
    return TaskOutcome.OVERDUE if state is TaskState.OVERDUE else TaskOutcome.OPEN


def in_composition(started_at: datetime, ended_at: datetime | None, moment: datetime) -> bool:
    """A member counts for a meeting when their membership was in force at its start."""
    return started_at <= moment and (ended_at is None or ended_at > moment)


class YearProblem(StrEnum):
    FORMAT = "format"  # not four digits
    FUTURE = "future"  # the year has not begun
    TOO_EARLY = "too_early"  # before the group could have worked


class YearError(ValueError):
    def __init__(self, problem: YearProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def parse_report_year(text: str, *, this_year: int) -> int:
    """A year typed for the annual report: four digits, not after the current year (the
    report of a year that has not begun is empty), not before `FIRST_YEAR`."""
    cleaned = text.strip().removesuffix("г.").removesuffix("г").strip()
    if _YEAR.fullmatch(cleaned) is None:
        raise YearError(YearProblem.FORMAT)
    year = int(cleaned)
    if year > this_year:
        raise YearError(YearProblem.FUTURE)
    if year < FIRST_YEAR:
        raise YearError(YearProblem.TOO_EARLY)
    return year
