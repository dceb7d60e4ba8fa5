"""Registers of the work programme (cl. 4 а–к): /plan, /projects, /documents for everyone in
the roster; adding and changing entries for the secretariat."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import MenuCb, RegisterCb
from bot.context import AppContext
from bot.dialogs import RegisterChangeDialog, RegisterDialog
from bot.domain.registers import NOTE_MAX, TITLE_MAX, ProjectKind, Register
from bot.filters import private_chat, typed_text
from bot.i18n import Translator
from bot.middlewares import edit_or_send
from bot.services.actor import Actor
from bot.services.errors import InvalidInput, NotFound
from bot.services.registers import Draft, RegisterService
from bot.views import registers as views

SECTIONS: dict[str, Register] = {
    "plan": Register.EVENTS,
    "projects": Register.PROJECTS,
    "documents": Register.DOCUMENTS,
}


def _service(session: AsyncSession, app: AppContext) -> RegisterService:
    return RegisterService(
        session,
        app.clock,
        app.tz,
        render=app.translator,
        default_locale=app.settings.default_locale,
    )


def _register(book: str) -> Register:
    try:
        return Register(book)
    except ValueError as exc:
        raise NotFound("errors.stale") from exc


def _optional_id(arg: str) -> int | None:
    """An id from a picker button; "0" means none. Anything else is a forged button."""
    if not arg.isdigit():
        raise NotFound("errors.stale")
    return int(arg) or None


async def _again(
    message: Message, t: Translator, bad: InvalidInput, question: str, **params: Any
) -> None:
    """The reason and the same question; the dialog stays where it was (UX.md, Dialogs)."""
    await message.answer(t(bad.key, **bad.params) + "\n\n" + t(question, **params))


# Reading: lists and cards
async def _listing(
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    register: Register,
    page: int = 0,
) -> tuple[str, Any]:
    service = _service(session, app)
    items = await service.listing(actor, register)
    return views.listing(t, register, items, page, can_edit=service.can_edit(actor))


async def _card(
    actor: Actor, t: Translator, session: AsyncSession, app: AppContext, entry: int, page: int = 0
) -> tuple[str, Any]:
    service = _service(session, app)
    card = await service.card(actor, entry)
    return views.card(t, card, can_edit=service.can_edit(actor), page=page)


async def plan_command(
    message: Message, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    text, keyboard = await _listing(actor, t, session, app, Register.EVENTS)
    await message.answer(text, reply_markup=keyboard)


async def projects_command(
    message: Message, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    text, keyboard = await _listing(actor, t, session, app, Register.PROJECTS)
    await message.answer(text, reply_markup=keyboard)


async def documents_command(
    message: Message, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    text, keyboard = await _listing(actor, t, session, app, Register.DOCUMENTS)
    await message.answer(text, reply_markup=keyboard)


async def menu_section(
    query: CallbackQuery,
    callback_data: MenuCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    listing = await _listing(actor, t, session, app, SECTIONS[callback_data.section])
    await query.answer()
    await edit_or_send(query, *listing)


async def list_page(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    register = _register(callback_data.book)
    listing = await _listing(actor, t, session, app, register, callback_data.page)
    await query.answer()
    await edit_or_send(query, *listing)


async def open_card(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    card = await _card(actor, t, session, app, callback_data.entry, callback_data.page)
    await query.answer()
    await edit_or_send(query, *card)


# Adding an entry, one question at a time
def _title_question(data: dict[str, Any]) -> str:
    if data.get("kind") == ProjectKind.MILESTONE.value:
        return "registers.ask_title_milestone"
    return f"registers.ask_title_{data.get('book')}"


async def add_start(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    _service(session, app).require_editor(actor)
    register = _register(callback_data.book)
    await state.clear()
    await query.answer()
    if register is Register.DOCUMENTS:
        await state.set_state(RegisterDialog.kind)
        await state.set_data({"book": register.value})
        await edit_or_send(query, *views.kind_picker(t))
        return
    kind = ProjectKind.PROJECT.value if register is Register.PROJECTS else None
    data = {"book": register.value, "kind": kind}
    await state.set_state(RegisterDialog.title)
    await state.set_data(data)
    await edit_or_send(query, t(_title_question(data), max=TITLE_MAX))


async def add_milestone_start(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    """From a project's card: a milestone of its roadmap (cl. 4 б, д)."""
    await _service(session, app).project_title(actor, callback_data.entry)
    data = {
        "book": Register.PROJECTS.value,
        "kind": ProjectKind.MILESTONE.value,
        "parent": callback_data.entry,
    }
    await state.clear()
    await state.set_state(RegisterDialog.title)
    await state.set_data(data)
    await query.answer()
    await edit_or_send(query, t(_title_question(data), max=TITLE_MAX))


