"""Effectiveness indicators and their measured values (cl. 3 в, 4 ж)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Kpi, KpiValue, Person


@dataclass(frozen=True, slots=True)
class KpiView:
    id: int
    group_id: int
    entry_id: int | None
    name: str
    measure: str
    baseline: float
    target: float
    start_on: date
    target_on: date
    created_at: datetime
    archived_at: datetime | None


@dataclass(frozen=True, slots=True)
class ValueView:
    id: int
    kpi_id: int
    value: float
    measured_on: date
    source: str | None
    cycle_id: int | None
    entered_by: int | None
    entered_by_name: str | None
    entered_at: datetime


def _kpi(row: Kpi) -> KpiView:
    return KpiView(
        id=row.id,
        group_id=row.group_id,
        entry_id=row.entry_id,
        name=row.name,
        measure=row.measure,
        baseline=row.baseline,
        target=row.target,
        start_on=row.start_on,
        target_on=row.target_on,
        created_at=row.created_at,
        archived_at=row.archived_at,
    )


class IndicatorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, **values: Any) -> int:
        row = Kpi(**values)
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def update(self, kpi_id: int, **values: Any) -> None:
        await self.session.execute(update(Kpi).where(Kpi.id == kpi_id).values(**values))

    async def get(self, group_id: int, kpi_id: int) -> KpiView | None:
        row = await self.session.scalar(
            select(Kpi).where(Kpi.id == kpi_id, Kpi.group_id == group_id)
        )
        return _kpi(row) if row else None

    async def of_entry(self, group_id: int, entry_id: int | None) -> list[KpiView]:
        """The indicators in force of a project (or, with None, of the Plan), oldest first."""
        where = Kpi.entry_id.is_(None) if entry_id is None else Kpi.entry_id == entry_id
        rows = await self.session.scalars(
            select(Kpi)
            .where(Kpi.group_id == group_id, where, Kpi.archived_at.is_(None))
            .order_by(Kpi.id)
        )
        return [_kpi(r) for r in rows]

    async def of_entries(self, group_id: int, entry_ids: list[int]) -> list[KpiView]:
        if not entry_ids:
            return []
        rows = await self.session.scalars(
            select(Kpi)
            .where(
                Kpi.group_id == group_id,
                Kpi.entry_id.in_(entry_ids),
                Kpi.archived_at.is_(None),
            )
            .order_by(Kpi.entry_id, Kpi.id)
        )
        return [_kpi(r) for r in rows]

    async def in_force(self, group_id: int) -> list[KpiView]:
        """Every indicator in force of the group, the Plan's first, then by project."""
        rows = await self.session.scalars(
            select(Kpi)
            .where(Kpi.group_id == group_id, Kpi.archived_at.is_(None))
            .order_by(Kpi.entry_id.is_not(None), Kpi.entry_id, Kpi.id)
        )
        return [_kpi(r) for r in rows]

    async def add_value(self, **values: Any) -> int:
        row = KpiValue(**values)
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def values(self, kpi_id: int, limit: int | None = None) -> list[ValueView]:
        """Measured values, the latest (by the day measured, then by entry) first."""
        query = (
            select(KpiValue, func.coalesce(Person.full_name, Person.telegram_name))
            .outerjoin(Person, Person.id == KpiValue.entered_by)
            .where(KpiValue.kpi_id == kpi_id)
            .order_by(KpiValue.measured_on.desc(), KpiValue.id.desc())
        )
        if limit is not None:
            query = query.limit(limit)
        rows = await self.session.execute(query)
        return [
            ValueView(
                id=v.id,
                kpi_id=v.kpi_id,
                value=v.value,
                measured_on=v.measured_on,
                source=v.source,
                cycle_id=v.cycle_id,
                entered_by=v.entered_by,
                entered_by_name=name,
                entered_at=v.entered_at,
            )
            for v, name in rows.all()
        ]

    async def latest(self, kpi_id: int) -> ValueView | None:
        found = await self.values(kpi_id, limit=1)
        return found[0] if found else None
