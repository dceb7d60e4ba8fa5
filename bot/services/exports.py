"""The secretariat's exports and the calendar feed (issue #18 item 2).

The service reads the records and hands back rows with codes (a role, a mode of taking part,
a vote's choice); the view words them in the reader's language and makes the CSV. Each
export is written to the audit log. Scope: the working group and its expert groups and
project committees (cl. 10), each row naming its group; the composition and the quarterly
cycles are the working group's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.documents.ics import MeetingInvite, feed_ics, meeting_uid
from bot.domain.exports import ExportKind, PeriodChoice, chosen_period
from bot.domain.group_scope import counts_for_quorum
from bot.domain.periods import Period, PeriodInputError, parse_period
from bot.domain.protocol import protocol_number
from bot.domain.quarters import Standing
from bot.domain.roles import Capability, Role
from bot.domain.tasks import TaskState, task_state
from bot.services.actor import Actor
from bot.services.base import ZonedService
from bot.services.errors import InvalidInput
from bot.services.meetings import MEETING_LENGTH
from bot.services.roster import Auditor
from storage.db import read, write
from storage.repositories.exports import (
    AttendanceData,
    Bounds,
    CompositionRow,
    ExportRepository,
    SubmissionData,
)
from storage.repositories.meetings import MeetingRepository, MeetingView
from storage.repositories.roster import RosterRepository

# --- rows as the view words them ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PresenceLine:
    group: str
    meeting: str
    starts_at: datetime
    person: str
    # in_person, remote, absent
    presence: str
    absence_reason: str | None
    present: int
    total: int
    quorum: bool | None


@dataclass(frozen=True, slots=True)
class VoteLine:
    group: str
    meeting: str
    starts_at: datetime
    item: str
    person: str | None
    choice: str | None
    # included, not_included, voting
    result: str


@dataclass(frozen=True, slots=True)
class ConsentLine:
    group: str
    number: str
    meeting_day: datetime
    signed_at: datetime | None
    person: str
    kind: str
    item_number: int | None
    reason: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class TaskLine:
    group: str
    number: str
    item_number: int
    text: str
    owner: str
    set_at: datetime
    deadline: date | None
    state: TaskState
    done_at: datetime | None
    overdue: bool


@dataclass(frozen=True, slots=True)
class SubmissionLine:
    year: int
    quarter: int
    deadline_day: date
    unit: str
    submitted_at: datetime | None
    # on_time, late, missing, pending (not in yet, the deadline has not passed)
    standing: str


Line = CompositionRow | PresenceLine | VoteLine | ConsentLine | TaskLine | SubmissionLine


@dataclass(frozen=True)
class ExportTable:
    kind: ExportKind
    period: Period | None
    taken_at: datetime
    lines: list[Line] = field(default_factory=list)


# --- assembling ----------------------------------------------------------------------------


def _roles(role: str, extra: tuple[str, ...]) -> frozenset[Role]:
    known = {r.value for r in Role}
    return frozenset(Role(r) for r in (role, *extra) if r in known)


def presence_lines(data: AttendanceData, groups: dict[int, str]) -> list[PresenceLine]:
    """Per held meeting: each member of its group's composition then (those who count for
    quorum, cl. 14) and anyone else who checked in; in person, remote or absent with the
    reason they gave; the meeting's quorum."""
    lines: list[PresenceLine] = []
    for meeting in data.meetings:
        present = {p.person_id: p for p in data.presence if p.meeting_id == meeting.id}
        reasons = {
            a.person_id: a.reason
            for a in data.answers
            if a.meeting_id == meeting.id and a.answer == "absent"
        }
        people: dict[int, str] = {}
        counting: set[int] = set()
        for seat in data.seats:
            if seat.group_id != meeting.group_id or seat.started_at > meeting.starts_at:
                continue
            if seat.ended_at is not None and seat.ended_at <= meeting.starts_at:
                continue
            if counts_for_quorum(_roles(seat.role, seat.extra_roles)):
                people.setdefault(seat.person_id, seat.person)
                counting.add(seat.person_id)
        for p in present.values():
            people.setdefault(p.person_id, p.person)
        here = sum(1 for pid in counting if pid in present and present[pid].left_at is None)
        total = meeting.composition_total or len(counting)
        for pid, name in people.items():
            seen = present.get(pid)
            lines.append(
                PresenceLine(
                    group=groups.get(meeting.group_id, ""),
                    meeting=meeting.title,
                    starts_at=meeting.starts_at,
                    person=name,
                    presence=seen.mode if seen else "absent",
                    absence_reason=None if seen else reasons.get(pid),
                    present=here,
                    total=total,
                    quorum=meeting.quorum_at_close,
                )
            )
    return lines


def submission_lines(data: SubmissionData, now: datetime) -> list[SubmissionLine]:
    """Per cycle, every unit obliged to report (as the cycle's own summary counts them) and
    any other that did."""
    lines: list[SubmissionLine] = []
    for cycle in data.cycles:
        came = {s.unit_id: s for s in data.submitted if s.cycle_id == cycle.id}
        for unit in data.units:
            obliged = unit.created_at < cycle.deadline and (
                unit.archived_at is None or unit.archived_at > cycle.opened_at
            )
            if not obliged and unit.id not in came:
                continue
            got = came.get(unit.id)
            if got is not None:
                standing = Standing.LATE.value if got.late else Standing.ON_TIME.value
            elif now < cycle.deadline:
                standing = "pending"
            else:
                standing = Standing.MISSING.value
            lines.append(
                SubmissionLine(
                    year=cycle.year,
                    quarter=cycle.quarter,
                    deadline_day=cycle.deadline_day,
                    unit=unit.name,
                    submitted_at=got.submitted_at if got else None,
                    standing=standing,
                )
            )
    return lines


