"""`python -m bot` as the README runs it: migrates, polls the configured API, stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.conftest import ADMIN_ID, TOKEN
from tests.support.fake_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]


async def test_python_m_bot_answers_and_stops_cleanly_on_sigterm(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))},
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": telegram.base_url,
        "ADMIN_IDS": str(ADMIN_ID),
        "PYTHONPATH": str(ROOT),
        # Issue #15: the data folder is DATA_DIR (by default beside the project, whatever
        # the current folder); the SQLite file goes there when DATABASE_URL is not set.
        "DATA_DIR": str(tmp_path / "data"),
    }
    # Started in an empty folder with no DATABASE_URL: the SQLite file under DATA_DIR.
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        # A process start (imports, migrations) takes tens of seconds on a loaded CI machine.
        await telegram.wait_for(lambda c: c.method == "getUpdates", timeout=180)
        admin = telegram.user(ADMIN_ID, "Admin", language_code="en")
        await telegram.send_text(admin, "/start")
        reply = await telegram.wait_message(admin.id, "Hello", timeout=10)
        assert "administrator" in (reply.text or "")
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "stopped cleanly" in log
    assert TOKEN.split(":")[1] not in log
    assert (tmp_path / "data" / "bot.db").exists()
