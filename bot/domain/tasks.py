"""Tasks set by decisions (поручения, cl. 4 д–е): who owns a task, when its owner is
reminded and when it is escalated, what a completion report must hold. Pure: the time zone
and `now` are passed in."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain import fields
from bot.domain.dates import local_instant
from bot.domain.fields import FieldError, TextProblem
from bot.domain.roles import Role, Standing

DEFAULT_REMINDER_DAYS: tuple[int, ...] = (7, 1)
# Reminders and the escalation come at the start of a working day in the group's zone.
NOTICE_HOUR = 10


class TaskState(StrEnum):
    """What a reader sees; "overdue" is derived from the deadline and the clock."""

    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"
    CANCELLED = "cancelled"


class Scope(StrEnum):
    """The lists of /tasks: one's own, and for those who control execution, all by state."""

    MY = "my"
    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"


class ReportProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


@dataclass(frozen=True, slots=True)
class OwnerMatch:
    person_id: int | None = None
    unit_id: int | None = None

    @property
    def found(self) -> bool:
        return self.person_id is not None or self.unit_id is not None


# Times


def at_notice_hour(day: date, tz: ZoneInfo) -> datetime:
    """10:00 on `day` in the group's zone, as a UTC instant."""
    return local_instant(datetime(day.year, day.month, day.day, NOTICE_HOUR), tz)  # noqa: DTZ001


def reminder_times(
    deadline: date, days: Iterable[int], tz: ZoneInfo, *, created_at: datetime
) -> list[tuple[int, datetime]]:
    """(days before, when) for each reminder, earliest first: 10:00 local that many days
    before the deadline. A reminder whose time had passed when the task was created is left
    out: it would arrive late and say less than the next one."""
    out = []
    for before in sorted({d for d in days if d > 0}, reverse=True):
        when = at_notice_hour(deadline - timedelta(days=before), tz)
        if when > created_at:
            out.append((before, when))
    return out


def reminder_overtaken(
    deadline: date, days: int, all_days: Iterable[int], tz: ZoneInfo, now: datetime
) -> bool:
    """A reminder that comes due only after a closer one is already due (the bot was down)
    is not sent: the closer one says the same with fewer days left."""
    return any(
        0 < other < days and at_notice_hour(deadline - timedelta(days=other), tz) <= now
        for other in all_days
    )


def reminder_still_meant(deadline: date, days: int, tz: ZoneInfo, due_at: datetime) -> bool:
    """Cl. 4 д–е, 14: a reminder planned for a deadline that was extended since is not sent;
    the reminders of the new deadline were planned with the extension."""
    return at_notice_hour(deadline - timedelta(days=days), tz) == due_at


def escalation_at(deadline: date, tz: ZoneInfo) -> datetime:
    """Cl. 4 д–е: a task still open is escalated at 10:00 local on the day after its deadline."""
    return at_notice_hour(deadline + timedelta(days=1), tz)


def task_state(status: str, deadline: date | None, now: datetime, tz: ZoneInfo) -> TaskState:
    """The deadline day belongs to the owner: a task is overdue from the next local day."""
    if status == "done":
        return TaskState.DONE
    if status == "cancelled":
        return TaskState.CANCELLED
    if deadline is not None and now.astimezone(tz).date() > deadline:
        return TaskState.OVERDUE
    return TaskState.OPEN


def reminder_useful(deadline: date, now: datetime, tz: ZoneInfo) -> bool:
    """A reminder that comes due only after the deadline (the bot was down) is not sent:
    the escalation says the same with the current facts."""
    return now.astimezone(tz).date() <= deadline


def in_scope(scope: Scope, state: TaskState, *, mine: bool) -> bool:
    if scope is Scope.MY:
        return mine and state is not TaskState.CANCELLED
    return state.value == scope.value


# Who


def sees_all(standing: Standing) -> bool:
    """The secretariat keeps control of execution; the chair and the deputy follow it."""
    return standing.is_admin or standing.has(Role.SECRETARIAT, Role.CHAIR, Role.DEPUTY_CHAIR)


