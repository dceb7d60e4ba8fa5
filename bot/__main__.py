"""`python -m bot`: the bot, with SQLite by default and only BOT_TOKEN required.

`python -m bot backup [PATH]` and `python -m bot restore PATH` copy the data (bot/backup.py).
Exit codes (docs/admin-guide.md): 0 stopped, 1 unexpected error, 2 a bad setting or a token
Telegram rejected, 3 database unreachable, 4 data folder or database not writable.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.config import Settings, load_settings, storage_settings
from bot.logging_setup import setup_logging
from bot.startup import EXIT_CONFIG, EXIT_OK, EnvironmentFailure, check_database

USAGE = "usage: python -m bot [backup [PATH] | restore PATH]"

log = logging.getLogger("bot")


def _secrets(settings: Settings) -> list[str]:
    hidden = []
    if settings.proxy_url is not None:
        password = make_url(settings.proxy_url.get_secret_value()).password
        if password:
            hidden.append(str(password))
    return hidden


def _logging(settings: Settings) -> None:
    setup_logging(
        settings.log_level,
        settings.bot_token.get_secret_value(),
        fmt=settings.log_format,
        secrets=_secrets(settings),
    )


async def _serve(settings: Settings) -> int:
    # The database is checked before the bot's libraries are loaded (aiogram alone takes
    # seconds of CPU on a slow server): an unreachable or unwritable one is told at once.
    # `run` checks again, for callers that start it directly.
    await check_database(settings.database_url)
    # Imported here so that `backup` and `restore` do not load the whole bot.
    from aiogram.exceptions import TelegramUnauthorizedError

    from bot.app import run

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await run(settings, stop)
    except TelegramUnauthorizedError:
        log.error("Telegram rejected BOT_TOKEN (401 Unauthorized); check the token")
        return EXIT_CONFIG
    return EXIT_OK


def _backup(args: list[str]) -> int:
    from bot.backup import backup

    if len(args) > 1:
        print(USAGE, file=sys.stderr)
        return EXIT_CONFIG
    settings = storage_settings()
    _logging(settings)
    result = backup(settings, Path(args[0]) if args else None)
    print(
        f"Backup written: {result.path} ({result.engine} database, "
        f"{result.database_bytes} bytes; {result.files} stored file(s))"
    )
    return EXIT_OK


def _restore(args: list[str]) -> int:
    from bot.backup import restore

    if len(args) != 1:
        print(USAGE, file=sys.stderr)
        return EXIT_CONFIG
    settings = storage_settings()
    _logging(settings)
    result = restore(settings, Path(args[0]))
    print(
        f"Restored {result.path} into {settings.data_dir} ({result.engine} database; "
        f"{result.files} stored file(s)). Start the bot to apply any newer migrations."
    )
    return EXIT_OK


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    try:
        if not args:
            settings = load_settings()
            _logging(settings)
            code = asyncio.run(_serve(settings))
        elif args[0] == "backup":
            code = _backup(args[1:])
        elif args[0] == "restore":
            code = _restore(args[1:])
        else:
            print(USAGE, file=sys.stderr)
            code = EXIT_CONFIG
    except EnvironmentFailure as failure:
        # One line naming what and where; a service manager restarts the bot later.
        if logging.getLogger().handlers:
            log.error("%s", failure)
        else:
            print(failure, file=sys.stderr)
        code = failure.code
    raise SystemExit(code)


if __name__ == "__main__":
    main()
