"""Protocols, their versions, the members' answers and disagreements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.protocol import protocol_number
from storage.models import Disagreement, Meeting, Protocol, ProtocolAnswer, ProtocolVersion
from storage.repositories.locking import for_update


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
    series: str = "regular"
    document_file_id: int | None = None
    snapshot: dict[str, Any] | None = None

    @property
    def number(self) -> str:
        return protocol_number(self.sequence, self.year, self.series)


@dataclass(frozen=True, slots=True)
class VersionView:
    number: int
    items: dict[str, Any]
    sha256: str
    created_at: datetime
    created_by: int | None = None  # the Telegram id of who saved it


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    """What the protocol states of its meeting beyond the card's facts (cl. 12, 14)."""

    extraordinary: bool
    composition_total: int | None
    opened_at: datetime | None
    closed_at: datetime | None


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
    resolved_at: datetime | None = None
    resolved_by_person_id: int | None = None
    resolved_version: int | None = None


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
        series=p.series,
        document_file_id=p.document_file_id,
        snapshot=dict(p.snapshot) if p.snapshot is not None else None,
    )


class ProtocolRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_meeting(self, meeting_id: int) -> ProtocolView | None:
        row = await self.session.scalar(select(Protocol).where(Protocol.meeting_id == meeting_id))
        return _protocol(row) if row else None

    async def get(self, protocol_id: int, *, lock: bool = False) -> ProtocolView | None:
        """``lock``: the row is locked until the transaction ends (a state transition)."""
        if not lock:
            row = await self.session.get(Protocol, protocol_id)
        else:
            row = await self.session.scalar(
                for_update(select(Protocol).where(Protocol.id == protocol_id))
            )
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

    async def by_broadcast(self, broadcast_id: int) -> ProtocolView | None:
        row = await self.session.scalar(
            select(Protocol).where(Protocol.broadcast_id == broadcast_id)
        )
        return _protocol(row) if row else None

    async def distribution_group(self, broadcast_id: int) -> int | None:
        """The group whose protocol this broadcast distributed, if it is a distribution."""
        return await self.session.scalar(
            select(Meeting.group_id)
            .join(Protocol, Protocol.meeting_id == Meeting.id)
            .where(Protocol.broadcast_id == broadcast_id)
        )

    async def add(
        self,
        meeting_id: int,
        year: int,
        now: datetime,
        *,
        group_id: int | None = None,
        series: str = "regular",
    ) -> ProtocolView:
        """The next number of the group's series for that year: each series is gapless."""
        query = select(func.coalesce(func.max(Protocol.sequence), 0)).where(
            Protocol.year == year, Protocol.series == series
        )
        if group_id is not None:
            query = query.join(Meeting, Meeting.id == Protocol.meeting_id).where(
                Meeting.group_id == group_id
            )
        sequence = int(await self.session.scalar(query) or 0) + 1
        row = Protocol(
            meeting_id=meeting_id,
            year=year,
            sequence=sequence,
            status="draft",
            current_version=0,
            created_at=now,
            series=series,
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
        return VersionView(row.number, dict(row.items), row.sha256, row.created_at, row.created_by)

    async def meeting_record(self, meeting_id: int) -> MeetingRecord:
        row = await self.session.get(Meeting, meeting_id)
        assert row is not None
        return MeetingRecord(
            extraordinary=bool(row.extraordinary),
            composition_total=row.composition_total,
            opened_at=row.opened_at,
            closed_at=row.closed_at,
        )

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
                d.resolved_at,
                d.resolved_by_person_id,
                d.resolved_version,
            )
            for d, person in rows.all()
        ]

    async def disagreement(
        self, disagreement_id: int, *, lock: bool = False
    ) -> DisagreementView | None:
        """``lock``: the row is locked until the transaction ends (a state transition)."""
        if not lock:
            row = await self.session.get(Disagreement, disagreement_id)
        else:
            row = await self.session.scalar(
                for_update(select(Disagreement).where(Disagreement.id == disagreement_id))
            )
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
