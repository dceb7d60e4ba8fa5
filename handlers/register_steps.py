"""Steps that the registers' two dialogs (adding an entry, changing one) share: the pages of
the unit, person and decision pickers, a typed due date, and the question of the decision
behind the change."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message

from bot.callbacks import RegisterCb
from bot.dialogs import RegisterChangeDialog, RegisterDialog
from bot.filters import private_router
from bot.services.errors import InvalidInput, NotFound
from bot.update_context import Ctx
from bot.views import registers as views
from handlers.asking import text_answer
from handlers.registers import on_button, on_typed


def optional_id(arg: str) -> int | None:
    """An id from a picker button; "0" means none. Anything else is a forged button."""
    if not arg.isdigit():
        raise NotFound("errors.stale")
    return int(arg) or None


def decision_named(arg: str) -> tuple[int, int] | None:
    """The decision a basis button names (protocol, item), or None for «no decision»."""
    if arg == "none":
        return None
    decision = views.parse_decision(arg)
    if decision is None:
        raise NotFound("errors.stale")
    return decision


async def again(ctx: Ctx, bad: InvalidInput, question: str, **params: Any) -> None:
    """The reason and the same question; the dialog stays where it was (UX.md, Dialogs)."""
    await ctx.send(ctx.t(bad.key, **bad.params) + "\n\n" + ctx.t(question, **params))


async def ask_basis(ctx: Ctx, basis: State, **data: Any) -> None:
    """Keeps the answer just given and asks for the decision behind the entry or change."""
    decisions = await ctx.registers.decisions(ctx.actor)
    await ctx.state.update_data(**data)
    await ctx.state.set_state(basis)
    await ctx.show(*views.decision_picker(ctx.t, decisions, 0))


async def typed_due(message: Message, ctx: Ctx) -> None:
    """A typed due date, of a new entry (checked against its project's) or of the entry
    being changed (against its roadmap); then the question of the decision behind it. A
    refused date is asked again with the reason."""
    typed = await text_answer(ctx, message, "registers.ask_due")
    if typed is None:
        return
    data = await ctx.state.get_data()
    try:
        due = await ctx.registers.check_due(
            ctx.actor, typed, parent_id=data.get("parent"), entry_id=data.get("entry")
        )
    except InvalidInput as bad:
        await again(ctx, bad, "registers.ask_due")
        return
    adding = await ctx.state.get_state() == RegisterDialog.due.state
    basis = RegisterDialog.basis if adding else RegisterChangeDialog.basis
    await ask_basis(ctx, basis, due=due.isoformat())


# The pickers' pages, in either dialog
async def unit_page(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    units = await ctx.registers.units(ctx.actor)
    question = (
        "registers.ask_unit"
        if await ctx.state.get_state() == RegisterDialog.unit.state
        else "registers.ask_new_unit"
    )
    await ctx.show(*views.unit_picker(ctx.t, units, callback_data.page, question))


async def person_page(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    unit = (await ctx.state.get_data()).get("unit")
    people = await ctx.registers.people(ctx.actor, unit)
    await ctx.show(*views.person_picker(ctx.t, people, callback_data.page))


async def basis_page(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    decisions = await ctx.registers.decisions(ctx.actor)
    await ctx.show(*views.decision_picker(ctx.t, decisions, callback_data.page))


def router() -> Router:
    r = private_router("register_steps")
    on_typed(r, typed_due, RegisterDialog.due, RegisterChangeDialog.due)
    on_button(r, unit_page, "upage", RegisterDialog.unit, RegisterChangeDialog.unit)
    on_button(r, person_page, "ppage", RegisterDialog.responsible, RegisterChangeDialog.responsible)
    on_button(r, basis_page, "bpage", RegisterDialog.basis, RegisterChangeDialog.basis)
    return r
