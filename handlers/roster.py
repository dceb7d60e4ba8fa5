"""The composition of the group for the secretariat and administrators: /members."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.callbacks import MembersCb, MenuCb
from bot.domain.roles import Capability, Standing
from bot.domain.roster import any_role
from bot.filters import on_buttons, section_router
from bot.menu_commands import apply_person_commands
from bot.services.roster import ReplacesHolder
from bot.update_context import Ctx
from bot.views.menu import role_name
from bot.views.roster import (
    confirm_keyboard,
    member_card,
    members_card,
    role_picker,
    unit_picker_for_member,
)
from storage.dto import MemberView


async def members_command(message: Message, ctx: Ctx) -> None:
    await ctx.show(*members_card(ctx.t, await ctx.roster.members(ctx.actor), 0))


async def members_page(query: CallbackQuery, callback_data: MembersCb | MenuCb, ctx: Ctx) -> None:
    page = callback_data.page if isinstance(callback_data, MembersCb) else 0
    await ctx.show(*members_card(ctx.t, await ctx.roster.members(ctx.actor), page))


async def member_open(query: CallbackQuery, callback_data: MembersCb, ctx: Ctx) -> None:
    member = await ctx.roster.member(ctx.actor, callback_data.person)
    await ctx.show(*member_card(ctx.t, member, callback_data.page))


async def member_roles(query: CallbackQuery, callback_data: MembersCb, ctx: Ctx) -> None:
    member = await ctx.roster.member(ctx.actor, callback_data.person)
    await ctx.show(*role_picker(ctx.t, member, callback_data.page))


async def member_set_role(query: CallbackQuery, callback_data: MembersCb, ctx: Ctx) -> None:
    role = any_role(callback_data.role)
    if role is None:
        await ctx.toast("errors.stale", alert=True)
        return
    t = ctx.t
    try:
        change = await ctx.roster.change_role(
            ctx.actor, callback_data.person, role, confirmed=callback_data.action == "setrole_ok"
        )
    except ReplacesHolder as ask:
        text = t(
            "roster.confirm_replace",
            name=ask.member.display_name,
            role=role_name(t, role),
            holder=ask.params["holder"],
        )
        yes = callback_data.model_copy(update={"action": "setrole_ok"})
        await ctx.show(text, confirm_keyboard(t, yes, _back(callback_data)))
        return
    name = change.member.display_name
    await ctx.toast("roster.role_changed", name=name, role=role_name(t, role))
    await ctx.show(*member_card(t, change.member, callback_data.page))
    for person in (change.member, change.replaced):
        if person is not None:
            await refresh_menu(ctx, person)


async def member_units(query: CallbackQuery, callback_data: MembersCb, ctx: Ctx) -> None:
    member, units = await ctx.roster.unit_choice(ctx.actor, callback_data.person)
    await ctx.show(*unit_picker_for_member(ctx.t, member, units, callback_data.page))


async def member_set_unit(query: CallbackQuery, callback_data: MembersCb, ctx: Ctx) -> None:
    member = await ctx.roster.set_unit(ctx.actor, callback_data.person, callback_data.unit or None)
    await ctx.toast("roster.unit_changed")
    await ctx.show(*member_card(ctx.t, member, callback_data.page))


async def member_remove_ask(query: CallbackQuery, callback_data: MembersCb, ctx: Ctx) -> None:
    t = ctx.t
    member = await ctx.roster.member(ctx.actor, callback_data.person)
    yes = callback_data.model_copy(update={"action": "remove_ok"})
    await ctx.show(
        t("roster.confirm_remove", name=member.display_name, role=role_name(t, member.role)),
        confirm_keyboard(t, yes, _back(callback_data)),
    )


async def member_remove(query: CallbackQuery, callback_data: MembersCb, ctx: Ctx) -> None:
    removed = await ctx.roster.remove(ctx.actor, callback_data.person)
    members = await ctx.roster.members(ctx.actor)
    await ctx.toast("roster.removed", name=removed.display_name)
    await ctx.show(*members_card(ctx.t, members, callback_data.page))
    await clear_menu(ctx, removed)


def _back(callback_data: MembersCb) -> MembersCb:
    """Back to the member's card, on the page it was opened from: a question's "cancel"."""
    return MembersCb(action="open", person=callback_data.person, page=callback_data.page)


async def refresh_menu(ctx: Ctx, member: MemberView) -> None:
    """The person's own command list: the union of their roles (cl. 7); nothing for someone
    who has not joined the bot."""
    if member.person.telegram_id is None:
        return
    standing = Standing(
        role=member.role,
        is_admin=member.person.telegram_id in ctx.app.settings.admin_ids,
        extra_roles=member.extra_roles,
    )
    locale = member.person.locale(ctx.app.settings.default_locale)
    await apply_person_commands(
        ctx.bot, member.person.telegram_id, standing, locale, home=ctx.app.webapp_link("/home")
    )


async def clear_menu(ctx: Ctx, member: MemberView) -> None:
    """Someone taken out of the roster: back to the menu of someone outside it."""
    if member.person.telegram_id is None:
        return
    locale = member.person.locale(ctx.app.settings.default_locale)
    await apply_person_commands(
        ctx.bot,
        member.person.telegram_id,
        Standing(role=None),
        locale,
        home=ctx.app.webapp_link("/home"),
    )


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = section_router(
        "roster",
        Capability.MANAGE_ROSTER,
        section="members",
        command=members_command,
        button=members_page,
    )
    on_buttons(
        r,
        MembersCb,
        {
            "page": members_page,
            "open": member_open,
            "roles": member_roles,
            "setrole": member_set_role,
            "setrole_ok": member_set_role,
            "units": member_units,
            "setunit": member_set_unit,
            "remove": member_remove_ask,
            "remove_ok": member_remove,
        },
    )
    return r
