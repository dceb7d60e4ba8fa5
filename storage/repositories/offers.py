"""Questions offered for the next meeting's agenda, and where each one ended up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import upsert
from storage.models import AgendaOffer, Meeting


@dataclass(frozen=True, slots=True)
class OfferView:
    id: int
    key: str
    title: str
    description: str | None
    item_id: int | None
    # A file that goes with the question (a subgroup's report, cl. 10).
    document: dict[str, Any] | None = None


class OfferRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        group_id: int,
        key: str,
        title: str,
        description: str | None,
        now: datetime,
        document: dict[str, Any] | None = None,
    ) -> bool:
        """A new offer; the same key offered again is left alone. True when it was new."""
        result = await self.session.execute(
            upsert.insert(self.session, AgendaOffer)
            .values(
                group_id=group_id,
                key=key,
                title=title,
                description=description,
                created_at=now,
                document=document,
            )
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(AgendaOffer.id)
        )
        return result.scalar() is not None

    async def pending(self, group_id: int) -> list[OfferView]:
        rows = await self.session.scalars(
            select(AgendaOffer)
            .where(AgendaOffer.group_id == group_id, AgendaOffer.item_id.is_(None))
            .order_by(AgendaOffer.id)
        )
        return [OfferView(r.id, r.key, r.title, r.description, r.item_id, r.document) for r in rows]

    async def by_key(self, key: str) -> OfferView | None:
        r = await self.session.scalar(select(AgendaOffer).where(AgendaOffer.key == key))
        return OfferView(r.id, r.key, r.title, r.description, r.item_id, r.document) if r else None

    async def attach(self, offer_id: int, item_id: int, now: datetime) -> None:
        await self.session.execute(
            update(AgendaOffer)
            .where(AgendaOffer.id == offer_id)
            .values(item_id=item_id, attached_at=now)
        )

    async def next_draft_meeting(self, group_id: int, now: datetime) -> int | None:
        """The earliest regular meeting still to come whose agenda is not approved yet."""
        return await self.session.scalar(
            select(Meeting.id)
            .where(
                Meeting.group_id == group_id,
                Meeting.kind == "regular",
                Meeting.status == "scheduled",
                Meeting.starts_at > now,
                Meeting.agenda_approved_at.is_(None),
            )
            .order_by(Meeting.starts_at)
            .limit(1)
        )
