"""E-mail addresses on the roster (issue #18 item 3): the secretariat sets or clears a
member's address from the member's card and a unit's from the unit's card."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message

from bot.callbacks import EmailCb
from bot.dialogs import EmailDialog
from bot.domain.roles import Capability
from bot.filters import HasCapability, Inline, NotCommand, on_buttons, private_router
from bot.services.errors import InvalidInput
from bot.update_context import Ctx
from bot.views.email import ask_person_email, ask_unit_email
from bot.views.roster import member_card, unit_card


async def _ask(ctx: Ctx, data: dict[str, int], reason: str | None = None) -> None:
    """The question for the address being typed, after the refusal's reason if any."""
    if "unit" in data:
        unit = await ctx.roster.unit(ctx.actor, data["unit"])
        text, keyboard = ask_unit_email(ctx.t, unit.name, unit.email, unit.id)
    else:
        member = await ctx.roster.member(ctx.actor, data["person"])
        text, keyboard = ask_person_email(
            ctx.t, member.display_name, member.person.email, member.person.id, data["page"]
        )
    if reason is not None:
        await ctx.send(ctx.t(reason) + "\n\n" + text, keyboard)
    else:
        await ctx.show(text, keyboard)


async def ask_person(query: CallbackQuery, callback_data: EmailCb, ctx: Ctx) -> None:
    data = {"person": callback_data.person, "page": callback_data.page}
    await ctx.roster.member(ctx.actor, callback_data.person)  # refuses a stale card
    await ctx.state.set_state(EmailDialog.address)
    await ctx.state.set_data(data)
    await _ask(ctx, data)


async def ask_unit(query: CallbackQuery, callback_data: EmailCb, ctx: Ctx) -> None:
    data = {"unit": callback_data.unit}
    await ctx.roster.unit(ctx.actor, callback_data.unit)
    await ctx.state.set_state(EmailDialog.address)
    await ctx.state.set_data(data)
    await _ask(ctx, data)


async def clear_person(query: CallbackQuery, callback_data: EmailCb, ctx: Ctx) -> None:
    member = await ctx.email_addresses.set_person(ctx.actor, callback_data.person, None)
    await ctx.state.clear()
    await ctx.toast("email.cleared")
    await ctx.show(*member_card(ctx.t, member, callback_data.page))


async def clear_unit(query: CallbackQuery, callback_data: EmailCb, ctx: Ctx) -> None:
    unit = await ctx.email_addresses.set_unit(ctx.actor, callback_data.unit, None)
    await ctx.state.clear()
    await ctx.toast("email.cleared")
    await ctx.show(*unit_card(ctx.t, unit))


async def typed(message: Message, ctx: Ctx) -> None:
    assert message.text is not None
    data = await ctx.state.get_data()
    try:
        if "unit" in data:
            unit = await ctx.email_addresses.set_unit(ctx.actor, data["unit"], message.text)
            address, card = unit.email, unit_card(ctx.t, unit)
        else:
            member = await ctx.email_addresses.set_person(ctx.actor, data["person"], message.text)
            address = member.person.email
            card = member_card(ctx.t, member, int(data.get("page", 0)))
    except InvalidInput as bad:
        await _ask(ctx, data, bad.key)
        return
    await ctx.state.clear()
    text, keyboard = card
    await ctx.send(ctx.t("email.saved", address=address) + "\n\n" + text, keyboard)


async def not_text(message: Message, ctx: Ctx) -> None:
    await _ask(ctx, await ctx.state.get_data(), "errors.text_expected")


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("email_addresses", HasCapability(Capability.MANAGE_ROSTER))
    r.callback_query.filter(HasCapability(Capability.MANAGE_ROSTER))
    on_buttons(
        r,
        EmailCb,
        {"person": ask_person, "pclear": clear_person, "unit": ask_unit, "uclear": clear_unit},
    )
    r.message.register(typed, StateFilter(EmailDialog.address), Inline(F.text))
    r.message.register(not_text, StateFilter(EmailDialog.address), NotCommand())
    return r
