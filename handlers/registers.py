"""Registers of the work programme (cl. 4 а–к), for reading: /plan, /projects, /documents
for everyone in the roster, their pages and an entry's card.

The secretariat's dialogs live beside it: adding an entry (`handlers.register_entry`),
changing one (`handlers.register_changes`) and the steps both share
(`handlers.register_steps`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message

from bot.callbacks import MenuCb, RegisterCb
from bot.domain.registers import Register
from bot.filters import NotCommand, private_router
from bot.keyboards import in_private
from bot.services.errors import NotFound
from bot.update_context import Ctx
from bot.views import registers as views

# The commands and the main menu's sections, by the register they open.
SECTIONS: dict[str, Register] = {
    "plan": Register.EVENTS,
    "projects": Register.PROJECTS,
    "documents": Register.DOCUMENTS,
}


Handler = Callable[..., Awaitable[None]]


def on_typed(r: Router, handler: Handler, *states: State) -> None:
    """`handler` for a message in one of `states` (it refuses a file or a photo with the
    same question); a command typed in the middle of a dialog goes to its own handler."""
    r.message.register(handler, StateFilter(*states), NotCommand())


def on_button(r: Router, handler: Handler, action: str, *states: State) -> None:
    """`handler` for a register button's `action`, in one of `states` (any state if none)."""
    filters: list[Any] = [RegisterCb.filter(F.action == action)]
    if states:
        filters.append(StateFilter(*states))
    r.callback_query.register(handler, *filters)


def register_named(book: str) -> Register:
    """The register a button names; anything else is a forged or outdated button."""
    try:
        return Register(book)
    except ValueError as exc:
        raise NotFound("errors.stale") from exc


async def show_listing(ctx: Ctx, register: Register, page: int = 0) -> None:
    shown = views.listing(ctx.t, await ctx.registers.listing(ctx.actor, register), page)
    if register is Register.EVENTS:
        # The Plan as a whole carries effectiveness indicators (cl. 3 в, 4 ж).
        shown = views.with_indicators(ctx.t, shown, await ctx.indicators.section(ctx.actor, None))
    await ctx.show(*shown)


async def show_card(ctx: Ctx, entry: int, page: int = 0) -> None:
    card = await ctx.registers.card(ctx.actor, entry)
    # A document's entry shows its versions (cl. 4 б, в, к, 5; handlers.document_versions),
    # a priority project its indicators (cl. 3 в, 4 ж); None where the entry has none.
    versions = await ctx.document_versions.section(ctx.actor, entry)
    section = await ctx.indicators.section(ctx.actor, entry)
    editor = in_private(ctx.app.webapp_link(f"/registers/entry/{entry}"), ctx.message)
    shown = views.card(ctx.t, card, page, versions=versions, editor=editor)
    await ctx.show(*views.with_indicators(ctx.t, shown, section))


async def register_command(message: Message, command: CommandObject, ctx: Ctx) -> None:
    await show_listing(ctx, SECTIONS[command.command])


async def menu_section(query: CallbackQuery, callback_data: MenuCb, ctx: Ctx) -> None:
    await show_listing(ctx, SECTIONS[callback_data.section])


async def list_page(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    await show_listing(ctx, register_named(callback_data.book), callback_data.page)


async def open_card(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    await show_card(ctx, callback_data.entry, callback_data.page)


def router() -> Router:
    r = private_router("registers")
    r.message.register(register_command, Command(*SECTIONS))
    r.callback_query.register(menu_section, MenuCb.filter(F.section.in_(set(SECTIONS))))
    on_button(r, list_page, "list")
    on_button(r, open_card, "card")
    return r
