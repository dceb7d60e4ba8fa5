"""The real application, polling over HTTP a fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import run
from bot.clock import FrozenClock
from bot.config import Settings
from tests.conftest import TOKEN, make_settings
from tests.support.fake_api import FakeTelegram
from tests.support.migrated import migrated


@dataclass
class RunningBot:
    server: FakeTelegram
    settings: Settings
    clock: FrozenClock
    stop: asyncio.Event
    task: asyncio.Task[None]

    async def shutdown(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, timeout=10)


async def start_bot(server: FakeTelegram, settings: Settings, clock: FrozenClock) -> RunningBot:
    stop = asyncio.Event()
    task = asyncio.create_task(run(settings, stop, clock=clock, poll_timeout=1))
    # The bot is ready once it has set its default command menu and started polling.
    await server.wait_for(lambda call: call.method == "getUpdates", timeout=20)
    return RunningBot(server, settings, clock, stop, task)


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as server:
        yield server


@pytest.fixture
async def running(
    telegram: FakeTelegram, tmp_path: Path, clock: FrozenClock
) -> AsyncIterator[RunningBot]:
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path}/bot.db", telegram_api_url=telegram.base_url
    )
    # Already at the newest revision: the bot's start skips migrating (tested on its own in
    # test_process and test_backup), and each test saves a second or two.
    await migrated(settings.database_url)
    bot = await start_bot(telegram, settings, clock)
    try:
        yield bot
    finally:
        if not bot.task.done():
            await bot.shutdown()
