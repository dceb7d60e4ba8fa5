"""`python -m bot` as a child process, the way a service manager runs it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from tests.conftest import ADMIN_ID, TOKEN
from tests.support.fake_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BOT_", "DATABASE_", "DATA_DIR", "ENV_FILE", "PROXY_", "LOG_"))
    }
    return {
        **keep,
        "BOT_TOKEN": TOKEN,
        "ADMIN_IDS": str(ADMIN_ID),
        "PYTHONPATH": str(ROOT),
        "DATA_DIR": str(tmp_path / "data"),
        "ENV_FILE": str(_empty_env_file(tmp_path)),
        **extra,
    }


def _empty_env_file(tmp_path: Path) -> Path:
    path = tmp_path / "empty.env"
    path.touch()
    return path


class Process:
    """The bot process with its standard error read line by line as it comes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._changed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for raw in self.process.stderr:
            self.lines.append(raw.decode().rstrip("\n"))
            self._changed.set()

    async def wait_line(self, contains: str, count: int = 1, wait_s: float = 30) -> None:
        async def seen() -> None:
            while sum(contains in line for line in self.lines) < count:
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(seen(), wait_s)

    async def until_polling(
        self, telegram: FakeTelegram, *, since: int = 0, wait_s: float = 180
    ) -> None:
        """Until the bot asks Telegram for updates. When it exits or stalls first, the
        failure carries its exit code and its log, which say why."""
        polling = asyncio.ensure_future(
            telegram.wait_for(lambda c: c.method == "getUpdates", timeout=wait_s, since=since)
        )
        exited = asyncio.ensure_future(self.process.wait())
        done, _ = await asyncio.wait({polling, exited}, return_when=asyncio.FIRST_COMPLETED)
        exited.cancel()
        if polling in done and polling.exception() is None:
            return
        polling.cancel()
        await asyncio.sleep(0.2)  # the last lines it wrote
        raise AssertionError(
            f"the bot is not polling (exit code {self.process.returncode}); its log:\n{self.log}"
        )

    async def exited(self, wait_s: float = 180) -> int:
        """Its exit code once it ends by itself, with all it wrote read."""
        code = await asyncio.wait_for(self.process.wait(), wait_s)
        await self._reader
        return code

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), timeout=60)
        await self._reader
        return code

    @property
    def log(self) -> str:
        return "\n".join(self.lines)


async def _spawn(
    env: dict[str, str], cwd: Path, *args: str, stdout: int
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=stdout,
        stderr=asyncio.subprocess.PIPE,
    )


async def start(env: dict[str, str], cwd: Path) -> Process:
    return Process(await _spawn(env, cwd, stdout=asyncio.subprocess.DEVNULL))


async def run_to_end(
    env: dict[str, str], cwd: Path, *args: str, wait_s: float = 240
) -> tuple[int, str, str]:
    """`python -m bot ARGS` run until it exits: its code, standard output and error."""
    process = await _spawn(env, cwd, *args, stdout=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), wait_s)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@contextlib.asynccontextmanager
async def running(env: dict[str, str], cwd: Path) -> AsyncIterator[Process]:
    proc = await start(env, cwd)
    try:
        yield proc
    finally:
        if proc.process.returncode is None:
            proc.process.kill()
            await proc.process.wait()
