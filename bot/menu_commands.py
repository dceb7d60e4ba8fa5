"""The command menu (setMyCommands): one default per language, one per person by role."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.domain.commands import commands_for
from bot.domain.roles import Capability, Standing
from bot.i18n import SUPPORTED, Translator, translator
from storage.db import Database, read, write
from storage.repositories.roster import RosterRepository

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


def menu_fingerprint(commands: list[BotCommand]) -> str:
    """A digest of a menu as Telegram shows it: commands, order and descriptions."""
    shown = [[c.command, c.description] for c in commands]
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()


async def sync_person_menus(
    db: Database,
    bot: Bot,
    *,
    group_id: int,
    admin_ids: frozenset[int],
    default_locale: str,
    stop: asyncio.Event | None = None,
    pause: float = 0.05,
) -> int:
    """At start-up: every person's menu as their role and language make it now.

    Menus are set when someone joins or changes role or language, so a release that adds or
    renames commands would leave everyone else with the old menu. Only the menus whose
    digest differs from the last one synced are sent, one at a time and unhurried, while
    the bot already answers. Someone who only ever had the default menu is left alone.
    `stop` ends the pass between two people; the rest are synced at the next start.
    Returns how many menus were set.
    """
    async with db.session() as session, read(session):
        targets = await RosterRepository(session).menu_targets(group_id)
    synced = 0
    for person, role, extra, stored in targets:
        if stop is not None and stop.is_set():
            break
        assert person.telegram_id is not None
        standing = Standing(role=role, is_admin=person.telegram_id in admin_ids, extra_roles=extra)
        if not standing.can(Capability.USE_BOT) and stored is None:
            continue
        commands = bot_commands(translator(person.locale(default_locale), "UTC"), standing)
        fingerprint = menu_fingerprint(commands)
        if fingerprint == stored:
            continue
        try:
            await bot.set_my_commands(
                commands, scope=BotCommandScopeChat(chat_id=person.telegram_id)
            )
        except TelegramAPIError:
            log.warning("could not sync the command menu of %s", person.telegram_id, exc_info=True)
            continue
        async with db.session() as session, write(session):
            await RosterRepository(session).set_menu_fingerprint(person.id, fingerprint)
        synced += 1
        await asyncio.sleep(pause)
    if synced:
        log.info("command menus re-synced for %s person(s)", synced)
    return synced
