"""Which group an object of a meeting belongs to: the working group or a subgroup (cl. 10)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import GroupView
from storage.models import AgendaItem, Disagreement, Meeting, Protocol, WorkingGroup
from storage.repositories.roster import group_view


class GroupScopeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_meeting(self, meeting_id: int) -> GroupView | None:
        row = await self.session.scalar(
            select(WorkingGroup)
            .join(Meeting, Meeting.group_id == WorkingGroup.id)
            .where(Meeting.id == meeting_id)
        )
        return group_view(row) if row else None

    async def of_item(self, item_id: int) -> GroupView | None:
        meeting_id = await self.session.scalar(
            select(AgendaItem.meeting_id).where(AgendaItem.id == item_id)
        )
        return await self.of_meeting(meeting_id) if meeting_id is not None else None

    async def of_protocol(self, protocol_id: int) -> GroupView | None:
        meeting_id = await self.session.scalar(
            select(Protocol.meeting_id).where(Protocol.id == protocol_id)
        )
        return await self.of_meeting(meeting_id) if meeting_id is not None else None

    async def of_disagreement(self, disagreement_id: int) -> GroupView | None:
        protocol_id = await self.session.scalar(
            select(Disagreement.protocol_id).where(Disagreement.id == disagreement_id)
        )
        return await self.of_protocol(protocol_id) if protocol_id is not None else None

    async def of_group(self, group_id: int) -> GroupView | None:
        row = await self.session.get(WorkingGroup, group_id)
        return group_view(row) if row else None

    async def labels(self, group_ids: set[int]) -> dict[int, GroupView]:
        """The subgroups among these groups, to name them on cards."""
        if not group_ids:
            return {}
        rows = await self.session.scalars(
            select(WorkingGroup).where(
                WorkingGroup.id.in_(group_ids), WorkingGroup.parent_id.is_not(None)
            )
        )
        return {row.id: group_view(row) for row in rows}