async def add_kind(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    kind = _service(session, app).check_kind(actor, Register.DOCUMENTS, callback_data.arg)
    await state.update_data(kind=kind)
    await state.set_state(RegisterDialog.title)
    await query.answer()
    await edit_or_send(query, t(_title_question(await state.get_data()), max=TITLE_MAX))


async def add_title(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    service = _service(session, app)
    data = await state.get_data()
    try:
        title = service.check_title(actor, message.text or "")
    except InvalidInput as bad:
        await _again(message, t, bad, _title_question(data), max=TITLE_MAX)
        return
    units = await service.units(actor)
    await state.update_data(title=title)
    await state.set_state(RegisterDialog.unit)
    text, keyboard = views.unit_picker(t, units, 0, "registers.ask_unit")
    await message.answer(text, reply_markup=keyboard)


async def unit_page(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    units = await _service(session, app).units(actor)
    question = (
        "registers.ask_unit"
        if await state.get_state() == RegisterDialog.unit.state
        else "registers.ask_new_unit"
    )
    await query.answer()
    await edit_or_send(query, *views.unit_picker(t, units, callback_data.page, question))


async def add_unit(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    service = _service(session, app)
    unit = _optional_id(callback_data.arg)
    service.require_editor(actor)
    await state.update_data(unit=unit)
    await query.answer()
    if (await state.get_data()).get("kind") == ProjectKind.MILESTONE.value:
        # A milestone is a point of the project's roadmap: owner unit and date (cl. 4 б, д).
        await state.set_state(RegisterDialog.due)
        await edit_or_send(query, t("registers.ask_due"))
        return
    await state.set_state(RegisterDialog.responsible)
    await edit_or_send(query, *views.person_picker(t, await service.people(actor, unit), 0))


async def person_page(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    unit = (await state.get_data()).get("unit")
    people = await _service(session, app).people(actor, unit)
    await query.answer()
    await edit_or_send(query, *views.person_picker(t, people, callback_data.page))


async def add_responsible(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    _service(session, app).require_editor(actor)
    await state.update_data(responsible=_optional_id(callback_data.arg))
    await state.set_state(RegisterDialog.due)
    await query.answer()
    await edit_or_send(query, t("registers.ask_due"))


async def add_due(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    await _due_then_basis(
        message,
        actor,
        t,
        _service(session, app),
        state,
        RegisterDialog.basis,
        parent_id=data.get("parent"),
    )


async def basis_page(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    decisions = await _service(session, app).decisions(actor)
    await query.answer()
    await edit_or_send(query, *views.decision_picker(t, decisions, callback_data.page))


def _decision(arg: str) -> tuple[int, int] | None:
    if arg == "none":
        return None
    decision = views.parse_decision(arg)
    if decision is None:
        raise NotFound("errors.stale")
    return decision


def _draft(data: dict[str, Any]) -> Draft:
    due = data.get("due")
    return Draft(
        register=_register(str(data.get("book", ""))),
        kind=data.get("kind"),
        parent_id=data.get("parent") or None,
        title=str(data.get("title", "")),
        unit_id=data.get("unit") or None,
        responsible_id=data.get("responsible") or None,
        due=date.fromisoformat(due) if due else None,
        protocol_id=data.get("protocol") or None,
        item_number=data.get("item") or None,
    )


async def add_basis(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    decision = _decision(callback_data.arg)
    protocol, item = decision if decision else (None, None)
    await state.update_data(protocol=protocol, item=item)
    summary = await _service(session, app).summary(actor, _draft(await state.get_data()))
    await state.set_state(RegisterDialog.confirm)
    await query.answer()
    await edit_or_send(query, *views.summary(t, summary))


async def add_confirm(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    # Whatever the outcome, the dialog is over: a refusal is shown and nothing is kept.
    await state.clear()
    entry = await _service(session, app).add(actor, _draft(data))
    await query.answer(t.plain("registers.added"))
    await edit_or_send(query, *await _card(actor, t, session, app, entry))


async def add_cancel(query: CallbackQuery, t: Translator, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await edit_or_send(query, t("registers.add_cancelled"))


# Changing an entry: the change, then the decision behind it
async def status_start(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    service = _service(session, app)
    service.require_editor(actor)
    entry = await service.entry(actor, callback_data.entry)
    await query.answer()
    await edit_or_send(query, *views.status_picker(t, entry))


async def _ask_basis(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    service: RegisterService,
    state: FSMContext,
    **data: Any,
) -> None:
    decisions = await service.decisions(actor)
    await state.update_data(**data)
    await state.set_state(RegisterChangeDialog.basis)
    await query.answer()
    await edit_or_send(query, *views.decision_picker(t, decisions, 0))


async def status_chosen(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    service = _service(session, app)
    service.require_editor(actor)
    entry = await service.entry(actor, callback_data.entry)
    status = service.check_status(actor, entry, callback_data.arg)
    await state.clear()
    await _ask_basis(
        query, actor, t, service, state, entry=entry.id, change="status", status=status
    )


async def due_start(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    service = _service(session, app)
    service.require_editor(actor)
    entry = await service.entry(actor, callback_data.entry)
    await state.clear()
    await state.set_state(RegisterChangeDialog.due)
    await state.set_data({"entry": entry.id, "change": "due"})
    await query.answer()
    await edit_or_send(query, t("registers.ask_new_due", title=entry.title))


async def change_due(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    await _due_then_basis(
        message,
        actor,
        t,
        _service(session, app),
        state,
        RegisterChangeDialog.basis,
        entry_id=int(data["entry"]),
    )


async def _due_then_basis(
    message: Message,
    actor: Actor,
    t: Translator,
    service: RegisterService,
    state: FSMContext,
    basis: State,
    *,
    parent_id: int | None = None,
    entry_id: int | None = None,
) -> None:
    """A typed due date, checked (against the project's or the entry's other dates); then
    the question of the decision behind it. A refused date is asked again with the reason."""
    try:
        due = await service.check_due(
            actor, message.text or "", parent_id=parent_id, entry_id=entry_id
        )
    except InvalidInput as bad:
        await _again(message, t, bad, "registers.ask_due")
        return
    await state.update_data(due=due.isoformat())
    await state.set_state(basis)
    text, keyboard = views.decision_picker(t, await service.decisions(actor), 0)
    await message.answer(text, reply_markup=keyboard)


async def note_start(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    service = _service(session, app)
    service.require_editor(actor)
    entry = await service.entry(actor, callback_data.entry)
    await state.clear()
    await state.set_state(RegisterChangeDialog.note)
    await state.set_data({"entry": entry.id, "change": "note"})
    await query.answer()
    await edit_or_send(query, t("registers.ask_note", max=NOTE_MAX))


async def change_note(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    service = _service(session, app)
    try:
        text = service.check_note(actor, message.text or "")
    except InvalidInput as bad:
        await _again(message, t, bad, "registers.ask_note", max=NOTE_MAX)
        return
    decisions = await service.decisions(actor)
    await state.update_data(text=text)
    await state.set_state(RegisterChangeDialog.basis)
    reply, keyboard = views.decision_picker(t, decisions, 0)
    await message.answer(reply, reply_markup=keyboard)


async def owner_start(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    service = _service(session, app)
    service.require_editor(actor)
    entry = await service.entry(actor, callback_data.entry)
    units = await service.units(actor)
    await state.clear()
    await state.set_state(RegisterChangeDialog.unit)
    await state.set_data({"entry": entry.id, "change": "owner"})
    await query.answer()
    await edit_or_send(query, *views.unit_picker(t, units, 0, "registers.ask_new_unit"))


async def change_unit(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    service = _service(session, app)
    unit = _optional_id(callback_data.arg)
    people = await service.people(actor, unit)
    await state.update_data(unit=unit)
    await state.set_state(RegisterChangeDialog.responsible)
    await query.answer()
    await edit_or_send(query, *views.person_picker(t, people, 0))


async def change_responsible(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    service = _service(session, app)
    service.require_editor(actor)
    await _ask_basis(query, actor, t, service, state, responsible=_optional_id(callback_data.arg))


async def change_basis(
    query: CallbackQuery,
    callback_data: RegisterCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    decision = _decision(callback_data.arg)
    data = await state.get_data()
    await state.clear()
    service = _service(session, app)
    entry = int(data.get("entry", 0))
    change = data.get("change")
    if change == "status":
        await service.change_status(actor, entry, str(data.get("status", "")), decision)
    elif change == "due":
        await service.change_due(actor, entry, date.fromisoformat(str(data["due"])), decision)
    elif change == "note":
        await service.add_note(actor, entry, str(data.get("text", "")), decision)
    elif change == "owner":
        await service.change_owner(
            actor, entry, data.get("unit") or None, data.get("responsible") or None, decision
        )
    else:
        raise NotFound("errors.stale")
    await query.answer(t.plain(f"registers.changed_{change}"))
    await edit_or_send(query, *await _card(actor, t, session, app, entry))


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="registers")
    r.message.filter(private_chat())
    r.message.register(plan_command, Command("plan"))
    r.message.register(projects_command, Command("projects"))
    r.message.register(documents_command, Command("documents"))
    # Typed answers; a command typed in the middle of a dialog goes to its own handler.
    typed = typed_text()
    r.message.register(add_title, StateFilter(RegisterDialog.title), typed)
    r.message.register(add_due, StateFilter(RegisterDialog.due), typed)
    r.message.register(change_due, StateFilter(RegisterChangeDialog.due), typed)
    r.message.register(change_note, StateFilter(RegisterChangeDialog.note), typed)

    r.callback_query.register(menu_section, MenuCb.filter(F.section.in_(set(SECTIONS))))
    r.callback_query.register(list_page, RegisterCb.filter(F.action == "list"))
    r.callback_query.register(open_card, RegisterCb.filter(F.action == "card"))

    r.callback_query.register(add_start, RegisterCb.filter(F.action == "add"))
    r.callback_query.register(add_milestone_start, RegisterCb.filter(F.action == "addms"))
    r.callback_query.register(
        add_kind, RegisterCb.filter(F.action == "kind"), StateFilter(RegisterDialog.kind)
    )
    r.callback_query.register(
        unit_page,
        RegisterCb.filter(F.action == "upage"),
        StateFilter(RegisterDialog.unit, RegisterChangeDialog.unit),
    )
    r.callback_query.register(
        add_unit, RegisterCb.filter(F.action == "unit"), StateFilter(RegisterDialog.unit)
    )
    r.callback_query.register(
        person_page,
        RegisterCb.filter(F.action == "ppage"),
        StateFilter(RegisterDialog.responsible, RegisterChangeDialog.responsible),
    )
    r.callback_query.register(
        add_responsible,
        RegisterCb.filter(F.action == "resp"),
        StateFilter(RegisterDialog.responsible),
    )
    r.callback_query.register(
        basis_page,
        RegisterCb.filter(F.action == "bpage"),
        StateFilter(RegisterDialog.basis, RegisterChangeDialog.basis),
    )
    r.callback_query.register(
        add_basis, RegisterCb.filter(F.action == "basis"), StateFilter(RegisterDialog.basis)
    )
    r.callback_query.register(
        add_confirm, RegisterCb.filter(F.action == "ok"), StateFilter(RegisterDialog.confirm)
    )
    r.callback_query.register(
        add_cancel, RegisterCb.filter(F.action == "no"), StateFilter(RegisterDialog.confirm)
    )

    r.callback_query.register(status_start, RegisterCb.filter(F.action == "status"))
    r.callback_query.register(status_chosen, RegisterCb.filter(F.action == "setst"))
    r.callback_query.register(due_start, RegisterCb.filter(F.action == "due"))
    r.callback_query.register(note_start, RegisterCb.filter(F.action == "note"))
    r.callback_query.register(owner_start, RegisterCb.filter(F.action == "owner"))
    r.callback_query.register(
        change_unit, RegisterCb.filter(F.action == "unit"), StateFilter(RegisterChangeDialog.unit)
    )
    r.callback_query.register(
        change_responsible,
        RegisterCb.filter(F.action == "resp"),
        StateFilter(RegisterChangeDialog.responsible),
    )
    r.callback_query.register(
        change_basis,
        RegisterCb.filter(F.action == "basis"),
        StateFilter(RegisterChangeDialog.basis),
    )
    return r
