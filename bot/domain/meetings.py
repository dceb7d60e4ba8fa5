"""Meetings of the working group (regulation cl. 11-14): who presides and schedules, quorum,
venue, reminders, RSVP forecasts and the monthly rule.

Every moment is an aware datetime and "now" is always a parameter; months are calendar
months in the group's time zone, while instants are returned in UTC for storage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.domain.dates import local_instant
from bot.domain.roles import Role, holds_member_role

# A person's roles as the rules take them: the whole set (main and extra roles, cl. 7), or a
# single role where only one is known; None for someone outside the roster.
Roles = Role | AbstractSet[Role] | None


def _role_set(roles: Roles) -> frozenset[Role]:
    if roles is None:
        return frozenset()
    if isinstance(roles, Role):
        return frozenset({roles})
    return frozenset(roles)


# ---------------------------------------------------------------------------------------------
# Quorum (cl. 14) and presiding (cl. 11)


def has_quorum(present_members: int, total_members: int) -> bool:
    """Cl. 14: decisions only while present members are at least half of all members
    (``2 * present >= total``). Without members nothing can be decided, so a total of 0 has
    no quorum. More present than total (a member removed from the roster mid-meeting) is not
    an error: the rule is still met."""
    if present_members < 0 or total_members < 0:
        raise ValueError("member counts cannot be negative")
    if total_members == 0:
        return False
    return 2 * present_members >= total_members


def quorum_needed(total_members: int) -> int:
    """Cl. 14: the smallest number of present members that reaches quorum, ``ceil(total / 2)``.

    A group without members never has quorum; for it this returns 1, so a live message still
    reads "needed 1" instead of failing, and ``has_quorum`` stays the one that decides."""
    if total_members < 0:
        raise ValueError("member counts cannot be negative")
    return max(1, (total_members + 1) // 2)


def quorum_total(recorded_at_opening: int | None, members_now: int) -> int:
    """Cl. 9 and 14: quorum is counted over the composition in force when the meeting opened
    (every member, joined to the bot or not), recorded then so that a change of the roster
    during the meeting does not move it; before opening, over the members now."""
    if members_now < 0 or (recorded_at_opening is not None and recorded_at_opening < 0):
        raise ValueError("member counts cannot be negative")
    return members_now if recorded_at_opening is None else recorded_at_opening


def count_for_quorum(attendees: Iterable[Roles]) -> int:
    """Cl. 14: only members count, chair and deputy included (cl. 7); secretariat staff who
    are not members, unit representatives, guests and unknown people never do. A member who
    also works in the secretariat counts once, as a member."""
    return sum(1 for roles in attendees if holds_member_role(_role_set(roles)))


def presiding_role(chair_present: bool, deputy_present: bool) -> Role | None:
    """Cl. 11: the chair presides; without the chair, the deputy; without both, nobody, and
    the meeting may not take decisions."""
    if chair_present:
        return Role.CHAIR
    if deputy_present:
        return Role.DEPUTY_CHAIR
    return None


def presiding_among(present: Iterable[Roles]) -> Role | None:
    """Cl. 11 over the people present, each with all their roles: the chair if present, else
    the deputy, else nobody. A chair recorded absent who comes anyway presides: the absence
    lets the deputy act for a chair who is away, it does not bar the chair."""
    held = [_role_set(roles) for roles in present]
    return presiding_role(
        any(Role.CHAIR in roles for roles in held),
        any(Role.DEPUTY_CHAIR in roles for roles in held),
    )


def holds(roles: Roles, role: Role) -> bool:
    """Whether someone with these roles (main and extra) holds `role`: the presiding person
    among those present is found by the role `presiding_among` names."""
    return role in _role_set(roles)


def may_decide(
    *, chair_present: bool, deputy_present: bool, present_members: int, total_members: int
) -> bool:
    """Cl. 11 and 14 together: a decision needs someone presiding and a quorum."""
    presiding = presiding_role(chair_present, deputy_present)
    return presiding is not None and has_quorum(present_members, total_members)


# ---------------------------------------------------------------------------------------------
# Scheduling (cl. 13)


@dataclass(frozen=True, slots=True)
class Absence:
    """A period when the chair is away, half-open: absent from ``starts_at`` up to, but not
    at, ``ends_at`` (the chair is back at that instant)."""

    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("absence bounds must be aware datetimes")
        if self.ends_at <= self.starts_at:
            raise ValueError("an absence must end after it starts")

    def covers(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


def chair_absent(absences: Iterable[Absence], now: datetime) -> bool:
    """Cl. 13: whether any recorded absence of the chair covers ``now``."""
    return any(absence.covers(now) for absence in absences)


def may_schedule(roles: Roles, *, chair_absent: bool) -> bool:
    """Cl. 13: the chair sets time and place, always; the deputy only while the chair is
    absent; nobody else, administrators and secretariat included (they keep the roster,
    they do not call meetings). The same holds for an extraordinary meeting (cl. 12), which
    the chair may call at any time."""
    held = _role_set(roles)
    if Role.CHAIR in held:
        return True
    return Role.DEPUTY_CHAIR in held and chair_absent


def may_record_absence(roles: Roles) -> bool:
    """Cl. 11: the chair's absence is recorded by the chair, or by the secretariat when the
    chair is simply unreachable, so that the deputy can act; nobody else."""
    return not _role_set(roles).isdisjoint({Role.CHAIR, Role.SECRETARIAT})


class ScheduleRefusal(StrEnum):
    """Why someone may not set a meeting now (the key's last part in the locales)."""

    DEPUTY_WHILE_CHAIR_PRESENT = "deputy_while_chair_present"
    ONLY_CHAIR = "only_chair"


def schedule_refusal(roles: Roles, *, chair_absent: bool) -> ScheduleRefusal | None:
    """None when `may_schedule`; else the deputy is told the chair is present, anyone else
    that only the chair sets meetings (cl. 13)."""
    if may_schedule(roles, chair_absent=chair_absent):
        return None
    if Role.DEPUTY_CHAIR in _role_set(roles):
        return ScheduleRefusal.DEPUTY_WHILE_CHAIR_PRESENT
    return ScheduleRefusal.ONLY_CHAIR


def absence_recorded_as(roles: Roles) -> Role:
    """In which capacity an absence is recorded (cl. 11): by the chair, else by the
    secretariat on the chair's behalf, and then the presiding pair are told."""
    return Role.CHAIR if Role.CHAIR in _role_set(roles) else Role.SECRETARIAT


def presiding_pair_told_of_absence(recorded_as: Role) -> bool:
    """The chair and the deputy are told of an absence the secretariat recorded (cl. 11);
    the chair recording their own tells nobody."""
    return recorded_as is not Role.CHAIR


# ---------------------------------------------------------------------------------------------
# Opening (cl. 12): a meeting is held at its time, not before


DEFAULT_OPEN_EARLY = timedelta(minutes=30)


def opens_from(starts_at: datetime, early: timedelta = DEFAULT_OPEN_EARLY) -> datetime:
    """The first moment a meeting may be opened: ``early`` before its start. Opening sooner
    would date the record of the meeting (opened_at, the protocol's date) before the time
    everyone was invited for."""
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be an aware datetime")
    if early < timedelta(0):
        raise ValueError("the opening margin cannot be negative")
    return starts_at - early


def may_open(starts_at: datetime, now: datetime, early: timedelta = DEFAULT_OPEN_EARLY) -> bool:
    """Whether a scheduled meeting may be opened at ``now``: from ``opens_from`` on, exactly
    at that moment included; a late opening is always allowed (people gather late)."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now >= opens_from(starts_at, early)


# ---------------------------------------------------------------------------------------------
# Venue


class MeetingFormat(StrEnum):
    IN_PERSON = "in_person"
    REMOTE = "remote"


class VenueError(StrEnum):
    PLACE_REQUIRED = "place_required"
    LINK_INVALID = "link_invalid"


def _is_web_link(link: str) -> bool:
    parts = urlsplit(link)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and not any(ch.isspace() for ch in link)
    )


def validate_venue(fmt: MeetingFormat, place: str | None, link: str | None) -> VenueError | None:
    """An in-person meeting needs a place (blank counts as none); a remote meeting may have
    no link, but a link given must be http(s) with a host, because members will open it.

    A link on an in-person meeting (a hybrid meeting) is checked the same way; a place on a
    remote meeting is allowed and left alone."""
    if fmt is MeetingFormat.IN_PERSON and not (place and place.strip()):
        return VenueError.PLACE_REQUIRED
    if link is not None and link.strip() and not _is_web_link(link.strip()):
        return VenueError.LINK_INVALID
    return None


# ---------------------------------------------------------------------------------------------
# Reminders


DEFAULT_REMINDER_OFFSETS: tuple[timedelta, ...] = (timedelta(days=3), timedelta(hours=1))
LATE_GRACE = timedelta(minutes=5)


class ReminderFate(StrEnum):
    SEND = "send"
    SKIP = "skip"


def reminder_times(
    starts_at: datetime, offsets: Sequence[timedelta], now: datetime
) -> list[tuple[timedelta, datetime]]:
    """Each reminder as ``(offset, due_at)``, ``due_at = starts_at - offset``, earliest first,
    keeping only those strictly after ``now``: a meeting scheduled two days ahead gets no
    "in three days" reminder at all, rather than one at once. Duplicate offsets collapse."""
    if any(offset < timedelta(0) for offset in offsets):
        raise ValueError("reminder offsets are before the start, so not negative")
    due = {offset: starts_at - offset for offset in offsets}
    return sorted(((o, at) for o, at in due.items() if at > now), key=lambda pair: pair[1])


def reminder_fate(due_at: datetime, starts_at: datetime, now: datetime) -> ReminderFate:
    """After a restart, what to do with a reminder that was due at ``due_at``.

    Rule: if the meeting has started at ``now`` (``now >= starts_at``) the reminder is
    skipped, since it can no longer help anyone arrive; otherwise it is sent, however late,
    because a late reminder of a meeting still ahead is better than none. ``due_at`` does not
    change the fate; pair it with ``is_late`` to word the message or log the delay."""
    del due_at  # part of the signature so callers pass the whole picture; see the rule above
    return ReminderFate.SKIP if now >= starts_at else ReminderFate.SEND


def is_late(due_at: datetime, now: datetime, grace: timedelta = LATE_GRACE) -> bool:
    """Whether a reminder goes out noticeably late: more than ``grace`` after it was due
    (exactly ``grace`` is still on time), so scheduler jitter is not reported as lateness."""
    return now - due_at > grace


# ---------------------------------------------------------------------------------------------
# Monthly rule (cl. 12)


WARNING_HOUR = 10  # local time of the "no meeting this month yet" warning: working hours


class MonthVerdict(StrEnum):
    COMPLIANT = "compliant"  # at least one meeting held in the month
    MISSED = "missed"  # the month is over and no meeting was held
    PENDING = "pending"  # the month is not over and no meeting was held yet


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _month_start(year: int, month: int, tz: ZoneInfo) -> datetime:
    # fold=0 gives the first instant of the day even where midnight falls into a DST gap.
    return local_instant(datetime(year, month, 1), tz)  # noqa: DTZ001 - wall time in tz


def month_of(moment: datetime, tz: ZoneInfo) -> tuple[int, int]:
    """Cl. 12: the calendar month ``(year, month)`` a moment belongs to in the group's zone,
    so a meeting at 23:30 UTC on 31 March counts for April in Moscow."""
    if moment.tzinfo is None:
        raise ValueError("moment must be an aware datetime")
    local = moment.astimezone(tz)
    return local.year, local.month


def month_bounds(year: int, month: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Cl. 12: the month in the group's zone as UTC instants ``[start, end)``."""
    return _month_start(year, month, tz), _month_start(*_next_month(year, month), tz)


def month_end_check_time(year: int, month: int, tz: ZoneInfo) -> datetime:
    """Cl. 12: when a month's compliance is recorded: the first instant of the next month
    (local midnight), in UTC. A meeting starting before it counts for the month."""
    return month_bounds(year, month, tz)[1]


def warning_times(
    year: int, month: int, tz: ZoneInfo, *, from_day: int = 15, every_days: int = 3
) -> list[datetime]:
    """Cl. 12: when to warn chair, deputy and secretariat that the month has no meeting:
    10:00 local on ``from_day``, then every ``every_days`` days while still in the month, as
    UTC instants. Whether to send each one is ``needs_warning`` at that time."""
    if from_day < 1 or every_days < 1:
        raise ValueError("from_day and every_days must be positive")
    start, end = month_bounds(year, month, tz)
    days_in_month = (end.astimezone(tz).date() - start.astimezone(tz).date()).days
    return [
        local_instant(datetime(year, month, day, WARNING_HOUR), tz)  # noqa: DTZ001 - wall time
        for day in range(from_day, days_in_month + 1, every_days)
    ]


CONCILIATION = "conciliation"  # meeting.kind of a conciliation meeting (cl. 15)


class MonthMeeting(Protocol):
    """What the monthly rule needs to know of a meeting (a MeetingView has it)."""

    @property
    def kind(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def quorum_at_close(self) -> bool | None: ...


def held_for_month(meeting: MonthMeeting) -> bool:
    """Cl. 12: a meeting counts as the month's meeting when it is the group's own meeting,
    regular or extraordinary, that was held (closed) with quorum at its close. A conciliation
    meeting (cl. 15) never counts, nor a meeting that could not decide for want of quorum."""
    return (
        meeting.kind != CONCILIATION
        and meeting.status == "closed"
        and meeting.quorum_at_close is True
    )


def may_yet_hold_month(meeting: MonthMeeting) -> bool:
    """Cl. 12 for the warning: the month is provided for by a meeting already held for it, or
    by one of the group's own meetings still scheduled or under way (it may yet be held with
    quorum). A conciliation meeting never provides for it; a meeting closed without quorum
    or cancelled no longer can."""
    if meeting.kind == CONCILIATION:
        return False
    return meeting.status in ("scheduled", "open") or held_for_month(meeting)


def needs_warning(has_meeting_scheduled_or_held: bool) -> bool:
    """Cl. 12: warn only while the month has neither a meeting held nor one scheduled in it;
    a scheduled meeting may still fall through, which the month-end check records."""
    return not has_meeting_scheduled_or_held


def month_compliant(held_meeting_count: int) -> bool:
    """Cl. 12: a month complies when at least one meeting was held in it (counted with
    ``held_for_month``); scheduled or cancelled meetings do not count, and extra meetings do
    no harm."""
    return held_meeting_count >= 1


def month_verdict(held_meeting_count: int, *, month_over: bool) -> MonthVerdict:
    """Cl. 12: a month with a meeting held complies even before it ends; one without is
    missed only once it is over (see ``month_end_check_time``), pending until then."""
    if month_compliant(held_meeting_count):
        return MonthVerdict.COMPLIANT
    return MonthVerdict.MISSED if month_over else MonthVerdict.PENDING


def last_months(now: datetime, tz: ZoneInfo, n: int = 12) -> list[tuple[int, int]]:
    """The ``n`` calendar months up to and including the current one in the group's zone,
    newest first, for the compliance report."""
    if n < 0:
        raise ValueError("n cannot be negative")
    year, month = month_of(now, tz)
    index = year * 12 + (month - 1)
    return [(i // 12, i % 12 + 1) for i in range(index, index - n, -1)]


# ---------------------------------------------------------------------------------------------
# RSVP


class Rsvp(StrEnum):
    IN_PERSON = "in_person"
    REMOTE = "remote"
    ABSENT = "absent"


# Remote participants count as present (Meetings: Attendance).
ATTENDING: frozenset[Rsvp] = frozenset({Rsvp.IN_PERSON, Rsvp.REMOTE})


def quorum_forecast(answers: Mapping[int, Rsvp], member_ids: AbstractSet[int]) -> tuple[int, bool]:
    """Cl. 14 ahead of time: how many members said they will come (in person or remotely) and
    whether that reaches quorum of all members. Answers from non-members (guests, secretariat
    staff) are ignored, and members who have not answered are not expected, so the forecast
    errs on the cautious side."""
    expected = sum(1 for pid, rsvp in answers.items() if pid in member_ids and rsvp in ATTENDING)
    return expected, has_quorum(expected, len(member_ids))


def may_change_rsvp(starts_at: datetime, now: datetime) -> bool:
    """An answer may change until the meeting starts; from then on check-in records who came."""
    return now < starts_at


# ---------------------------------------------------------------------------------------------
# Recording (cl. 12)

CLOUD_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # what the cloud Bot API lets a bot download


def is_audio(mime_type: str | None, *, sent_as_document: bool) -> bool:
    """Cl. 12: the recording is audio. Audio and voice messages are audio by kind; a file sent
    as a document must say so by its MIME type."""
    if not sent_as_document:
        return True
    return (mime_type or "").startswith("audio/")


def can_download(size: int | None, *, local_api: bool) -> bool:
    """Whether the bot should try to fetch the file to checksum it: any size through a Bot
    API server running in local mode, at most 20 MB through any other (the cloud one, or a
    server or proxy that is not local: they enforce the cloud's limit). Larger, or when the
    download fails anyway, the secretariat gives a reference and the checksum."""
    return local_api or size is None or size <= CLOUD_DOWNLOAD_LIMIT