def may_assign(standing: Standing) -> bool:
    """Only the secretariat (and administrators) set a task's owner after signing."""
    return standing.is_admin or standing.has(Role.SECRETARIAT)


def told_of_completion(standing: Standing) -> bool:
    """The secretariat and the chair receive an owner's completion report (cl. 4 д–е)."""
    return standing.has(Role.SECRETARIAT, Role.CHAIR)


def is_owner(
    *,
    owner_person_id: int | None,
    owner_unit_id: int | None,
    person_id: int | None,
    unit_id: int | None,
) -> bool:
    """The owner person, or anyone in the roster who belongs to the owner unit (its
    representatives and its members), answers for a task."""
    if person_id is None:
        return False
    if owner_person_id is not None:
        return owner_person_id == person_id
    return owner_unit_id is not None and owner_unit_id == unit_id


def report_problem(comment: str) -> ReportProblem | None:
    """What is wrong with a completion report's comment (`fields.TASK_REPORT`), if anything."""
    try:
        fields.TASK_REPORT.clean(comment)
    except FieldError as bad:
        return ReportProblem.EMPTY if bad.problem is TextProblem.EMPTY else ReportProblem.TOO_LONG
    return None


# Owners named in free text

_QUOTES = re.compile(r"[«»\"“”„'‘’]")
_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|-)*\.?")


def fold(text: str) -> str:
    """Case, ё/е and spacing do not tell two names apart."""
    return " ".join(text.casefold().replace("ё", "е").split())


def unit_key(name: str) -> str:
    return fold(_QUOTES.sub("", name)).strip(" .,;:()")


@dataclass(frozen=True, slots=True)
class _Part:
    word: str
    initial: bool


def _parts(name: str) -> list[_Part]:
    # "И.И." and "И. И." both give two initials; "Иван" is a word.
    return [
        _Part(token.rstrip("."), token.endswith(".") or len(token.rstrip(".")) == 1)
        for token in _TOKEN.findall(fold(name).replace(".", ". "))
    ]


def _readings(parts: list[_Part]) -> list[tuple[str, list[_Part]]]:
    """(surname, given names): «Фамилия Имя Отчество» and «И. О. Фамилия» / «Имя Фамилия»."""
    out = []
    if parts and not parts[0].initial:
        out.append((parts[0].word, parts[1:]))
    if len(parts) > 1 and not parts[-1].initial:
        out.append((parts[-1].word, parts[:-1]))
    return out


def _same_given(a: Sequence[_Part], b: Sequence[_Part]) -> bool:
    for x, y in zip(a, b, strict=False):
        if x.initial or y.initial:
            if x.word[:1] != y.word[:1]:
                return False
        elif x.word != y.word:
            return False
    return True


def names_match(owner: str, name: str) -> bool:
    """«Иванов И.И.», «Иванов И. И.», «И.И. Иванов» and «иванов иван иванович» all name
    Иванов Иван Иванович; so does «Иванов» alone (the roster decides whether it is unique)."""
    owner_parts, name_parts = _parts(owner), _parts(name)
    return any(
        surname == other_surname and _same_given(given, other_given)
        for surname, given in _readings(owner_parts)
        for other_surname, other_given in _readings(name_parts)
    )


def resolve_owner(
    owner: str,
    people: Iterable[tuple[int, Iterable[str]]],
    units: Iterable[tuple[int, str]],
) -> OwnerMatch:
    """The unit or the one person of the roster that the protocol's text names. A unit's name
    must match whole; a name that fits two people matches nobody, since guessing would send
    someone else's task to the wrong person."""
    key = unit_key(owner)
    if not key:
        return OwnerMatch()
    unit_ids = {unit_id for unit_id, name in units if unit_key(name) == key}
    if len(unit_ids) == 1:
        return OwnerMatch(unit_id=unit_ids.pop())
    person_ids = {
        person_id
        for person_id, names in people
        if any(name and names_match(owner, name) for name in names)
    }
    if len(person_ids) == 1:
        return OwnerMatch(person_id=person_ids.pop())
    return OwnerMatch()
