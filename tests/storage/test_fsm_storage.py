"""Dialog state in the database: a half-finished dialog (say, an invitation waiting for
the person's name) survives a restart of the bot, and one person's dialog never leaks
into another's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select, text

from bot.clock import FrozenClock
from storage.db import Database
from storage.fsm import DatabaseStorage
from storage.migrate import migrate
from storage.models import FsmRecord

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BOT_ID = 123456
ALICE = 1001
BOB = 1002
GROUP_CHAT = -100_500
# Only against a hang if the code under test regresses; never reached when it works.
SAFETY_NET = 30.0


class InviteDialog(StatesGroup):
    name = State()
    confirm = State()


def key(chat_id: int, user_id: int, thread_id: int | None = None) -> StorageKey:
    return StorageKey(bot_id=BOT_ID, chat_id=chat_id, user_id=user_id, thread_id=thread_id)


@pytest.fixture
async def storage(any_db: Database) -> AsyncIterator[DatabaseStorage]:
    storage = DatabaseStorage(any_db, FrozenClock(START))
    yield storage
    await storage.close()


def uncached(storage: DatabaseStorage) -> DatabaseStorage:
    """A second storage on the same database: it answers from the database, not from the
    first one's in-process cache, so it shows what a restart would find."""
    return DatabaseStorage(storage.db, storage.clock)


async def test_state_and_data_round_trip(storage: DatabaseStorage) -> None:
    alice = key(ALICE, ALICE)
    # Nothing stored yet: a person without a dialog.
    assert await storage.get_state(alice) is None
    assert await storage.get_data(alice) == {}

    await storage.set_state(alice, InviteDialog.name)
    data = {"role": "member", "unit": 7, "name": "Пётр Петров", "flags": [True, None]}
    await storage.set_data(alice, data)
    for reader in (storage, uncached(storage)):
        assert await reader.get_state(alice) == "InviteDialog:name"
        assert await reader.get_data(alice) == data

    # The way handlers use it: moving on keeps the answers, clearing drops everything.
    context = FSMContext(storage=storage, key=alice)
    await context.set_state(InviteDialog.confirm)
    await context.update_data(name="Анна")
    assert await context.get_state() == "InviteDialog:confirm"
    assert await context.get_data() == data | {"name": "Анна"}
    assert await uncached(storage).get_data(alice) == data | {"name": "Анна"}
    await context.clear()
    for reader in (storage, uncached(storage)):
        assert await reader.get_state(alice) is None
        assert await reader.get_data(alice) == {}


async def test_dialog_survives_a_restart(any_db_url: str) -> None:
    """A new Database object on the same database is what the bot sees after a restart."""
    await migrate(any_db_url)
    alice = key(ALICE, ALICE)
    clock = FrozenClock(START)

    before = Database(any_db_url)
    try:
        storage = DatabaseStorage(before, clock)
        await storage.set_state(alice, InviteDialog.name)
        await storage.set_data(alice, {"role": "secretariat"})
    finally:
        await before.dispose()

    clock.advance(timedelta(hours=1))
    after = Database(any_db_url)
    try:
        storage = DatabaseStorage(after, clock)
        assert await storage.get_state(alice) == "InviteDialog:name"
        assert await storage.get_data(alice) == {"role": "secretariat"}
        # And the dialog carries on from there.
        await storage.set_state(alice, InviteDialog.confirm)
        async with after.session() as session:
            row = await session.scalar(select(FsmRecord))
            assert row is not None
            assert row.state == "InviteDialog:confirm"
            assert row.updated_at == START + timedelta(hours=1)
    finally:
        await after.dispose()


async def test_keys_are_separated_per_chat_and_user(storage: DatabaseStorage) -> None:
    """Alice and Bob in the same group chat, Alice in her private chat, and a forum topic:
    four dialogs that must not see each other."""
    keys = {
        "alice private": key(ALICE, ALICE),
        "alice in group": key(GROUP_CHAT, ALICE),
        "bob in group": key(GROUP_CHAT, BOB),
        "alice in topic": key(GROUP_CHAT, ALICE, thread_id=42),
    }
    for label, k in keys.items():
        await storage.set_state(k, InviteDialog.name)
        await storage.set_data(k, {"who": label})
    await storage.set_state(keys["bob in group"], InviteDialog.confirm)

    for reader in (storage, uncached(storage)):
        for label, k in keys.items():
            assert await reader.get_data(k) == {"who": label}
        assert await reader.get_state(keys["bob in group"]) == "InviteDialog:confirm"
        assert await reader.get_state(keys["alice in group"]) == "InviteDialog:name"

    # Finishing one dialog leaves the others where they were.
    await FSMContext(storage=storage, key=keys["alice in group"]).clear()
    for reader in (storage, uncached(storage)):
        assert await reader.get_state(keys["alice in group"]) is None
        assert await reader.get_data(keys["alice private"]) == {"who": "alice private"}
        assert await reader.get_state(keys["alice in topic"]) == "InviteDialog:name"
        assert await reader.get_data(keys["bob in group"]) == {"who": "bob in group"}


async def test_first_saves_of_a_new_dialog_at_once_both_succeed(
    storage: DatabaseStorage, any_db: Database
) -> None:
    """Two updates of one person handled concurrently (aiogram runs updates as tasks)
    may both be the first to save that person's dialog; neither may fail."""
    alice = key(ALICE, ALICE)

    def both_saves() -> asyncio.Future[tuple[BaseException | None, BaseException | None]]:
        return asyncio.gather(
            storage.set_state(alice, InviteDialog.name),
            storage.set_data(alice, {"role": "member"}),
            return_exceptions=True,
        )

    if any_db.is_sqlite:
        # BEGIN IMMEDIATE serialises the two writers, whatever the interleaving.
        results = await both_saves()
    else:
        results = await _with_inserts_held(any_db, both_saves)
    assert list(results) == [None, None]
    for reader in (storage, uncached(storage)):
        assert await reader.get_state(alice) == "InviteDialog:name"
        assert await reader.get_data(alice) == {"role": "member"}


async def _with_inserts_held(
    db: Database,
    start: Callable[[], asyncio.Future[tuple[BaseException | None, BaseException | None]]],
) -> tuple[BaseException | None, BaseException | None]:
    """Runs the saves with the worst interleaving, made certain rather than left to luck.

    A SHARE lock on the table lets both saves read but holds every write; once both
    saves are waiting for a lock, both have done their read, and the lock is released.
    """
    async with db.engine.connect() as locker:
        await locker.execute(text("LOCK TABLE fsm_record IN SHARE MODE"))
        saves = start()
        waiting = text(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )

        async def both_waiting() -> None:
            # pg_locks is read live on every call, unlike pg_stat_activity's snapshot. The
            # condition lives in the server, so there is no event to wait on: poll it.
            while (await locker.scalar(waiting) or 0) < 2:  # noqa: ASYNC110
                await asyncio.sleep(0.01)

        try:
            await asyncio.wait_for(both_waiting(), SAFETY_NET)
        finally:
            await locker.rollback()
        return await asyncio.wait_for(saves, SAFETY_NET)
