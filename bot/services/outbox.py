"""Enqueuing messages in the caller's transaction, and recording what became of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.policy import Decision, Status
from bot.delivery.split import CAPTION_LIMIT, MESSAGE_LIMIT, split_text
from bot.services.roster import Auditor
from storage.repositories.outbox import OutboxRepository, OutboxRow


class Markup(Protocol):
    """A keyboard as the views build it (aiogram's InlineKeyboardMarkup): the outbox keeps
    its JSON, so services need not know the Telegram types."""

    def model_dump(self, *, mode: str, exclude_none: bool) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Envelope:
    """One message to one chat; `key` makes enqueuing it twice a no-op."""

    key: str
    kind: str
    chat_id: int
    text: str | None = None
    document: dict[str, Any] | None = None  # {"file_id": ..., "file_name": ...}
    keyboard: Markup | None = None
    person_id: int | None = None
    broadcast_id: int | None = None
    not_before: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # "email" (issue #18 item 3): `text` is the plain-text body, `document` the attachment,
    # and `chat_id` the address's stand-in (bot.domain.email.email_chat_id).
    channel: str = "telegram"
    address: str | None = None
    subject: str | None = None


def _markup(keyboard: Markup | None) -> dict[str, Any] | None:
    return keyboard.model_dump(mode="json", exclude_none=True) if keyboard else None


def rows_for(envelope: Envelope, now: datetime) -> list[dict[str, Any]]:
    """Outbox rows for an envelope: long texts split into parts, the keyboard on the last.

    A document's caption holds at most 1024 characters; a longer text goes before it as
    messages of its own, and the document follows without a caption.
    """
    base: dict[str, Any] = {
        "kind": envelope.kind,
        "chat_id": envelope.chat_id,
        "person_id": envelope.person_id,
        "broadcast_id": envelope.broadcast_id,
        "method": "send",
        "status": Status.PENDING.value,
        "attempts": 0,
        "unknown_count": 0,
        "next_attempt_at": envelope.not_before or now,
        "created_at": now,
        "updated_at": now,
        "document": None,
        "reply_markup": None,
        "text": None,
        "channel": envelope.channel,
        "address": envelope.address,
        "subject": envelope.subject,
    }
    if envelope.channel == "email":
        # One message whatever its length: e-mail has no text limit, and no buttons.
        return [{**base, "key": envelope.key, "text": envelope.text, "document": envelope.document}]
    markup = _markup(envelope.keyboard)
    text = envelope.text or ""
    if envelope.document is not None:
        if len(text) <= CAPTION_LIMIT:
            return [
                {
                    **base,
                    "key": envelope.key,
                    "text": text or None,
                    "document": envelope.document,
                    "reply_markup": markup,
                }
            ]
        parts = split_text(text, MESSAGE_LIMIT)
        rows = [
            {**base, "key": f"{envelope.key}#{i}", "text": part}
            for i, part in enumerate(parts, start=1)
        ]
        rows.append(
            {**base, "key": envelope.key, "document": envelope.document, "reply_markup": markup}
        )
        return rows
    parts = split_text(text, MESSAGE_LIMIT)
    rows = [
        {**base, "key": f"{envelope.key}#{i}", "text": part}
        for i, part in enumerate(parts[:-1], start=1)
    ]
    rows.append({**base, "key": envelope.key, "text": parts[-1], "reply_markup": markup})
    return rows


async def enqueue(session: AsyncSession, envelopes: list[Envelope], now: datetime) -> int:
    """Adds the messages inside the caller's transaction; they go out only if it commits."""
    values = [row for envelope in envelopes for row in rows_for(envelope, now)]
    # Parts of one text must keep their order: ids follow insertion order.
    return await OutboxRepository(session).add(values)


async def enqueue_edit(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    chat_id: int,
    message_id: int,
    text: str,
    keyboard: Markup | None,
    now: datetime,
) -> None:
    """A message edited in place (progress, live cards): only its latest text matters."""
    await OutboxRepository(session).upsert_edit(
        {
            "key": key,
            "kind": kind,
            "chat_id": chat_id,
            "method": "edit",
            "edit_message_id": message_id,
            "text": text[:MESSAGE_LIMIT],
            "reply_markup": _markup(keyboard),
            "status": Status.PENDING.value,
            "attempts": 0,
            "unknown_count": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
        },
        now,
    )


async def record(
    session: AsyncSession,
    row: OutboxRow,
    decision: Decision,
    *,
    now: datetime,
    error: str | None = None,
    message_id: int | None = None,
) -> None:
    """Stores the outcome of one attempt and writes it to the audit log."""
    repo = OutboxRepository(session)
    values: dict[str, Any] = {"status": decision.status.value, "updated_at": now}
    if decision.counts_unknown:
        values["unknown_count"] = row.unknown_count + 1
    if decision.retry_in is not None:
        values["next_attempt_at"] = now + decision.retry_in
    if decision.status is Status.SENT:
        values["sent_at"] = now
        values["telegram_message_id"] = message_id
        values["last_error"] = None
    elif error:
        values["last_error"] = error[:300]
    recorded = await repo.finish(row.id, row.attempts, **values)
    if not recorded and decision.status is not Status.BLOCKED:
        # Superseded by a newer text of the same edited message: that one is pending now.
        return
    also_blocked: list[int] = []
    if decision.status is Status.BLOCKED:
        also_blocked = await repo.block_chat(row.chat_id, now, error or "blocked")
        if row.person_id is not None:
            await repo.mark_person_blocked(row.person_id, now)
    audit = Auditor(session, None, now)
    for row_id in [row.id, *also_blocked]:
        await audit(
            f"delivery_{decision.status.value}",
            "outbox",
            row_id,
            key=row.key,
            kind=row.kind,
            attempt=row.attempts,
            **({"error": error[:300]} if error else {}),
        )
