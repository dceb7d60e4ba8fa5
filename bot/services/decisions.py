"""The group's decisions: the decided items of its signed protocols (cl. 14: only a signed
protocol records a decision). Registers, document versions, subgroups, delegations and task
changes name one as their basis; they all find and check it here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from storage.repositories.meetings import MeetingRepository
from storage.repositories.protocols import ProtocolRepository

SIGNED = "signed"


@dataclass(frozen=True, slots=True)
class SignedDecision:
    """«Протокол № 1/2026 от 5 декабря 2026 г., пункт 2»: what was decided under that item."""

    protocol_id: int
    protocol_number: str
    held_at: datetime
    item_number: int
    text: str


class DecisionProblem(StrEnum):
    # Not a protocol of this group (a forged or stale button).
    UNKNOWN = "unknown"
    NOT_SIGNED = "not_signed"
    NO_ITEM = "no_item"


class DecisionError(Exception):
    def __init__(self, problem: DecisionProblem, protocol_number: str = "") -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.protocol_number = protocol_number


class DecisionBook:
    """Reads inside the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.protocols = ProtocolRepository(session)
        self.meetings = MeetingRepository(session)

    async def signed(self, group_id: int) -> list[SignedDecision]:
        """Every decided item of the group's signed protocols, the newest protocol first."""
        found: list[SignedDecision] = []
        meetings = {m.id: m for m in await self.meetings.listing(group_id, limit=500)}
        for protocol in await self.protocols.listing(list(meetings)):
            if protocol.status != SIGNED:
                continue
            version = await self.protocols.version(protocol.id, protocol.current_version)
            if version is None:
                continue
            meeting = meetings[protocol.meeting_id]
            held = meeting.opened_at or meeting.starts_at
            for key in sorted(version.items, key=int):
                text = str(version.items[key].get("decided") or "")
                found.append(SignedDecision(protocol.id, protocol.number, held, int(key), text))
        return found

    async def find(self, group_id: int, protocol_id: int, item_number: int) -> SignedDecision:
        """The decision named by a button: raises DecisionError saying what is wrong with it."""
        protocol = await self.protocols.get(protocol_id) if protocol_id > 0 else None
        meeting = None
        if protocol is not None:
            meeting = await self.meetings.get(group_id, protocol.meeting_id)
        if protocol is None or meeting is None:
            raise DecisionError(DecisionProblem.UNKNOWN)
        if protocol.status != SIGNED:
            raise DecisionError(DecisionProblem.NOT_SIGNED, protocol.number)
        version = await self.protocols.version(protocol.id, protocol.current_version)
        if version is None or str(item_number) not in version.items:
            raise DecisionError(DecisionProblem.NO_ITEM, protocol.number)
        text = str(version.items[str(item_number)].get("decided") or "")
        held = meeting.opened_at or meeting.starts_at
        return SignedDecision(protocol.id, protocol.number, held, item_number, text)
