"""Quarterly reporting cycles and the units' submissions (cl. 4 г)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.quarters import Cycle
from storage import upsert
from storage.models import Membership, ReportCycle, ReportSubmission, StructuralUnit


@dataclass(frozen=True, slots=True)
class CycleView:
    id: int
    group_id: int
    year: int
    quarter: int
    deadline_day: date
    deadline: datetime
    closes_at: datetime
    status: str
    opened_at: datetime
    closed_at: datetime | None
    summary_file_id: int | None

    @property
    def cycle(self) -> Cycle:
        return Cycle(self.year, self.quarter, self.deadline_day, self.deadline, self.closes_at)


@dataclass(frozen=True, slots=True)
class SubmissionView:
    id: int
    cycle_id: int
    unit_id: int
    text: str | None
    document: dict[str, Any] | None
    submitted_by: int
    submitted_at: datetime
    updated_at: datetime
    late: bool


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A structural unit as a cycle sees it, archived ones included for the history."""

    id: int
    name: str
    archived_at: datetime | None
    created_at: datetime


def _cycle(r: ReportCycle) -> CycleView:
    return CycleView(
        r.id,
        r.group_id,
        r.year,
        r.quarter,
        r.deadline_day,
        r.deadline,
        r.closes_at,
        r.status,
        r.opened_at,
        r.closed_at,
        r.summary_file_id,
    )


def _submission(r: ReportSubmission) -> SubmissionView:
    return SubmissionView(
        r.id,
        r.cycle_id,
        r.unit_id,
        r.text,
        r.document,
        r.submitted_by,
        r.submitted_at,
        r.updated_at,
        r.late,
    )


class ReportingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_cycle(self, group_id: int, cycle: Cycle, now: datetime) -> CycleView | None:
        """Creates the quarter's cycle; None when it exists already (opened once only)."""
        result = await self.session.execute(
            upsert.insert(self.session, ReportCycle)
            .values(
                group_id=group_id,
                year=cycle.year,
                quarter=cycle.quarter,
                deadline_day=cycle.deadline_day,
                deadline=cycle.deadline,
                closes_at=cycle.closes_at,
                status="open",
                opened_at=now,
            )
            .on_conflict_do_nothing(index_elements=["group_id", "year", "quarter"])
            .returning(ReportCycle.id)
        )
        new_id = result.scalar()
        return None if new_id is None else await self.get(int(new_id))

    async def get(self, cycle_id: int) -> CycleView | None:
        row = await self.session.get(ReportCycle, cycle_id, populate_existing=True)
        return _cycle(row) if row else None

    async def cycles(self, group_id: int, limit: int = 40) -> list[CycleView]:
        rows = await self.session.scalars(
            select(ReportCycle)
            .where(ReportCycle.group_id == group_id)
            .order_by(ReportCycle.year.desc(), ReportCycle.quarter.desc())
            .limit(limit)
        )
        return [_cycle(r) for r in rows]

    async def close(self, cycle_id: int, now: datetime, summary_file_id: int) -> None:
        await self.session.execute(
            update(ReportCycle)
            .where(ReportCycle.id == cycle_id)
            .values(status="closed", closed_at=now, summary_file_id=summary_file_id)
        )

    async def submissions(self, cycle_id: int) -> dict[int, SubmissionView]:
        rows = await self.session.scalars(
            select(ReportSubmission).where(ReportSubmission.cycle_id == cycle_id)
        )
        return {r.unit_id: _submission(r) for r in rows}

    async def submission(self, cycle_id: int, unit_id: int) -> SubmissionView | None:
        row = await self.session.scalar(
            select(ReportSubmission).where(
                ReportSubmission.cycle_id == cycle_id, ReportSubmission.unit_id == unit_id
            )
        )
        return _submission(row) if row else None

    async def save_submission(
        self,
        cycle_id: int,
        unit_id: int,
        *,
        text: str | None,
        document: dict[str, Any] | None,
        person_id: int,
        now: datetime,
        late: bool,
    ) -> None:
        """The unit's submission, new or replacing its earlier one (one per unit and cycle);
        the first submission's time stays, so an edit before the deadline keeps it on time."""
        values = {
            "cycle_id": cycle_id,
            "unit_id": unit_id,
            "text": text,
            "document": document,
            "submitted_by": person_id,
            "submitted_at": now,
            "updated_at": now,
            "late": late,
        }
        insert = upsert.insert(self.session, ReportSubmission).values(**values)
        await self.session.execute(
            insert.on_conflict_do_update(
                index_elements=["cycle_id", "unit_id"],
                set_={
                    "text": text,
                    "document": document,
                    "submitted_by": person_id,
                    "updated_at": now,
                },
            )
        )

    async def units(self, group_id: int) -> list[UnitRow]:
        rows = await self.session.scalars(
            select(StructuralUnit)
            .where(StructuralUnit.group_id == group_id)
            .order_by(StructuralUnit.name)
        )
        return [UnitRow(r.id, r.name, r.archived_at, r.created_at) for r in rows]

    async def representatives(self, group_id: int) -> dict[int, list[int]]:
        """Person ids of each unit's current representatives."""
        rows = await self.session.execute(
            select(Membership.unit_id, Membership.person_id).where(
                Membership.group_id == group_id,
                Membership.ended_at.is_(None),
                Membership.role == "unit_representative",
                Membership.unit_id.is_not(None),
            )
        )
        found: dict[int, list[int]] = {}
        for unit_id, person_id in rows.all():
            if unit_id is not None:
                found.setdefault(unit_id, []).append(person_id)
        return found
