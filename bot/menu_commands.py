"""The command menu (setMyCommands): one default per language, one per person by role; and
the menu button of each private chat (setChatMenuButton): the Mini App for the secretariat
when WEBAPP_URL is set (issue #19 item 6), Telegram's default (the command list) for others."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)

from bot.domain.commands import commands_for
from bot.domain.roles import Capability, Standing
from bot.i18n import SUPPORTED, Translator, translator
from storage.db import Database, read, write
from storage.repositories.roster import RosterRepository

log = logging.getLogger(__name__)


def bot_commands(t: Translator, standing: Standing) -> list[BotCommand]:
    return [BotCommand(command=c, description=t(f"commands.{c}")) for c in commands_for(standing)]


MenuButton = MenuButtonWebApp | MenuButtonDefault


def menu_button(t: Translator, standing: Standing, home: str | None) -> MenuButton:
    """The secretariat's button opens the Mini App at its first page (`home`, the link
    AppContext.webapp_link gives; None without WEBAPP_URL); anyone else has the default."""
    if home is not None and standing.can(Capability.KEEP_RECORD):
        return MenuButtonWebApp(text=t.plain("webapp.open_app"), web_app=WebAppInfo(url=home))
    return MenuButtonDefault()


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
    bot: Bot,
    telegram_id: int,
    standing: Standing,
    locale: str,
    *,
    home: str | None = None,
) -> None:
    """Best effort: a menu that failed to update is logged, never a reason to fail the action.

    With the Mini App (`home` set) the menu button follows the role too: someone who joins
    the secretariat gets the Mini App's, someone who leaves it gets the default back. Without
    it nobody ever had such a button, and none is sent."""
    t = translator(locale, "UTC")
    try:
        await bot.set_my_commands(
            bot_commands(t, standing), scope=BotCommandScopeChat(chat_id=telegram_id)
        )
    except TelegramAPIError:
        log.warning("could not update the command menu of %s", telegram_id, exc_info=True)
    if home is not None:
        await _apply_button(bot, telegram_id, menu_button(t, standing, home))


async def _apply_button(bot: Bot, telegram_id: int, button: MenuButton) -> bool:
    try:
        await bot.set_chat_menu_button(chat_id=telegram_id, menu_button=button)
    except TelegramAPIError:
        log.warning("could not update the menu button of %s", telegram_id, exc_info=True)
        return False
    return True


def menu_fingerprint(commands: list[BotCommand], button: MenuButton | None = None) -> str:
    """A digest of a menu as Telegram shows it: commands, order and descriptions, and the
    Mini App's button when there is one (a default button leaves the digest as it was, so
    that adding the Mini App re-syncs nobody but the secretariat)."""
    shown: list[list[str]] = [[c.command, c.description] for c in commands]
    if isinstance(button, MenuButtonWebApp):
        shown.append(["menu_button", button.text, button.web_app.url])
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
    home: str | None = None,
) -> int:
    """At start-up: every person's menu as their role and language make it now.

    Menus are set when someone joins or changes role or language, so a release that adds or
    renames commands would leave everyone else with the old menu. Only the menus whose
    digest differs from the last one synced are sent, one at a time and unhurried, while
    the bot already answers. Someone who only ever had the default menu is left alone.
    `stop` ends the pass between two people; the rest are synced at the next start.
    A menu re-synced gets its button too: the Mini App's (`home`) for the secretariat, the
    default for anyone else, which also takes back a button left from an earlier role or
    from a WEBAPP_URL no longer set. Returns how many menus were set.
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
        t = translator(person.locale(default_locale), "UTC")
        commands = bot_commands(t, standing)
        button = menu_button(t, standing, home)
        fingerprint = menu_fingerprint(commands, button)
        if fingerprint == stored:
            continue
        try:
            await bot.set_my_commands(
                commands, scope=BotCommandScopeChat(chat_id=person.telegram_id)
            )
        except TelegramAPIError:
            log.warning("could not sync the command menu of %s", person.telegram_id, exc_info=True)
            continue
        if not await _apply_button(bot, person.telegram_id, button):
            # Not recorded as synced: the next start tries again.
            continue
        async with db.session() as session, write(session):
            await RosterRepository(session).set_menu_fingerprint(person.id, fingerprint)
        synced += 1
        await asyncio.sleep(pause)
    if synced:
        log.info("command menus re-synced for %s person(s)", synced)
    return synced
