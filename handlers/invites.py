"""Invitations for the secretariat and administrators: /invite, then role, unit and name."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import InviteCb, MenuCb
from bot.context import AppContext
from bot.dialogs import InviteDialog
from bot.domain.roles import ROSTER_ROLES, Capability, Role
from bot.filters import HasCapability, Inline, NotCommand, private_chat
from bot.i18n import Translator
from bot.middlewares import edit_or_send
from bot.services.actor import Actor
from bot.services.errors import InvalidInput, NeedsConfirmation
from bot.services.invites import INVITE_PREFIX, InviteService
from bot.services.roster import RosterService
from bot.views.invites import (
    confirm_replace,
    created_card,
    invites_card,
    name_prompt,
    role_choice,
    unit_choice,
)


def _service(session: AsyncSession, app: AppContext) -> InviteService:
    return InviteService(session, app.clock, app.invite_ttl)


async def invite_command(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await state.clear()
    pending = await _service(session, app).pending(actor)
    text, keyboard = invites_card(t, pending)
    await message.answer(text, reply_markup=keyboard)


async def invite_list(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await state.clear()
    pending = await _service(session, app).pending(actor)
    await query.answer()
    await edit_or_send(query, *invites_card(t, pending))


async def invite_new(query: CallbackQuery, t: Translator) -> None:
    await query.answer()
    await edit_or_send(query, *role_choice(t))


async def invite_role(
    query: CallbackQuery,
    callback_data: InviteCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    role = _role(callback_data.role)
    if role is None:
        await query.answer(t.plain("errors.stale"), show_alert=True)
        return
    units = await RosterService(session, app.clock).units(actor)
    await query.answer()
    await edit_or_send(query, *unit_choice(t, role, units))


async def invite_unit(
    query: CallbackQuery,
    callback_data: InviteCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    role = _role(callback_data.role)
    if role is None:
        await query.answer(t.plain("errors.stale"), show_alert=True)
        return
    unit_id = callback_data.unit or None
    if unit_id is not None:
        await RosterService(session, app.clock).unit(actor, unit_id)
    await state.set_state(InviteDialog.full_name)
    await state.set_data({"role": role.value, "unit": unit_id})
    await query.answer()
    await edit_or_send(query, *name_prompt(t))


async def invite_without_name(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await state.update_data(name=None)
    await query.answer()
    text, keyboard = await _create_or_ask(actor, t, session, app, state)
    await edit_or_send(query, text, keyboard)


async def invite_name(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    assert message.text is not None
    try:
        await state.update_data(name=message.text)
        text, keyboard = await _create_or_ask(actor, t, session, app, state)
    except InvalidInput as bad:
        # The same question again, with the reason; earlier answers are kept.
        await state.update_data(name=None)
        prompt, keyboard = name_prompt(t)
        await message.answer(t(bad.key, **bad.params) + "\n\n" + prompt, reply_markup=keyboard)
        return
    await message.answer(text, reply_markup=keyboard)


async def invite_name_not_text(message: Message, t: Translator) -> None:
    prompt, keyboard = name_prompt(t)
    await message.answer(t("errors.text_expected") + "\n\n" + prompt, reply_markup=keyboard)


async def invite_confirmed(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await query.answer()
    text, keyboard = await _create_or_ask(actor, t, session, app, state, confirmed=True)
    await edit_or_send(query, text, keyboard)


async def invite_revoke(
    query: CallbackQuery,
    callback_data: InviteCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    service = _service(session, app)
    await service.revoke(actor, callback_data.invite)
    pending = await service.pending(actor)
    await query.answer(t.plain("invites.revoked_ok"))
    await edit_or_send(query, *invites_card(t, pending))


async def _create_or_ask(
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
    *,
    confirmed: bool = False,
) -> tuple[str, Any]:
    data = await state.get_data()
    role = _role(str(data.get("role", "")))
    if role is None:
        await state.clear()
        return t("errors.stale"), None
    try:
        invite = await _service(session, app).create(
            actor,
            role=role,
            unit_id=data.get("unit"),
            full_name=data.get("name"),
            confirmed=confirmed,
        )
    except NeedsConfirmation as ask:
        await state.set_state(InviteDialog.confirm)
        return confirm_replace(t, ask.params["holder"], role)
    await state.clear()
    return created_card(t, invite, app.deep_link(INVITE_PREFIX + invite.code))


def _role(value: str) -> Role | None:
    return next((r for r in ROSTER_ROLES if r.value == value), None)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="invites")
    r.message.filter(private_chat(), HasCapability(Capability.MANAGE_ROSTER))
    r.callback_query.filter(HasCapability(Capability.MANAGE_ROSTER))
    r.message.register(invite_command, Command("invite"))
    r.callback_query.register(invite_list, MenuCb.filter(F.section == "invites"))
    r.callback_query.register(invite_list, InviteCb.filter(F.action == "list"))
    r.callback_query.register(invite_new, InviteCb.filter(F.action == "new"))
    r.callback_query.register(invite_role, InviteCb.filter(F.action == "role"))
    r.callback_query.register(invite_unit, InviteCb.filter(F.action == "unit"))
    r.callback_query.register(
        invite_without_name,
        InviteCb.filter(F.action == "noname"),
        StateFilter(InviteDialog.full_name),
    )
    r.message.register(invite_name, StateFilter(InviteDialog.full_name), Inline(F.text))
    r.message.register(invite_name_not_text, StateFilter(InviteDialog.full_name), NotCommand())
    r.callback_query.register(
        invite_confirmed, InviteCb.filter(F.action == "confirm"), StateFilter(InviteDialog.confirm)
    )
    r.callback_query.register(invite_revoke, InviteCb.filter(F.action == "revoke"))
    return r
