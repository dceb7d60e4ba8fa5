"""Delegations (направление представителей, cl. 16 б): members of the working group who
represent it at an outside event, and the report they bring back. Pure: the time zone and
`now` are passed in.

The report back is the delegation's, not each delegate's: one event gives one account of
what was said and agreed there, which is what the group hears at its meeting (and what the
agenda offer carries). Every delegate is asked the day after the event; whichever of them
answers reports for all, and from then on nobody is reminded.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.dates import (
    DateErrorCode,
    DateInputError,
    local_instant,
    parse_local_date,
    parse_local_datetime,
)
from bot.domain.fields import TextField

TITLE = TextField("delegation_title", 300)
ORGANISER = TextField("delegation_organiser", 300)
PLACE = TextField("delegation_place", 300)
TOPIC = TextField("delegation_topic", 1000, multiline=True)
REPORT = TextField("delegation_report", 3500, multiline=True)
# How much of the report a card quotes (the card keeps within Telegram's 4,096 characters
# with every other field at its longest) and a notice with the file quotes (a caption holds
# 1,024); the whole text stays in the database and goes to the agenda item's description.
CARD_EXCERPT = 1500
NOTICE_EXCERPT = 400

# The follow-up comes at the start of a working day in the group's zone.
NOTICE_HOUR = 10
# Days after the event's day: the delegates are asked, reminded, and the secretariat told.
ASK_AFTER = 1
REMIND_AFTER = 3
ESCALATE_AFTER = 7


class FollowUp(StrEnum):
    """The kinds of due rows a delegation plans (DueTask.kind)."""

    ASK = "delegation_ask"
    REMIND = "delegation_remind"
    ESCALATE = "delegation_escalate"


FOLLOW_UP_DAYS: dict[FollowUp, int] = {
    FollowUp.ASK: ASK_AFTER,
    FollowUp.REMIND: REMIND_AFTER,
    FollowUp.ESCALATE: ESCALATE_AFTER,
}


class Status(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class Problem(StrEnum):
    """Why a delegation or a change to it is refused; the locale key's last part."""

    NO_DELEGATES = "no_delegates"
    NOT_A_MEMBER = "not_a_member"
    CANCELLED = "already_cancelled"
    REPORTED = "already_reported"
    BEFORE_EVENT = "report_before_event"
    EMPTY_REPORT = "report_empty"
    NOT_DELEGATE = "not_delegate"
    SAME_DAY = "same_day"


class DelegationRuleError(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class EventWhen:
    """When the event is: its day, and the moment it starts if a time was given."""

    day: date
    at: datetime | None = None

    def starts(self, tz: ZoneInfo) -> datetime:
        """The moment the event begins: its time, or the start of its day."""
        return self.at if self.at is not None else day_start(self.day, tz)


def day_start(day: date, tz: ZoneInfo) -> datetime:
    return local_instant(datetime.combine(day, time(0, 0)), tz)


def parse_when(text: str, tz: ZoneInfo, now: datetime) -> EventWhen:
    """A typed date, with or without a time («25.12.2026» or «25.12.2026 10:00»), not in the
    past: a day before today, or a moment already gone, is `past`."""
    try:
        at = parse_local_datetime(text, tz=tz, now=now, not_before=now)
    except DateInputError as bad:
        if bad.code is not DateErrorCode.FORMAT:
            raise
    else:
        return EventWhen(at.astimezone(tz).date(), at)
    today = now.astimezone(tz).date()
    return EventWhen(parse_local_date(text, tz, now, not_before=today))


def is_gone(when: EventWhen, tz: ZoneInfo, now: datetime) -> bool:
    """Whether a date given for the event has passed: a day before today, or a moment
    already reached (the dialog's answer is checked again when the change is written)."""
    if when.at is not None:
        return when.at <= now
    return when.day < now.astimezone(tz).date()


def follow_ups(day: date, tz: ZoneInfo) -> list[tuple[FollowUp, datetime]]:
    """Cl. 16 б: the ask the day after the event, the reminder after three days and the
    escalation after seven, each at the start of that working day."""
    return [
        (kind, local_instant(datetime.combine(day + timedelta(days=n), time(NOTICE_HOUR)), tz))
        for kind, n in FOLLOW_UP_DAYS.items()
    ]


def overtaken(kind: FollowUp, day: date, tz: ZoneInfo, now: datetime) -> bool:
    """After downtime: an ask or a reminder whose successor is already due is skipped, so
    that the delegates get one message with the current facts, not two at once. The
    escalation is never overtaken: it is sent late rather than lost."""
    plan = follow_ups(day, tz)
    kinds = [k for k, _ in plan]
    following = kinds.index(kind) + 1
    return following < len(plan) and plan[following][1] <= now


def check_delegates(chosen: Iterable[int], members: Collection[int]) -> list[int]:
    """The delegates, in the order chosen, each once: at least one, and only members of the
    working group (cl. 16 б: the group sends its own members)."""
    picked = list(dict.fromkeys(chosen))
    if not picked:
        raise DelegationRuleError(Problem.NO_DELEGATES)
    if any(p not in members for p in picked):
        raise DelegationRuleError(Problem.NOT_A_MEMBER)
    return picked


def check_changeable(status: str, reported: bool) -> None:
    """A delegation can be moved or cancelled while it is planned and not reported on."""
    if status == Status.CANCELLED:
        raise DelegationRuleError(Problem.CANCELLED)
    if reported:
        raise DelegationRuleError(Problem.REPORTED)


def check_move(old: EventWhen, new: EventWhen) -> None:
    if old == new:
        raise DelegationRuleError(Problem.SAME_DAY)


def check_report(
    *,
    status: str,
    reported: bool,
    is_delegate: bool,
    event: EventWhen,
    tz: ZoneInfo,
    now: datetime,
) -> None:
    """Cl. 16 б: a delegate reports back once the event has begun, once per delegation."""
    if not is_delegate:
        raise DelegationRuleError(Problem.NOT_DELEGATE)
    if status == Status.CANCELLED:
        raise DelegationRuleError(Problem.CANCELLED)
    if reported:
        raise DelegationRuleError(Problem.REPORTED)
    if now < event.starts(tz):
        raise DelegationRuleError(Problem.BEFORE_EVENT)


def is_past(event: EventWhen, tz: ZoneInfo, now: datetime) -> bool:
    """Listed among past delegations from the day after the event's day."""
    return event.day < now.astimezone(tz).date()


def check_content(text: str | None, has_file: bool) -> None:
    """A report back holds a text, a file, or both."""
    if not text and not has_file:
        raise DelegationRuleError(Problem.EMPTY_REPORT)
