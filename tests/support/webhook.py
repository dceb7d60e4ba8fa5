"""A bot in webhook mode against the fake Bot API, for the tests of webhooks and of what the
same server also serves (/healthz, the Mini App)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp

from bot.app import run
from bot.clock import FrozenClock
from bot.config import Settings
from tests.conftest import make_settings
from tests.support.fake_api import FakeTelegram
from tests.support.process import free_port

SECRET = "s3cret-token_for-tests"


async def wait_healthy(base: str) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(600):
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"{base}/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.2)
    raise AssertionError("the webhook server never answered /healthz")


@contextlib.asynccontextmanager
async def webhook_bot(
    tg: FakeTelegram, tmp_path: Path, clock: FrozenClock, **extra: object
) -> AsyncIterator[tuple[Settings, str]]:
    # The fake API has no setWebhook of its own; Telegram answers it with true.
    tg._handlers["setwebhook"] = tg._true
    port = free_port()
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        telegram_api_url=tg.base_url,
        webhook_url="https://bot.example.gov.ru/telegram/webhook",
        webhook_secret=SECRET,
        webhook_port=port,
        **extra,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run(settings, stop, clock=clock))
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_healthy(base)
        yield settings, base
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)
