"""Expert groups and project committees (cl. 10): whom a person's subgroups are, and their
dissolution. Groups, memberships and invites themselves go through the roster and invite
repositories."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from storage.db import roster_changed
from storage.dto import GroupView
from storage.models import Membership, WorkingGroup
from storage.repositories.roster import group_view


class SubgroupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_person(self, parent_id: int, person_id: int) -> list[tuple[GroupView, Role]]:
        """The subgroups (not dissolved) of the group where the person holds a current
        membership, oldest first, with their role in each."""
        rows = await self.session.execute(
            select(WorkingGroup, Membership.role)
            .join(Membership, Membership.group_id == WorkingGroup.id)
            .where(
                WorkingGroup.parent_id == parent_id,
                WorkingGroup.dissolved_at.is_(None),
                Membership.person_id == person_id,
                Membership.ended_at.is_(None),
            )
            .order_by(WorkingGroup.id)
        )
        return [(group_view(group), Role(role)) for group, role in rows.all()]

    async def dissolve(self, group_id: int, now: datetime) -> bool:
        """Marks the subgroup dissolved; False when it was already."""
        roster_changed(self.session)
        result = await self.session.execute(
            update(WorkingGroup)
            .where(WorkingGroup.id == group_id, WorkingGroup.dissolved_at.is_(None))
            .values(dissolved_at=now)
        )
        return bool(getattr(result, "rowcount", 0))
