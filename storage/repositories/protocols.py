"""Protocols, their versions, the members' answers and disagreements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Disagreement, Protocol, ProtocolAnswer, ProtocolVersion


@dataclass(frozen=True, slots=True)
class ProtocolView:
    id: int
    meeting_id: int
    year: int
    sequence: int
    status: str
    current_version: int
    consent_requested_at: datetime | None
    signed_at: datetime | None
    signed_by: int | None
    broadcast_id: int | None

    @property
    def number(self) -> str:
        return f"{self.sequence}/{self.year}"


@dataclass(frozen=True, slots=True)
class VersionView:
    number: int
    items: dict[str, Any]
    sha256: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AnswerView:
    id: int
    version: int
    person_id: int
    kind: str
    mode: str | None
    item_number: int | None
    reason: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class DisagreementView:
    id: int
    protocol_id: int
    person_id: int
    item_number: int
    reason: str
    status: str
    conciliation_meeting_id: int | None


def _protocol(p: Protocol) -> ProtocolView:
    return ProtocolView(
        id=p.id,
        meeting_id=p.meeting_id,
        year=p.year,
        sequence=p.sequence,
        status=p.status,
        current_version=p.current_version,
        consent_requested_at=p.consent_requested_at,
        signed_at=p.signed_at,
        signed_by=p.signed_by,
        broadcast_id=p.broadcast_id,
    )


class ProtocolRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_meeting(self, meeting_id: int) -> ProtocolView | None:
        row = await self.session.scalar(select(Protocol).where(Protocol.meeting_id == meeting_id))
        return _protocol(row) if row else None

    async def get(self, protocol_id: int) -> ProtocolView | None:
        row = await self.session.get(Protocol, protocol_id)
        return _protocol(row) if row else None

    async def listing(self, meeting_ids: list[int]) -> list[ProtocolView]:
        if not meeting_ids:
            return []
        rows = await self.session.scalars(
            select(Protocol)
            .where(Protocol.meeting_id.in_(meeting_ids))
            .order_by(Protocol.id.desc())
        )
        return [_protocol(r) for r in rows]

    async def add(self, meeting_id: int, year: int, now: datetime) -> ProtocolView:
        sequence = (
            int(
                await self.session.scalar(
                    select(func.coalesce(func.max(Protocol.sequence), 0)).where(
                        Protocol.year == year
                    )
                )
                or 0
            )
            + 1
        )
        row = Protocol(
            meeting_id=meeting_id,
            year=year,
            sequence=sequence,
            status="draft",
            current_version=0,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return _protocol(row)

    async def update(self, protocol_id: int, **values: Any) -> None:
        await self.session.execute(
            update(Protocol).where(Protocol.id == protocol_id).values(**values)
        )

    async def add_version(self, **values: Any) -> None:
        self.session.add(ProtocolVersion(**values))
        await self.session.flush()

    async def version(self, protocol_id: int, number: int) -> VersionView | None:
        row = await self.session.scalar(
            select(ProtocolVersion).where(
                ProtocolVersion.protocol_id == protocol_id, ProtocolVersion.number == number
            )
        )
        if row is None:
            return None
        return VersionView(row.number, dict(row.items), row.sha256, row.created_at)

    async def add_answer(self, **values: Any) -> int:
        row = ProtocolAnswer(**values)
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def answers(self, protocol_id: int) -> list[AnswerView]:
        rows = await self.session.scalars(
            select(ProtocolAnswer)
            .where(ProtocolAnswer.protocol_id == protocol_id)
            .order_by(ProtocolAnswer.id)
        )
        return [
            AnswerView(r.id, r.version, r.person_id, r.kind, r.mode, r.item_number, r.reason, r.at)
            for r in rows
        ]

    async def add_disagreement(self, **values: Any) -> int:
        row = Disagreement(**values)
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def disagreements(self, protocol_id: int) -> list[DisagreementView]:
        rows = await self.session.execute(
            select(Disagreement, ProtocolAnswer.person_id)
            .join(ProtocolAnswer, ProtocolAnswer.id == Disagreement.answer_id)
            .where(Disagreement.protocol_id == protocol_id)
            .order_by(Disagreement.id)
        )
        return [
            DisagreementView(
                d.id,
                d.protocol_id,
                person,
                d.item_number,
                d.reason,
                d.status,
                d.conciliation_meeting_id,
            )
            for d, person in rows.all()
        ]

    async def disagreement(self, disagreement_id: int) -> DisagreementView | None:
        row = await self.session.get(Disagreement, disagreement_id)
        if row is None:
            return None
        for view in await self.disagreements(row.protocol_id):
            if view.id == disagreement_id:
                return view
        return None

    async def update_disagreement(self, disagreement_id: int, **values: Any) -> None:
        await self.session.execute(
            update(Disagreement).where(Disagreement.id == disagreement_id).values(**values)
        )
