"""Start-up that an operator can leave alone: the network is waited for, the environment is not.

Telegram unreachable at boot (no DNS, a proxy not up yet, a connection that hangs) is
temporary: every call before polling is retried with backoff and jitter, one log line per
attempt, until it works or the bot is told to stop. Only a token Telegram rejects ends the
process. A broken environment (database unreachable, a folder the bot cannot write) will not
mend itself while the process waits: it prints one line naming what and where and exits with
a documented code, and the service manager tries again later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import sqlite3
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

log = logging.getLogger("bot.startup")

T = TypeVar("T")

# Exit codes, documented in docs/admin-guide.md and relied on by deploy/wg-bot.service.
EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_CONFIG = 2  # a setting is missing or invalid, or Telegram rejected the token
EXIT_DATABASE = 3  # the database cannot be reached or refuses the bot
EXIT_STORAGE = 4  # the data folder or the database file cannot be written
EXIT_LISTEN = 5  # the webhook or health server cannot listen on its address and port

FIRST_DELAY_S = 1.0
MAX_DELAY_S = 60.0
# getMe answers at once when Telegram is reachable; a connection that hangs should cost
# seconds before the next attempt, not aiogram's default minute.
PROBE_TIMEOUT_S = 10
DB_CONNECT_TIMEOUT_S = 10


class EnvironmentFailure(Exception):
    """Something outside the bot is wrong; `str()` is the one line the operator reads."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class Stopped(Exception):
    """The bot was told to stop while it was still waiting for Telegram."""


def transient_errors() -> tuple[type[BaseException], ...]:
    """The failures worth waiting out. aiogram is imported here, not with the module: the
    checks of settings and the database below run before the bot's libraries are loaded,
    so that a misconfigured service fails in a second rather than after seconds of imports."""
    import aiohttp
    from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError

    return (
        TelegramNetworkError,
        TelegramServerError,
        TelegramRetryAfter,
        aiohttp.ClientError,
        TimeoutError,
        OSError,
    )


def next_delay(previous: float, rng: random.Random | None = None) -> float:
    """Doubles up to a minute, with ±20 % jitter so that many bots do not retry in step."""
    rng = rng or random.Random()
    base = min(MAX_DELAY_S, max(FIRST_DELAY_S, previous * 2))
    return min(MAX_DELAY_S, base * rng.uniform(0.8, 1.2))


def _reason(exc: BaseException) -> str:
    text_ = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text_}" if text_ else type(exc).__name__


async def until_reachable(
    what: str,
    call: Callable[[], Awaitable[T]],
    stop: asyncio.Event,
    *,
    first_delay: float = FIRST_DELAY_S,
    rng: random.Random | None = None,
) -> T:
    """`call()` until it succeeds; retries transient network failures for as long as it takes.

    A 401 (TelegramUnauthorizedError) is not transient and goes up; so does any other
    error, which is a bug rather than the network.
    """
    from aiogram.exceptions import TelegramRetryAfter, TelegramUnauthorizedError

    transient = transient_errors()
    delay = first_delay
    attempt = 1
    while True:
        if stop.is_set():
            raise Stopped
        try:
            return await call()
        except TelegramUnauthorizedError:
            raise
        except transient as exc:
            wait = exc.retry_after if isinstance(exc, TelegramRetryAfter) else delay
            log.warning(
                "Telegram is unreachable (%s, attempt %d: %s); retrying in %.1f s",
                what,
                attempt,
                _reason(exc),
                wait,
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)
            delay = next_delay(delay, rng)
            attempt += 1


def check_data_dir(path: Path) -> None:
    """The data folder exists and the bot can create files in it, or one line says why not."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        # os.access says yes to root on a read-only mount; only writing a file proves it.
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise EnvironmentFailure(
            f"Data folder {path} is not writable ({exc.strerror or type(exc).__name__}); "
            "set DATA_DIR to a folder the bot's user may write, or fix its permissions",
            EXIT_STORAGE,
        ) from None


def _root_cause(exc: BaseException) -> BaseException:
    seen: set[int] = set()
    current: BaseException = exc
    while id(current) not in seen:
        seen.add(id(current))
        inner = getattr(current, "orig", None) or current.__cause__ or current.__context__
        if inner is None:
            break
        current = inner
    return current


def describe_database_error(url: str, exc: BaseException) -> EnvironmentFailure:
    """One line naming the database (never its password) and what went wrong."""
    parsed = make_url(url)
    cause = _root_cause(exc)
    reason = _reason(cause)
    if parsed.get_backend_name() == "sqlite":
        where = f"SQLite database {parsed.database}"
        message = str(cause).lower()
        if isinstance(cause, sqlite3.OperationalError | PermissionError) and (
            "readonly" in message
            or "read-only" in message
            or "unable to open" in message
            or "permission" in message
        ):
            return EnvironmentFailure(
                f"{where} cannot be written ({reason}); check the permissions of the file "
                "and its folder (DATA_DIR)",
                EXIT_STORAGE,
            )
        return EnvironmentFailure(f"{where} cannot be used ({reason})", EXIT_DATABASE)
    where = f"PostgreSQL database {parsed.database!r} at {parsed.host or 'localhost'}"
    if parsed.port:
        where += f":{parsed.port}"
    return EnvironmentFailure(
        f"{where} is unreachable or refused the bot ({reason}); check DATABASE_URL "
        "and that the server is running",
        EXIT_DATABASE,
    )


def check_sqlite_file(db_file: Path) -> None:
    check_data_dir(db_file.parent)
    if db_file.exists() and not os.access(db_file, os.W_OK):
        raise EnvironmentFailure(
            f"SQLite database {db_file} cannot be written (read-only file); check its permissions",
            EXIT_STORAGE,
        )


async def check_database(url: str) -> None:
    """Connects once and writes nothing; a failure becomes one line with the exit code."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        check_sqlite_file(Path(parsed.database))
        connect_args: dict[str, object] = {}
    else:
        connect_args = {"timeout": DB_CONNECT_TIMEOUT_S}
    engine = create_async_engine(url, poolclass=NullPool, connect_args=connect_args)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:
        raise describe_database_error(url, exc) from None
    finally:
        await engine.dispose()
