"""Everyone in the roster: /help, /menu, /language, /cancel."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import LangCb, MenuCb
from bot.context import AppContext
from bot.filters import private_chat
from bot.i18n import SUPPORTED, Translator
from bot.keyboards import button, markup
from bot.menu_commands import apply_person_commands
from bot.middlewares import edit_or_send
from bot.services.actor import Actor
from bot.services.roster import RosterService
from bot.views.menu import help_text, main_menu, menu_text


def language_picker(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[button(t(f"language.name_{code}"), LangCb(code=code))] for code in SUPPORTED]
    return t("language.pick"), markup(rows)


async def help_command(message: Message, actor: Actor, t: Translator) -> None:
    await message.answer(help_text(t, actor.standing))


async def menu_command(message: Message, actor: Actor, t: Translator) -> None:
    await message.answer(
        menu_text(t, actor.display_name, actor.standing), reply_markup=main_menu(t, actor.standing)
    )


async def language_command(message: Message, t: Translator) -> None:
    text, keyboard = language_picker(t)
    await message.answer(text, reply_markup=keyboard)


async def cancel_command(message: Message, state: FSMContext, t: Translator) -> None:
    if await state.get_state() is None:
        await message.answer(t("cancel.nothing"))
        return
    await state.clear()
    await message.answer(t("cancel.done"))


async def help_button(query: CallbackQuery, actor: Actor, t: Translator) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(help_text(t, actor.standing))


async def language_button(query: CallbackQuery, t: Translator) -> None:
    text, keyboard = language_picker(t)
    await query.answer()
    await edit_or_send(query, text, keyboard)


async def main_button(query: CallbackQuery, actor: Actor, t: Translator) -> None:
    await query.answer()
    await edit_or_send(
        query, menu_text(t, actor.display_name, actor.standing), main_menu(t, actor.standing)
    )


async def language_chosen(
    query: CallbackQuery,
    callback_data: LangCb,
    actor: Actor,
    session: AsyncSession,
    app: AppContext,
    bot: Bot,
) -> None:
    await RosterService(session, app.clock).set_language(
        actor, callback_data.code, query.from_user.username
    )
    t = app.translator(callback_data.code)
    await query.answer()
    await edit_or_send(query, t("language.changed"), main_menu(t, actor.standing))
    await apply_person_commands(bot, actor.telegram_id, actor.standing, callback_data.code)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="common")
    r.message.filter(private_chat())
    r.message.register(help_command, Command("help"))
    r.message.register(menu_command, Command("menu"))
    r.message.register(language_command, Command("language"))
    r.message.register(cancel_command, Command("cancel"))
    r.callback_query.register(help_button, MenuCb.filter(F.section == "help"))
    r.callback_query.register(language_button, MenuCb.filter(F.section == "language"))
    r.callback_query.register(main_button, MenuCb.filter(F.section == "main"))
    r.callback_query.register(language_chosen, LangCb.filter())
    return r
