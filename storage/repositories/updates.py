"""Telegram update ids that were handled, for exactly-once effects of redelivered updates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdate


class UpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def seen(self, update_id: int) -> bool:
        found = await self.session.scalar(
            select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id)
        )
        return found is not None

    async def highest(self) -> int:
        found = await self.session.scalar(select(func.max(ProcessedUpdate.update_id)))
        return int(found or 0)

    async def mark(self, update_id: int, now: datetime) -> None:
        self.session.add(ProcessedUpdate(update_id=update_id, handled_at=now))

    async def prune(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.handled_at < before)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
