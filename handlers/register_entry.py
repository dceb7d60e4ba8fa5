"""Adding an entry to a register (cl. 4 а–к), one question at a time: the document's kind,
the title, the owner unit and the responsible person (a milestone: the unit only), the due
date, the decision behind it, then confirmation. The secretariat's; every step is checked
by the register service, since a button's payload is never trusted."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.callbacks import RegisterCb
from bot.dialogs import RegisterDialog
from bot.domain import fields
from bot.domain.registers import ProjectKind, Register
from bot.filters import private_router
from bot.services.errors import InvalidInput
from bot.services.registers import Draft
from bot.update_context import Ctx
from bot.views import registers as views
from handlers.asking import text_answer
from handlers.register_steps import again, decision_named, optional_id
from handlers.registers import on_button, on_typed, register_named, show_card

TITLE_MAX = fields.REGISTER_TITLE.max_length


def _title_question(data: dict[str, Any]) -> str:
    if data.get("kind") == ProjectKind.MILESTONE.value:
        return "registers.ask_title_milestone"
    return f"registers.ask_title_{data.get('book')}"


async def _ask_title(ctx: Ctx, data: dict[str, Any]) -> None:
    await ctx.state.set_state(RegisterDialog.title)
    await ctx.state.set_data(data)
    await ctx.show(ctx.t(_title_question(data), max=TITLE_MAX))


async def add_start(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    ctx.registers.require_editor(ctx.actor)
    register = register_named(callback_data.book)
    await ctx.state.clear()
    if register is Register.DOCUMENTS:
        await ctx.state.set_state(RegisterDialog.kind)
        await ctx.state.set_data({"book": register.value})
        await ctx.show(*views.kind_picker(ctx.t))
        return
    kind = ProjectKind.PROJECT.value if register is Register.PROJECTS else None
    await _ask_title(ctx, {"book": register.value, "kind": kind})


async def add_milestone_start(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    """From a project's card: a milestone of its roadmap (cl. 4 б, д)."""
    await ctx.registers.project_title(ctx.actor, callback_data.entry)
    await ctx.state.clear()
    await _ask_title(
        ctx,
        {
            "book": Register.PROJECTS.value,
            "kind": ProjectKind.MILESTONE.value,
            "parent": callback_data.entry,
        },
    )


async def add_kind(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    kind = ctx.registers.check_kind(ctx.actor, Register.DOCUMENTS, callback_data.arg)
    await ctx.state.update_data(kind=kind)
    await ctx.state.set_state(RegisterDialog.title)
    await ctx.show(ctx.t(_title_question(await ctx.state.get_data()), max=TITLE_MAX))


async def add_title(message: Message, ctx: Ctx) -> None:
    question = _title_question(await ctx.state.get_data())
    typed = await text_answer(ctx, message, question, max=TITLE_MAX)
    if typed is None:
        return
    try:
        title = ctx.registers.check_title(ctx.actor, typed)
    except InvalidInput as bad:
        await again(ctx, bad, question, max=TITLE_MAX)
        return
    units = await ctx.registers.units(ctx.actor)
    await ctx.state.update_data(title=title)
    await ctx.state.set_state(RegisterDialog.unit)
    await ctx.send(*views.unit_picker(ctx.t, units, 0, "registers.ask_unit"))


async def add_unit(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    unit = optional_id(callback_data.arg)
    ctx.registers.require_editor(ctx.actor)
    await ctx.state.update_data(unit=unit)
    if (await ctx.state.get_data()).get("kind") == ProjectKind.MILESTONE.value:
        # A milestone is a point of the project's roadmap: owner unit and date (cl. 4 б, д).
        await ctx.state.set_state(RegisterDialog.due)
        await ctx.show(ctx.t("registers.ask_due"))
        return
    await ctx.state.set_state(RegisterDialog.responsible)
    people = await ctx.registers.people(ctx.actor, unit)
    await ctx.show(*views.person_picker(ctx.t, people, 0))


async def add_responsible(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    ctx.registers.require_editor(ctx.actor)
    await ctx.state.update_data(responsible=optional_id(callback_data.arg))
    await ctx.state.set_state(RegisterDialog.due)
    await ctx.show(ctx.t("registers.ask_due"))


def _draft(data: dict[str, Any]) -> Draft:
    due = data.get("due")
    return Draft(
        register=register_named(str(data.get("book", ""))),
        kind=data.get("kind"),
        parent_id=data.get("parent") or None,
        title=str(data.get("title", "")),
        unit_id=data.get("unit") or None,
        responsible_id=data.get("responsible") or None,
        due=date.fromisoformat(due) if due else None,
        protocol_id=data.get("protocol") or None,
        item_number=data.get("item") or None,
    )


async def add_basis(query: CallbackQuery, callback_data: RegisterCb, ctx: Ctx) -> None:
    protocol, item = decision_named(callback_data.arg) or (None, None)
    await ctx.state.update_data(protocol=protocol, item=item)
    summary = await ctx.registers.summary(ctx.actor, _draft(await ctx.state.get_data()))
    await ctx.state.set_state(RegisterDialog.confirm)
    await ctx.show(*views.summary(ctx.t, summary))


async def add_confirm(query: CallbackQuery, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    # Whatever the outcome, the dialog is over: a refusal is shown and nothing is kept.
    await ctx.state.clear()
    entry = await ctx.registers.add(ctx.actor, _draft(data))
    await ctx.toast("registers.added")
    await show_card(ctx, entry)


async def add_cancel(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.state.clear()
    await ctx.show(ctx.t("registers.add_cancelled"))


def router() -> Router:
    r = private_router("register_entry")
    on_typed(r, add_title, RegisterDialog.title)
    on_button(r, add_start, "add")
    on_button(r, add_milestone_start, "addms")
    on_button(r, add_kind, "kind", RegisterDialog.kind)
    on_button(r, add_unit, "unit", RegisterDialog.unit)
    on_button(r, add_responsible, "resp", RegisterDialog.responsible)
    on_button(r, add_basis, "basis", RegisterDialog.basis)
    on_button(r, add_confirm, "ok", RegisterDialog.confirm)
    on_button(r, add_cancel, "no", RegisterDialog.confirm)
    return r
