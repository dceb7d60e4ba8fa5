"""A task's changes (cl. 4 д–е, 14): extensions and cancellation with the decision or the
chair's reason behind them, and the secretariat's verdicts on completion reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.protocol import protocol_number
from storage import upsert
from storage.models import Protocol, TaskChange


@dataclass(frozen=True, slots=True)
class TaskChangeView:
    id: int
    task_id: int
    kind: str
    old_deadline: date | None
    new_deadline: date | None
    protocol_id: int | None
    # The protocol's number as its card shows it, when a decision is named.
    protocol_number: str | None
    item_number: int | None
    reason: str | None
    report_at: datetime | None
    report_text: str | None
    by_id: int | None
    at: datetime


def _view(row: TaskChange, protocol: Protocol | None) -> TaskChangeView:
    return TaskChangeView(
        id=row.id,
        task_id=row.task_id,
        kind=row.kind,
        old_deadline=row.old_deadline,
        new_deadline=row.new_deadline,
        protocol_id=row.protocol_id,
        protocol_number=(
            protocol_number(protocol.sequence, protocol.year, protocol.series)
            if protocol is not None
            else None
        ),
        item_number=row.item_number,
        reason=row.reason,
        report_at=row.report_at,
        report_text=row.report_text,
        by_id=row.by_id,
        at=row.at,
    )


class TaskChangeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, **values: Any) -> int:
        row = TaskChange(**values)
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def add_verdict(self, **values: Any) -> bool:
        """A verdict on one completion report (its `report_at`); False when that report
        already has one, and nothing is written."""
        result = await self.session.execute(
            upsert.insert(self.session, TaskChange)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["task_id", "report_at"])
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def history(self, task_id: int) -> list[TaskChangeView]:
        rows = await self.session.execute(
            select(TaskChange, Protocol)
            .outerjoin(Protocol, Protocol.id == TaskChange.protocol_id)
            .where(TaskChange.task_id == task_id)
            .order_by(TaskChange.at, TaskChange.id)
        )
        return [_view(change, protocol) for change, protocol in rows.all()]

    async def accepted(self, task_id: int, report_at: datetime | None) -> bool:
        """Whether the report made at `report_at` was accepted."""
        if report_at is None:
            return False
        found = await self.session.scalar(
            select(TaskChange.id).where(
                TaskChange.task_id == task_id,
                TaskChange.report_at == report_at,
                TaskChange.kind == "accept",
            )
        )
        return found is not None
