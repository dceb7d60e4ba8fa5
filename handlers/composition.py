"""The approved composition for the secretariat and administrators: /composition (cl. 9).

Acts are recorded and completed one question at a time (kind, number, date, file), members
are included by an act, and from a member's card the secretariat sets the roles held besides
the main one, invites a member who has not joined and withdraws a member by an act.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CompositionCb, MenuCb
from bot.context import AppContext
from bot.domain.files import file_problem
from bot.domain.roles import Capability, Role, Standing
from bot.filters import HasCapability, Inline, NotCommand, private_chat
from bot.i18n import Translator
from bot.menu_commands import apply_person_commands
from bot.middlewares import edit_or_send
from bot.services.actor import Actor
from bot.services.composition import CompositionService
from bot.services.errors import InvalidInput, NeedsConfirmation
from bot.services.invites import INVITE_PREFIX, InviteService
from bot.services.roster import RosterService
from bot.views.composition import (
    act_card,
    act_summary,
    acts_card,
    date_question,
    file_question,
    include_summary,
    kind_question,
    name_question,
    number_question,
    removal_acts,
    removal_confirm,
    role_question,
    unit_question,
)
from bot.views.invites import created_card
from bot.views.roster import extra_roles_picker, member_card, members_card
from handlers.roster import refresh_menu

# An act's scan or signed copy: the same limit as any document the bot keeps by reference.
ACT_FILE_MAX_MB = 20


class ActDialog(StatesGroup):
    kind = State()
    number = State()
    signed_on = State()
    document = State()
    confirm = State()


class IncludeDialog(StatesGroup):
    full_name = State()
    role = State()
    unit = State()
    confirm = State()


def _service(session: AsyncSession, app: AppContext) -> CompositionService:
    return CompositionService(session, app.clock, ZoneInfo(app.timezone))


async def _acts(actor: Actor, t: Translator, session: AsyncSession, app: AppContext) -> Any:
    acts = await _service(session, app).acts(actor)
    members = await RosterService(session, app.clock).members(actor)
    return acts_card(t, acts, members)


async def composition_command(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await state.clear()
    text, keyboard = await _acts(actor, t, session, app)
    await message.answer(text, reply_markup=keyboard)


async def composition_list(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await state.clear()
    text, keyboard = await _acts(actor, t, session, app)
    await query.answer()
    await edit_or_send(query, text, keyboard)


async def act_open(
    query: CallbackQuery,
    callback_data: CompositionCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    act = await _service(session, app).act(actor, callback_data.act)
    await query.answer()
    await edit_or_send(query, *act_card(t, act))


async def act_file(
    query: CallbackQuery,
    callback_data: CompositionCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    act = await _service(session, app).act(actor, callback_data.act)
    if not act.document:
        await query.answer(t.plain("errors.stale"), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer_document(act.document["file_id"])


# Recording an act, or completing the initial one
async def act_start(
    query: CallbackQuery,
    callback_data: CompositionCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    act_id = None
    if callback_data.action == "edit":
        act_id = (await _service(session, app).act(actor, callback_data.act)).id
    await state.set_state(ActDialog.kind)
    await state.set_data({"act": act_id})
    await query.answer()
    await edit_or_send(query, *kind_question(t))


async def act_kind(
    query: CallbackQuery,
    callback_data: CompositionCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    kind = _service(session, app).check_kind(actor, callback_data.role)
    await state.update_data(kind=kind.value)
    await state.set_state(ActDialog.number)
    await query.answer()
    await edit_or_send(query, *number_question(t))


async def act_number(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    assert message.text is not None
    try:
        number = _service(session, app).check_number(actor, message.text)
    except InvalidInput as bad:
        await _again(message, t, bad, number_question(t))
        return
    await state.update_data(number=number)
    await state.set_state(ActDialog.signed_on)
    await _ask(message, date_question(t))


async def act_date(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    assert message.text is not None
    try:
        signed_on = _service(session, app).check_date(actor, message.text)
    except InvalidInput as bad:
        await _again(message, t, bad, date_question(t))
        return
    await state.update_data(signed_on=signed_on.isoformat())
    await state.set_state(ActDialog.document)
    await _ask(message, file_question(t))


async def act_document(message: Message, t: Translator, state: FSMContext) -> None:
    doc = message.document
    if doc is None:
        prompt, keyboard = file_question(t)
        await message.answer(
            t("composition.file_expected") + "\n\n" + prompt, reply_markup=keyboard
        )
        return
    problem = file_problem(doc.file_name, doc.file_size, ACT_FILE_MAX_MB)
    if problem is not None:
        prompt, keyboard = file_question(t)
        reason = t(f"files.{problem.value}", name=doc.file_name or "—", max=ACT_FILE_MAX_MB)
        await message.answer(reason + "\n\n" + prompt, reply_markup=keyboard)
        return
    document = {
        "file_id": doc.file_id,
        "file_name": doc.file_name or "document",
        "mime_type": doc.mime_type,
        "size": doc.file_size,
    }
    await state.update_data(document=document)
    await state.set_state(ActDialog.confirm)
    await _ask(message, await _act_summary(t, state))


async def act_no_file(query: CallbackQuery, t: Translator, state: FSMContext) -> None:
    await state.update_data(document=None)
    await state.set_state(ActDialog.confirm)
    await query.answer()
    await edit_or_send(query, *(await _act_summary(t, state)))


async def _act_summary(t: Translator, state: FSMContext) -> Any:
    data = await state.get_data()
    return act_summary(
        t,
        data["kind"],
        data["number"],
        date.fromisoformat(data["signed_on"]),
        (data.get("document") or {}).get("file_name"),
    )


async def act_save(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    act = await _service(session, app).record(
        actor,
        kind=data["kind"],
        number=data["number"],
        signed_on=date.fromisoformat(data["signed_on"]),
        document=data.get("document"),
        act_id=data.get("act"),
    )
    await state.clear()
    await query.answer(t.plain("composition.saved"))
    await edit_or_send(query, *act_card(t, act))


# Including a member by an act
async def include_start(
    query: CallbackQuery,
    callback_data: CompositionCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    act = await _service(session, app).act(actor, callback_data.act)
    if not act.complete:
        await query.answer(t.plain("composition.act_incomplete"), show_alert=True)
        return
    await state.set_state(IncludeDialog.full_name)
    await state.set_data({"act": act.id})
    await query.answer()
    await edit_or_send(query, *name_question(t, act))


async def include_name(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    assert message.text is not None
    service = _service(session, app)
    act = await service.act(actor, int((await state.get_data())["act"]))
    try:
        name = service.check_name(actor, message.text)
    except InvalidInput as bad:
        await _again(message, t, bad, name_question(t, act))
        return
    await state.update_data(name=name)
    await state.set_state(IncludeDialog.role)
    await _ask(message, role_question(t, name))


async def include_role(
    query: CallbackQuery,
    callback_data: CompositionCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    role = _service(session, app).check_member_role(actor, callback_data.role)
    data = await state.get_data()
    await state.update_data(role=role.value)
    await state.set_state(IncludeDialog.unit)
    units = await RosterService(session, app.clock).units(actor)
    await query.answer()
    await edit_or_send(query, *unit_question(t, str(data["name"]), units))


async def include_unit(
    query: CallbackQuery,
    callback_data: CompositionCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    unit_name = None
    if callback_data.unit:
        unit_name = (await RosterService(session, app.clock).unit(actor, callback_data.unit)).name
    await state.update_data(unit=callback_data.unit or None, unit_name=unit_name)
    await state.set_state(IncludeDialog.confirm)
    data = await state.get_data()
    act = await _service(session, app).act(actor, int(data["act"]))
    await query.answer()
    await edit_or_send(
        query, *include_summary(t, act, str(data["name"]), Role(data["role"]), unit_name)
    )


async def include_save(
    query: CallbackQuery,
    callback_data: CompositionCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
    bot: Bot,
) -> None:
    data = await state.get_data()
    service = _service(session, app)
    role = Role(data["role"])
    try:
        member, replaced = await service.include(
            actor,
            act_id=int(data["act"]),
            full_name=str(data["name"]),
            role=role,
            unit_id=data.get("unit"),
            confirmed=callback_data.action == "include_ok_replace",
        )
    except NeedsConfirmation as ask:
        act = await service.act(actor, int(data["act"]))
        await query.answer()
        await edit_or_send(
            query,
            *include_summary(
                t, act, str(data["name"]), role, data.get("unit_name"), ask.params["holder"]
            ),
        )
        return
    await state.clear()
    await query.answer(t.plain("composition.included", name=member.display_name))
    await edit_or_send(query, *member_card(t, member, 0))
    if replaced is not None:
        # The replaced chair or deputy loses the presiding commands.
        await refresh_menu(bot, replaced, app)


# A member's card: extra roles, invitation, withdrawal by an act
async def extra_roles(
    query: CallbackQuery,
    callback_data: CompositionCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    member = await RosterService(session, app.clock).member(actor, callback_data.person)
    await query.answer()
    await edit_or_send(query, *extra_roles_picker(t, member, callback_data.page))


async def extra_role_toggle(
    query: CallbackQuery,
    callback_data: CompositionCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    bot: Bot,
) -> None:
    try:
        role = Role(callback_data.role)
    except ValueError:
        await query.answer(t.plain("errors.stale"), show_alert=True)
        return
    member = await RosterService(session, app.clock).set_extra_role(
        actor, callback_data.person, role, held=callback_data.action == "extra_on"
    )
    await query.answer(t.plain("composition.extra_saved"))
    await edit_or_send(query, *extra_roles_picker(t, member, callback_data.page))
    await refresh_menu(bot, member, app)


async def member_invite(
    query: CallbackQuery,
    callback_data: CompositionCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    invite = await InviteService(session, app.clock, app.invite_ttl).create_for_member(
        actor, callback_data.person
    )
    await query.answer()
    await edit_or_send(query, *created_card(t, invite, app.deep_link(INVITE_PREFIX + invite.code)))


async def removal_pick_act(
    query: CallbackQuery,
    callback_data: CompositionCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    member = await RosterService(session, app.clock).member(actor, callback_data.person)
    acts = await _service(session, app).acts(actor)
    await query.answer()
    await edit_or_send(query, *removal_acts(t, member, acts, callback_data.page))


async def removal_ask(
    query: CallbackQuery,
    callback_data: CompositionCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    member = await RosterService(session, app.clock).member(actor, callback_data.person)
    act = await _service(session, app).act(actor, callback_data.act)
    if not act.complete:
        await query.answer(t.plain("composition.act_incomplete"), show_alert=True)
        return
    await query.answer()
    await edit_or_send(query, *removal_confirm(t, member, act, callback_data.page))


async def removal_done(
    query: CallbackQuery,
    callback_data: CompositionCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    bot: Bot,
) -> None:
    service = RosterService(session, app.clock)
    removed = await service.remove(actor, callback_data.person, act_id=callback_data.act)
    members = await service.members(actor)
    await query.answer(t.plain("composition.withdrawn", name=removed.display_name))
    await edit_or_send(query, *members_card(t, members, callback_data.page))
    if removed.person.telegram_id is not None:
        await apply_person_commands(
            bot,
            removed.person.telegram_id,
            Standing(role=None),
            removed.person.locale(app.settings.default_locale),
        )


async def not_text(message: Message, t: Translator) -> None:
    await message.answer(t("errors.text_expected"))


async def _again(message: Message, t: Translator, bad: InvalidInput, question: Any) -> None:
    """The reason and the same question again; earlier answers are kept (UX.md, Dialogs)."""
    prompt, keyboard = question
    await message.answer(t(bad.key, **bad.params) + "\n\n" + prompt, reply_markup=keyboard)


async def _ask(message: Message, card: Any) -> None:
    text, keyboard = card
    await message.answer(text, reply_markup=keyboard)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="composition")
    r.message.filter(private_chat(), HasCapability(Capability.MANAGE_ROSTER))
    r.callback_query.filter(HasCapability(Capability.MANAGE_ROSTER))
    r.message.register(composition_command, Command("composition"))
    r.callback_query.register(composition_list, MenuCb.filter(F.section == "composition"))
    r.callback_query.register(composition_list, CompositionCb.filter(F.action == "list"))
    r.callback_query.register(act_open, CompositionCb.filter(F.action == "act"))
    r.callback_query.register(act_file, CompositionCb.filter(F.action == "file"))
    r.callback_query.register(act_start, CompositionCb.filter(F.action.in_({"new", "edit"})))
    r.callback_query.register(
        act_kind, CompositionCb.filter(F.action == "kind"), StateFilter(ActDialog.kind)
    )
    r.message.register(act_number, StateFilter(ActDialog.number), Inline(F.text), NotCommand())
    r.message.register(act_date, StateFilter(ActDialog.signed_on), Inline(F.text), NotCommand())
    r.message.register(act_document, StateFilter(ActDialog.document), NotCommand())
    r.callback_query.register(
        act_no_file, CompositionCb.filter(F.action == "nofile"), StateFilter(ActDialog.document)
    )
    r.callback_query.register(
        act_save, CompositionCb.filter(F.action == "save"), StateFilter(ActDialog.confirm)
    )
    r.callback_query.register(include_start, CompositionCb.filter(F.action == "include"))
    r.message.register(
        include_name, StateFilter(IncludeDialog.full_name), Inline(F.text), NotCommand()
    )
    r.callback_query.register(
        include_role, CompositionCb.filter(F.action == "role"), StateFilter(IncludeDialog.role)
    )
    r.callback_query.register(
        include_unit, CompositionCb.filter(F.action == "unit"), StateFilter(IncludeDialog.unit)
    )
    r.callback_query.register(
        include_save,
        CompositionCb.filter(F.action.in_({"include_ok", "include_ok_replace"})),
        StateFilter(IncludeDialog.confirm),
    )
    r.callback_query.register(extra_roles, CompositionCb.filter(F.action == "extra"))
    r.callback_query.register(
        extra_role_toggle, CompositionCb.filter(F.action.in_({"extra_on", "extra_off"}))
    )
    r.callback_query.register(member_invite, CompositionCb.filter(F.action == "invite"))
    r.callback_query.register(removal_pick_act, CompositionCb.filter(F.action == "rm"))
    r.callback_query.register(removal_ask, CompositionCb.filter(F.action == "rm_act"))
    r.callback_query.register(removal_done, CompositionCb.filter(F.action == "rm_ok"))
    r.message.register(
        not_text,
        StateFilter(ActDialog.number, ActDialog.signed_on, IncludeDialog.full_name),
        NotCommand(),
    )
    return r
