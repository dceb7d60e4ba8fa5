"""The append-only audit log: inserts and reads, never updates or deletes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


@dataclass(frozen=True, slots=True)
class AuditView:
    at: datetime
    actor_telegram_id: int | None
    action: str
    object_type: str
    object_id: int | None
    details: dict[str, Any]
    update_id: int | None


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        *,
        at: datetime,
        group_id: int | None,
        actor_telegram_id: int | None,
        actor_person_id: int | None,
        action: str,
        object_type: str,
        object_id: int | None,
        details: dict[str, Any] | None = None,
    ) -> None:
        # The update being handled is known to the session (set by the update middleware),
        # so callers cannot forget it.
        update_id = self.session.info.get("update_id")
        self.session.add(
            AuditEntry(
                at=at,
                group_id=group_id,
                actor_telegram_id=actor_telegram_id,
                actor_person_id=actor_person_id,
                action=action,
                object_type=object_type,
                object_id=object_id,
                details=details or {},
                update_id=update_id,
            )
        )

    async def actors(self, object_type: str, object_id: int, actions: Sequence[str]) -> list[int]:
        """The people (person ids) who did one of `actions` to the object, earliest first."""
        rows = await self.session.scalars(
            select(AuditEntry.actor_person_id)
            .where(
                AuditEntry.object_type == object_type,
                AuditEntry.object_id == object_id,
                AuditEntry.action.in_(actions),
                AuditEntry.actor_person_id.is_not(None),
            )
            .order_by(AuditEntry.id)
        )
        return [person for person in rows if person is not None]

    async def record_many(self, entries: list[dict[str, Any]]) -> None:
        """Several entries in one statement (a batch of votes): each dict has the fields of
        ``record`` and its own ``update_id``. No ids are read back, so the driver sends
        them as one batch instead of one INSERT each."""
        if entries:
            await self.session.execute(
                insert(AuditEntry), [{"details": {}} | entry for entry in entries]
            )

    async def latest(self, limit: int = 50) -> list[AuditView]:
        rows = await self.session.scalars(
            select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        )
        return [
            AuditView(
                at=r.at,
                actor_telegram_id=r.actor_telegram_id,
                action=r.action,
                object_type=r.object_type,
                object_id=r.object_id,
                details=r.details,
                update_id=r.update_id,
            )
            for r in rows
        ]
