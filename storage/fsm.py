"""aiogram FSM storage in our database, so that a half-finished dialog survives a restart."""

from __future__ import annotations

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


class DatabaseStorage(BaseStorage):
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def _load(self, key: StorageKey) -> FsmRecord | None:
        async with self.db.session() as session:
            return await session.get(FsmRecord, _key(key))

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

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._save(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._load(key)
        return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._save(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._load(key)
        return dict(row.data) if row else {}

    async def close(self) -> None:
        return None
