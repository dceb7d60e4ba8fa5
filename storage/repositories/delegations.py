"""Delegations to outside events and their delegates (cl. 16 б)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delegation, DelegationDelegate, DueTask


@dataclass(frozen=True, slots=True)
class DelegationView:
    id: int
    group_id: int
    title: str
    organiser: str
    place: str
    topic: str
    event_day: date
    event_at: datetime | None
    protocol_id: int | None
    item_number: int | None
    status: str
    plan: int
    report_text: str | None
    report_document: dict[str, Any] | None
    reported_by: int | None
    reported_at: datetime | None
    offered_at: datetime | None
    created_at: datetime
    # Person ids of the delegates, in the order they were chosen.
    delegates: tuple[int, ...] = ()

    @property
    def reported(self) -> bool:
        return self.reported_at is not None


def _view(row: Delegation, delegates: tuple[int, ...]) -> DelegationView:
    return DelegationView(
        id=row.id,
        group_id=row.group_id,
        title=row.title,
        organiser=row.organiser,
        place=row.place,
        topic=row.topic,
        event_day=row.event_day,
        event_at=row.event_at,
        protocol_id=row.protocol_id,
        item_number=row.item_number,
        status=row.status,
        plan=row.plan,
        report_text=row.report_text,
        report_document=dict(row.report_document) if row.report_document else None,
        reported_by=row.reported_by,
        reported_at=row.reported_at,
        offered_at=row.offered_at,
        created_at=row.created_at,
        delegates=delegates,
    )


def due_key_prefix(delegation_id: int) -> str:
    """Every due row of a delegation has a key starting so: `delegation:{id}:`."""
    return f"delegation:{delegation_id}:"


class DelegationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, delegates: list[int], **values: Any) -> int:
        row = Delegation(**values)
        self.session.add(row)
        await self.session.flush()
        self.session.add_all(
            DelegationDelegate(delegation_id=row.id, person_id=p, position=n)
            for n, p in enumerate(delegates)
        )
        await self.session.flush()
        return row.id

    async def _delegates(self, ids: list[int]) -> dict[int, tuple[int, ...]]:
        if not ids:
            return {}
        rows = await self.session.execute(
            select(DelegationDelegate.delegation_id, DelegationDelegate.person_id)
            .where(DelegationDelegate.delegation_id.in_(ids))
            .order_by(DelegationDelegate.delegation_id, DelegationDelegate.position)
        )
        found: dict[int, list[int]] = {}
        for delegation_id, person_id in rows:
            found.setdefault(delegation_id, []).append(person_id)
        return {k: tuple(v) for k, v in found.items()}

    async def get(self, group_id: int, delegation_id: int) -> DelegationView | None:
        row = await self.session.scalar(
            select(Delegation).where(
                Delegation.id == delegation_id, Delegation.group_id == group_id
            )
        )
        if row is None:
            return None
        return _view(row, (await self._delegates([row.id])).get(row.id, ()))

    async def listing(self, group_id: int) -> list[DelegationView]:
        rows = list(
            await self.session.scalars(
                select(Delegation)
                .where(Delegation.group_id == group_id)
                .order_by(Delegation.event_day, Delegation.id)
            )
        )
        delegates = await self._delegates([r.id for r in rows])
        return [_view(r, delegates.get(r.id, ())) for r in rows]

    async def update(self, delegation_id: int, **values: Any) -> None:
        await self.session.execute(
            update(Delegation).where(Delegation.id == delegation_id).values(**values)
        )

    async def report(self, delegation_id: int, **values: Any) -> bool:
        """Records the report back unless one was recorded already; True when this one was."""
        result = await self.session.execute(
            update(Delegation)
            .where(Delegation.id == delegation_id, Delegation.reported_at.is_(None))
            .values(**values)
        )
        return bool(getattr(result, "rowcount", 0))

    async def cancel_follow_ups(self, delegation_id: int, now: datetime) -> None:
        """The pending asks, reminders and escalation of the delegation are dropped."""
        await self.session.execute(
            update(DueTask)
            .where(
                DueTask.key.startswith(due_key_prefix(delegation_id), autoescape=True),
                DueTask.status == "pending",
            )
            .values(status="cancelled", done_at=now)
        )
