"""Changing an entry of a register (cl. 4 г, д, е: the group monitors how its registers are
carried out): its status, due date, owner, or a progress note; then the decision behind the
change, which the entry's card shows. The secretariat's."""

from __future__ import annotations

from datetime import date

from aiogram import Router
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message

from bot.callbacks import RegisterCb
from bot.dialogs import RegisterChangeDialog
from bot.domain import fields
from bot.filters import private_router
from bot.services.errors import InvalidInput, NotFound
from bot.update_context import Ctx
from bot.views import registers as views
from handlers.asking import text_answer
from handlers.register_steps import again, ask_basis, decision_named, optional_id
from handlers.registers import on_button, on_typed, show_card
from storage.repositories.registers import EntryView


async def _start(ctx: Ctx, entry_id: int, change: str, state: State) -> EntryView:
    """The entry to change (the secretariat's only), and a fresh dialog at its first step."""
    ctx.registers.require_editor(ctx.actor)
    entry = await ctx.registers.entry(ctx.actor, entry_id)
    await ctx.state.clear()
    await ctx.state.set_state(state)
    await ctx.state.set_data({"entry": entry.id, "change": change})
    return entry


async def status_start(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    ctx.registers.require_editor(ctx.actor)
    entry = await ctx.registers.entry(ctx.actor, callback_data.entry)
    await ctx.show(*views.status_picker(ctx.t, entry))


async def status_chosen(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    ctx.registers.require_editor(ctx.actor)
    entry = await ctx.registers.entry(ctx.actor, callback_data.entry)
    status = ctx.registers.check_status(ctx.actor, entry, callback_data.arg)
    await ctx.state.clear()
    await ask_basis(ctx, RegisterChangeDialog.basis, entry=entry.id, change="status", status=status)


async def due_start(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    entry = await _start(ctx, callback_data.entry, "due", RegisterChangeDialog.due)
    await ctx.show(ctx.t("registers.ask_new_due", title=entry.title))


async def note_start(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    await _start(ctx, callback_data.entry, "note", RegisterChangeDialog.note)
    await ctx.show(ctx.t("registers.ask_note", max=NOTE_MAX))


NOTE_MAX = fields.REGISTER_NOTE.max_length


async def change_note(message: Message, ctx: Ctx) -> None:
    typed = await text_answer(ctx, message, "registers.ask_note", max=NOTE_MAX)
    if typed is None:
        return
    try:
        text = ctx.registers.check_note(ctx.actor, typed)
    except InvalidInput as bad:
        await again(ctx, bad, "registers.ask_note", max=NOTE_MAX)
        return
    await ask_basis(ctx, RegisterChangeDialog.basis, text=text)


async def owner_start(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    await _start(ctx, callback_data.entry, "owner", RegisterChangeDialog.unit)
    units = await ctx.registers.units(ctx.actor)
    await ctx.show(*views.unit_picker(ctx.t, units, 0, "registers.ask_new_unit"))


async def change_unit(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    unit = optional_id(callback_data.arg)
    people = await ctx.registers.people(ctx.actor, unit)
    await ctx.state.update_data(unit=unit)
    await ctx.state.set_state(RegisterChangeDialog.responsible)
    await ctx.show(*views.person_picker(ctx.t, people, 0))


async def change_responsible(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    ctx.registers.require_editor(ctx.actor)
    responsible = optional_id(callback_data.arg)
    await ask_basis(ctx, RegisterChangeDialog.basis, responsible=responsible)


async def change_basis(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    decision = decision_named(callback_data.arg)
    data = await ctx.state.get_data()
    await ctx.state.clear()
    registers, actor = ctx.registers, ctx.actor
    entry = int(data.get("entry", 0))
    change = data.get("change")
    if change == "status":
        await registers.change_status(actor, entry, str(data.get("status", "")), decision)
    elif change == "due":
        await registers.change_due(actor, entry, date.fromisoformat(str(data["due"])), decision)
    elif change == "note":
        await registers.add_note(actor, entry, str(data.get("text", "")), decision)
    elif change == "owner":
        unit, responsible = data.get("unit") or None, data.get("responsible") or None
        await registers.change_owner(actor, entry, unit, responsible, decision)
    else:
        raise NotFound("errors.stale")
    await ctx.toast(f"registers.changed_{change}")
    await show_card(ctx, entry)


def router() -> Router:
    r = private_router("register_changes")
    on_typed(r, change_note, RegisterChangeDialog.note)
    on_button(r, status_start, "status")
    on_button(r, status_chosen, "setst")
    on_button(r, due_start, "due")
    on_button(r, note_start, "note")
    on_button(r, owner_start, "owner")
    on_button(r, change_unit, "unit", RegisterChangeDialog.unit)
    on_button(r, change_responsible, "resp", RegisterChangeDialog.responsible)
    on_button(r, change_basis, "basis", RegisterChangeDialog.basis)
    return r
