"""Tasks set by decisions of signed protocols (cl. 4 д–е), with the protocol they came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Protocol, Task


@dataclass(frozen=True, slots=True)
class TaskView:
    id: int
    group_id: int
    protocol_id: int
    protocol_number: str
    item_number: int
    text: str
    owner: str
    owner_person_id: int | None
    owner_unit_id: int | None
    deadline: date | None
    status: str
    created_at: datetime
    done_at: datetime | None
    done_by: int | None
    report_text: str | None
    report_document: dict[str, Any] | None


def _view(row: Task, year: int, sequence: int) -> TaskView:
    return TaskView(
        id=row.id,
        group_id=row.group_id,
        protocol_id=row.protocol_id,
        # The protocol's number as its card shows it (ProtocolView.number).
        protocol_number=f"{sequence}/{year}",
        item_number=row.item_number,
        text=row.text,
        owner=row.owner,
        owner_person_id=row.owner_person_id,
        owner_unit_id=row.owner_unit_id,
        deadline=row.deadline,
        status=row.status,
        created_at=row.created_at,
        done_at=row.done_at,
        done_by=row.done_by,
        report_text=row.report_text,
        report_document=dict(row.report_document) if row.report_document else None,
    )


class TaskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def _query(group_id: int) -> Select[Task, int, int]:
        return (
            select(Task, Protocol.year, Protocol.sequence)
            .join(Protocol, Protocol.id == Task.protocol_id)
            .where(Task.group_id == group_id)
        )

    async def add(self, **values: Any) -> int:
        row = Task(**values)
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def get(self, group_id: int, task_id: int) -> TaskView | None:
        found = (
            await self.session.execute(self._query(group_id).where(Task.id == task_id))
        ).first()
        return _view(*found) if found else None

    async def listing(self, group_id: int) -> list[TaskView]:
        rows = await self.session.execute(self._query(group_id).order_by(Task.id))
        return [_view(task, year, sequence) for task, year, sequence in rows.all()]

    async def set_owner(self, task_id: int, person_id: int | None, unit_id: int | None) -> None:
        await self.session.execute(
            update(Task)
            .where(Task.id == task_id)
            .values(owner_person_id=person_id, owner_unit_id=unit_id)
        )

    async def complete(
        self,
        task_id: int,
        *,
        done_by: int,
        done_at: datetime,
        report_text: str,
        report_document: dict[str, Any] | None,
    ) -> bool:
        """Marks an open task done; False when it was not open any more (a second report,
        or a double tap racing the first), so that nothing is overwritten."""
        result = await self.session.execute(
            update(Task)
            .where(Task.id == task_id, Task.status == "open")
            .values(
                status="done",
                done_by=done_by,
                done_at=done_at,
                report_text=report_text,
                report_document=report_document,
            )
            .returning(Task.id)
        )
        return result.scalar() is not None

    # Tasks decided again (cl. 4 д–е, 14): each change applies only to a task still in the
    # state the service checked, so a race changes nothing twice.
    async def set_deadline(self, task_id: int, deadline: date) -> bool:
        result = await self.session.execute(
            update(Task)
            .where(Task.id == task_id, Task.status == "open")
            .values(deadline=deadline)
            .returning(Task.id)
        )
        return result.scalar() is not None

    async def cancel(self, task_id: int) -> bool:
        result = await self.session.execute(
            update(Task)
            .where(Task.id == task_id, Task.status == "open")
            .values(status="cancelled")
            .returning(Task.id)
        )
        return result.scalar() is not None

    async def reopen(self, task_id: int) -> bool:
        """A returned completion report: the task is open again and its report is cleared
        (the change row keeps it)."""
        result = await self.session.execute(
            update(Task)
            .where(Task.id == task_id, Task.status == "done")
            .values(
                status="open", done_at=None, done_by=None, report_text=None, report_document=None
            )
            .returning(Task.id)
        )
        return result.scalar() is not None
