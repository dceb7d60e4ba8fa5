"""Update marks: a redelivered Telegram update changes nothing twice.

The SessionMiddleware puts the update's id into `session.info`; the first `write()` of
that session records a ProcessedUpdate row in the same transaction as the change, so
after a crash either both exist (the redelivery is skipped) or neither does (the
redelivery does the work once).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.setup import UPDATE_MARK_RETENTION, ensure_default_group, prune_update_marks
from storage.db import Database, read, write
from storage.models import AuditEntry, ProcessedUpdate, StructuralUnit
from storage.repositories.audit import AuditRepository
from storage.repositories.updates import UpdateRepository

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
UPDATE_ID = 700_001


class Boom(Exception):
    """A handler failing in the middle of its write."""


@pytest.fixture
async def group_id(any_db: Database) -> int:
    async with any_db.session() as session:
        return (await ensure_default_group(session, name="WG", timezone="UTC", now=NOW)).id


@pytest.fixture
async def update_session(any_db: Database, group_id: int) -> AsyncIterator[AsyncSession]:
    """A session as SessionMiddleware prepares it for one incoming update."""
    async with any_db.session() as session:
        session.info.update(update_id=UPDATE_ID, received_at=NOW, group_id=group_id)
        yield session


async def _marks(db: Database) -> list[tuple[int, datetime]]:
    async with db.session() as session:
        rows = await session.execute(
            select(ProcessedUpdate.update_id, ProcessedUpdate.handled_at).order_by(
                ProcessedUpdate.update_id
            )
        )
        return [(u, h) for u, h in rows.all()]


async def _unit_names(db: Database) -> list[str]:
    async with db.session() as session:
        return list(await session.scalars(select(StructuralUnit.name).order_by(StructuralUnit.id)))


async def _seen(db: Database, update_id: int) -> bool:
    """What the middleware asks before handling an update."""
    async with db.session() as session, read(session):
        return await UpdateRepository(session).seen(update_id)


async def test_first_write_records_the_mark_in_the_same_transaction(
    any_db: Database, update_session: AsyncSession, group_id: int
) -> None:
    async with write(update_session):
        update_session.add(StructuralUnit(group_id=group_id, name="Claims", created_at=NOW))
        await AuditRepository(update_session).record(
            at=NOW,
            group_id=group_id,
            actor_telegram_id=1,
            actor_person_id=None,
            action="unit_added",
            object_type="unit",
            object_id=None,
        )
        await update_session.flush()
        # Until the commit, another handler sees neither the change nor the mark: they
        # are one transaction, so a crash here would lose both together.
        assert await _marks(any_db) == []
        assert await _unit_names(any_db) == []

    assert await _marks(any_db) == [(UPDATE_ID, NOW)]
    assert await _unit_names(any_db) == ["Claims"]
    assert await _seen(any_db, UPDATE_ID)
    # The audit entry names the update that caused it, for tracing a change to a message.
    async with any_db.session() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "unit_added"))
        assert entry is not None and entry.update_id == UPDATE_ID


async def test_failed_write_leaves_neither_change_nor_mark(
    any_db: Database, update_session: AsyncSession, group_id: int
) -> None:
    with pytest.raises(Boom):
        async with write(update_session):
            update_session.add(StructuralUnit(group_id=group_id, name="Claims", created_at=NOW))
            await update_session.flush()
            raise Boom

    assert await _unit_names(any_db) == []
    assert await _marks(any_db) == []
    # So the redelivered update is handled again and does the work once.
    assert not await _seen(any_db, UPDATE_ID)


async def test_second_write_in_the_same_session_adds_no_second_mark(
    any_db: Database, update_session: AsyncSession, group_id: int
) -> None:
    """One update, two writes (e.g. a change, then a follow-up): one mark, no conflict."""
    for name in ("Claims", "Sales"):
        async with write(update_session):
            update_session.add(StructuralUnit(group_id=group_id, name=name, created_at=NOW))

    assert await _unit_names(any_db) == ["Claims", "Sales"]
    assert await _marks(any_db) == [(UPDATE_ID, NOW)]


async def test_write_after_a_failed_write_still_records_the_mark(
    any_db: Database, update_session: AsyncSession, group_id: int
) -> None:
    """A handler that catches a refusal and then changes something must still be marked,
    or a redelivery of that update would repeat the change."""
    with pytest.raises(Boom):
        async with write(update_session):
            raise Boom
    async with write(update_session):
        update_session.add(StructuralUnit(group_id=group_id, name="Claims", created_at=NOW))

    assert await _unit_names(any_db) == ["Claims"]
    assert await _marks(any_db) == [(UPDATE_ID, NOW)]


async def test_sessions_without_an_update_record_no_mark(any_db: Database, group_id: int) -> None:
    """Scheduler jobs and the dialog storage write outside any update."""
    async with any_db.session() as session, write(session):
        session.add(StructuralUnit(group_id=group_id, name="Claims", created_at=NOW))

    assert await _unit_names(any_db) == ["Claims"]
    assert await _marks(any_db) == []


async def test_prune_removes_only_old_marks(any_db: Database) -> None:
    """Marks older than the retention go; recent ones, and the one exactly at the
    boundary, stay, because Telegram may still redeliver those updates."""
    ages = {1: timedelta(hours=72), 2: timedelta(hours=49), 3: UPDATE_MARK_RETENTION}
    ages |= {4: timedelta(hours=1), 5: timedelta(0)}
    async with any_db.session() as session, write(session):
        for update_id, age in ages.items():
            await UpdateRepository(session).mark(update_id, NOW - age)

    async with any_db.session() as session:
        assert await prune_update_marks(session, NOW) == 2

    assert [u for u, _ in await _marks(any_db)] == [3, 4, 5]
    assert not await _seen(any_db, 1)
    assert await _seen(any_db, 3)

    # Pruning again finds nothing more: the call is safe to repeat on every schedule tick.
    async with any_db.session() as session, write(session):
        assert await UpdateRepository(session).prune(NOW - UPDATE_MARK_RETENTION) == 0
        assert await session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 3
