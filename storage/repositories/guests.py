"""Guests invited to one meeting (cl. 16 а)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.guests import GUEST_MEETING_STATUSES
from storage.dto import PersonView
from storage.models import Attendance, Meeting, MeetingGuest, Person
from storage.repositories.roster import person_view


@dataclass(frozen=True, slots=True)
class GuestView:
    id: int
    meeting_id: int
    code: str
    full_name: str
    created_by: int
    created_at: datetime
    used_at: datetime | None
    person_id: int | None
    revoked_at: datetime | None
    # "guest" or "specialist" (cl. 16 а, в); see bot.domain.guests.GuestCapacity.
    capacity: str = "guest"


@dataclass(frozen=True, slots=True)
class GuestContact:
    """A guest who accepted: how to reach them, and the name the inviter gave."""

    guest_id: int
    meeting_id: int
    full_name: str
    person: PersonView


def _view(row: MeetingGuest) -> GuestView:
    return GuestView(
        id=row.id,
        meeting_id=row.meeting_id,
        code=row.code,
        full_name=row.full_name,
        created_by=row.created_by,
        created_at=row.created_at,
        used_at=row.used_at,
        person_id=row.person_id,
        revoked_at=row.revoked_at,
        capacity=row.capacity,
    )


class GuestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        *,
        meeting_id: int,
        code: str,
        full_name: str,
        created_by: int,
        now: datetime,
        capacity: str = "guest",
    ) -> GuestView:
        row = MeetingGuest(
            meeting_id=meeting_id,
            code=code,
            full_name=full_name,
            created_by=created_by,
            created_at=now,
            capacity=capacity,
        )
        self.session.add(row)
        await self.session.flush()
        return _view(row)

    async def by_code(self, code: str) -> GuestView | None:
        row = await self.session.scalar(select(MeetingGuest).where(MeetingGuest.code == code))
        return _view(row) if row else None

    async def by_id(self, guest_id: int) -> GuestView | None:
        row = await self.session.get(MeetingGuest, guest_id)
        return _view(row) if row else None

    async def for_meeting(self, meeting_id: int) -> list[GuestView]:
        """Every invitation of the meeting, revoked ones too, in the order they were made."""
        rows = await self.session.scalars(
            select(MeetingGuest)
            .where(MeetingGuest.meeting_id == meeting_id)
            .order_by(MeetingGuest.id)
        )
        return [_view(r) for r in rows]

    async def is_guest(self, meeting_id: int, person_id: int) -> bool:
        found = await self.session.scalar(
            select(MeetingGuest.id).where(
                MeetingGuest.meeting_id == meeting_id,
                MeetingGuest.person_id == person_id,
                MeetingGuest.revoked_at.is_(None),
            )
        )
        return found is not None

    async def mark_used(self, guest_id: int, person_id: int, now: datetime) -> bool:
        """False when someone else used it first (two accounts opening one link at once)."""
        result = await self.session.execute(
            update(MeetingGuest)
            .where(
                MeetingGuest.id == guest_id,
                MeetingGuest.used_at.is_(None),
                MeetingGuest.revoked_at.is_(None),
            )
            .values(used_at=now, person_id=person_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def revoke(self, guest_id: int, now: datetime) -> bool:
        result = await self.session.execute(
            update(MeetingGuest)
            .where(MeetingGuest.id == guest_id, MeetingGuest.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def contacts(self, meeting_ids: Sequence[int]) -> dict[int, list[GuestContact]]:
        """Accepted, not revoked guests of these meetings, by meeting."""
        if not meeting_ids:
            return {}
        rows = await self.session.execute(
            select(MeetingGuest, Person)
            .join(Person, Person.id == MeetingGuest.person_id)
            .where(
                MeetingGuest.meeting_id.in_(meeting_ids),
                MeetingGuest.revoked_at.is_(None),
            )
            .order_by(MeetingGuest.id)
        )
        found: dict[int, list[GuestContact]] = defaultdict(list)
        for guest, person in rows.all():
            found[guest.meeting_id].append(
                GuestContact(guest.id, guest.meeting_id, guest.full_name, person_view(person))
            )
        return dict(found)

    async def upcoming_for_person(self, person_id: int) -> list[tuple[GuestView, int]]:
        """The person's invitations to meetings still ahead or open: (guest, meeting id)."""
        rows = await self.session.scalars(
            select(MeetingGuest)
            .join(Meeting, Meeting.id == MeetingGuest.meeting_id)
            .where(
                MeetingGuest.person_id == person_id,
                MeetingGuest.revoked_at.is_(None),
                Meeting.status.in_(GUEST_MEETING_STATUSES),
            )
            .order_by(Meeting.starts_at)
        )
        return [(_view(r), r.meeting_id) for r in rows]

    async def attended(self, meeting_id: int) -> list[tuple[str, str]]:
        """The guests who checked in, by the name the inviter gave, with the capacity they
        were invited in (for the protocol)."""
        rows = await self.session.execute(
            select(MeetingGuest.full_name, MeetingGuest.capacity)
            .join(
                Attendance,
                (Attendance.meeting_id == MeetingGuest.meeting_id)
                & (Attendance.person_id == MeetingGuest.person_id),
            )
            .where(MeetingGuest.meeting_id == meeting_id, MeetingGuest.revoked_at.is_(None))
            .order_by(Attendance.checked_in_at)
        )
        return [(name, capacity) for name, capacity in rows.all()]
