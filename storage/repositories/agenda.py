"""Agenda items and the votes on additional items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.agenda import Tally
from storage.models import AgendaItem, Attendance, Meeting, Vote


@dataclass(frozen=True, slots=True)
class ItemView:
    id: int
    meeting_id: int
    position: int
    title: str
    speaker: str | None
    description: str | None
    document: dict[str, Any] | None
    source: str
    status: str
    proposed_by: int | None
    reject_reason: str | None
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    present_at_close: int | None
    basis: str | None


def _view(i: AgendaItem) -> ItemView:
    return ItemView(
        id=i.id,
        meeting_id=i.meeting_id,
        position=i.position,
        title=i.title,
        speaker=i.speaker,
        description=i.description,
        document=i.document,
        source=i.source,
        status=i.status,
        proposed_by=i.proposed_by,
        reject_reason=i.reject_reason,
        votes_for=i.votes_for,
        votes_against=i.votes_against,
        votes_abstain=i.votes_abstain,
        present_at_close=i.present_at_close,
        basis=i.basis,
    )


class AgendaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def items(self, meeting_id: int) -> list[ItemView]:
        rows = await self.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
        return [_view(r) for r in rows]

    async def item(self, item_id: int) -> ItemView | None:
        row = await self.session.get(AgendaItem, item_id)
        return _view(row) if row else None

    async def next_position(self, meeting_id: int) -> int:
        found = await self.session.scalar(
            select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)
        )
        return int(found or 0) + 1

    async def add(self, **values: Any) -> ItemView:
        row = AgendaItem(**values)
        self.session.add(row)
        await self.session.flush()
        return _view(row)

    async def update(self, item_id: int, **values: Any) -> None:
        await self.session.execute(
            update(AgendaItem).where(AgendaItem.id == item_id).values(**values)
        )

    async def bump_version(self, meeting_id: int, **values: Any) -> int:
        await self.session.execute(
            update(Meeting)
            .where(Meeting.id == meeting_id)
            .values(agenda_version=Meeting.agenda_version + 1, **values)
        )
        version = await self.session.scalar(
            select(Meeting.agenda_version).where(Meeting.id == meeting_id)
        )
        return int(version or 0)

    async def agenda_state(self, meeting_id: int) -> tuple[int, datetime | None]:
        row = (
            await self.session.execute(
                select(Meeting.agenda_version, Meeting.agenda_approved_at).where(
                    Meeting.id == meeting_id
                )
            )
        ).one()
        return int(row[0]), row[1]

    async def set_vote(self, item_id: int, person_id: int, choice: str, now: datetime) -> None:
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(Vote).values(item_id=item_id, person_id=person_id, choice=choice, at=now)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["item_id", "person_id"], set_={"choice": choice, "at": now}
            )
        )

    async def votes(self, item_id: int) -> dict[int, str]:
        rows = await self.session.execute(
            select(Vote.person_id, Vote.choice).where(Vote.item_id == item_id)
        )
        return {person: choice for person, choice in rows.all()}

    async def tally_present(self, item_id: int, meeting_id: int) -> Tally:
        """Votes of the members present now, and how many are present (cl. 13)."""
        present = int(
            await self.session.scalar(
                select(func.count())
                .select_from(Attendance)
                .where(Attendance.meeting_id == meeting_id, Attendance.left_at.is_(None))
            )
            or 0
        )
        rows = await self.session.execute(
            select(Vote.choice, func.count())
            .join(
                Attendance,
                (Attendance.person_id == Vote.person_id)
                & (Attendance.meeting_id == meeting_id)
                & Attendance.left_at.is_(None),
            )
            .where(Vote.item_id == item_id)
            .group_by(Vote.choice)
        )
        counts = {choice: int(n) for choice, n in rows.all()}
        return Tally(
            present, counts.get("for", 0), counts.get("against", 0), counts.get("abstain", 0)
        )

    async def voting_meetings(self) -> list[int]:
        rows = await self.session.scalars(
            select(AgendaItem.meeting_id).where(AgendaItem.status == "voting").distinct()
        )
        return list(rows)