def calendar_feed(meetings: list[tuple[MeetingView, str]], now: datetime) -> bytes:
    """One .ics of the meetings (each with the summary given), with the same UID and SEQUENCE
    as their invitations, so that a calendar merges them with what it already holds."""
    return feed_ics(
        [
            MeetingInvite(
                uid=meeting_uid(m.id),
                sequence=m.sequence,
                title=summary,
                starts_at=m.starts_at,
                ends_at=m.starts_at + MEETING_LENGTH,
                location=m.place,
                url=m.link,
                description=None,
                organizer_name=None,
                dtstamp=now,
            )
            for m, summary in meetings
        ]
    )


@dataclass(eq=False)
class ExportService(ZonedService):
    def __post_init__(self) -> None:
        self.repo = ExportRepository(self.session)

    def check(self, actor: Actor) -> None:
        """The exports are the secretariat's and the administrators' (issue #18)."""
        actor.require(Capability.EXPORT_RECORDS)

    def period_of(self, choice: str) -> Period | None:
        try:
            picked = PeriodChoice(choice)
        except ValueError:
            raise InvalidInput("errors.stale") from None
        return chosen_period(picked, self.clock.now(), self.tz)

    def typed_period(self, typed: str) -> Period:
        """A typed period; refused with its reason (an end before the start among them)."""
        try:
            return parse_period(typed, self.tz, self.clock.now())
        except PeriodInputError as bad:
            raise InvalidInput(f"exports.period_{bad.code.value}") from None

    async def export(self, actor: Actor, kind: str, period: Period | None) -> ExportTable:
        self.check(actor)
        try:
            wanted = ExportKind(kind)
        except ValueError:
            raise InvalidInput("errors.stale") from None
        now = self.clock.now()
        bounds: Bounds = period.bounds(self.tz) if period is not None else None
        if wanted is ExportKind.COMPOSITION:
            period = None
        async with write(self.session):
            lines = await self._lines(actor.group_id, wanted, bounds, now)
            await Auditor(self.session, actor, now)(
                "records_exported",
                "export",
                None,
                kind=wanted.value,
                first=period.first.isoformat() if period else None,
                last=period.last.isoformat() if period else None,
                rows=len(lines),
            )
        return ExportTable(wanted, period, now, lines)

    async def _lines(
        self, group_id: int, kind: ExportKind, bounds: Bounds, now: datetime
    ) -> list[Line]:
        repo = self.repo
        if kind is ExportKind.COMPOSITION:
            return list(await repo.composition(group_id))
        if kind is ExportKind.SUBMISSIONS:
            return list(submission_lines(await repo.submissions(group_id, bounds), now))
        groups = await repo.groups(group_id)
        ids = list(groups)
        if kind is ExportKind.ATTENDANCE:
            return list(presence_lines(await repo.attendance(ids, bounds), groups))
        if kind is ExportKind.VOTES:
            return [
                VoteLine(
                    group=groups.get(v.group_id, ""),
                    meeting=v.meeting,
                    starts_at=v.starts_at,
                    item=v.item,
                    person=v.person,
                    choice=v.choice,
                    result=v.status,
                )
                for v in await repo.votes(ids, bounds)
            ]
        if kind is ExportKind.CONSENTS:
            return [
                ConsentLine(
                    group=groups.get(c.group_id, ""),
                    number=protocol_number(c.sequence, c.year, c.series),
                    meeting_day=c.meeting_day,
                    signed_at=c.signed_at,
                    person=c.person,
                    kind=c.kind,
                    item_number=c.item_number,
                    reason=c.reason,
                    at=c.at,
                )
                for c in await repo.consents(ids, bounds)
            ]
        lines: list[Line] = []
        for task in await repo.tasks(ids, bounds):
            state = task_state(task.status, task.deadline, now, self.tz)
            late_done = (
                state is TaskState.DONE
                and task.deadline is not None
                and task.done_at is not None
                and task.done_at.astimezone(self.tz).date() > task.deadline
            )
            lines.append(
                TaskLine(
                    group=groups.get(task.group_id, ""),
                    number=protocol_number(task.sequence, task.year, task.series),
                    item_number=task.item_number,
                    text=task.text,
                    owner=task.owner,
                    set_at=task.set_at,
                    deadline=task.deadline,
                    state=state,
                    done_at=task.done_at if state is TaskState.DONE else None,
                    overdue=state is TaskState.OVERDUE or late_done,
                )
            )
        return lines

    # --- the calendar feed ------------------------------------------------------------

    async def upcoming(self, actor: Actor) -> list[MeetingView]:
        """The meetings still to come that the person is invited to: those of the working
        group and of its subgroups whose invitations reach them (the same people the
        invitations go to, see SchedulingService)."""
        person_id = actor.person_id
        if person_id is None:
            return []
        now = self.clock.now()
        async with read(self.session):
            groups = [actor.group_id, *await self.repo.subgroups_alive(actor.group_id)]
            found = await self.repo.upcoming(groups, now)
            roster = RosterRepository(self.session)
            invited: dict[int, bool] = {}
            wanted: list[int] = []
            for meeting_id, group_id in found:
                if group_id not in invited:
                    people = await roster.meeting_people(group_id)
                    invited[group_id] = any(
                        m.person.id == person_id and m.can(Capability.ATTEND_MEETINGS)
                        for m in people
                    )
                if invited[group_id]:
                    wanted.append(meeting_id)
            views = await MeetingRepository(self.session).get_many(wanted)
        return [views[i] for i in wanted if i in views]
