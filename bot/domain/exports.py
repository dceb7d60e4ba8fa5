"""The secretariat's exports (issue #18 item 2): which tables there are, the periods offered
on buttons, and the ASCII file names. Pure: the clock's reading is passed in."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.periods import Period, year_period


class ExportKind(StrEnum):
    COMPOSITION = "composition"  # the composition with roles, units and acts (cl. 7-9)
    ATTENDANCE = "attendance"  # meetings, who took part and how, quorum (cl. 14)
    VOTES = "votes"  # votes on additional items (cl. 13)
    CONSENTS = "consents"  # consents and objections per protocol (cl. 14-15)
    TASKS = "tasks"  # tasks with their status and dates (cl. 4 д–е)
    SUBMISSIONS = "submissions"  # quarterly submissions per unit (cl. 4 г)


# The composition is as it stands today; every other table is over a period.
NEEDS_PERIOD: frozenset[ExportKind] = frozenset(ExportKind) - {ExportKind.COMPOSITION}

# Transliterated, so that the name survives any mail gateway and file system.
FILE_SLUGS: dict[ExportKind, str] = {
    ExportKind.COMPOSITION: "sostav",
    ExportKind.ATTENDANCE: "uchastie",
    ExportKind.VOTES: "golosovaniya",
    ExportKind.CONSENTS: "soglasovanie",
    ExportKind.TASKS: "porucheniya",
    ExportKind.SUBMISSIONS: "otchetnost",
}


class PeriodChoice(StrEnum):
    """The period buttons: «Текущий год», «Прошлый год», «Весь период»."""

    THIS_YEAR = "year"
    LAST_YEAR = "last"
    ALL = "all"


def chosen_period(choice: PeriodChoice, now: datetime, tz: ZoneInfo) -> Period | None:
    """The period a button stands for, in the group's zone; None for the whole history."""
    year = now.astimezone(tz).year
    if choice is PeriodChoice.THIS_YEAR:
        return year_period(year)
    if choice is PeriodChoice.LAST_YEAR:
        return year_period(year - 1)
    return None


def file_name(kind: ExportKind, period: Period | None, today: date) -> str:
    """«uchastie_2026-01-01_2026-12-31.csv»; the whole history is «uchastie_all.csv», the
    composition is dated the day it was taken: «sostav_2026-12-07.csv»."""
    slug = FILE_SLUGS[kind]
    if kind is ExportKind.COMPOSITION:
        return f"{slug}_{today.isoformat()}.csv"
    if period is None:
        return f"{slug}_all.csv"
    return f"{slug}_{period.first.isoformat()}_{period.last.isoformat()}.csv"
