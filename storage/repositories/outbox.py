"""The outbox: rows to send, claimed one at a time by the sender."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.delivery.policy import Status
from storage import upsert
from storage.db import outbox_added, roster_changed
from storage.models import OutboxMessage, Person

IN_PROGRESS = (Status.PENDING.value, Status.SENDING.value)


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    key: str
    kind: str
    chat_id: int
    person_id: int | None
    broadcast_id: int | None
    method: str
    edit_message_id: int | None
    text: str | None
    document: dict[str, Any] | None
    reply_markup: dict[str, Any] | None
    status: str
    attempts: int
    unknown_count: int
    telegram_message_id: int | None = None
    channel: str = "telegram"
    address: str | None = None
    subject: str | None = None


def _row(m: OutboxMessage) -> OutboxRow:
    return OutboxRow(
        id=m.id,
        key=m.key,
        kind=m.kind,
        chat_id=m.chat_id,
        person_id=m.person_id,
        broadcast_id=m.broadcast_id,
        method=m.method,
        edit_message_id=m.edit_message_id,
        text=m.text,
        document=m.document,
        reply_markup=m.reply_markup,
        status=m.status,
        attempts=m.attempts,
        unknown_count=m.unknown_count,
        telegram_message_id=m.telegram_message_id,
        channel=m.channel,
        address=m.address,
        subject=m.subject,
    )


def _insert(session: AsyncSession) -> Any:
    return upsert.insert(session, OutboxMessage)


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, values: list[dict[str, Any]]) -> int:
        """Inserts rows whose key is new; an existing key is left as it is (idempotent)."""
        if not values:
            return 0
        # executemany with one compiled statement: a multi-row VALUES would be compiled anew
        # for every batch size, which dominated the cost of large hand-offs.
        statement = _insert(self.session).on_conflict_do_nothing(index_elements=["key"])
        await self.session.execute(statement, values)
        outbox_added(self.session)
        return len(values)

    async def upsert_edit(self, values: dict[str, Any], now: datetime) -> None:
        """The latest text of a message edited in place wins; it is sent again if it changed."""
        statement = _insert(self.session).values(values)
        statement = statement.on_conflict_do_update(
            index_elements=["key"],
            set_={
                "text": statement.excluded.text,
                "reply_markup": statement.excluded.reply_markup,
                "status": Status.PENDING.value,
                "attempts": 0,
                "unknown_count": 0,
                "next_attempt_at": now,
                "updated_at": now,
            },
            where=OutboxMessage.text.is_distinct_from(statement.excluded.text),
        )
        await self.session.execute(statement)
        outbox_added(self.session)

    async def claim(self, now: datetime, busy_chats: list[int]) -> OutboxRow | None:
        """The oldest due row of a chat that may receive now, marked as being sent.

        A chat's rows go out in order: a row waits while an earlier row of the same chat is
        still pending or in flight (a split text's parts, a retry after 429).
        """
        earlier = aliased(OutboxMessage)
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.status == Status.PENDING.value,
                OutboxMessage.next_attempt_at <= now,
                ~exists().where(
                    earlier.chat_id == OutboxMessage.chat_id,
                    earlier.id < OutboxMessage.id,
                    earlier.status.in_(IN_PROGRESS),
                ),
            )
            .order_by(OutboxMessage.id)
            .limit(1)
        )
        if busy_chats:
            query = query.where(OutboxMessage.chat_id.not_in(busy_chats))
        if self.session.get_bind().dialect.name == "postgresql":
            # Several instances may run senders; each row goes to exactly one of them.
            query = query.with_for_update(skip_locked=True)
        message = await self.session.scalar(query)
        if message is None:
            return None
        message.status = Status.SENDING.value
        message.attempts += 1
        message.updated_at = now
        await self.session.flush()
        return _row(message)

    async def next_due_at(self) -> datetime | None:
        return await self.session.scalar(
            select(func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status == Status.PENDING.value
            )
        )

    async def in_flight(self) -> list[OutboxRow]:
        rows = await self.session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == Status.SENDING.value)
        )
        return [_row(r) for r in rows]

    async def finish(self, row_id: int, attempt: int, **values: Any) -> bool:
        """Records the outcome of attempt number `attempt`. A message edited in place whose
        text changed while that attempt was in flight has been reset (attempts 0, pending)
        by `upsert_edit`: the outcome is then of a superseded text and is not recorded, so
        the new text still goes out. Returns whether it was recorded."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.attempts == attempt)
            .values(**values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def block_chat(self, chat_id: int, now: datetime, reason: str) -> list[int]:
        """The chat blocked the bot: its other waiting rows will not be tried either."""
        ids = list(
            await self.session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.chat_id == chat_id,
                    OutboxMessage.status == Status.PENDING.value,
                )
            )
        )
        if ids:
            await self.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(status=Status.BLOCKED.value, updated_at=now, last_error=reason)
            )
        return ids

    async def mark_person_blocked(self, person_id: int, now: datetime) -> None:
        roster_changed(self.session, person_id)
        await self.session.execute(
            update(Person).where(Person.id == person_id).values(blocked_bot_at=now)
        )

    async def by_key(self, key: str) -> OutboxRow | None:
        found = await self.session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
        return _row(found) if found else None
