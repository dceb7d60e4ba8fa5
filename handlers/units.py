"""Structural units for the secretariat and administrators: /units."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import MenuCb, UnitCb
from bot.context import AppContext
from bot.dialogs import UnitDialog
from bot.domain.roles import Capability
from bot.filters import HasCapability, Inline, NotCommand, private_chat
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.middlewares import edit_or_send
from bot.services.actor import Actor
from bot.services.errors import InvalidInput
from bot.services.roster import RosterService
from bot.views.roster import unit_card, units_card
from handlers.asking import ask_again


async def units_command(
    message: Message, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    text, keyboard = units_card(t, await RosterService(session, app.clock).units(actor))
    await message.answer(text, reply_markup=keyboard)


async def units_list(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await state.clear()
    units = await RosterService(session, app.clock).units(actor)
    await query.answer()
    await edit_or_send(query, *units_card(t, units))


async def unit_open(
    query: CallbackQuery,
    callback_data: UnitCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    unit = await RosterService(session, app.clock).unit(actor, callback_data.unit)
    await query.answer()
    await edit_or_send(query, *unit_card(t, unit))


async def unit_add(query: CallbackQuery, t: Translator, state: FSMContext) -> None:
    await state.set_state(UnitDialog.name)
    await query.answer()
    await edit_or_send(
        query, t("units.ask_name"), markup([[button(t("common.cancel"), UnitCb(action="list"))]])
    )


async def unit_name(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    assert message.text is not None
    service = RosterService(session, app.clock)
    try:
        unit = await service.add_unit(actor, message.text)
    except InvalidInput as bad:
        await ask_again(message, t, bad.key, "units.ask_name", **bad.params)
        return
    await state.clear()
    text, keyboard = units_card(t, await service.units(actor))
    await message.answer(t("units.added", name=unit.name) + "\n\n" + text, reply_markup=keyboard)


async def unit_name_not_text(message: Message, t: Translator) -> None:
    await ask_again(message, t, "errors.text_expected", "units.ask_name")


async def unit_archive(
    query: CallbackQuery,
    callback_data: UnitCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    service = RosterService(session, app.clock)
    unit = await service.archive_unit(actor, callback_data.unit)
    await query.answer(t.plain("units.archived", name=unit.name))
    await edit_or_send(query, *units_card(t, await service.units(actor)))


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="units")
    r.message.filter(private_chat(), HasCapability(Capability.MANAGE_ROSTER))
    r.callback_query.filter(HasCapability(Capability.MANAGE_ROSTER))
    r.message.register(units_command, Command("units"))
    r.callback_query.register(units_list, MenuCb.filter(F.section == "units"))
    r.callback_query.register(units_list, UnitCb.filter(F.action == "list"))
    r.callback_query.register(unit_open, UnitCb.filter(F.action == "open"))
    r.callback_query.register(unit_add, UnitCb.filter(F.action == "add"))
    r.message.register(unit_name, StateFilter(UnitDialog.name), Inline(F.text))
    r.message.register(unit_name_not_text, StateFilter(UnitDialog.name), NotCommand())
    r.callback_query.register(unit_archive, UnitCb.filter(F.action == "archive"))
    return r
