"""A signed decision of the working group written straight into the database: a protocol
with its decided items, for tests about what a decision forms or approves (subgroups,
document versions) rather than about protocols."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from storage.db import Database
from storage.models import Meeting, Protocol, ProtocolVersion, WorkingGroup
from tests.conftest import ADMIN_ID


async def insert_protocol(
    db: Database,
    now: datetime,
    decided: list[str],
    *,
    status: str = "signed",
    sequence: int = 7,
) -> int:
    """A protocol № {sequence}/2026 of a meeting held the day before `now`, written straight
    into the database (much quicker than holding a meeting); returns its id."""
    async with db.session() as s, s.begin():
        group_id = await s.scalar(
            select(WorkingGroup.id)
            .where(WorkingGroup.parent_id.is_(None))
            .order_by(WorkingGroup.id)
        )
        assert group_id is not None
        meeting = Meeting(
            group_id=group_id,
            title="Заседание",
            format="in_person",
            place="Зал",
            starts_at=now - timedelta(days=1),
            status="closed",
            checkin_token=f"decision-{sequence}",
            created_by=ADMIN_ID,
            created_at=now,
            closed_at=now,
        )
        s.add(meeting)
        await s.flush()
        protocol = Protocol(
            meeting_id=meeting.id,
            year=2026,
            sequence=sequence,
            status=status,
            current_version=1,
            signed_at=now if status == "signed" else None,
            created_at=now,
        )
        s.add(protocol)
        await s.flush()
        items = {
            str(n): {"heard": "", "spoke": "", "decided": text, "tasks": []}
            for n, text in enumerate(decided, start=1)
        }
        s.add(
            ProtocolVersion(
                protocol_id=protocol.id,
                number=1,
                items=items,
                canonical="",
                sha256="0" * 64,
                created_by=ADMIN_ID,
                created_at=now,
            )
        )
        return protocol.id
