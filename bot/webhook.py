"""Webhook mode: Telegram posts each update to our aiohttp server instead of being polled.

An update is acknowledged (HTTP 200) only after its handlers have finished and committed, so
an update lost in a crash is delivered again by Telegram, and the processed-update mark
written in the first transaction makes that redelivery change nothing, as with polling.
Updates of one chat are handled one at a time in the order they arrived; other chats run
side by side. A request without Telegram's secret token header is refused before it is read.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiohttp import web

from bot.polling import chat_key

if TYPE_CHECKING:
    from bot.webapp.server import WebApp
from bot.startup import EXIT_LISTEN, EnvironmentFailure

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


class ChatQueue:
    """One lock per chat, in arrival order (asyncio.Lock wakes waiters first come, first
    served); a chat's lock is dropped once nobody holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def run(self, key: int, work: Callable[[], Awaitable[None]]) -> None:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await work()
        finally:
            self._users[key] -= 1
            if self._users[key] == 0:
                del self._users[key]
                del self._locks[key]

    def __len__(self) -> int:
        return len(self._locks)


class WebhookHandler:
    def __init__(self, bot: Bot, dp: Dispatcher, secret: str) -> None:
        self.bot, self.dp, self.secret = bot, dp, secret
        self.chats = ChatQueue()

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook request refused: wrong secret token (from %s)", request.remote)
            return web.Response(status=401, text="wrong secret token")
        try:
            update = Update.model_validate(await request.json(), context={"bot": self.bot})
        except Exception:
            log.warning("webhook request refused: not an update")
            return web.Response(status=400, text="not an update")

        async def work() -> None:
            try:
                await self.dp.feed_update(self.bot, update)
            except Exception:
                # As in polling: the session middleware already answered the user; a failure
                # before it is logged and acknowledged, or Telegram would repeat it forever.
                log.exception("update %s failed outside the handlers", update.update_id)

        await self.chats.run(chat_key(update), work)
        return web.Response(status=200)


def build_app(
    *,
    health: Callable[[web.Request], Awaitable[web.StreamResponse]] | None,
    webhook: WebhookHandler | None = None,
    path: str = "/",
    webapp: WebApp | None = None,
) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)
    if webhook is not None:
        app.router.add_post(path, webhook.handle)
    if health is not None:
        app.router.add_get("/healthz", health)
    if webapp is not None:
        webapp.add_routes(app)
    return app


async def listen(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Binds at once, so that a port in use is one line at start, not a failure later."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=30)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        await runner.cleanup()
        raise EnvironmentFailure(
            f"Cannot listen on {host}:{port} ({exc.strerror or type(exc).__name__}); "
            "check WEBHOOK_LISTEN, WEBHOOK_PORT or HEALTH_PORT",
            EXIT_LISTEN,
        ) from None
    return runner
