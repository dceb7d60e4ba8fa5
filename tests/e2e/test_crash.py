"""Crash safety of broadcasts: a sender killed with SIGKILL mid-broadcast loses nobody on
restart, and at most the one message in flight at the crash arrives twice (cl. 15)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

from bot.clock import SystemClock
from bot.services.outbox import Envelope, enqueue
from storage.db import Database, write
from storage.migrate import migrate
from tests.conftest import TOKEN
from tests.support.fake_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
RECIPIENTS = [8000 + i for i in range(60)]


async def _start_bot(telegram: FakeTelegram, db_url: str, cwd: Path) -> asyncio.subprocess.Process:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))},
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": telegram.base_url,
        "DATABASE_URL": db_url,
        "PYTHONPATH": str(ROOT),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


def _delivered(telegram: FakeTelegram) -> Counter[int]:
    return Counter(
        int(c.chat_id)
        for c in telegram.calls
        if c.method == "sendMessage" and c.ok and c.chat_id in RECIPIENTS
    )


async def test_sigkill_mid_broadcast_loses_nobody_and_duplicates_at_most_one(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    await migrate(db_url)
    db = Database(db_url)
    async with db.session() as session, write(session):
        await enqueue(
            session,
            [
                Envelope(
                    key=f"broadcast:1:{chat}",
                    kind="broadcast",
                    chat_id=chat,
                    text=f"Сообщение для {chat}",
                )
                for chat in RECIPIENTS
            ],
            SystemClock().now(),
        )
    await db.dispose()
    # Slow answers make sure the kill lands in the middle of the broadcast.
    telegram.delay("sendMessage", 0.05)

    first = await _start_bot(telegram, db_url, tmp_path)
    try:
        await telegram.wait_for(lambda _: sum(_delivered(telegram).values()) >= 20, timeout=60)
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()
    assert sum(_delivered(telegram).values()) < len(RECIPIENTS), "killed too late to prove it"

    second = await _start_bot(telegram, db_url, tmp_path)
    try:
        await telegram.wait_for(lambda _: set(_delivered(telegram)) == set(RECIPIENTS), timeout=60)
        await asyncio.sleep(1.0)  # a late duplicate would show up now
    finally:
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), timeout=30)

    delivered = _delivered(telegram)
    assert set(delivered) == set(RECIPIENTS)  # nobody lost
    duplicates = sum(n - 1 for n in delivered.values())
    assert duplicates <= 1, delivered.most_common(3)
