"""What the secretariat's CSV exports and the calendar feed read (issue #18 item 2): plain
rows, one query per kind, never a commit.

Scope: the working group and its expert groups and project committees (cl. 10), each row
naming its group; the composition and the quarterly cycles are the working group's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AgendaItem,
    Attendance,
    CompositionAct,
    Meeting,
    Membership,
    Person,
    Protocol,
    ProtocolAnswer,
    ReportCycle,
    ReportSubmission,
    Rsvp,
    StructuralUnit,
    Task,
    Vote,
    WorkingGroup,
)

# Instants [start, end) in UTC, or None for the whole history.
Bounds = tuple[datetime, datetime] | None


def _name(person: Person) -> str:
    return person.full_name or person.telegram_name


@dataclass(frozen=True, slots=True)
class CompositionRow:
    person: str
    role: str
    extra_roles: tuple[str, ...]
    unit: str | None
    since: datetime
    act_kind: str | None
    act_number: str | None
    act_signed_on: date | None


@dataclass(frozen=True, slots=True)
class MeetingRow:
    id: int
    group_id: int
    title: str
    starts_at: datetime
    status: str
    composition_total: int | None
    quorum_at_close: bool | None


@dataclass(frozen=True, slots=True)
class SeatRow:
    """A membership of a meeting's group, with the period it held."""

    group_id: int
    person_id: int
    person: str
    role: str
    extra_roles: tuple[str, ...]
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class PresenceRow:
    meeting_id: int
    person_id: int
    person: str
    mode: str
    left_at: datetime | None


@dataclass(frozen=True, slots=True)
class AbsenceNote:
    meeting_id: int
    person_id: int
    answer: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class AttendanceData:
    meetings: list[MeetingRow]
    seats: list[SeatRow]
    presence: list[PresenceRow]
    answers: list[AbsenceNote]


@dataclass(frozen=True, slots=True)
class VoteRow:
    group_id: int
    meeting: str
    starts_at: datetime
    item_id: int
    item: str
    status: str
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    person: str | None
    choice: str | None


@dataclass(frozen=True, slots=True)
class ConsentRow:
    group_id: int
    sequence: int
    year: int
    series: str
    meeting_day: datetime
    signed_at: datetime | None
    person: str
    kind: str
    item_number: int | None
    reason: str | None
    version: int
    at: datetime


@dataclass(frozen=True, slots=True)
class TaskRow:
    group_id: int
    sequence: int
    year: int
    series: str
    item_number: int
    text: str
    owner: str
    deadline: date | None
    set_at: datetime
    status: str
    done_at: datetime | None


@dataclass(frozen=True, slots=True)
class CycleRow:
    id: int
    year: int
    quarter: int
    deadline_day: date
    deadline: datetime
    opened_at: datetime


@dataclass(frozen=True, slots=True)
class UnitRow:
    id: int
    name: str
    created_at: datetime
    archived_at: datetime | None


@dataclass(frozen=True, slots=True)
class SubmittedRow:
    cycle_id: int
    unit_id: int
    submitted_at: datetime
    late: bool


@dataclass(frozen=True, slots=True)
class SubmissionData:
    cycles: list[CycleRow]
    units: list[UnitRow]
    submitted: list[SubmittedRow]


_Q = TypeVar("_Q", bound=Select[*tuple[Any, ...]])


def _within(query: _Q, bounds: Bounds) -> _Q:
    if bounds is None:
        return query
    return query.where(Meeting.starts_at >= bounds[0], Meeting.starts_at < bounds[1])


class ExportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def groups(self, group_id: int) -> dict[int, str]:
        """The working group and its subgroups (dissolved ones too: their history stays)."""
        rows = await self.session.execute(
            select(WorkingGroup.id, WorkingGroup.name)
            .where((WorkingGroup.id == group_id) | (WorkingGroup.parent_id == group_id))
            .order_by(WorkingGroup.id)
        )
        return {gid: name for gid, name in rows.all()}

    async def subgroups_alive(self, group_id: int) -> list[int]:
        rows = await self.session.scalars(
            select(WorkingGroup.id).where(
                WorkingGroup.parent_id == group_id, WorkingGroup.dissolved_at.is_(None)
            )
        )
        return list(rows.all())

    async def composition(self, group_id: int) -> list[CompositionRow]:
        rows = await self.session.execute(
            select(Membership, Person, StructuralUnit.name, CompositionAct)
            .join(Person, Person.id == Membership.person_id)
            .outerjoin(StructuralUnit, StructuralUnit.id == Membership.unit_id)
            .outerjoin(CompositionAct, CompositionAct.id == Membership.act_id)
            .where(Membership.group_id == group_id, Membership.ended_at.is_(None))
            .order_by(Membership.started_at, Membership.id)
        )
        return [
            CompositionRow(
                person=_name(person),
                role=m.role,
                extra_roles=tuple(m.extra_roles or ()),
                unit=unit,
                since=m.started_at,
                act_kind=act.kind if act else None,
                act_number=act.number if act else None,
                act_signed_on=act.signed_on if act else None,
            )
            for m, person, unit, act in rows.all()
        ]

    async def attendance(self, group_ids: Sequence[int], bounds: Bounds) -> AttendanceData:
        """Meetings that were held (opened, whether closed yet or not) and who was there."""
        found = await self.session.scalars(
            _within(
                select(Meeting).where(
                    Meeting.group_id.in_(group_ids), Meeting.status.in_(("open", "closed"))
                ),
                bounds,
            ).order_by(Meeting.starts_at, Meeting.id)
        )
        meetings = [
            MeetingRow(
                m.id,
                m.group_id,
                m.title,
                m.starts_at,
                m.status,
                m.composition_total,
                m.quorum_at_close,
            )
            for m in found.all()
        ]
        ids = [m.id for m in meetings]
        seats_rows = await self.session.execute(
            select(Membership, Person)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.group_id.in_({m.group_id for m in meetings}))
            .order_by(Membership.started_at, Membership.id)
        )
        seats = [
            SeatRow(
                m.group_id,
                p.id,
                _name(p),
                m.role,
                tuple(m.extra_roles or ()),
                m.started_at,
                m.ended_at,
            )
            for m, p in seats_rows.all()
        ]
        presence_rows = await self.session.execute(
            select(Attendance, Person)
            .join(Person, Person.id == Attendance.person_id)
            .where(Attendance.meeting_id.in_(ids))
            .order_by(Attendance.checked_in_at, Attendance.id)
        )
        presence = [
            PresenceRow(a.meeting_id, a.person_id, _name(p), a.mode, a.left_at)
            for a, p in presence_rows.all()
        ]
        answers = await self.session.scalars(select(Rsvp).where(Rsvp.meeting_id.in_(ids)))
        notes = [AbsenceNote(r.meeting_id, r.person_id, r.answer, r.reason) for r in answers]
        return AttendanceData(meetings, seats, presence, notes)

    async def votes(self, group_ids: Sequence[int], bounds: Bounds) -> list[VoteRow]:
        """Additional items put to the vote (cl. 13), one row per ballot; an item nobody
        voted on keeps one row with no voter."""
        rows = await self.session.execute(
            _within(
                select(Meeting, AgendaItem, Vote, Person)
                .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
                .outerjoin(Vote, Vote.item_id == AgendaItem.id)
                .outerjoin(Person, Person.id == Vote.person_id)
                .where(
                    Meeting.group_id.in_(group_ids),
                    AgendaItem.source == "additional",
                    AgendaItem.vote_opened_at.is_not(None),
                ),
                bounds,
            ).order_by(Meeting.starts_at, AgendaItem.position, AgendaItem.id, Vote.at, Vote.id)
        )
        return [
            VoteRow(
                group_id=m.group_id,
                meeting=m.title,
                starts_at=m.starts_at,
                item_id=item.id,
                item=item.title,
                status=item.status,
                votes_for=item.votes_for,
                votes_against=item.votes_against,
                votes_abstain=item.votes_abstain,
                person=_name(person) if person is not None else None,
                choice=vote.choice if vote is not None else None,
            )
            for m, item, vote, person in rows.all()
        ]

    async def consents(self, group_ids: Sequence[int], bounds: Bounds) -> list[ConsentRow]:
        """Every consent and objection given to a protocol of a meeting in the period."""
        rows = await self.session.execute(
            _within(
                select(Meeting, Protocol, ProtocolAnswer, Person)
                .join(Protocol, Protocol.meeting_id == Meeting.id)
                .join(ProtocolAnswer, ProtocolAnswer.protocol_id == Protocol.id)
                .join(Person, Person.id == ProtocolAnswer.person_id)
                .where(Meeting.group_id.in_(group_ids)),
                bounds,
            ).order_by(Meeting.starts_at, Protocol.id, ProtocolAnswer.at, ProtocolAnswer.id)
        )
        return [
            ConsentRow(
                group_id=m.group_id,
                sequence=p.sequence,
                year=p.year,
                series=p.series,
                meeting_day=m.starts_at,
                signed_at=p.signed_at,
                person=_name(person),
                kind=a.kind,
                item_number=a.item_number,
                reason=a.reason,
                version=a.version,
                at=a.at,
            )
            for m, p, a, person in rows.all()
        ]

    async def tasks(self, group_ids: Sequence[int], bounds: Bounds) -> list[TaskRow]:
        """Tasks set in the period (by the signing of their protocol)."""
        query = (
            select(Task, Protocol)
            .join(Protocol, Protocol.id == Task.protocol_id)
            .where(Task.group_id.in_(group_ids))
        )
        if bounds is not None:
            query = query.where(Task.created_at >= bounds[0], Task.created_at < bounds[1])
        rows = await self.session.execute(query.order_by(Task.created_at, Task.id))
        return [
            TaskRow(
                group_id=task.group_id,
                sequence=p.sequence,
                year=p.year,
                series=p.series,
                item_number=task.item_number,
                text=task.text,
                owner=task.owner,
                deadline=task.deadline,
                set_at=task.created_at,
                status=task.status,
                done_at=task.done_at,
            )
            for task, p in rows.all()
        ]

    async def submissions(self, group_id: int, bounds: Bounds) -> SubmissionData:
        """Quarterly cycles whose deadline falls in the period, the units and what came."""
        query = select(ReportCycle).where(ReportCycle.group_id == group_id)
        if bounds is not None:
            query = query.where(ReportCycle.deadline > bounds[0], ReportCycle.deadline <= bounds[1])
        found = await self.session.scalars(query.order_by(ReportCycle.year, ReportCycle.quarter))
        cycles = [
            CycleRow(c.id, c.year, c.quarter, c.deadline_day, c.deadline, c.opened_at)
            for c in found.all()
        ]
        units = await self.session.scalars(
            select(StructuralUnit)
            .where(StructuralUnit.group_id == group_id)
            .order_by(StructuralUnit.name, StructuralUnit.id)
        )
        submitted = await self.session.scalars(
            select(ReportSubmission).where(ReportSubmission.cycle_id.in_([c.id for c in cycles]))
        )
        return SubmissionData(
            cycles,
            [UnitRow(u.id, u.name, u.created_at, u.archived_at) for u in units.all()],
            [SubmittedRow(s.cycle_id, s.unit_id, s.submitted_at, s.late) for s in submitted],
        )

    async def upcoming(self, group_ids: Sequence[int], now: datetime) -> list[tuple[int, int]]:
        """(meeting id, group id) of the meetings still to come, earliest first."""
        rows = await self.session.execute(
            select(Meeting.id, Meeting.group_id)
            .where(
                Meeting.group_id.in_(group_ids),
                Meeting.status == "scheduled",
                Meeting.starts_at > now,
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
        return [(mid, gid) for mid, gid in rows.all()]
