"""Broadcasts, their per-recipient delivery rows and acknowledgements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import upsert
from storage.models import Acknowledgement, Broadcast, OutboxMessage, Person


@dataclass(frozen=True, slots=True)
class BroadcastView:
    id: int
    author_telegram_id: int
    audience: str
    unit_id: int | None
    text: str | None
    document: dict[str, Any] | None
    total: int
    created_at: datetime
    finished_at: datetime | None
    progress_chat_id: int | None
    progress_message_id: int | None


@dataclass(frozen=True, slots=True)
class DeliveryLine:
    """One recipient's outcome: the outbox rows of one chat folded into one status."""

    chat_id: int
    person_id: int | None
    name: str
    statuses: tuple[str, ...]
    error: str | None
    acknowledged_at: datetime | None
    # "email" for an e-mail copy (issue #18 item 3), with its address.
    channel: str = "telegram"
    address: str | None = None


def _view(b: Broadcast) -> BroadcastView:
    return BroadcastView(
        id=b.id,
        author_telegram_id=b.author_telegram_id,
        audience=b.audience,
        unit_id=b.unit_id,
        text=b.text,
        document=b.document,
        total=b.total,
        created_at=b.created_at,
        finished_at=b.finished_at,
        progress_chat_id=b.progress_chat_id,
        progress_message_id=b.progress_message_id,
    )


class BroadcastRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, **values: Any) -> BroadcastView:
        row = Broadcast(**values)
        self.session.add(row)
        await self.session.flush()
        return _view(row)

    async def get(self, group_id: int, broadcast_id: int) -> BroadcastView | None:
        row = await self.session.scalar(
            select(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.group_id == group_id)
        )
        return _view(row) if row else None

    async def latest(self, group_id: int, limit: int, offset: int) -> list[BroadcastView]:
        rows = await self.session.scalars(
            select(Broadcast)
            .where(Broadcast.group_id == group_id)
            .order_by(Broadcast.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_view(r) for r in rows]

    async def unfinished(self) -> list[BroadcastView]:
        rows = await self.session.scalars(
            select(Broadcast).where(Broadcast.finished_at.is_(None)).order_by(Broadcast.id)
        )
        return [_view(r) for r in rows]

    async def update(self, broadcast_id: int, **values: Any) -> None:
        await self.session.execute(
            update(Broadcast).where(Broadcast.id == broadcast_id).values(**values)
        )

    async def lines(self, broadcast_id: int, subject: str) -> list[DeliveryLine]:
        rows = await self.session.execute(
            select(
                OutboxMessage.chat_id,
                OutboxMessage.person_id,
                OutboxMessage.status,
                OutboxMessage.last_error,
                Person.full_name,
                Person.telegram_name,
                Acknowledgement.at,
                OutboxMessage.channel,
                OutboxMessage.address,
            )
            .outerjoin(Person, Person.id == OutboxMessage.person_id)
            .outerjoin(
                Acknowledgement,
                (Acknowledgement.person_id == OutboxMessage.person_id)
                & (Acknowledgement.subject == subject),
            )
            .where(OutboxMessage.broadcast_id == broadcast_id)
            .order_by(OutboxMessage.id)
        )
        folded: dict[int, dict[str, Any]] = {}
        for chat_id, person_id, status, error, full, tg_name, acked, channel, address in rows:
            line = folded.setdefault(
                chat_id,
                {
                    "person_id": person_id,
                    "name": full or tg_name or "",
                    "statuses": [],
                    "error": None,
                    "acked": acked,
                    "channel": channel,
                    "address": address,
                },
            )
            line["statuses"].append(status)
            line["error"] = line["error"] or error
        return [
            DeliveryLine(
                chat_id=chat_id,
                person_id=v["person_id"],
                name=v["name"],
                statuses=tuple(v["statuses"]),
                error=v["error"],
                acknowledged_at=v["acked"],
                channel=v["channel"],
                address=v["address"],
            )
            for chat_id, v in folded.items()
        ]

    async def acknowledge(self, subject: str, person_id: int, now: datetime) -> bool:
        """True when this is the person's first acknowledgement of the subject."""
        result = await self.session.execute(
            upsert.insert(self.session, Acknowledgement)
            .values(subject=subject, person_id=person_id, at=now)
            .on_conflict_do_nothing(index_elements=["subject", "person_id"])
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def addressed_to(self, broadcast_id: int, person_id: int) -> bool:
        """Whether the broadcast had a delivery row for this person (it was sent to them)."""
        found = await self.session.scalar(
            select(OutboxMessage.id)
            .where(OutboxMessage.broadcast_id == broadcast_id)
            .where(OutboxMessage.person_id == person_id)
            .limit(1)
        )
        return found is not None
