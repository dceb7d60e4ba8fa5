"""Issue #15, item 1 and 6: `python -m bot` as a service manager runs it.

Telegram unreachable at start is waited for (one line per attempt, no traceback) and polling
starts once the Bot API answers; a broken environment prints one line naming what and where
and exits with the documented code; an idle bot at INFO writes nothing.
"""

from __future__ import annotations

import asyncio
import os
import socket
import tempfile
from pathlib import Path

import pytest
from aiohttp import web

from tests.conftest import ADMIN_ID, TOKEN
from tests.support.fake_api import FakeTelegram
from tests.support.process import bot_env, free_port, run_to_end, running

EXIT_CONFIG, EXIT_DATABASE, EXIT_STORAGE = 2, 3, 4


class LateTelegram(FakeTelegram):
    """The fake Bot API on a port chosen in advance, so that it can come up after the bot."""

    def __init__(self, token: str, port: int) -> None:
        super().__init__(token)
        self.port = port

    async def start(self) -> None:
        self._closing = False
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self.base_url = f"http://127.0.0.1:{self.port}"


async def test_telegram_unreachable_at_start_is_retried_until_it_answers(tmp_path: Path) -> None:
    """Nothing listens on the Bot API's port at first: the bot logs one line per attempt,
    never a traceback, and starts polling by itself once the API comes up."""
    port = free_port()
    env = bot_env(tmp_path, TELEGRAM_API_URL=f"http://127.0.0.1:{port}")
    async with running(env, tmp_path) as proc:
        await proc.wait_line("Telegram is unreachable (getMe, attempt", count=2, wait_s=180)
        async with LateTelegram(TOKEN, port) as telegram:
            await telegram.wait_for(lambda c: c.method == "getUpdates", timeout=180)
            admin = telegram.user(ADMIN_ID, "Admin", language_code="en")
            await telegram.send_text(admin, "/start")
            await telegram.wait_message(admin.id, "Hello", timeout=30)
            code = await proc.stop()
    assert code == 0, proc.log
    assert "Traceback" not in proc.log
    retries = [line for line in proc.log.splitlines() if "Telegram is unreachable" in line]
    assert retries and all("retrying in" in line for line in retries)
    assert "attempt 1:" in retries[0] and "attempt 2:" in retries[1]
    assert "is polling" in proc.log


async def test_stop_while_waiting_for_telegram_exits_cleanly(tmp_path: Path) -> None:
    env = bot_env(tmp_path, TELEGRAM_API_URL="http://telegram-api.invalid")
    async with running(env, tmp_path) as proc:
        await proc.wait_line("Telegram is unreachable", wait_s=180)
        code = await proc.stop()
    assert code == 0, proc.log
    assert "Traceback" not in proc.log
    assert "stopped cleanly" in proc.log


async def test_a_token_telegram_rejects_exits_2_with_one_line(tmp_path: Path) -> None:
    async with FakeTelegram(TOKEN) as telegram:
        other = TOKEN.split(":")[0] + ":" + "Z" * 35
        env = bot_env(tmp_path, TELEGRAM_API_URL=telegram.base_url, BOT_TOKEN=other)
        async with running(env, tmp_path) as proc:
            code = await proc.exited()
    assert code == EXIT_CONFIG
    assert "Traceback" not in proc.log
    errors = [line for line in proc.lines if " ERROR " in line]
    assert len(errors) == 1 and "rejected BOT_TOKEN" in errors[0]
    assert "Z" * 35 not in proc.log


async def _exit_of(env: dict[str, str], cwd: Path) -> tuple[int, list[str]]:
    code, _, err = await run_to_end(env, cwd, wait_s=180)
    return code, err.strip().splitlines()


@pytest.mark.parametrize(
    ("database_url", "code", "named"),
    [
        ("sqlite+aiosqlite://:::", EXIT_CONFIG, "DATABASE_URL is invalid"),
        ("postgresql+asyncpg://", EXIT_CONFIG, "DATABASE_URL is invalid"),
        ("postgresql+asyncpg://postgres@127.0.0.1", EXIT_CONFIG, "DATABASE_URL is invalid"),
        (
            # The port is chosen when the test runs: ids stay the same in every process
            # that collects the tests (pytest-xdist compares them).
            "postgresql+asyncpg://postgres@127.0.0.1:{port}/wg",
            EXIT_DATABASE,
            "PostgreSQL database 'wg' at 127.0.0.1:",
        ),
    ],
)
async def test_environment_failures_print_one_line_and_the_documented_code(
    tmp_path: Path, database_url: str, code: int, named: str
) -> None:
    """A bad or unreachable database: one line that names it, and its exit code."""
    database_url = database_url.replace("{port}", str(free_port()))
    env = bot_env(tmp_path, TELEGRAM_API_URL="http://127.0.0.1:9", DATABASE_URL=database_url)
    returncode, lines = await _exit_of(env, tmp_path)
    assert returncode == code, lines
    assert len(lines) == 1, lines
    assert named in lines[0]
    assert TOKEN.split(":")[1] not in lines[0]


async def test_postgresql_database_that_does_not_exist_is_named(tmp_path: Path) -> None:
    base = os.environ.get("TEST_POSTGRES_URL")
    if not base:
        pytest.skip("TEST_POSTGRES_URL is not set")
    from sqlalchemy.engine import make_url

    url = make_url(base).set(database="wg_no_such_database_h6")
    env = bot_env(
        tmp_path,
        TELEGRAM_API_URL="http://127.0.0.1:9",
        DATABASE_URL=url.render_as_string(hide_password=False),
    )
    returncode, lines = await _exit_of(env, tmp_path)
    assert returncode == EXIT_DATABASE, lines
    assert len(lines) == 1 and "wg_no_such_database_h6" in lines[0], lines


