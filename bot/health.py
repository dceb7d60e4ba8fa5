"""`GET /healthz`: what a monitoring system needs to know, in one JSON answer.

200 when the database answers and the sender and the ticker run; 503 otherwise, with the
part that failed named. The age of the last update is reported, not judged: a quiet night
is not an outage.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import BaseMiddleware
from aiohttp import web
from sqlalchemy import text

from storage.db import Database

DB_TIMEOUT_S = 3.0


@dataclass
class Health:
    db: Database
    mode: str
    sender: asyncio.Task[None] | None = None
    ticker_running: Callable[[], bool] = lambda: False
    started: float = field(default_factory=time.monotonic)
    last_update: float | None = None

    def touch(self) -> None:
        self.last_update = time.monotonic()

    async def database_ok(self) -> tuple[bool, str]:
        try:
            async with asyncio.timeout(DB_TIMEOUT_S), self.db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            return False, type(exc).__name__
        return True, "ok"

    async def report(self) -> tuple[bool, dict[str, Any]]:
        db_ok, db_state = await self.database_ok()
        sender_ok = self.sender is not None and not self.sender.done()
        ticker_ok = self.ticker_running()
        now = time.monotonic()
        body: dict[str, Any] = {
            "status": "ok" if db_ok and sender_ok and ticker_ok else "fail",
            "mode": self.mode,
            "database": db_state,
            "sender": "running" if sender_ok else "stopped",
            "ticker": "running" if ticker_ok else "stopped",
            "uptime_s": round(now - self.started, 1),
            "last_update_age_s": (
                None if self.last_update is None else round(now - self.last_update, 1)
            ),
        }
        return db_ok and sender_ok and ticker_ok, body

    async def handle(self, _request: web.Request) -> web.Response:
        ok, body = await self.report()
        return web.json_response(body, status=200 if ok else 503)

    def middleware(self) -> BaseMiddleware:
        return _Touch(self)


class _Touch(BaseMiddleware):
    """Notes when an update arrived, whichever way it came."""

    def __init__(self, health: Health) -> None:
        self.health = health

    async def __call__(
        self,
        handler: Callable[[Any, dict[str, Any]], Awaitable[Any]],
        event: Any,
        data: dict[str, Any],
    ) -> Any:
        self.health.touch()
        return await handler(event, data)
