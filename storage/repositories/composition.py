"""Acts approving and changing the composition of a group (cl. 9)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import roster_changed
from storage.dto import CompositionActView
from storage.models import CompositionAct, Membership
from storage.repositories.roster import act_view


class CompositionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def acts(self, group_id: int) -> list[CompositionActView]:
        """Newest first (by date; the undated initial act last), with how many people each
        included and removed."""
        included = (
            select(Membership.act_id, func.count().label("n"))
            .where(Membership.group_id == group_id, Membership.act_id.is_not(None))
            .group_by(Membership.act_id)
            .subquery()
        )
        removed = (
            select(Membership.end_act_id, func.count().label("n"))
            .where(Membership.group_id == group_id, Membership.end_act_id.is_not(None))
            .group_by(Membership.end_act_id)
            .subquery()
        )
        rows = await self.session.execute(
            select(
                CompositionAct,
                func.coalesce(included.c.n, 0),
                func.coalesce(removed.c.n, 0),
            )
            .outerjoin(included, included.c.act_id == CompositionAct.id)
            .outerjoin(removed, removed.c.end_act_id == CompositionAct.id)
            .where(CompositionAct.group_id == group_id)
        )
        found = [act_view(a, int(i), int(r)) for a, i, r in rows.all()]
        return sorted(
            found,
            key=lambda a: (a.signed_on is not None, a.signed_on or date.min, a.id),
            reverse=True,
        )

    async def act(self, group_id: int, act_id: int) -> CompositionActView | None:
        for act in await self.acts(group_id):
            if act.id == act_id:
                return act
        return None

    async def add(
        self,
        *,
        group_id: int,
        kind: str,
        number: str,
        signed_on: date,
        document: dict[str, Any] | None,
        created_by: int,
        now: datetime,
    ) -> int:
        row = CompositionAct(
            group_id=group_id,
            kind=kind,
            number=number,
            signed_on=signed_on,
            document=document,
            created_by=created_by,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def update(
        self,
        act_id: int,
        *,
        kind: str,
        number: str,
        signed_on: date,
        document: dict[str, Any] | None,
    ) -> None:
        # Member cards show the act that included them, and the listing is cached.
        roster_changed(self.session)
        await self.session.execute(
            update(CompositionAct)
            .where(CompositionAct.id == act_id)
            .values(kind=kind, number=number, signed_on=signed_on, document=document)
        )
