"""Structural units for the secretariat and administrators: /units."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message

from bot.callbacks import UnitCb
from bot.dialogs import UnitDialog
from bot.domain import fields
from bot.domain.roles import Capability
from bot.filters import Inline, NotCommand, on_buttons, section_router
from bot.keyboards import button, markup
from bot.services.errors import InvalidInput
from bot.update_context import Ctx
from bot.views.roster import unit_card, units_card
from handlers.asking import ask_again


async def units_command(message: Message, ctx: Ctx) -> None:
    await ctx.show(*units_card(ctx.t, await ctx.roster.units(ctx.actor)))


async def units_list(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.state.clear()
    await ctx.show(*units_card(ctx.t, await ctx.roster.units(ctx.actor)))


async def unit_open(query: CallbackQuery, callback_data: UnitCb, ctx: Ctx) -> None:
    await ctx.show(*unit_card(ctx.t, await ctx.roster.unit(ctx.actor, callback_data.unit)))


async def unit_add(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.state.set_state(UnitDialog.name)
    cancel = markup([[button(ctx.t("common.cancel"), UnitCb(action="list"))]])
    await ctx.show(ctx.t("units.ask_name", max=fields.UNIT_NAME.max_length), cancel)


async def unit_name(message: Message, ctx: Ctx) -> None:
    assert message.text is not None
    try:
        unit = await ctx.roster.add_unit(ctx.actor, message.text)
    except InvalidInput as bad:
        await ask_again(
            ctx, bad.key, "units.ask_name", said=bad.params, max=fields.UNIT_NAME.max_length
        )
        return
    await ctx.state.clear()
    text, keyboard = units_card(ctx.t, await ctx.roster.units(ctx.actor))
    await ctx.send(ctx.t("units.added", name=unit.name) + "\n\n" + text, keyboard)


async def unit_name_not_text(message: Message, ctx: Ctx) -> None:
    await ask_again(ctx, "errors.text_expected", "units.ask_name", max=fields.UNIT_NAME.max_length)


async def unit_archive(query: CallbackQuery, callback_data: UnitCb, ctx: Ctx) -> None:
    unit = await ctx.roster.archive_unit(ctx.actor, callback_data.unit)
    await ctx.toast("units.archived", name=unit.name)
    await ctx.show(*units_card(ctx.t, await ctx.roster.units(ctx.actor)))


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = section_router(
        "units", Capability.MANAGE_ROSTER, section="units", command=units_command, button=units_list
    )
    on_buttons(
        r,
        UnitCb,
        {"list": units_list, "open": unit_open, "add": unit_add, "archive": unit_archive},
    )
    r.message.register(unit_name, StateFilter(UnitDialog.name), Inline(F.text))
    r.message.register(unit_name_not_text, StateFilter(UnitDialog.name), NotCommand())
    return r