async def test_data_folder_that_cannot_be_written_is_named(tmp_path: Path) -> None:
    """DATA_DIR under a plain file cannot be created: one line with the path, exit 4."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    env = bot_env(tmp_path, TELEGRAM_API_URL="http://127.0.0.1:9", DATA_DIR=str(blocker / "data"))
    returncode, lines = await _exit_of(env, tmp_path)
    assert returncode == EXIT_STORAGE, lines
    assert len(lines) == 1 and str(blocker / "data") in lines[0], lines


async def test_read_only_data_folder_is_named(tmp_path: Path) -> None:
    """An existing data folder the bot may not write into: one line with the path, exit 4."""
    if os.geteuid() == 0:
        # root writes into any folder whatever its mode; sysfs refuses new files even to root.
        found = _unwritable_for_root()
        if found is None:
            pytest.skip("no folder here that root cannot write into")
        folder = found
    else:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
    env = bot_env(tmp_path, TELEGRAM_API_URL="http://127.0.0.1:9", DATA_DIR=str(folder))
    returncode, lines = await _exit_of(env, tmp_path)
    assert returncode == EXIT_STORAGE, lines
    assert len(lines) == 1, lines
    assert f"Data folder {folder} is not writable" in lines[0]


def _unwritable_for_root() -> Path | None:
    folder = Path("/sys/kernel")
    if not folder.is_dir():
        return None
    try:
        with tempfile.NamedTemporaryFile(dir=folder):
            return None
    except OSError:
        return folder


async def test_an_idle_bot_logs_nothing_at_info(tmp_path: Path) -> None:
    """Issue #15 item 6: the ticker runs twice a second, yet an idle stretch writes nothing."""
    async with FakeTelegram(TOKEN) as telegram:
        env = bot_env(tmp_path, TELEGRAM_API_URL=telegram.base_url, LOG_LEVEL="INFO")
        async with running(env, tmp_path) as proc:
            await proc.wait_line("is polling", wait_s=180)
            # Start-up work in the background (menus, the first planning run) settles first.
            await asyncio.sleep(2)
            before = len(proc.lines)
            await asyncio.sleep(8)
            idle = proc.lines[before:]
            code = await proc.stop()
    assert idle == [], idle
    assert code == 0, proc.log


async def test_json_log_lines(tmp_path: Path) -> None:
    import json

    async with FakeTelegram(TOKEN) as telegram:
        env = bot_env(tmp_path, TELEGRAM_API_URL=telegram.base_url, LOG_FORMAT="json")
        async with running(env, tmp_path) as proc:
            await proc.wait_line("is polling", wait_s=180)
            code = await proc.stop()
    assert code == 0, proc.log
    entries = [json.loads(line) for line in proc.lines]
    assert any(e["message"].endswith("is polling") and e["level"] == "INFO" for e in entries)
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)


async def test_a_connection_that_hangs_is_retried_not_waited_on_for_a_minute(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Issue #15: a connection that hung cost aiogram's default minute, then a traceback.
    Here the server accepts and never answers: each getMe gives up after its timeout and is
    retried, one warning line each."""
    import logging

    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    from bot.startup import Stopped, until_reachable

    held: list[asyncio.StreamWriter] = []

    async def hang(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hang, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    session = AiohttpSession(api=TelegramAPIServer.from_base(f"http://127.0.0.1:{port}"))
    bot = Bot(TOKEN, session=session)
    stop = asyncio.Event()
    try:
        with caplog.at_level(logging.WARNING, logger="bot.startup"):
            waiting = asyncio.create_task(
                until_reachable("getMe", lambda: bot.get_me(request_timeout=1), stop)
            )
            for _ in range(200):
                if len(caplog.records) >= 2:
                    break
                await asyncio.sleep(0.1)
            stop.set()
            with pytest.raises(Stopped):
                await waiting
    finally:
        await session.close()
        for writer in held:
            writer.close()
        server.close()
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) >= 2, lines
    assert all("Telegram is unreachable (getMe" in line for line in lines)
    assert all(r.exc_info is None for r in caplog.records)  # no traceback


async def test_a_health_port_in_use_is_one_line_and_exit_5(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with FakeTelegram(TOKEN) as telegram:
            env = bot_env(tmp_path, TELEGRAM_API_URL=telegram.base_url, HEALTH_PORT=str(port))
            async with running(env, tmp_path) as proc:
                code = await proc.exited()
    assert code == 5, proc.log
    assert "Traceback" not in proc.log
    errors = [line for line in proc.lines if " ERROR " in line]
    assert len(errors) == 1 and f"Cannot listen on 127.0.0.1:{port}" in errors[0], proc.log


async def test_an_empty_admin_ids_is_warned_about_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue #15 item 2: with no administrator nobody can invite anybody; say so at start."""
    import logging

    from bot.app import run
    from bot.clock import FrozenClock
    from tests.conftest import START, make_settings

    async with FakeTelegram(TOKEN) as telegram:
        settings = make_settings(
            f"sqlite+aiosqlite:///{tmp_path}/bot.db",
            telegram_api_url=telegram.base_url,
            admin_ids=frozenset(),
        )
        stop = asyncio.Event()
        with caplog.at_level(logging.WARNING, logger="bot.app"):
            task = asyncio.create_task(
                run(settings, stop, clock=FrozenClock(START), poll_timeout=1)
            )
            await telegram.wait_for(lambda c: c.method == "getUpdates", timeout=60)
            stop.set()
            await asyncio.wait_for(task, timeout=30)
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.app"]
    assert any(w.startswith("ADMIN_IDS is empty: nobody can invite anybody") for w in warnings)
