"""First start: the default working group exists before anyone writes to the bot."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import write
from storage.dto import GroupView
from storage.repositories.audit import AuditRepository
from storage.repositories.roster import RosterRepository
from storage.repositories.updates import UpdateRepository

# Telegram keeps unconfirmed updates for 24 hours; marks older than twice that can go.
UPDATE_MARK_RETENTION = timedelta(hours=48)


async def ensure_default_group(
    session: AsyncSession, *, name: str, timezone: str, now: datetime
) -> GroupView:
    async with write(session):
        repo = RosterRepository(session)
        group = await repo.first_group()
        if group is not None:
            return group
        group_id = await repo.add_group(kind="working_group", name=name, timezone=timezone, now=now)
        await AuditRepository(session).record(
            at=now,
            group_id=group_id,
            actor_telegram_id=None,
            actor_person_id=None,
            action="group_created",
            object_type="working_group",
            object_id=group_id,
        )
        return GroupView(group_id, name, timezone)


async def prune_update_marks(session: AsyncSession, now: datetime) -> int:
    async with write(session):
        return await UpdateRepository(session).prune(now - UPDATE_MARK_RETENTION)
