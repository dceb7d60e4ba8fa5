"""aiogram FSM storage in our database, so that a half-finished dialog survives a restart."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy.dialects import postgresql, sqlite

from bot.clock import Clock
from storage.db import Database, write
from storage.models import FsmRecord


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


class DatabaseStorage(BaseStorage):
    """Write-through: every change is committed to the database before it is cached.

    aiogram reads the state on every update; the cache spares that read. It is safe for one
    process, which is how this storage is meant to run (several instances use Redis).
    """

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._cache: OrderedDict[str, tuple[str | None, dict[str, Any]]] = OrderedDict()

    async def _load(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        name = _key(key)
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

    def _remember(self, name: str, value: tuple[str | None, dict[str, Any]]) -> None:
        self._cache[name] = value
        self._cache.move_to_end(name)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    async def _save(self, key: StorageKey, *, state: Any = ..., data: Any = ...) -> None:
        now: datetime = self.clock.now()
        name = _key(key)
        changes: dict[str, Any] = {"updated_at": now}
        if state is not ...:
            changes["state"] = state
        if data is not ...:
            changes["data"] = data
        async with self.db.session() as session, write(session):
            # An upsert, so that two first saves of one dialog at once cannot collide.
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            values = insert(FsmRecord).values(
                key=name, state=changes.get("state"), data=changes.get("data", {}), updated_at=now
            )
            upsert = values.on_conflict_do_update(
                index_elements=[FsmRecord.key], set_=changes
            ).returning(FsmRecord.state, FsmRecord.data)
            saved = (await session.execute(upsert)).one()
            value = (saved.state, dict(saved.data))
        self._remember(name, value)

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
