"""Dates and times as people type them (UX.md, Text: dates), read in the group's time zone.

Accepted: ``25.12.2026 15:00``, ``25.12.26 15:00`` (20xx), ``25.12 15:00`` (the current year
in the group's zone), one- or two-digit day, month and hour, ``.`` or ``/`` between the parts
of the date (the same one throughout), ``:`` or ``.`` between hours and minutes, spaces around.

Time zones without daylight saving time (all of Russia since 2014) map every wall-clock time
to exactly one instant. For zones that still switch clocks we chose:

* a time that does not exist (skipped when clocks go forward, e.g. 02:30 on the spring day in
  Berlin) is rejected as ``impossible``: guessing an hour could move a meeting silently;
* a time that exists twice (when clocks go back) means its first occurrence, the earlier
  instant, so a meeting is never announced later than someone could have meant.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

# Day, month, optional year with the same separator, then optional hours and minutes.
# ASCII digits only: int() would quietly accept other scripts' digits too.
_INPUT = re.compile(
    r"""
    (?P<day>[0-9]{1,2}) (?P<sep>[./]) (?P<month>[0-9]{1,2})
    (?: (?P=sep) (?P<year>[0-9]{4}|[0-9]{2}) )?
    (?: \s+ (?P<hour>[0-9]{1,2}) [:.] (?P<minute>[0-9]{2}) )?
    """,
    re.VERBOSE,
)

# Two-digit years are this century: nobody schedules a meeting for 1926.
_CENTURY = 2000

INPUT_FORMAT = "%d.%m.%Y %H:%M"


class DateErrorCode(StrEnum):
    FORMAT = "format"  # not understood at all
    IMPOSSIBLE = "impossible"  # understood, but no such date or time (31.02, 25:00, DST gap)
    PAST = "past"  # a real moment, but not after the allowed earliest one


class DateInputError(ValueError):
    """What a person typed is not an acceptable date; ``code`` picks the message to show."""

    def __init__(self, code: DateErrorCode) -> None:
        super().__init__(code.value)
        self.code = code


def _require_aware(moment: datetime, name: str) -> None:
    # A naive datetime here is a programming error, not bad input: fail loudly.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def local_instant(wall: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant of a naive wall-clock time in ``tz``, by PEP 495 ``fold=0``.

    Repeated times resolve to their first occurrence; skipped times resolve with the offset in
    force before the jump, which for a local midnight inside a gap is exactly the first instant
    of that day. Rules that need the first instant of a day or month rely on that.
    """
    if wall.tzinfo is not None:
        raise ValueError("wall must be a naive wall-clock time")
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC)


def exists_locally(wall: datetime, tz: ZoneInfo) -> bool:
    """Whether the clocks in ``tz`` ever show ``wall`` (False inside a DST gap)."""
    shown = local_instant(wall, tz).astimezone(tz).replace(tzinfo=None)
    return shown == wall


def _match(text: str) -> re.Match[str]:
    found = _INPUT.fullmatch(text.strip())
    if found is None:
        raise DateInputError(DateErrorCode.FORMAT)
    return found


def _year(found: re.Match[str], current_year: int) -> int:
    raw = found["year"]
    if raw is None:
        return current_year
    return _CENTURY + int(raw) if len(raw) == 2 else int(raw)


def parse_local_datetime(
    text: str, *, tz: ZoneInfo, now: datetime, not_before: datetime | None = None
) -> datetime:
    """A typed local date and time as an aware UTC datetime.

    Without a year the date falls in the current year of the group's zone, even if that moment
    has passed: moving it to next year would hide a typo, and ``not_before`` rejects it.
    With ``not_before`` the result must be strictly after it (``past`` otherwise).
    """
    _require_aware(now, "now")
    found = _match(text)
    if found["hour"] is None:
        raise DateInputError(DateErrorCode.FORMAT)
    year = _year(found, now.astimezone(tz).year)
    try:
        wall = datetime(  # noqa: DTZ001 - a wall-clock time; its zone is applied just below
            year, int(found["month"]), int(found["day"]), int(found["hour"]), int(found["minute"])
        )
        real = exists_locally(wall, tz)
    except (ValueError, OverflowError) as exc:  # 31.02, 25:00, 24:60, year 0, beyond 9999
        raise DateInputError(DateErrorCode.IMPOSSIBLE) from exc
    if not real:  # skipped when the clocks went forward
        raise DateInputError(DateErrorCode.IMPOSSIBLE)
    moment = local_instant(wall, tz)
    if not_before is not None:
        _require_aware(not_before, "not_before")
        if moment <= not_before:
            raise DateInputError(DateErrorCode.PAST)
    return moment


def parse_local_date(
    text: str, tz: ZoneInfo, now: datetime, *, not_before: date | None = None
) -> date:
    """A typed date without a time (deadlines, reporting periods), same forms and year rule.

    A time after the date is refused (``format``) rather than dropped, so nobody believes they
    set one. With ``not_before`` a date earlier than it is ``past``; that day itself is fine,
    because a deadline "today" is still ahead.
    """
    _require_aware(now, "now")
    found = _match(text)
    if found["hour"] is not None:
        raise DateInputError(DateErrorCode.FORMAT)
    year = _year(found, now.astimezone(tz).year)
    try:
        day = date(year, int(found["month"]), int(found["day"]))
    except ValueError as exc:
        raise DateInputError(DateErrorCode.IMPOSSIBLE) from exc
    if not_before is not None and day < not_before:
        raise DateInputError(DateErrorCode.PAST)
    return day


def format_input(moment: datetime, tz: ZoneInfo) -> str:
    """``moment`` in the form people type it (``25.12.2026 15:00``), e.g. to prefill an edit.

    Display text for reading goes through the translator instead; this is the input form,
    which ``parse_local_datetime`` reads back to the same minute.
    """
    _require_aware(moment, "moment")
    return moment.astimezone(tz).strftime(INPUT_FORMAT)
