"""aiogram FSM storage in our database, so that a half-finished dialog survives a restart.

Inside an update, a dialog step is not committed on its own: it waits for the update's
next write transaction (a service's, or one at the end of the update), which also records
the update's redelivery mark. A step and the mark thus commit together, and a dialog step
that Telegram delivers twice is applied once (ARCHITECTURE.md, "The path of one update").
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from storage import upsert
from storage.db import DEFERRED, Database, defer, update_session, write
from storage.models import FsmRecord

Value = tuple[str | None, dict[str, Any]]


def _key(key: StorageKey) -> str:
    parts = [
        str(key.bot_id),
        str(key.chat_id),
        str(key.user_id),
        str(key.thread_id or ""),
        key.business_connection_id or "",
        key.destiny,
    ]
    return ":".join(parts)


CACHE_SIZE = 10_000


class _Held:
    """One update's dialog changes not yet committed, and the dialogs as that update sees
    them (its own reads must see its own steps)."""

    def __init__(self, storage: DatabaseStorage) -> None:
        self.storage = storage
        self.changes: dict[str, dict[str, Any]] = {}
        self.seen: dict[str, Value] = {}

    def pending(self) -> bool:
        return bool(self.changes)

    async def flush(self, session: AsyncSession) -> Callable[[bool], None]:
        changes, self.changes = self.changes, {}
        saved: dict[str, Value] = {}
        try:
            for name, change in changes.items():
                saved[name] = await self.storage._upsert(session, name, change)
        except BaseException:
            self._restore(changes)
            raise

        def outcome(committed: bool) -> None:
            if committed:
                # Only what is in the database goes into the cache, so it stays exact.
                for name, value in saved.items():
                    self.storage._remember(name, value)
            else:
                self._restore(changes)

        return outcome

    def _restore(self, changes: dict[str, dict[str, Any]]) -> None:
        # Changes made after these (while the failed transaction ran) are newer.
        for name, change in changes.items():
            self.changes[name] = change | self.changes.get(name, {})


class DatabaseStorage(BaseStorage):
    """Write-through: every change is committed to the database before it is cached.

    aiogram reads the state on every update; the cache spares that read. It is safe for one
    process, which is how this storage is meant to run (several instances use Redis).
    """

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._cache: OrderedDict[str, Value] = OrderedDict()

    def _held(self, create: bool) -> _Held | None:
        """The current update's held changes, when an update of this database is handled."""
        session = update_session()
        if session is None or session.info.get("database") is not self.db:
            return None
        if not create:
            held = session.info.get(DEFERRED, {}).get(self)
            return held if isinstance(held, _Held) else None
        held = defer(session, self, lambda: _Held(self))
        assert isinstance(held, _Held)
        return held

    async def _load(self, key: StorageKey) -> Value:
        name = _key(key)
        held = self._held(create=False)
        if held is not None and name in held.seen:
            return held.seen[name]
        return await self._load_committed(name)

    async def _load_committed(self, name: str) -> Value:
        cached = self._cache.get(name)
        if cached is not None:
            self._cache.move_to_end(name)
            return cached
        async with self.db.session() as session:
            row = await session.get(FsmRecord, name)
            value = (row.state, dict(row.data)) if row else (None, {})
        # A save that finished while this read was under way is newer: keep the save's.
        if name in self._cache:
            return self._cache[name]
        self._remember(name, value)
        return value

    def _remember(self, name: str, value: Value) -> None:
        self._cache[name] = value
        self._cache.move_to_end(name)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    async def _save(self, key: StorageKey, *, state: Any = ..., data: Any = ...) -> None:
        name = _key(key)
        changes: dict[str, Any] = {}
        if state is not ...:
            changes["state"] = state
        if data is not ...:
            changes["data"] = data
        held = self._held(create=True)
        if held is not None:
            before = await self._load(key)
            held.seen[name] = (
                changes.get("state", before[0]),
                dict(changes["data"]) if "data" in changes else before[1],
            )
            held.changes[name] = held.changes.get(name, {}) | changes
            return
        # Outside an update (tools, tests): committed at once, on its own.
        async with self.db.session() as session, write(session):
            value = await self._upsert(session, name, changes)
        self._remember(name, value)

    async def _upsert(self, session: AsyncSession, name: str, change: dict[str, Any]) -> Value:
        now: datetime = self.clock.now()
        changes = change | {"updated_at": now}
        # An upsert, so that two first saves of one dialog at once cannot collide; only the
        # fields this update changed are set, so a concurrent step on the other field stays.
        values = upsert.insert(session, FsmRecord).values(
            key=name, state=changes.get("state"), data=changes.get("data", {}), updated_at=now
        )
        statement = values.on_conflict_do_update(
            index_elements=[FsmRecord.key], set_=changes
        ).returning(FsmRecord.state, FsmRecord.data)
        saved = (await session.execute(statement)).one()
        return (saved.state, dict(saved.data))

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._save(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._load(key))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._save(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict((await self._load(key))[1])

    async def close(self) -> None:
        return None
