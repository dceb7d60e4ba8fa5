"""The composition of the group for the secretariat and administrators: /members."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import MembersCb, MenuCb
from bot.context import AppContext
from bot.domain.roles import Capability, Role, Standing
from bot.filters import HasCapability, private_chat
from bot.i18n import Translator
from bot.menu_commands import apply_person_commands
from bot.middlewares import edit_or_send
from bot.services.actor import Actor
from bot.services.errors import NeedsConfirmation
from bot.services.roster import RosterService
from bot.views.menu import role_name
from bot.views.roster import (
    confirm_keyboard,
    member_card,
    members_card,
    role_picker,
    unit_picker_for_member,
)
from storage.dto import MemberView


async def members_command(
    message: Message, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    members = await RosterService(session, app.clock).members(actor)
    text, keyboard = members_card(t, members, 0)
    await message.answer(text, reply_markup=keyboard)


async def members_page(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    callback_data: MembersCb | MenuCb,
) -> None:
    page = callback_data.page if isinstance(callback_data, MembersCb) else 0
    members = await RosterService(session, app.clock).members(actor)
    await query.answer()
    await edit_or_send(query, *members_card(t, members, page))


async def member_open(
    query: CallbackQuery,
    callback_data: MembersCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    member = await RosterService(session, app.clock).member(actor, callback_data.person)
    await query.answer()
    await edit_or_send(query, *member_card(t, member, callback_data.page))


async def member_roles(
    query: CallbackQuery,
    callback_data: MembersCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    member = await RosterService(session, app.clock).member(actor, callback_data.person)
    await query.answer()
    await edit_or_send(query, *role_picker(t, member, callback_data.page))


async def member_set_role(
    query: CallbackQuery,
    callback_data: MembersCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    bot: Bot,
) -> None:
    if callback_data.role not in {r.value for r in Role}:
        await query.answer(t.plain("errors.stale"), show_alert=True)
        return
    role = Role(callback_data.role)
    service = RosterService(session, app.clock)
    try:
        change = await service.change_role(
            actor, callback_data.person, role, confirmed=callback_data.action == "setrole_ok"
        )
    except NeedsConfirmation as ask:
        member = await service.member(actor, callback_data.person)
        text = t(
            "roster.confirm_replace",
            name=member.display_name,
            role=role_name(t, role),
            holder=ask.params["holder"],
        )
        yes = callback_data.model_copy(update={"action": "setrole_ok"})
        no = MembersCb(action="open", person=callback_data.person, page=callback_data.page)
        await query.answer()
        await edit_or_send(query, text, confirm_keyboard(t, yes, no))
        return
    await query.answer(
        t.plain("roster.role_changed", name=change.member.display_name, role=role_name(t, role))
    )
    await edit_or_send(query, *member_card(t, change.member, callback_data.page))
    for person in (change.member, change.replaced):
        if person is not None:
            await refresh_menu(bot, person, app)


async def member_units(
    query: CallbackQuery,
    callback_data: MembersCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    service = RosterService(session, app.clock)
    member = await service.member(actor, callback_data.person)
    units = await service.units(actor)
    await query.answer()
    await edit_or_send(query, *unit_picker_for_member(t, member, units, callback_data.page))


async def member_set_unit(
    query: CallbackQuery,
    callback_data: MembersCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    member = await RosterService(session, app.clock).set_unit(
        actor, callback_data.person, callback_data.unit or None
    )
    await query.answer(t.plain("roster.unit_changed"))
    await edit_or_send(query, *member_card(t, member, callback_data.page))


async def member_remove_ask(
    query: CallbackQuery,
    callback_data: MembersCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    member = await RosterService(session, app.clock).member(actor, callback_data.person)
    yes = callback_data.model_copy(update={"action": "remove_ok"})
    no = MembersCb(action="open", person=callback_data.person, page=callback_data.page)
    await query.answer()
    await edit_or_send(
        query,
        t("roster.confirm_remove", name=member.display_name, role=role_name(t, member.role)),
        confirm_keyboard(t, yes, no),
    )


async def member_remove(
    query: CallbackQuery,
    callback_data: MembersCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    bot: Bot,
) -> None:
    service = RosterService(session, app.clock)
    removed = await service.remove(actor, callback_data.person)
    members = await service.members(actor)
    await query.answer(t.plain("roster.removed", name=removed.display_name))
    await edit_or_send(query, *members_card(t, members, callback_data.page))
    if removed.person.telegram_id is not None:
        await apply_person_commands(
            bot,
            removed.person.telegram_id,
            Standing(role=None),
            removed.person.locale(app.settings.default_locale),
        )


async def refresh_menu(bot: Bot, member: MemberView, app: AppContext) -> None:
    """The person's own command list: the union of their roles (cl. 7); nothing for someone
    who has not joined the bot."""
    if member.person.telegram_id is None:
        return
    standing = Standing(
        role=member.role,
        is_admin=member.person.telegram_id in app.settings.admin_ids,
        extra_roles=member.extra_roles,
    )
    locale = member.person.locale(app.settings.default_locale)
    await apply_person_commands(bot, member.person.telegram_id, standing, locale)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="roster")
    r.message.filter(private_chat(), HasCapability(Capability.MANAGE_ROSTER))
    r.callback_query.filter(HasCapability(Capability.MANAGE_ROSTER))
    r.message.register(members_command, Command("members"))
    r.callback_query.register(members_page, MenuCb.filter(F.section == "members"))
    r.callback_query.register(members_page, MembersCb.filter(F.action == "page"))
    r.callback_query.register(member_open, MembersCb.filter(F.action == "open"))
    r.callback_query.register(member_roles, MembersCb.filter(F.action == "roles"))
    r.callback_query.register(
        member_set_role, MembersCb.filter(F.action.in_({"setrole", "setrole_ok"}))
    )
    r.callback_query.register(member_units, MembersCb.filter(F.action == "units"))
    r.callback_query.register(member_set_unit, MembersCb.filter(F.action == "setunit"))
    r.callback_query.register(member_remove_ask, MembersCb.filter(F.action == "remove"))
    r.callback_query.register(member_remove, MembersCb.filter(F.action == "remove_ok"))
    return r
