"""Invitations for the secretariat and administrators: /invite, then role, unit and name."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message

from bot.callbacks import InviteCb
from bot.dialogs import InviteDialog
from bot.domain.roles import Capability
from bot.domain.roster import roster_role
from bot.filters import Inline, NotCommand, on_buttons, section_router
from bot.services.errors import InvalidInput, NeedsConfirmation
from bot.services.invites import INVITE_PREFIX
from bot.update_context import Ctx
from bot.views.invites import (
    confirm_replace,
    created_card,
    invites_card,
    name_prompt,
    role_choice,
    unit_choice,
)


async def invite_list(event: Message | CallbackQuery, ctx: Ctx) -> None:
    """/invite, the menu's section and "back": the pending invitations; a dialog under way
    is dropped."""
    await ctx.state.clear()
    await ctx.show(*invites_card(ctx.t, await ctx.invites.pending(ctx.actor)))


async def invite_new(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.show(*role_choice(ctx.t))


async def invite_role(query: CallbackQuery, callback_data: InviteCb, ctx: Ctx) -> None:
    role = roster_role(callback_data.role)
    if role is None:
        await ctx.toast("errors.stale", alert=True)
        return
    await ctx.show(*unit_choice(ctx.t, role, await ctx.roster.units(ctx.actor)))


async def invite_unit(query: CallbackQuery, callback_data: InviteCb, ctx: Ctx) -> None:
    role = roster_role(callback_data.role)
    if role is None:
        await ctx.toast("errors.stale", alert=True)
        return
    unit_id = callback_data.unit or None
    if unit_id is not None:
        await ctx.roster.unit(ctx.actor, unit_id)
    await ctx.state.set_state(InviteDialog.full_name)
    await ctx.state.set_data({"role": role.value, "unit": unit_id})
    await ctx.show(*name_prompt(ctx.t))


async def invite_without_name(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.state.update_data(name=None)
    await _press_create(ctx, confirmed=False)


async def invite_confirmed(query: CallbackQuery, ctx: Ctx) -> None:
    await _press_create(ctx, confirmed=True)


async def _press_create(ctx: Ctx, *, confirmed: bool) -> None:
    # The press is answered before the invitation is made, as it always was: a refusal
    # from the service then reads as a message under the card, not as an alert.
    await ctx.answer()
    await ctx.show(*await _create_or_ask(ctx, confirmed=confirmed))


async def invite_name(message: Message, ctx: Ctx) -> None:
    assert message.text is not None
    try:
        await ctx.state.update_data(name=message.text)
        text, keyboard = await _create_or_ask(ctx)
    except InvalidInput as bad:
        # The same question again, with the reason; earlier answers are kept.
        await ctx.state.update_data(name=None)
        await _ask_name_again(ctx, ctx.t(bad.key, **bad.params))
        return
    await ctx.send(text, keyboard)


async def invite_name_not_text(message: Message, ctx: Ctx) -> None:
    await _ask_name_again(ctx, ctx.t("errors.text_expected"))


async def _ask_name_again(ctx: Ctx, reason: str) -> None:
    prompt, keyboard = name_prompt(ctx.t)
    await ctx.send(reason + "\n\n" + prompt, keyboard)


async def invite_revoke(query: CallbackQuery, callback_data: InviteCb, ctx: Ctx) -> None:
    await ctx.invites.revoke(ctx.actor, callback_data.invite)
    pending = await ctx.invites.pending(ctx.actor)
    await ctx.toast("invites.revoked_ok")
    await ctx.show(*invites_card(ctx.t, pending))


async def _create_or_ask(ctx: Ctx, *, confirmed: bool = False) -> tuple[str, Any]:
    t = ctx.t
    data = await ctx.state.get_data()
    role = roster_role(str(data.get("role", "")))
    if role is None:
        await ctx.state.clear()
        return t("errors.stale"), None
    try:
        invite = await ctx.invites.create(
            ctx.actor,
            role=role,
            unit_id=data.get("unit"),
            full_name=data.get("name"),
            confirmed=confirmed,
        )
    except NeedsConfirmation as ask:
        await ctx.state.set_state(InviteDialog.confirm)
        return confirm_replace(t, ask.params["holder"], role)
    await ctx.state.clear()
    return created_card(t, invite, ctx.app.deep_link(INVITE_PREFIX + invite.code))


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = section_router(
        "invites", Capability.MANAGE_ROSTER, section="invites", command=invite_list, slash="invite"
    )
    on_buttons(
        r,
        InviteCb,
        {
            "list": invite_list,
            "new": invite_new,
            "role": invite_role,
            "unit": invite_unit,
            "revoke": invite_revoke,
        },
    )
    # The dialog's steps: only while it is at that step.
    asking_name = StateFilter(InviteDialog.full_name)
    r.callback_query.register(
        invite_without_name, InviteCb.filter(F.action == "noname"), asking_name
    )
    r.message.register(invite_name, asking_name, Inline(F.text))
    r.message.register(invite_name_not_text, asking_name, NotCommand())
    r.callback_query.register(
        invite_confirmed, InviteCb.filter(F.action == "confirm"), StateFilter(InviteDialog.confirm)
    )
    return r
