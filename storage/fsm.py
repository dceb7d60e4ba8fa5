"""aiogram FSM storage in our database, so that a half-finished dialog survives a restart."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy import select

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
        self._remember(name, value)
        return value

    def _remember(self, name: str, value: tuple[str | None, dict[str, Any]]) -> None:
        self._cache[name] = value
        self._cache.move_to_end(name)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    async def _save(self, key: StorageKey, *, state: Any = ..., data: Any = ...) -> None:
        now: datetime = self.clock.now()
        async with self.db.session() as session, write(session):
            row = await session.scalar(select(FsmRecord).where(FsmRecord.key == _key(key)))
            if row is None:
                row = FsmRecord(key=_key(key), state=None, data={}, updated_at=now)
                session.add(row)
            if state is not ...:
                row.state = state
            if data is not ...:
                row.data = data
            row.updated_at = now
            value = (row.state, dict(row.data))
        self._remember(_key(key), value)

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
