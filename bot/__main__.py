"""`python -m bot`: the bot, with SQLite by default and only BOT_TOKEN required."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiogram.exceptions import TelegramUnauthorizedError

from bot.app import run
from bot.config import load_settings
from bot.logging_setup import setup_logging


async def _main() -> int:
    settings = load_settings()
    setup_logging(settings.log_level, settings.bot_token.get_secret_value())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await run(settings, stop)
    except TelegramUnauthorizedError:
        logging.getLogger("bot").error("Telegram rejected BOT_TOKEN (401 Unauthorized)")
        return 2
    return 0


def main() -> None:
    raise SystemExit(asyncio.run(_main()))


if __name__ == "__main__":
    main()
