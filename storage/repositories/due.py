"""Due tasks: what the scheduler must do and when, claimed by the ticker's jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import upsert
from storage.models import DueTask


@dataclass(frozen=True, slots=True)
class DueView:
    id: int
    key: str
    kind: str
    group_id: int
    meeting_id: int | None
    due_at: datetime
    payload: dict[str, Any]


class DueRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, values: list[dict[str, Any]]) -> None:
        """New tasks; a key that exists already is left alone (planning twice is harmless)."""
        if not values:
            return
        await self.session.execute(
            upsert.insert(self.session, DueTask)
            .values(values)
            .on_conflict_do_nothing(index_elements=["key"])
        )

    async def any_due(self, now: datetime) -> bool:
        found = await self.session.scalar(
            select(DueTask.id).where(DueTask.status == "pending", DueTask.due_at <= now).limit(1)
        )
        return found is not None

    async def claim_due(self, now: datetime, limit: int) -> list[DueView]:
        query = (
            select(DueTask)
            .where(DueTask.status == "pending", DueTask.due_at <= now)
            .order_by(DueTask.due_at, DueTask.id)
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list(await self.session.scalars(query))
        return [
            DueView(r.id, r.key, r.kind, r.group_id, r.meeting_id, r.due_at, dict(r.payload))
            for r in rows
        ]

    async def finish(self, task_id: int, status: str, now: datetime, note: str | None) -> None:
        await self.session.execute(
            update(DueTask)
            .where(DueTask.id == task_id)
            .values(status=status, done_at=now, note=note)
        )

    async def reschedule(self, task_id: int, due_at: datetime, note: str | None = None) -> None:
        """The task pending again, due at `due_at` (a lease while its work is under way, or
        a retry), with the reason in its note."""
        await self.session.execute(
            update(DueTask)
            .where(DueTask.id == task_id)
            .values(status="pending", due_at=due_at, note=note)
        )

    async def cancel_for_meeting(self, meeting_id: int, now: datetime) -> None:
        await self.session.execute(
            update(DueTask)
            .where(DueTask.meeting_id == meeting_id, DueTask.status == "pending")
            .values(status="cancelled", done_at=now)
        )

    async def pending_count(self) -> int:
        found = await self.session.scalar(
            select(func.count()).select_from(DueTask).where(DueTask.status == "pending")
        )
        return int(found or 0)
