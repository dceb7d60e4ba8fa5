"""Questions the bot offers for the next meeting's agenda: an overdue task (cl. 4 д-е), a
closed quarter's review (cl. 4 г).

An offer becomes a proposal on the earliest meeting whose agenda is still a draft; the chair
includes or rejects it like any other proposal, since the agenda is the chair's (cl. 13). With
no such meeting yet, the offer waits and is attached when the next meeting is scheduled.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import fields
from storage.repositories.agenda import AgendaRepository
from storage.repositories.offers import OfferRepository


async def offer(
    session: AsyncSession,
    group_id: int,
    key: str,
    title: str,
    description: str | None,
    now: datetime,
    document: dict[str, Any] | None = None,
) -> int | None:
    """Records the offer (once per key) and attaches what is pending to the next draft
    agenda. Returns the meeting it went to, or None while it waits. Runs inside the
    caller's write transaction."""
    repo = OfferRepository(session)
    # The title is the bot's own (a task's text in it): shortened, never refused.
    title = fields.fits(title, fields.ITEM_TITLE.max_length)
    await repo.add(group_id, key, title, description, now, document)
    meeting_id = await repo.next_draft_meeting(group_id, now)
    if meeting_id is None:
        return None
    await attach_pending(session, group_id, meeting_id, now)
    return meeting_id


async def attach_pending(
    session: AsyncSession, group_id: int, meeting_id: int, now: datetime
) -> int:
    """Every waiting offer becomes a proposal on this meeting's draft agenda."""
    repo = OfferRepository(session)
    agenda = AgendaRepository(session)
    pending = await repo.pending(group_id)
    for waiting in pending:
        item = await agenda.add(
            meeting_id=meeting_id,
            position=0,
            title=waiting.title,
            description=waiting.description,
            document=waiting.document,
            source="proposal",
            status="proposed",
            proposed_by=None,
            created_at=now,
        )
        await repo.attach(waiting.id, item.id, now)
    if pending:
        await agenda.bump_version(meeting_id)
    return len(pending)
