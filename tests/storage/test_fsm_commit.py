"""Dialog state commits with the update that changed it (issue #12, finding 15), on both
engines: a step waits for the update's write transaction, commits together with the
update's redelivery mark, and goes with it when that transaction rolls back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select

from bot.clock import FrozenClock
from storage.db import Database, discard_deferred, flush_deferred, update_scope, write
from storage.fsm import DatabaseStorage
from storage.models import FsmRecord, ProcessedUpdate

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ALICE = StorageKey(bot_id=1, chat_id=1001, user_id=1001)


class MeetingDialog(StatesGroup):
    title = State()
    venue = State()


@pytest.fixture
async def storage(any_db: Database) -> AsyncIterator[DatabaseStorage]:
    yield DatabaseStorage(any_db, FrozenClock(START))


def after_restart(storage: DatabaseStorage) -> DatabaseStorage:
    return DatabaseStorage(storage.db, storage.clock)


async def marks(db: Database) -> list[int]:
    async with db.session() as s:
        return list(await s.scalars(select(ProcessedUpdate.update_id)))


async def test_a_step_commits_only_with_the_update_and_its_mark(storage: DatabaseStorage) -> None:
    db = storage.db
    async with db.session() as session:
        session.info.update(update_id=7, received_at=START)
        with update_scope(session):
            context = FSMContext(storage=storage, key=ALICE)
            await context.update_data(title="Заседание")
            await context.set_state(MeetingDialog.venue)
            # The update sees its own step at once ...
            assert await context.get_state() == "MeetingDialog:venue"
            assert await context.get_data() == {"title": "Заседание"}
        # ... nobody else does before it commits, not even this storage outside the update.
        assert await storage.get_state(ALICE) is None
        assert await after_restart(storage).get_state(ALICE) is None
        assert await marks(db) == []
        await flush_deferred(session)
    for reader in (storage, after_restart(storage)):
        assert await reader.get_state(ALICE) == "MeetingDialog:venue"
        assert await reader.get_data(ALICE) == {"title": "Заседание"}
    assert await marks(db) == [7]


async def test_a_step_rides_on_the_services_write(storage: DatabaseStorage) -> None:
    """A step taken before a service's write commits in that very transaction."""
    db = storage.db
    async with db.session() as session:
        session.info.update(update_id=8, received_at=START)
        with update_scope(session):
            await storage.set_state(ALICE, MeetingDialog.title)
            async with write(session):
                pass
            # Already committed, before the update ends.
            assert await after_restart(storage).get_state(ALICE) == "MeetingDialog:title"
            assert await storage.get_state(ALICE) == "MeetingDialog:title"
    assert await marks(db) == [8]


async def test_a_rolled_back_write_takes_the_step_and_the_mark_with_it(
    storage: DatabaseStorage,
) -> None:
    db = storage.db
    await storage.set_state(ALICE, MeetingDialog.title)
    async with db.session() as session:
        session.info.update(update_id=9, received_at=START)
        with update_scope(session):
            await storage.set_state(ALICE, MeetingDialog.venue)
            with pytest.raises(RuntimeError):
                async with write(session):
                    raise RuntimeError("the service failed")
            # Neither the step nor the mark is in the database, and the cache agrees.
            assert await after_restart(storage).get_state(ALICE) == "MeetingDialog:title"
            assert await marks(db) == []
            # The step waits for the update's next write.
            assert await storage.get_state(ALICE) == "MeetingDialog:venue"
        discard_deferred(session)
    for reader in (storage, after_restart(storage)):
        assert await reader.get_state(ALICE) == "MeetingDialog:title"
    assert await marks(db) == []


async def test_outside_an_update_a_save_commits_on_its_own(storage: DatabaseStorage) -> None:
    await storage.set_data(ALICE, {"title": "Тема"})
    async with storage.db.session() as s:
        row = await s.get(FsmRecord, "1:1001:1001:::default")
        assert row is not None
        assert row.data == {"title": "Тема"}
