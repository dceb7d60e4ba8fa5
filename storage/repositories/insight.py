"""What the dashboard and the annual report read (issue #18 items 5, 6): meetings held with
who attended, the spans of the composition, tasks with their dates, and the annual report's
introduction. Plain rows; the counting is the service's (bot.services.insight)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.meetings import CONCILIATION
from bot.domain.protocol import protocol_number
from bot.domain.roles import Role
from storage.models import (
    AnnualIntro,
    Attendance,
    Meeting,
    Membership,
    Person,
    Protocol,
    Task,
)


@dataclass(frozen=True, slots=True)
class HeldMeeting:
    id: int
    starts_at: datetime


@dataclass(frozen=True, slots=True)
class Seat:
    """One membership of a person in the composition, from its start to its end."""

    person_id: int
    name: str
    roles: frozenset[Role]
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class TaskRow:
    id: int
    status: str
    deadline: date | None
    created_at: datetime
    done_at: datetime | None
    text: str
    owner: str
    # The decision: the protocol's number and item.
    protocol_number: str
    item_number: int


@dataclass(frozen=True, slots=True)
class IntroView:
    group_id: int
    year: int
    text: str
    updated_by: int | None
    updated_at: datetime


# Guests and outside specialists are never in the working group's composition (cl. 16).
_OUTSIDE = (Role.GUEST.value, Role.SPECIALIST.value)


class InsightRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def held_meetings(
        self, group_id: int, start: datetime, end: datetime
    ) -> list[HeldMeeting]:
        """The group's own meetings held (closed) from `start` up to `end`; a conciliation
        meeting (cl. 15) is not a meeting of the group."""
        rows = await self.session.execute(
            select(Meeting.id, Meeting.starts_at)
            .where(
                Meeting.group_id == group_id,
                Meeting.status == "closed",
                Meeting.kind != CONCILIATION,
                Meeting.starts_at >= start,
                Meeting.starts_at < end,
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
        return [HeldMeeting(i, at) for i, at in rows.all()]

    async def attendance(self, meeting_ids: list[int]) -> dict[tuple[int, int], str]:
        """(meeting, person) → how they attended: in person or remotely."""
        if not meeting_ids:
            return {}
        rows = await self.session.execute(
            select(Attendance.meeting_id, Attendance.person_id, Attendance.mode).where(
                Attendance.meeting_id.in_(meeting_ids)
            )
        )
        return {(m, p): mode for m, p, mode in rows.all()}

    async def seats(self, group_id: int) -> list[Seat]:
        """Every membership in the composition the group ever had, ended ones included."""
        rows = await self.session.execute(
            select(
                Membership.person_id,
                Person.full_name,
                Person.telegram_name,
                Membership.role,
                Membership.extra_roles,
                Membership.started_at,
                Membership.ended_at,
            )
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.group_id == group_id, Membership.role.not_in(_OUTSIDE))
            .order_by(Membership.started_at, Membership.id)
        )
        return [
            Seat(
                person,
                full or telegram,
                frozenset(Role(r) for r in (role, *(extra or ()))),
                started,
                ended,
            )
            for person, full, telegram, role, extra, started, ended in rows.all()
        ]

    async def tasks(self, group_id: int) -> list[TaskRow]:
        rows = await self.session.execute(
            select(Task, Protocol.sequence, Protocol.year, Protocol.series)
            .join(Protocol, Protocol.id == Task.protocol_id)
            .where(Task.group_id == group_id)
            .order_by(Task.created_at, Task.id)
        )
        return [
            TaskRow(
                t.id,
                t.status,
                t.deadline,
                t.created_at,
                t.done_at,
                t.text,
                t.owner,
                protocol_number(sequence, year, series),
                t.item_number,
            )
            for t, sequence, year, series in rows.all()
        ]

    async def signed_protocols(self, group_id: int, start: datetime, end: datetime) -> int:
        """Protocols of the group's meetings signed from `start` up to `end`."""
        found = await self.session.scalar(
            select(func.count())
            .select_from(Protocol)
            .join(Meeting, Meeting.id == Protocol.meeting_id)
            .where(
                Meeting.group_id == group_id,
                Protocol.status == "signed",
                Protocol.signed_at >= start,
                Protocol.signed_at < end,
            )
        )
        return int(found or 0)

    async def intro(self, group_id: int, year: int) -> IntroView | None:
        row = await self.session.scalar(
            select(AnnualIntro).where(AnnualIntro.group_id == group_id, AnnualIntro.year == year)
        )
        if row is None:
            return None
        return IntroView(row.group_id, row.year, row.text, row.updated_by, row.updated_at)

    async def save_intro(
        self, group_id: int, year: int, text: str, by: int | None, now: datetime
    ) -> None:
        """Writes the year's introduction, replacing the one there was."""
        changed = await self.session.execute(
            update(AnnualIntro)
            .where(AnnualIntro.group_id == group_id, AnnualIntro.year == year)
            .values(text=text, updated_by=by, updated_at=now)
        )
        if getattr(changed, "rowcount", 0):
            return
        self.session.add(
            AnnualIntro(group_id=group_id, year=year, text=text, updated_by=by, updated_at=now)
        )
        await self.session.flush()
