"""The command menu (setMyCommands): one default per language, one per person by role."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.domain.commands import commands_for
from bot.domain.roles import Standing
from bot.i18n import SUPPORTED, Translator, translator

log = logging.getLogger(__name__)


def bot_commands(t: Translator, standing: Standing) -> list[BotCommand]:
    return [BotCommand(command=c, description=t(f"commands.{c}")) for c in commands_for(standing)]


async def setup_default_commands(bot: Bot, default_locale: str, timezone: str) -> None:
    """What someone sees before joining; members get their own list when they join."""
    outsider = Standing(role=None)
    for locale in SUPPORTED:
        await bot.set_my_commands(
            bot_commands(translator(locale, timezone), outsider),
            scope=BotCommandScopeDefault(),
            language_code=locale,
        )
    await bot.set_my_commands(
        bot_commands(translator(default_locale, timezone), outsider),
        scope=BotCommandScopeDefault(),
    )


async def apply_person_commands(
    bot: Bot, telegram_id: int, standing: Standing, locale: str
) -> None:
    """Best effort: a menu that failed to update is logged, never a reason to fail the action."""
    try:
        await bot.set_my_commands(
            bot_commands(translator(locale, "UTC"), standing),
            scope=BotCommandScopeChat(chat_id=telegram_id),
        )
    except TelegramAPIError:
        log.warning("could not update the command menu of %s", telegram_id, exc_info=True)
